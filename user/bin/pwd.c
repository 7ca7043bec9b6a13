/* pwd: print the current working directory (getcwd). */
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "ulib.h"

int main(int argc, char **argv)
{
	char buf[PATH_MAX];

	(void)argc;
	ul_setprogname(argv[0]);
	if (!getcwd(buf, sizeof buf))
		ul_dieerr(1, "getcwd");
	puts(buf);
	return 0;
}
