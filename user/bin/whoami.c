/*
 * whoami: print the name of the effective user (from /etc/passwd), or
 * its number when the file has no entry for it.
 */
#include <stdio.h>
#include <unistd.h>

#include "ulib.h"

int main(int argc, char **argv)
{
	ul_setprogname(argv[0]);
	if (argc > 1)
		ul_die(2, "usage: whoami");
	unsigned euid = geteuid();
	const ul_user_t *u = ul_user_by_uid(euid);
	if (u)
		printf("%s\n", u->name);
	else
		printf("%u\n", euid);
	return 0;
}
