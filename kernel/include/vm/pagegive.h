/* Zero-copy page giving (kernel/vm/pagegive.c): mos_page_give hands a
 * page-aligned range of the caller's private anonymous memory to another
 * process, at an address inside a private anonymous mapping that the
 * receiver made for the purpose (its "landing" area).  The receiver's
 * range then holds the giver's data, already mapped (no fault on first
 * access); no byte is copied.  doc/api.md gives the full contract. */
#pragma once
#include "util/types.h"

#define MOS_GIVE_MOVE 0x1u	/* the giver gives its pages up: its range reads zeros */
#define MOS_GIVE_FLAGS MOS_GIVE_MOVE

/* Gives [src, src+len) of the caller's address space to process pid at
 * [dst, dst+len).  0, or -EINVAL (flags, alignment, len 0, not private
 * anonymous memory on either side, a range across two mappings, pid is
 * the caller), -EFAULT (a range not mapped, unreadable, or outside user
 * space), -ESRCH (no such live process), -EPERM (the caller may not
 * signal it), -ENOMEM. */
int vm_page_give(int pid, uint32_t src, uint32_t len, uint32_t dst, uint32_t flags);
