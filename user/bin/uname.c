/*
 * uname [-asnrvm]: print system information from uname(2): -s kernel
 * name (the default), -n node name, -r release, -v version, -m machine,
 * -a all of them, always in that order.
 */
#include <stdio.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "ulib.h"

enum { F_SYS = 1, F_NODE = 2, F_REL = 4, F_VER = 8, F_MACH = 16, F_ALL = 31 };

int main(int argc, char **argv)
{
	struct utsname u;
	const char *fields[5];
	int opt, i, which = 0, first = 1;

	ul_setprogname(argv[0]);
	while ((opt = getopt(argc, argv, "asnrvm")) != -1) {
		switch (opt) {
		case 'a': which |= F_ALL; break;
		case 's': which |= F_SYS; break;
		case 'n': which |= F_NODE; break;
		case 'r': which |= F_REL; break;
		case 'v': which |= F_VER; break;
		case 'm': which |= F_MACH; break;
		default: ul_die(1, "usage: uname [-asnrvm]");
		}
	}
	if (optind < argc)
		ul_die(1, "usage: uname [-asnrvm]");
	if (!which)
		which = F_SYS;
	if (uname(&u) < 0)
		ul_dieerr(1, "uname");
	fields[0] = u.sysname;
	fields[1] = u.nodename;
	fields[2] = u.release;
	fields[3] = u.version;
	fields[4] = u.machine;
	for (i = 0; i < 5; i++) {
		if (!(which & (1 << i)))
			continue;
		printf("%s%s", first ? "" : " ", fields[i]);
		first = 0;
	}
	putchar('\n');
	return 0;
}
