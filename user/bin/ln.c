/*
 * ln [-s] [-f] TARGET LINK, or ln [-s] [-f] TARGET... DIR: make hard links
 * (or, with -s, symbolic links holding TARGET's text).  When the last
 * operand is a directory the links go inside it under TARGET's base name.
 * -f removes an existing LINK first.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ulib.h"

static int symbolic, force;

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int link_one(const char *target, const char *name)
{
	int r;

	if (force && unlink(name) < 0 && errno != ENOENT) {
		ul_warnerr("%s", name);
		return 1;
	}
	r = symbolic ? symlink(target, name) : link(target, name);
	if (r < 0) {
		ul_warnerr("%s -> %s", name, target);
		return 1;
	}
	return 0;
}

static int link_into(const char *target, const char *dir)
{
	char *copy = strdup(target);
	char *path;
	int status;

	if (!copy || asprintf(&path, "%s/%s", dir, basename(copy)) < 0)
		ul_die(1, "out of memory");
	status = link_one(target, path);
	free(path);
	free(copy);
	return status;
}

int main(int argc, char **argv)
{
	int opt, i, nops, status = 0;
	const char *last;

	ul_setprogname(argv[0]);
	while ((opt = getopt(argc, argv, "sf")) != -1) {
		if (opt == 's')
			symbolic = 1;
		else if (opt == 'f')
			force = 1;
		else
			ul_die(1, "usage: ln [-sf] TARGET LINK | TARGET... DIR");
	}
	nops = argc - optind;
	if (nops < 1)
		ul_die(1, "usage: ln [-sf] TARGET LINK | TARGET... DIR");
	if (nops == 1)
		return link_into(argv[optind], ".");
	last = argv[argc - 1];
	if (nops == 2 && !is_dir(last))
		return link_one(argv[optind], last);
	if (!is_dir(last))
		ul_die(1, "%s: not a directory", last);
	for (i = optind; i < argc - 1; i++)
		status |= link_into(argv[i], last);
	return status;
}
