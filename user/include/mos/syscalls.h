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

#include <stdint.h>

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

/*
 * mos_meminfo(struct mos_meminfo *out, unsigned flags): kernel memory
 * counters, for leak checks (user/tests/os/runall compares two readings
 * around the test suites).  With MOS_MEMINFO_DROP_CACHES the kernel
 * first writes back and evicts its caches, so that free-frame counts
 * taken at different times are comparable.  self_frames is what the
 * caller's own address space holds (its private pages, page tables and
 * page directory): frames_free + self_frames is unchanged by the caller
 * growing, so a leak check can run inside a live process.  slab_frames
 * are the frames the kernel's slab caches hold: they move with
 * fragmentation while the number of objects stays the same.
 * syscalls counts (mod 2^32) the system calls run since boot, by any
 * entry; sysenter_calls those entered through sysenter (the vDSO's
 * __kernel_vsyscall).  Returns 0; EFAULT for a bad
 * pointer, EINVAL for unknown flags, ENOSYS on kernels without it (Linux).
 */
#define MOS_SYS_meminfo (MOS_SYS_BASE + 1)
struct mos_meminfo {
	uint32_t frames_free, frames_total, slab_objects, processes, threads,
		 vnodes, pframes, self_frames, slab_frames;
	uint32_t syscalls, sysenter_calls;
};
#define MOS_MEMINFO_DROP_CACHES 1	/* write back and evict caches first, so free frames are comparable */

/*
 * mos_page_give(pid_t pid, void *src, size_t len, void *dst, unsigned flags):
 * zero-copy handoff of the caller's private anonymous pages [src,
 * src+len) to process pid at [dst, dst+len), which must lie in one
 * private anonymous mapping of pid's (its landing area).  mos/pagegive.h
 * has the wrapper and the whole contract; doc/api.md too.
 */
#define MOS_SYS_page_give (MOS_SYS_BASE + 2)
#define MOS_GIVE_MOVE 1		/* the giver gives its pages up: its range reads zeros */

#endif /* MOS_SYSCALLS_H */
