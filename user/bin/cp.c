/*
 * cp [-r] SRC DST, or cp [-r] SRC... DIR: copy files (with their
 * permission bits).  When the last operand is a directory the copies go
 * inside it.  -r copies directories and what they hold, keeping symbolic
 * links as links; without -r, links are followed and directories skipped.
 */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ulib.h"

static int recursive;

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int copy_into(const char *src, const char *dir)
{
	char *copy = strdup(src);
	char *path;
	int status;

	if (!copy || asprintf(&path, "%s/%s", dir, basename(copy)) < 0)
		ul_die(1, "out of memory");
	status = ul_copy_path(src, path, recursive) < 0;
	free(path);
	free(copy);
	return status;
}

int main(int argc, char **argv)
{
	int opt, i, nops, status = 0;
	const char *last;

	ul_setprogname(argv[0]);
	while ((opt = getopt(argc, argv, "rR")) != -1) {
		if (opt != 'r' && opt != 'R')
			ul_die(1, "usage: cp [-r] SRC DST | SRC... DIR");
		recursive = 1;
	}
	nops = argc - optind;
	if (nops < 2)
		ul_die(1, "usage: cp [-r] SRC DST | SRC... DIR");
	last = argv[argc - 1];
	if (nops == 2 && !is_dir(last))
		return ul_copy_path(argv[optind], last, recursive) < 0;
	if (!is_dir(last))
		ul_die(1, "%s: not a directory", last);
	for (i = optind; i < argc - 1; i++)
		status |= copy_into(argv[i], last);
	return status;
}
