/*
 * M-OS extension system calls (DESIGN.md decision 5).
 *
 * M-OS implements the Linux i386 system-call ABI; the calls that Linux has
 * no equivalent for get numbers from MOS_SYS_BASE (1000) up, far above
 * Linux's table, so a static binary that tries one on Linux just gets
 * ENOSYS.  Call them with glibc's syscall(2):
 *
 *     long n = syscall(MOS_SYS_ps, buf, size);
 *
 * Like every M-OS call, they return a negative errno in %eax on failure,
 * which syscall() turns into -1 with errno set.
 */
#ifndef MOS_SYSCALLS_H
#define MOS_SYSCALLS_H

#define MOS_SYS_BASE 1000

/*
 * mos_ps(char *buf, size_t size): the process table as text, M-OS's
 * replacement for /proc.  Fills buf with a header line followed by one
 * line per process (columns at the kernel's choice, at least PID, PPID,
 * state and name), each ending in '\n', with no terminating NUL.
 * Returns the number of bytes written.  Errors: EFAULT for a bad buffer,
 * ERANGE if the text does not fit in size bytes (the caller retries with a
 * bigger buffer), ENOSYS on kernels without it (Linux).
 */
#define MOS_SYS_ps (MOS_SYS_BASE + 0)

#endif /* MOS_SYSCALLS_H */
