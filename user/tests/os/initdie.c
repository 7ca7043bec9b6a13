/*
 * initdie: a first program for the power-off step of tools/run-tests.sh
 * (M-OS only).  Booted as init=/tests/initdie PATH TEXT HOW, it writes
 * TEXT and a newline to PATH (created or truncated; no fsync, so the data
 * is only in the page cache), then ends HOW: "kill" (SIGKILL), "segv" (a
 * fault: SIGSEGV), or a number (exit with that status).  The kernel must
 * write the file back and mark the disk clean before it powers off; the
 * runner checks the image afterwards.
 *
 * Not named t_*, so runall does not run it.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define USAGE "usage: initdie PATH TEXT kill|segv|STATUS\n"

int main(int argc, char **argv)
{
	if (argc != 4) {
		fputs(USAGE, stderr);
		return 2;
	}
	int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	size_t len = strlen(argv[2]);
	if (write(fd, argv[2], len) != (ssize_t)len || write(fd, "\n", 1) != 1) {
		perror("write");
		return 1;
	}
	close(fd);
	printf("initdie: wrote %s; ending with %s\n", argv[1], argv[3]);
	fflush(stdout);
	if (strcmp(argv[3], "kill") == 0)
		kill(getpid(), SIGKILL);
	if (strcmp(argv[3], "segv") == 0)
		*(volatile int *)0 = 1;
	return atoi(argv[3]);
}
