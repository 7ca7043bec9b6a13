/*
 * ps: list the processes.  M-OS has no /proc; the kernel hands out the
 * process table as text through its extension call mos_ps
 * (user/include/mos/syscalls.h), or, failing that, the device /dev/ps.
 * ps prints the text as it comes.  On Linux both are missing and ps says
 * "ps: not supported".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <mos/syscalls.h>

#include "ulib.h"

#define PS_BUF_START 4096
#define PS_BUF_MAX   (1 << 20)

/* 0 when printed, -1 with errno set otherwise. */
static int ps_syscall(void)
{
	size_t size;

	for (size = PS_BUF_START; size <= PS_BUF_MAX; size *= 2) {
		char *buf = malloc(size);
		long n;

		if (!buf)
			ul_die(1, "out of memory");
		n = syscall(MOS_SYS_ps, buf, size);
		if (n >= 0) {
			if (ul_write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
				ul_dieerr(1, "write");
			free(buf);
			return 0;
		}
		free(buf);
		if (errno != ERANGE)
			return -1;
	}
	return -1;
}

static int ps_device(void)
{
	int fd = open("/dev/ps", O_RDONLY);

	if (fd < 0)
		return -1;
	if (ul_copy_fd(fd, STDOUT_FILENO) < 0)
		ul_dieerr(1, "/dev/ps");
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	(void)argc;
	ul_setprogname(argv[0]);
	if (ps_syscall() == 0)
		return 0;
	if (errno != ENOSYS)
		ul_dieerr(1, "mos_ps");
	if (ps_device() == 0)
		return 0;
	ul_die(1, "not supported");
}
