/*
 * env [-i] [NAME=VALUE...] [COMMAND [ARG...]]: print the environment, or
 * run COMMAND (searched in PATH) in a modified one.  -i starts empty.
 * COMMAND is started with mos_execvp (mos/exec.h), so that it also runs
 * where i386 programs go through qemu-i386.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mos/exec.h"
#include "ulib.h"

extern char **environ;

int main(int argc, char **argv)
{
	int i = 1;
	char **e;

	ul_setprogname(argv[0]);
	if (i < argc && strcmp(argv[i], "-i") == 0) {
		clearenv();
		i++;
	}
	for (; i < argc && strchr(argv[i], '='); i++)
		if (putenv(argv[i]) != 0)
			ul_dieerr(125, "%s", argv[i]);
	if (i == argc) {
		for (e = environ; e && *e; e++)
			puts(*e);
		return 0;
	}
	mos_execvp(argv[i], argv + i);
	ul_warnerr("%s", argv[i]);
	return errno == ENOENT ? 127 : 126;
}
