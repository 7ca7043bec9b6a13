/*
 * mmap, munmap, mprotect and brk.
 *
 * Private mappings of a file get a shadow object over the file's object,
 * so writes never reach the file; private anonymous mappings get an
 * anonymous object of their own (fork adds shadows later); shared
 * mappings map the object itself.  The heap is private anonymous memory
 * that brk grows and shrinks from map->brk_start, which exec places at a
 * random page within 32 MiB above the program (vm_heap_start).
 *
 * MAP_HUGETLB maps anonymous memory at a 4 MiB-aligned address, in whole
 * huge pages, marked for huge pages (vm/huge.h); there is no pool to run
 * dry: without a free run a fault falls back to 4 KiB pages.
 *
 * madvise checks the advice and every area of the range first (Linux's
 * answer for advice that does not fit an area), then acts: DONTNEED
 * drops pages, HUGEPAGE and NOHUGEPAGE mark the areas; the rest is
 * accepted without effect.
 */
#include "vm/mmap.h"
#include "vm/huge.h"
#include "vm/vmobj.h"
#include "mm/page.h"
#include "util/errno.h"
#include "util/random.h"

bool vm_randomize = true;

static bool page_range_ok(uint32_t start, uint32_t npages)
{
	return npages > 0 && start >= USER_MIN_PAGE && start + npages <= USER_MAX_PAGE &&
	       start + npages > start;
}

/* The object a new area maps (referenced once), or NULL on ENOMEM. */
static mmobj_t *area_object(uint32_t flags, mmobj_t *obj)
{
	if (!obj)
		return anon_create();
	if ((flags & MAP_TYPE) == MAP_SHARED) {
		mmobj_ref(obj);
		return obj;
	}
	return shadow_create(obj);
}

/* MAP_HUGETLB's rules, as Linux's: anonymous memory only (a file is
 * -EINVAL), a page size of 4 MiB if one is given, a MAP_FIXED address
 * 4 MiB aligned; the length is rounded up to whole huge pages. */
static int hugetlb_check(uint32_t *len, uint32_t addr, bool fixed, mmobj_t *obj, uint32_t flags)
{
	uint32_t shift = (flags >> MAP_HUGE_SHIFT) & MAP_HUGE_MASK;
	if (obj || (shift && shift != HUGE_PAGE_SHIFT) || (fixed && !IS_ALIGNED(addr, HUGE_PAGE_SIZE)))
		return -EINVAL;
	if (*len > USER_END - HUGE_PAGE_SIZE)
		return -ENOMEM;
	*len = ALIGN_UP(*len, HUGE_PAGE_SIZE);
	return 0;
}

long vm_mmap(vmmap_t *map, uint32_t addr, uint32_t len, uint32_t prot, uint32_t flags,
	     mmobj_t *obj, uint32_t pgoff)
{
	return vm_mmap_max(map, addr, len, prot, PROT_MASK, flags, obj, pgoff);
}

long vm_mmap_max(vmmap_t *map, uint32_t addr, uint32_t len, uint32_t prot, uint32_t maxprot,
		 uint32_t flags, mmobj_t *obj, uint32_t pgoff)
{
	uint32_t type = flags & MAP_TYPE;
	if (len == 0 || (type != MAP_SHARED && type != MAP_PRIVATE) || (prot & ~PROT_MASK))
		return -EINVAL;
	if (prot & ~maxprot)
		return -EACCES;
	if (len > USER_END)
		return -ENOMEM;
	bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE), huge = flags & MAP_HUGETLB;
	int rc_huge = huge ? hugetlb_check(&len, addr, fixed, obj, flags) : 0;
	if (rc_huge < 0)
		return rc_huge;
	uint32_t npages = PN(PAGE_ALIGN_UP(len));
	if (fixed && !IS_ALIGNED(addr, PAGE_SIZE))
		return -EINVAL;
	if (obj && pgoff + npages < pgoff)
		return -EOVERFLOW;

	kmutex_lock(&map->lock);
	long rc;
	uint32_t start = PN(addr);
	if (fixed) {
		rc = -ENOMEM;
		if (!page_range_ok(start, npages))
			goto out;
		rc = -EEXIST;
		if ((flags & MAP_FIXED_NOREPLACE) && !vmmap_is_range_empty(map, start, npages))
			goto out;
		/* Fail before the old mappings go if the new area will not
		 * fit (as if it merged with nothing). */
		rc = -ENOMEM;
		if (vmmap_count_after_remove(map, start, npages) >= map->max_areas)
			goto out;
		if ((rc = vmmap_remove(map, start, npages)) < 0)
			goto out;
	} else if (!addr || !vmmap_is_range_empty(map, start, npages) ||
		   (huge && !IS_ALIGNED(addr, HUGE_PAGE_SIZE))) {
		start = huge ? vm_huge_find_range(map, npages) : vmmap_find_range(map, npages);
		rc = -ENOMEM;
		if (!start)
			goto out;
	}
	mmobj_t *o = area_object(flags, obj);
	rc = -ENOMEM;
	if (!o)
		goto out;
	uint32_t area_flags = type | (obj ? 0 : MAP_ANONYMOUS) | (huge ? VMAREA_HUGETLB : 0);
	rc = vmmap_map_max(map, start, npages, o, obj ? pgoff : 0, prot, maxprot, area_flags);
	mmobj_put(o);	/* the area holds its own reference */
	if (rc == 0)
		rc = (long)PN_ADDR(start);
out:
	kmutex_unlock(&map->lock);
	return rc;
}

uint32_t vm_heap_start(uint32_t end, uint32_t below, bool randomize)
{
	uint32_t first = PAGE_ALIGN_UP(end);
	if (!randomize || first >= PAGE_ALIGN_DOWN(below))
		return first;
	uint32_t npages = PN(MIN(VM_HEAP_RANDOM_RANGE, PAGE_ALIGN_DOWN(below) - first));
	return first + PN_ADDR(random_u32() % npages);
}

/* What madvise does with a piece of advice. */
enum advice_action {
	ADVICE_INVALID,	/* unknown, or not built into Linux 6.1 without THP/KSM */
	ADVICE_NOTHING,	/* accepted (after the area checks), no effect */
	ADVICE_DROP,	/* drop the pages (vmmap_dontneed) */
	ADVICE_HUGE,	/* mark the areas for huge pages (vm/huge.h) */
	ADVICE_NOHUGE,	/* ... or against them */
};

static enum advice_action advice_action(int advice)
{
	switch (advice) {
	case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL: case MADV_WILLNEED:
	case MADV_REMOVE: case MADV_DONTFORK: case MADV_DOFORK: case MADV_DONTDUMP:
	case MADV_DODUMP: case MADV_WIPEONFORK: case MADV_KEEPONFORK: case MADV_COLD:
	case MADV_PAGEOUT: case MADV_POPULATE_READ: case MADV_POPULATE_WRITE:
		return ADVICE_NOTHING;
	case MADV_DONTNEED: case MADV_DONTNEED_LOCKED: case MADV_FREE:
		return ADVICE_DROP;
	case MADV_HUGEPAGE:
		return ADVICE_HUGE;
	case MADV_NOHUGEPAGE:
		return ADVICE_NOHUGE;
	default:	/* MERGEABLE, UNMERGEABLE, COLLAPSE, ... */
		return ADVICE_INVALID;
	}
}

/* 0 if advice may be given for area a, else Linux's error for it. */
static int advice_fits(const vmarea_t *a, int advice)
{
	bool shared = (a->flags & MAP_TYPE) == MAP_SHARED, anon = a->flags & MAP_ANONYMOUS;
	switch (advice) {
	case MADV_FREE:		/* private anonymous memory only */
	case MADV_WIPEONFORK:
		return !shared && anon ? 0 : -EINVAL;
	case MADV_REMOVE:	/* punch a hole in the file behind a shared writable mapping */
		if (!shared && anon)
			return -EINVAL;
		if (!shared || !(a->prot & PROT_WRITE))
			return -EACCES;
		return -EOPNOTSUPP;	/* no M-OS file system punches holes */
	case MADV_POPULATE_READ:
		return a->prot & PROT_READ ? 0 : -EINVAL;
	case MADV_POPULATE_WRITE:
		return a->prot & PROT_WRITE ? 0 : -EINVAL;
	default:
		return 0;
	}
}

/* Checks advice against every area of [start, end): the first misfit's
 * error, else 0; *hole says whether some page is not mapped. */
static int advice_check_range(vmmap_t *map, uint32_t start, uint32_t end, int advice,
			      bool *hole)
{
	for (uint32_t vpn = start; vpn < end;) {
		vmarea_t *a = vmtree_first_after(map->tree, vpn);
		if (!a || a->start >= end) {
			*hole = true;
			return 0;
		}
		*hole |= a->start > vpn;
		int rc = advice_fits(a, advice);
		if (rc < 0)
			return rc;
		vpn = a->end;
	}
	return 0;
}

int vm_madvise(vmmap_t *map, uint32_t addr, uint32_t len, int advice)
{
	enum advice_action action = advice_action(advice);
	uint32_t alen = PAGE_ALIGN_UP(len);
	if (action == ADVICE_INVALID || !IS_ALIGNED(addr, PAGE_SIZE) || (len && !alen) ||
	    addr + alen < addr)
		return -EINVAL;
	if (alen == 0)
		return 0;
	uint32_t start = PN(addr), end = start + PN(alen);
	bool hole = false;
	kmutex_lock(&map->lock);
	int rc = advice_check_range(map, start, end, advice, &hole);
	if (rc == 0 && action == ADVICE_DROP)
		rc = vmmap_dontneed(map, start, end - start);
	else if (rc == 0 && action == ADVICE_HUGE)
		rc = vmmap_set_flags(map, start, end - start, VMAREA_HUGEPAGE, VMAREA_NOHUGEPAGE);
	else if (rc == 0 && action == ADVICE_NOHUGE)
		rc = vmmap_set_flags(map, start, end - start, VMAREA_NOHUGEPAGE, VMAREA_HUGEPAGE);
	kmutex_unlock(&map->lock);
	return rc < 0 ? rc : hole ? -ENOMEM : 0;
}

int vm_munmap(vmmap_t *map, uint32_t addr, uint32_t len)
{
	/* As Linux: the range must lie in user space; unmapping pages that
	 * are not mapped is no error. */
	if (!IS_ALIGNED(addr, PAGE_SIZE) || len == 0 || addr >= USER_END ||
	    len > USER_END - addr)
		return -EINVAL;
	uint32_t npages = PN(PAGE_ALIGN_UP(len));
	kmutex_lock(&map->lock);
	int rc = vmmap_remove(map, PN(addr), npages);
	kmutex_unlock(&map->lock);
	return rc;
}

int vm_mprotect(vmmap_t *map, uint32_t addr, uint32_t len, uint32_t prot)
{
	if (!IS_ALIGNED(addr, PAGE_SIZE) || (prot & ~PROT_MASK))
		return -EINVAL;
	if (len == 0)
		return 0;
	uint32_t npages = PN(PAGE_ALIGN_UP(len));
	if (!page_range_ok(PN(addr), npages))
		return -ENOMEM;
	kmutex_lock(&map->lock);
	int rc = vmmap_protect(map, PN(addr), npages, prot);
	kmutex_unlock(&map->lock);
	return rc;
}

int vm_msync(vmmap_t *map, uint32_t addr, uint32_t len, uint32_t flags)
{
	if (!IS_ALIGNED(addr, PAGE_SIZE) || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	uint32_t end = addr + PAGE_ALIGN_UP(len);
	if (end < addr || (len && end == addr))
		return -ENOMEM;
	if (end == addr)
		return 0;
	int rc = 0;
	kmutex_lock(&map->lock);
	for (uint32_t vpn = PN(addr); vpn < PN(end);) {
		vmarea_t *a = vmmap_lookup(map, vpn);
		if (!a) {
			rc = -ENOMEM;	/* as Linux: the mapped parts are still synced */
			vpn++;
			continue;
		}
		mmobj_t *o = a->obj;
		if ((flags & MS_SYNC) && (a->flags & MAP_SHARED) && o->mo_ops->sync) {
			int err = o->mo_ops->sync(o);
			if (err < 0 && rc == 0)
				rc = err;
		}
		vpn = a->end;
	}
	kmutex_unlock(&map->lock);
	return rc;
}

uint32_t vm_brk(vmmap_t *map, uint32_t new_brk)
{
	kmutex_lock(&map->lock);
	uint32_t old = map->brk;
	uint32_t old_end = PN(PAGE_ALIGN_UP(old)), new_end = PN(PAGE_ALIGN_UP(new_brk));
	if (new_brk < map->brk_start || new_brk >= USER_END)
		goto out;
	if (new_end > old_end) {
		if (!vmmap_is_range_empty(map, old_end, new_end - old_end))
			goto out;
		mmobj_t *o = anon_create();
		if (!o)
			goto out;
		/* Merges with the heap area below when it is the same object;
		 * a new object per growth is fine: areas need not merge. */
		int rc = vmmap_map(map, old_end, new_end - old_end, o, 0,
				   PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
		mmobj_put(o);
		if (rc < 0)
			goto out;
	} else if (new_end < old_end) {
		/* -ENOMEM when it would cut a hole in an area mapped over the
		 * heap's end at the area limit: the break stays, as on Linux. */
		if (vmmap_remove(map, new_end, old_end - new_end) < 0)
			goto out;
	}
	map->brk = new_brk;
out:
	new_brk = map->brk;
	kmutex_unlock(&map->lock);
	return new_brk;
}
