/*
 * echo [-n] [ARG...]: print the arguments separated by spaces and
 * followed by a newline (none with -n).  No escape sequences.
 */
#include <stdio.h>
#include <string.h>

#include "ulib.h"

int main(int argc, char **argv)
{
	int i = 1, newline = 1;

	ul_setprogname(argv[0]);
	if (i < argc && strcmp(argv[i], "-n") == 0) {
		newline = 0;
		i++;
	}
	for (; i < argc; i++) {
		fputs(argv[i], stdout);
		if (i + 1 < argc)
			putchar(' ');
	}
	if (newline)
		putchar('\n');
	if (fflush(stdout) != 0)
		ul_dieerr(1, "write");
	return 0;
}
