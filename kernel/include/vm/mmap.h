/* mmap, munmap, mprotect and brk on an address space (kernel/vm/mmap.c).
 * The system-call layer resolves descriptors to memory objects; these
 * functions know only objects and page ranges.  All take map->lock. */
#pragma once
#include "util/types.h"
#include "vm/vmmap.h"

/* Maps len bytes (rounded up to pages) of obj from page pgoff, or fresh
 * anonymous memory when obj is NULL.  addr is a hint unless MAP_FIXED
 * (then it must be page aligned and whatever was there is unmapped first;
 * MAP_FIXED_NOREPLACE fails with -EEXIST instead).  Returns the address
 * or a negative errno: -EINVAL, -ENOMEM, -EEXIST. */
long vm_mmap(vmmap_t *map, uint32_t addr, uint32_t len, uint32_t prot, uint32_t flags,
	     mmobj_t *obj, uint32_t pgoff);
/* vm_mmap's results are addresses up to 0xBFFFF000, which are negative
 * as a long: an error is a value in [-4095, -1], as in Linux. */
#define VM_MAX_ERRNO 4095
static inline bool vm_mmap_failed(long rc)
{
	return (unsigned long)rc >= (unsigned long)-VM_MAX_ERRNO;
}

int vm_munmap(vmmap_t *map, uint32_t addr, uint32_t len);
int vm_mprotect(vmmap_t *map, uint32_t addr, uint32_t len, uint32_t prot);
/* msync: with MS_SYNC, writes back the files that shared mappings in the
 * range map (data and metadata).  0, -EINVAL (flags, alignment), or
 * -ENOMEM when part of the range is not mapped (the rest is synced). */
int vm_msync(vmmap_t *map, uint32_t addr, uint32_t len, uint32_t flags);
/* Sets the break (0: query); returns the new break, or the old one if it
 * cannot move (as Linux's brk). */
uint32_t vm_brk(vmmap_t *map, uint32_t new_brk);
