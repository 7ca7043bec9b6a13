/*
 * mos_page_give: M-OS's zero-copy handoff of pages to another process
 * (kernel/vm/pagegive.c; doc/api.md), with a wrapper that needs no libc:
 * it makes the system call itself (int $0x80) and returns 0 or a
 * negative errno, so it can sit on any fast path.
 *
 *   long mos_page_give(pid_t pid, void *src, size_t len, void *dst,
 *                      unsigned flags);
 *
 * The caller's [src, src+len) -- page aligned, within one private
 * anonymous mapping -- is given to process pid at [dst, dst+len), which
 * must lie within one private anonymous mapping of pid's (a landing area
 * it made, e.g. with mmap(PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS)
 * and told the giver about).  Whatever pid had there is replaced; the
 * pages arrive mapped.  Nothing is copied:
 *  - flags 0: copy-on-write.  Both sides keep seeing the data; each
 *    side's later stores are its own (the first store to a page copies
 *    that one page).
 *  - MOS_GIVE_MOVE: the giver gives the pages up; its range stays mapped
 *    and reads zeros.  When neither side's mapping is shared with a
 *    forked relative the frames simply change owner (MosPagesMoved in
 *    /proc/meminfo counts them); otherwise they are shared copy-on-write.
 * The pages are the receiver's own from then on: they are freed when it
 * unmaps them or dies, whatever the giver does.
 *
 * Errors: -EINVAL (unknown flags, an unaligned address or length, len 0,
 * shared or file-backed memory, a range across two mappings, pid is the
 * caller), -EFAULT (a range not mapped, unreadable, or outside user
 * space), -ESRCH (no such process), -EPERM (the caller may not signal
 * pid), -ENOMEM, and -ENOSYS on kernels without it (Linux).
 */
#ifndef MOS_PAGEGIVE_H
#define MOS_PAGEGIVE_H

#include <stddef.h>
#include <sys/types.h>

#include "mos/syscalls.h"

static inline long mos_page_give(pid_t pid, void *src, size_t len, void *dst,
				 unsigned flags)
{
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "0"(MOS_SYS_page_give), "b"(pid), "c"(src), "d"(len),
			   "S"(dst), "D"(flags)
			 : "memory");
	return ret;
}

#endif /* MOS_PAGEGIVE_H */
