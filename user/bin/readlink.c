/* readlink LINK...: print the target of each symbolic link. */
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "ulib.h"

int main(int argc, char **argv)
{
	char target[PATH_MAX];
	int i, status = 0;

	ul_setprogname(argv[0]);
	if (argc < 2)
		ul_die(1, "usage: readlink LINK...");
	for (i = 1; i < argc; i++) {
		ssize_t n = readlink(argv[i], target, sizeof target - 1);

		if (n < 0) {
			ul_warnerr("%s", argv[i]);
			status = 1;
			continue;
		}
		target[n] = '\0';
		puts(target);
	}
	return status;
}
