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
 * and write-back write-protects them again, so the page cache always
 * knows which pages user code may have changed (mm/pframe.h).  The page
 * cache makes the PTE and records it (pframe_map); a mapping holds no pin.
 *
 * In an area that wants huge pages (vm/huge.h) the first touch of an
 * aligned 4 MiB block maps all of it with one 4 MiB page when it can.
 *
 * When the bottom of the chain is a file, the fault runs inside the
 * file's fault_begin/fault_end bracket: a page wholly past the end of the
 * file is SIGBUS (-ENXIO here), and truncate cannot run between the size
 * check and the mapping (it unmaps what it removes, afterwards).
 *
 * A fault that finds no memory asks the OOM killer (vm/oom.c) to free
 * some by killing the biggest process, and waits for it; only if it is
 * itself the biggest does it fail (-ENOMEM: SIGKILL).
 *
 * map->lock serialises faults and layout changes of one address space;
 * it is a kmutex because filling a page may sleep on the disk.  Lock
 * order: map->lock -> the file's fault bracket (its vn_mutex) -> the
 * page cache.
 */
#include "vm/fault.h"
#include "vm/huge.h"
#include "vm/vmmap.h"
#include "vm/vmobj.h"
#include "mm/page.h"
#include "mm/pframe.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "util/errno.h"
#include "vm/oom.h"

#define VM_OOM_RETRIES 10	/* a fault with no memory is retried ... */
#define VM_OOM_WAIT_MS 10	/* ... this long apart, then it fails */

static mmobj_t *chain_bottom(mmobj_t *o)
{
	while (mmobj_is_shadow(o))
		o = shadow_below(o);
	return o;
}

/* Gets page `pagenum` of area a as the access needs it and maps it at va;
 * with `keep`, the page also comes back pinned in *keep.  -EAGAIN: the
 * page changed under us (removed, or cleaned before it was mapped
 * writable); the caller tries again. */
static int map_one(vmmap_t *map, vmarea_t *a, uint32_t pagenum, uint32_t va, bool write,
		   pframe_t **keep)
{
	pframe_t *pf;
	bool in_top;
	int rc;
	if ((a->flags & MAP_PRIVATE) && !write)
		rc = vm_chain_get(a->obj, pagenum, &pf, &in_top);
	else
		rc = pframe_get(a->obj, pagenum, &pf);
	if (rc < 0)
		return rc;
	if (write)
		rc = pframe_dirty(pf);
	if (rc == 0)
		rc = pframe_map(pf, map->pd, va, write);
	if (rc == 0 && keep)
		*keep = pf;
	else
		pframe_unpin(pf);
	return rc;
}

int vm_fault_page(vmmap_t *map, uint32_t addr, bool write, pframe_t **keep)
{
	vmarea_t *a = vmmap_lookup(map, PN(addr));
	if (!a || !vmarea_allows(a, write))
		return -EFAULT;
	if (!keep && vm_huge_wanted(a) && vm_huge_fault(map, a, addr) == 0)
		return 0;
	uint32_t pagenum = a->off + (PN(addr) - a->start), va = PAGE_ALIGN_DOWN(addr);
	mmobj_t *file = chain_bottom(a->obj);
	if (!file->mo_ops->fault_begin)
		return map_one(map, a, pagenum, va, write, keep);
	bool store = write && (a->flags & MAP_SHARED);
	uint32_t npages = file->mo_ops->fault_begin(file, store);
	int rc = pagenum < npages ? map_one(map, a, pagenum, va, write, keep) : -ENXIO;
	file->mo_ops->fault_end(file);
	return rc;
}

int vm_handle_fault(uint32_t addr, uint32_t error_code)
{
	vmmap_t *map = curproc->vmmap;
	if (!map || addr >= USER_END)
		return -EFAULT;
	int rc;
	for (int tries = 0;; tries++) {
		kmutex_lock(&map->lock);
		rc = vm_fault_page(map, addr, error_code & PF_ERR_WRITE, NULL);
		kmutex_unlock(&map->lock);
		/* Out of memory: the process holding the most pages dies, not
		 * whoever asks next (mapped pages are evictable, so that may be
		 * an idle process whose program text was taken); the others
		 * wait for its memory. */
		if (rc != -ENOMEM || tries == VM_OOM_RETRIES || !vm_oom_kill_other() ||
		    sched_sleep_ms(VM_OOM_WAIT_MS) < 0)
			break;
	}
	return rc == -EAGAIN ? 0 : rc;	/* the access faults again, seeing the new state */
}
