/*
 * mkdir [-p] DIR...: make directories.  -p makes missing parents too and
 * is quiet about directories that already exist.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ulib.h"

#define DIR_MODE 0777	/* less the umask, as usual */

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Make every prefix of path that ends just before a '/', then path. */
static int make_parents(char *path)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/' || p[-1] == '/')
			continue;
		*p = '\0';
		if (mkdir(path, DIR_MODE) < 0 && !(errno == EEXIST && is_dir(path))) {
			ul_warnerr("%s", path);
			*p = '/';
			return 1;
		}
		*p = '/';
	}
	if (mkdir(path, DIR_MODE) < 0 && !(errno == EEXIST && is_dir(path))) {
		ul_warnerr("%s", path);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1, parents = 0, status = 0;

	ul_setprogname(argv[0]);
	if (i < argc && strcmp(argv[i], "-p") == 0) {
		parents = 1;
		i++;
	}
	if (i == argc)
		ul_die(1, "usage: mkdir [-p] DIR...");
	for (; i < argc; i++) {
		if (parents) {
			status |= make_parents(argv[i]);
		} else if (mkdir(argv[i], DIR_MODE) < 0) {
			ul_warnerr("%s", argv[i]);
			status = 1;
		}
	}
	return status;
}
