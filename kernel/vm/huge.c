/*
 * Huge pages: 4 MiB PSE mappings of anonymous memory.
 *
 * An area gets them when vm_huge_wanted says so (MAP_HUGETLB, or the
 * transparent mode of mm/thp.h).  The first fault in an aligned 4 MiB
 * block that lies wholly inside such an area, whose directory slot is
 * empty and none of whose pages exists yet, takes an aligned run of 1024
 * frames and maps it with one PDE (pframe_map_huge); when no run is
 * free, or anything above does not hold, the fault maps one 4 KiB page
 * as always.  The 1024 pages are ordinary pages of the area's anonymous
 * object, one frame each, so everything that removes or frees pages
 * (munmap, MADV_DONTNEED, the object's death) works page by page.  If a
 * block's pages all exist already as one intact run (its mapping was
 * dropped by mprotect, say), the same PDE is made again from them.
 *
 * Splitting and fork: a mapping that is cut (munmap, mprotect or
 * DONTNEED of part of it) becomes a page table of 1024 PTEs first, in
 * the page cache (mm/pframe.h).  fork drops the parent's mappings as it
 * drops all of them; afterwards both sides read the run's pages through
 * their shadows 4 KiB at a time and a write copies one 4 KiB page: a
 * huge page becomes 1024 shared copy-on-write pages (doc/vm.md says why).
 *
 * Everything here runs under the faulting map's lock (map->lock).
 */
#include "vm/huge.h"
#include "vm/vmobj.h"
#include "mm/page.h"
#include "mm/pframe.h"
#include "mm/thp.h"
#include "util/errno.h"

bool vm_huge_wanted(const vmarea_t *a)
{
	if (!(a->flags & MAP_PRIVATE) || !(a->flags & MAP_ANONYMOUS) || !mmobj_is_anon(a->obj))
		return false;
	if (a->flags & VMAREA_HUGETLB)
		return true;
	if (a->flags & VMAREA_NOHUGEPAGE)
		return false;
	thp_mode_t mode = thp_mode();
	return mode == THP_ALWAYS || (mode == THP_MADVISE && (a->flags & VMAREA_HUGEPAGE));
}

int vm_huge_fault(vmmap_t *map, vmarea_t *a, uint32_t addr)
{
	uint32_t first = ALIGN_DOWN(PN(addr), PAGES_PER_HUGE), va = PN_ADDR(first);
	if (first < a->start || first + PAGES_PER_HUGE > a->end || !pt_slot_free(map->pd, va))
		return -EEXIST;
	return pframe_map_huge(a->obj, a->off + (first - a->start), map->pd, va,
			       a->prot & PROT_WRITE);
}

uint32_t vm_huge_find_range(vmmap_t *map, uint32_t npages)
{
	uint32_t start = vmmap_find_range(map, npages + PAGES_PER_HUGE - 1);
	return start ? ALIGN_UP(start, PAGES_PER_HUGE) : 0;
}
