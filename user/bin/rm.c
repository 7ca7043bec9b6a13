/*
 * rm [-r] [-f] PATH...: remove files; -r removes directories and all they
 * hold; -f is quiet about missing files and succeeds with no operands.
 * "." and ".." are refused, as everywhere.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ulib.h"

static int recursive, force;

static int is_dot_path(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	return strcmp(base, ".") == 0 || strcmp(base, "..") == 0;
}

static int rm_one(const char *path)
{
	struct stat st;

	if (is_dot_path(path)) {
		ul_warn("%s: refusing to remove '.' or '..'", path);
		return 1;
	}
	if (lstat(path, &st) < 0) {
		if (force && errno == ENOENT)
			return 0;
		ul_warnerr("%s", path);
		return 1;
	}
	if (S_ISDIR(st.st_mode)) {
		if (!recursive) {
			ul_warn("%s: is a directory", path);
			return 1;
		}
		return ul_remove_tree(path, force) < 0;
	}
	if (unlink(path) < 0) {
		ul_warnerr("%s", path);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int opt, i, status = 0;

	ul_setprogname(argv[0]);
	while ((opt = getopt(argc, argv, "rRf")) != -1) {
		switch (opt) {
		case 'r':
		case 'R':
			recursive = 1;
			break;
		case 'f':
			force = 1;
			break;
		default:
			ul_die(1, "usage: rm [-rf] PATH...");
		}
	}
	if (optind == argc && !force)
		ul_die(1, "usage: rm [-rf] PATH...");
	for (i = optind; i < argc; i++)
		status |= rm_one(argv[i]);
	return status;
}
