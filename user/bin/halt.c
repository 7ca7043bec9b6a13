/*
 * halt [-r]: flush the file systems and power the machine off (reboot(2)
 * with RB_POWER_OFF, which M-OS turns into QEMU's exit); -r restarts it
 * instead.  Needs the privilege to reboot; prints why when it fails.
 */
#include <string.h>
#include <sys/reboot.h>
#include <unistd.h>

#include "ulib.h"

int main(int argc, char **argv)
{
	int how = RB_POWER_OFF;

	ul_setprogname(argv[0]);
	if (argc == 2 && strcmp(argv[1], "-r") == 0)
		how = RB_AUTOBOOT;
	else if (argc != 1)
		ul_die(1, "usage: halt [-r]");
	sync();
	reboot(how);
	ul_dieerr(1, "reboot");
}
