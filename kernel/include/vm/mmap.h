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
 * or a negative errno: -EINVAL, -ENOMEM, -EEXIST.  mprotect may later
 * grant any protection. */
long vm_mmap(vmmap_t *map, uint32_t addr, uint32_t len, uint32_t prot, uint32_t flags,
	     mmobj_t *obj, uint32_t pgoff);
/* As vm_mmap, but the area may never have more than maxprot (mprotect
 * beyond it is -EACCES, and so is a prot beyond it here): the system call
 * takes PROT_WRITE away for a shared mapping of a file that is not open
 * for writing. */
long vm_mmap_max(vmmap_t *map, uint32_t addr, uint32_t len, uint32_t prot, uint32_t maxprot,
		 uint32_t flags, mmobj_t *obj, uint32_t pgoff);
/* vm_mmap's results are addresses up to 0xBFFFF000, which are negative
 * as a long: an error is a value in [-4095, -1], as in Linux. */
#define VM_MAX_ERRNO 4095
static inline bool vm_mmap_failed(long rc)
{
	return (unsigned long)rc >= (unsigned long)-VM_MAX_ERRNO;
}

/* Where a program's heap starts, as Linux places it with ASLR on 32-bit
 * x86: a random page among the VM_HEAP_RANDOM_RANGE bytes from the first
 * page boundary at or above end (the end of its bss), kept below `below`
 * (the stack's area); without randomize, that first page boundary. */
#define VM_HEAP_RANDOM_RANGE (32u << 20)
uint32_t vm_heap_start(uint32_t end, uint32_t below, bool randomize);
/* Whether exec randomises the heap's start: on, unless the kernel command
 * line says norandmaps (as Linux's).  Set by kmain before the first
 * process; read-only afterwards, so no lock. */
extern bool vm_randomize;

int vm_munmap(vmmap_t *map, uint32_t addr, uint32_t len);
/* -EINVAL (unaligned, unknown bits), -ENOMEM (a hole), -EACCES (beyond
 * an area's maxprot). */
int vm_mprotect(vmmap_t *map, uint32_t addr, uint32_t len, uint32_t prot);
/* msync: with MS_SYNC, writes back the files that shared mappings in the
 * range map (data and metadata).  0, -EINVAL (flags, alignment), or
 * -ENOMEM when part of the range is not mapped (the rest is synced). */
int vm_msync(vmmap_t *map, uint32_t addr, uint32_t len, uint32_t flags);
/* madvise advice values (Linux's). */
#define MADV_NORMAL 0
#define MADV_RANDOM 1
#define MADV_SEQUENTIAL 2
#define MADV_WILLNEED 3
#define MADV_DONTNEED 4
#define MADV_FREE 8
#define MADV_REMOVE 9
#define MADV_DONTFORK 10
#define MADV_DOFORK 11
#define MADV_MERGEABLE 12
#define MADV_UNMERGEABLE 13
#define MADV_HUGEPAGE 14
#define MADV_NOHUGEPAGE 15
#define MADV_DONTDUMP 16
#define MADV_DODUMP 17
#define MADV_WIPEONFORK 18
#define MADV_KEEPONFORK 19
#define MADV_COLD 20
#define MADV_PAGEOUT 21
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
#define MADV_DONTNEED_LOCKED 24
#define MADV_COLLAPSE 25

/* madvise(addr, len, advice) on map, answering as Linux 6.1 built without
 * transparent huge pages, KSM and memory-failure handling would.
 * MADV_DONTNEED (and DONTNEED_LOCKED, and FREE on private anonymous
 * memory) drops the pages (vmmap_dontneed); the other valid advice is
 * checked and then has no effect (doc/syscalls.md).  -EINVAL (unknown
 * advice, unaligned addr, a wrapping range, advice that does not fit an
 * area), -EACCES or -EOPNOTSUPP (MADV_REMOVE), -ENOMEM (part of the range
 * is not mapped: the advice still applies to the rest, as on Linux). */
int vm_madvise(vmmap_t *map, uint32_t addr, uint32_t len, int advice);

/* Sets the break (0: query); returns the new break, or the old one if it
 * cannot move (as Linux's brk): below the heap's start, into another
 * mapping, out of memory or areas, or when unmapping fails. */
uint32_t vm_brk(vmmap_t *map, uint32_t new_brk);
