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
/* Sets the break (0: query); returns the new break, or the old one if it
 * cannot move (as Linux's brk): below the heap's start, into another
 * mapping, out of memory or areas, or when unmapping fails. */
uint32_t vm_brk(vmmap_t *map, uint32_t new_brk);
