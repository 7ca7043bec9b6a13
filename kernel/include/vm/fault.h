/* Page faults on user addresses (kernel/vm/fault.c). */
#pragma once
#include "util/types.h"
#include "mm/pagetable.h"

/* Page-fault error code bits (Intel SDM vol. 3, 4.7). */
#define PF_ERR_PRESENT 0x1u
#define PF_ERR_WRITE 0x2u
#define PF_ERR_USER 0x4u

/* Frame owner tag of a page-cache page mapped by user PTEs: the owner
 * word is the pframe's address with this in its two low bits (slab
 * owners are page aligned, a large kmalloc's end in 01). */
#define FRAME_OWNER_PFRAME 0x2u
#define FRAME_OWNER_TAG_MASK 0x3u

/* Resolves a fault at user address addr in the current process: demand
 * paging and copy-on-write.  0 when the access may be retried, -EFAULT
 * when the address is not mapped or the access is not allowed, -ENOMEM
 * when memory ran out. */
int vm_handle_fault(uint32_t addr, uint32_t error_code);
/* Removes the PTE of user page va from pd, dropping its pframe pin (and
 * passing a set dirty bit on to the pframe). */
void vm_unmap_one(pde_t *pd, uint32_t va);
