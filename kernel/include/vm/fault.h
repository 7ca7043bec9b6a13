/* Page faults on user addresses (kernel/vm/fault.c). */
#pragma once
#include "util/types.h"

struct vmmap;
struct pframe;

/* Page-fault error code bits (Intel SDM vol. 3, 4.7). */
#define PF_ERR_PRESENT 0x1u
#define PF_ERR_WRITE 0x2u
#define PF_ERR_USER 0x4u

/* Resolves a fault at user address addr in the current process: demand
 * paging and copy-on-write.  0 when the access may be retried, -EFAULT
 * when the address is not mapped or the access is not allowed (SIGSEGV),
 * -ENOMEM when memory ran out (the process is killed), any other error
 * (-ENXIO past the end of a file, -EIO from the disk) is SIGBUS. */
int vm_handle_fault(uint32_t addr, uint32_t error_code);
/* The core of a fault, for any address space (map->lock held): checks
 * addr against its area and maps the page as a user access of that kind
 * would.  0, with the page pinned in *keep when keep is not NULL (a
 * mapping alone does not keep a page resident); -EAGAIN when the page
 * changed meanwhile (try again); or vm_handle_fault's errors. */
int vm_fault_page(struct vmmap *map, uint32_t addr, bool write, struct pframe **keep);
