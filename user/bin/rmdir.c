/* rmdir DIR...: remove empty directories. */
#include <unistd.h>

#include "ulib.h"

int main(int argc, char **argv)
{
	int i, status = 0;

	ul_setprogname(argv[0]);
	if (argc < 2)
		ul_die(1, "usage: rmdir DIR...");
	for (i = 1; i < argc; i++) {
		if (rmdir(argv[i]) < 0) {
			ul_warnerr("%s", argv[i]);
			status = 1;
		}
	}
	return status;
}
