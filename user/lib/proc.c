/*
 * Process and time wrappers that work on both Linux and a young M-OS.
 *
 * glibc's fork() is clone(CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID |
 * SIGCHLD) and its nanosleep() is clock_nanosleep(CLOCK_REALTIME); a
 * kernel that answers those with ENOSYS still has the classic fork and
 * nanosleep calls, so we retry with them.  (After a raw fork the child's
 * cached thread id is the parent's; none of our programs use it.)
 */
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ulib.h"

pid_t ul_fork(void)
{
	pid_t pid = fork();

	if (pid < 0 && errno == ENOSYS)
		pid = (pid_t)syscall(SYS_fork);
	return pid;
}

int ul_nanosleep(const struct timespec *req, struct timespec *rem)
{
	int r = nanosleep(req, rem);

	if (r < 0 && errno == ENOSYS)
		r = (int)syscall(SYS_nanosleep, req, rem);
	return r;
}
