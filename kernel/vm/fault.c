/*
 * The user page-fault path: demand paging and copy-on-write.
 *
 * A fault finds the vmarea, checks the access against the area's
 * protection, and asks the area's object (through the shadow chain for
 * private areas) for the page:
 *   - write to a private area: the page of the top object, which the
 *     shadow's fill copies from below if needed -- copy-on-write;
 *   - read: the page from wherever in the chain it is;
 *   - shared areas: the object's own page.
 * Pages are mapped writable only by a write fault, after pframe_dirty,
 * so the page cache always knows which pages user code may have changed;
 * a read fault maps read-only and a later write faults again.
 *
 * Each user PTE holds one pin on its pframe; the frame's owner word
 * points back at the pframe (tagged FRAME_OWNER_PFRAME) so unmapping can
 * find it from the PTE alone.  map->lock serialises faults of one address
 * space; it is a kmutex because filling a page may sleep on the disk.
 */
#include "vm/fault.h"
#include "vm/vmmap.h"
#include "vm/vmobj.h"
#include "mm/frame.h"
#include "mm/page.h"
#include "mm/pframe.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "util/debug.h"
#include "util/errno.h"

static pframe_t *pframe_of_frame(paddr_t pa)
{
	uintptr_t owner = frame_owner(pa_to_kva(pa));
	if ((owner & FRAME_OWNER_TAG_MASK) != FRAME_OWNER_PFRAME)
		return NULL;
	return (pframe_t *)(owner & ~(uintptr_t)FRAME_OWNER_PFRAME);
}

void vm_unmap_one(pde_t *pd, uint32_t va)
{
	paddr_t pa;
	uint32_t flags;
	if (!pt_lookup(pd, va, &pa, &flags))
		return;
	pt_unmap(pd, va);
	pframe_t *pf = pframe_of_frame(PAGE_ALIGN_DOWN(pa));
	if (!pf)
		return;
	if (flags & PTE_DIRTY)
		pframe_dirty(pf);	/* the page is resident: cannot fail */
	pframe_unpin(pf);
}

static bool access_allowed(const vmarea_t *a, bool write)
{
	if (write)
		return a->prot & PROT_WRITE;
	return a->prot & (PROT_READ | PROT_EXEC | PROT_WRITE);
}

int vm_handle_fault(uint32_t addr, uint32_t error_code)
{
	proc_t *p = curproc;
	vmmap_t *map = p->vmmap;
	bool write = error_code & PF_ERR_WRITE;
	int rc = -EFAULT;

	if (!map || addr >= USER_END)
		return -EFAULT;
	kmutex_lock(&map->lock);
	vmarea_t *a = vmmap_lookup(map, PN(addr));
	if (!a || !access_allowed(a, write))
		goto out;

	uint32_t pagenum = a->off + (PN(addr) - a->start);
	pframe_t *pf;
	bool in_top = true;
	if ((a->flags & MAP_PRIVATE) && !write)
		rc = vm_chain_get(a->obj, pagenum, &pf, &in_top);
	else
		rc = pframe_get(a->obj, pagenum, &pf);
	if (rc < 0)
		goto out;
	if (write && (rc = pframe_dirty(pf)) < 0) {
		pframe_unpin(pf);
		goto out;
	}
	uint32_t va = PAGE_ALIGN_DOWN(addr);
	vm_unmap_one(map->pd, va);	/* a read-only mapping being upgraded */
	frame_set_owner(pf->pf_addr, (uintptr_t)pf | FRAME_OWNER_PFRAME);
	rc = pt_map(map->pd, va, kva_to_pa(pf->pf_addr),
		    PTE_USER | (write ? PTE_WRITE : 0));
	if (rc < 0)
		pframe_unpin(pf);	/* no page table: -ENOMEM */
out:
	kmutex_unlock(&map->lock);
	return rc;
}
