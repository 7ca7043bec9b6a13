/*
 * mv SRC DST, or mv SRC... DIR: rename files and directories.  When the
 * last operand is a directory the sources move into it.  Across file
 * systems (EXDEV) it copies the tree and removes the original.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ulib.h"

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int move_one(const char *src, const char *dst)
{
	if (rename(src, dst) == 0)
		return 0;
	if (errno != EXDEV) {
		ul_warnerr("%s -> %s", src, dst);
		return 1;
	}
	if (ul_copy_path(src, dst, 1) < 0)
		return 1;
	return ul_remove_tree(src, 0) < 0;
}

static int move_into(const char *src, const char *dir)
{
	char *copy = strdup(src);
	char *path;
	int status;

	if (!copy || asprintf(&path, "%s/%s", dir, basename(copy)) < 0)
		ul_die(1, "out of memory");
	status = move_one(src, path);
	free(path);
	free(copy);
	return status;
}

int main(int argc, char **argv)
{
	const char *last;
	int i, status = 0;

	ul_setprogname(argv[0]);
	if (argc < 3)
		ul_die(1, "usage: mv SRC DST | SRC... DIR");
	last = argv[argc - 1];
	if (argc == 3 && !is_dir(last))
		return move_one(argv[1], last);
	if (!is_dir(last))
		ul_die(1, "%s: not a directory", last);
	for (i = 1; i < argc - 1; i++)
		status |= move_into(argv[i], last);
	return status;
}
