/*
 * Address spaces: sorted lists of vmareas (see include/vm/vmmap.h).
 *
 * Every change of layout is built from two steps: split_at() cuts the area
 * containing a page boundary into two (each holding its own object
 * reference), and then whole areas are removed, changed or added.  PTEs
 * are dropped for any page whose mapping goes away or loses rights, so the
 * next access faults and sees the new layout.  Both halves of a split
 * keep the area's protection, maximum protection and flags; areas merge
 * only when all of them match.
 *
 * The areas sit both on a sorted list (to walk neighbours) and in a
 * treap (vm/vmtree.h: to find an area or a free range in O(log n));
 * area_insert, area_discard, split_at and try_merge_next keep the two
 * in step.
 *
 * map->nareas counts the areas.  A change whose result would hold more
 * than map->max_areas fails before it changes anything (splits may pass
 * the limit for a moment, inside one call).
 *
 * The caller holds map->lock (or owns the map outright, as exec and fork
 * do for a map no thread runs on yet).
 */
#include "vm/vmmap.h"
#include "vm/vmobj.h"
#include "vm/fault.h"
#include "vm/vdso.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "mm/pframe.h"
#include "mm/slab.h"
#include "proc/proc.h"
#include "util/debug.h"
#include "util/errno.h"
#include "util/string.h"

static slab_cache_t *vmmap_cache, *vmarea_cache;
static kmutex_t vmmap_swap_mutex;	/* see vmmap_swap_lock */

void vmmap_swap_lock(void) { kmutex_lock(&vmmap_swap_mutex); }
void vmmap_swap_unlock(void) { kmutex_unlock(&vmmap_swap_mutex); }

/* Reaping a process frees its address space. */
static void release_process_vm(proc_t *p)
{
	vmmap_swap_lock();
	vmmap_t *map = p->vmmap;
	p->vmmap = NULL;
	if (map)
		vmmap_destroy(map);
	vmmap_swap_unlock();
}

void vmmap_init(void)
{
	proc_vm_release = release_process_vm;
	kmutex_init(&vmmap_swap_mutex, "address-space swap");
	vm_procfs_init();
	vmmap_cache = slab_cache_create("vmmap", sizeof(vmmap_t), 0, 0);
	vmarea_cache = slab_cache_create("vmarea", sizeof(vmarea_t), 0, 0);
	KASSERT(vmmap_cache && vmarea_cache, "no memory for the vm caches");
	anon_init();
	shadow_init();
}

vmmap_t *vmmap_create(pde_t *pd)
{
	vmmap_t *map = slab_alloc(vmmap_cache);
	if (!map)
		return NULL;
	memset(map, 0, sizeof(*map));
	list_init(&map->areas);
	map->max_areas = VMMAP_MAX_AREAS;
	kmutex_init(&map->lock, "vmmap");
	map->pd = pd;
	return map;
}

static vmarea_t *area_entry(list_t *l) { return list_entry(l, vmarea_t, link); }

/* a's neighbours on the list, or NULL. */
static vmarea_t *area_next(vmmap_t *map, vmarea_t *a)
{
	return a->link.next == &map->areas ? NULL : area_entry(a->link.next);
}

static vmarea_t *area_prev(vmmap_t *map, vmarea_t *a)
{
	return a->link.prev == &map->areas ? NULL : area_entry(a->link.prev);
}

/* Takes a off the map and frees it; its pages must be unmapped already
 * (or mapped by a neighbour that took its range over). */
static void area_discard(vmmap_t *map, vmarea_t *a)
{
	vmtree_remove(&map->tree, a);
	list_remove(&a->link);
	map->nareas--;
	mmobj_put(a->obj);
	slab_free(vmarea_cache, a);
}

static void area_free(vmmap_t *map, vmarea_t *a)
{
	vmmap_unmap_pages(map, a->start, a->end);
	area_discard(map, a);
}

void vmmap_destroy(vmmap_t *map)
{
	list_t *l, *tmp;
	list_for_each_safe(l, tmp, &map->areas)
		area_free(map, area_entry(l));
	kfree(map->exe_path);
	slab_free(vmmap_cache, map);
}

bool vmarea_allows(const vmarea_t *a, bool write)
{
	if (write)
		return a->prot & PROT_WRITE;
	return a->prot & (PROT_READ | PROT_EXEC | PROT_WRITE);
}

vmarea_t *vmmap_lookup(vmmap_t *map, uint32_t vpn)
{
	vmarea_t *a = vmtree_first_after(map->tree, vpn);
	return a && a->start <= vpn ? a : NULL;
}

size_t vmmap_area_count(vmmap_t *map)
{
	return map->nareas;
}

bool vmmap_is_range_empty(vmmap_t *map, uint32_t start, uint32_t npages)
{
	uint32_t end = start + npages;
	if (end < start || start < USER_MIN_PAGE || end > USER_MAX_PAGE)
		return false;
	vmarea_t *a = vmtree_first_after(map->tree, start);
	return !a || a->start >= end;
}

uint32_t vmmap_find_range(vmmap_t *map, uint32_t npages)
{
	if (npages == 0 || npages > USER_MAX_PAGE - USER_MIN_PAGE)
		return 0;
	return vmtree_find_free(map->tree, npages, USER_MIN_PAGE, USER_MAX_PAGE);
}

/* Adds a (over free pages) to the list, keeping it sorted, and to the tree. */
static void area_insert(vmmap_t *map, vmarea_t *a)
{
	vmarea_t *next = vmtree_first_after(map->tree, a->start);
	list_insert_tail(next ? &next->link : &map->areas, &a->link);	/* before next */
	vmtree_insert(&map->tree, a);
	map->nareas++;
}

static bool continues(const vmarea_t *a, const vmarea_t *b)
{
	return a->end == b->start && a->obj == b->obj && a->prot == b->prot &&
	       a->maxprot == b->maxprot && a->flags == b->flags &&
	       a->off + (a->end - a->start) == b->off;
}

/* Merges a with its successor if one continues the other. */
static void try_merge_next(vmmap_t *map, vmarea_t *a)
{
	vmarea_t *b = area_next(map, a);
	if (!b || !continues(a, b))
		return;
	uint32_t end = b->end;
	area_discard(map, b);
	a->end = end;
	vmtree_resized(&map->tree, a);
}

/* Whether a (on the list) continues its predecessor or its successor
 * continues it: then merging keeps the count. */
static bool merges(vmmap_t *map, vmarea_t *a)
{
	vmarea_t *prev = area_prev(map, a), *next = area_next(map, a);
	return (prev && continues(prev, a)) || (next && continues(a, next));
}

int vmmap_map(vmmap_t *map, uint32_t start, uint32_t npages, mmobj_t *obj,
	      uint32_t off, uint32_t prot, uint32_t flags)
{
	return vmmap_map_max(map, start, npages, obj, off, prot, PROT_MASK, flags);
}

int vmmap_map_max(vmmap_t *map, uint32_t start, uint32_t npages, mmobj_t *obj,
		  uint32_t off, uint32_t prot, uint32_t maxprot, uint32_t flags)
{
	KASSERT(vmmap_is_range_empty(map, start, npages),
		"vmmap_map over existing pages %#x+%#x", start, npages);
	KASSERT(!(prot & ~maxprot), "prot %#x beyond maxprot %#x", prot, maxprot);
	vmarea_t *a = slab_alloc(vmarea_cache);
	if (!a)
		return -ENOMEM;
	a->start = start;
	a->end = start + npages;
	a->off = off;
	a->prot = prot;
	a->maxprot = maxprot;
	a->flags = flags;
	a->obj = obj;
	mmobj_ref(obj);
	area_insert(map, a);
	if (map->nareas > map->max_areas && !merges(map, a)) {
		area_discard(map, a);
		return -ENOMEM;
	}
	vmarea_t *prev = area_prev(map, a);
	try_merge_next(map, a);
	if (prev)
		try_merge_next(map, prev);
	return 0;
}

/* Cuts the area containing both vpn-1 and vpn so that an area starts at
 * vpn.  0, or -ENOMEM (nothing changed). */
static int split_at(vmmap_t *map, uint32_t vpn)
{
	vmarea_t *a = vmmap_lookup(map, vpn);
	if (!a || a->start == vpn)
		return 0;
	vmarea_t *b = slab_alloc(vmarea_cache);
	if (!b)
		return -ENOMEM;
	*b = *a;
	b->start = vpn;
	b->off = a->off + (vpn - a->start);
	mmobj_ref(b->obj);
	a->end = vpn;
	vmtree_resized(&map->tree, a);
	list_init(&b->link);
	list_insert_head(&a->link, &b->link);	/* right after a */
	vmtree_insert(&map->tree, b);
	map->nareas++;
	return 0;
}

int vmmap_remove(vmmap_t *map, uint32_t start, uint32_t npages)
{
	uint32_t end = start + npages;
	if (end < start)
		return -EINVAL;
	vmarea_t *a = vmmap_lookup(map, start);
	if (a && a->start < start && a->end > end && map->nareas >= map->max_areas)
		return -ENOMEM;	/* a hole in the middle of a would add an area */
	int rc = split_at(map, start);
	if (rc == 0)
		rc = split_at(map, end);
	if (rc < 0)
		return rc;
	a = vmtree_first_after(map->tree, start);
	while (a && a->start < end) {	/* every such area now lies inside */
		vmarea_t *next = area_next(map, a);
		area_free(map, a);
		a = next;
	}
	vdso_range_removed(map, start, npages);
	return 0;
}

uint32_t vmmap_count_after_remove(vmmap_t *map, uint32_t start, uint32_t npages)
{
	uint32_t end = start + npages, n = map->nareas;
	vmarea_t *a = vmtree_first_after(map->tree, start);
	for (; a && a->start < end; a = area_next(map, a))	/* goes, but pieces stick out */
		n += (a->start < start) + (a->end > end) - 1;
	return n;
}

int vmmap_protect(vmmap_t *map, uint32_t start, uint32_t npages, uint32_t prot)
{
	uint32_t end = start + npages;
	if (npages == 0)
		return 0;
	for (uint32_t vpn = start; vpn < end;) {	/* no holes, nothing beyond maxprot */
		vmarea_t *a = vmmap_lookup(map, vpn);
		if (!a)
			return -ENOMEM;
		if (prot & ~a->maxprot)
			return -EACCES;
		vpn = a->end;
	}
	/* An area cut at either end gains a piece if its protection changes
	 * (else the pieces merge again). */
	vmarea_t *first = vmmap_lookup(map, start), *last = vmmap_lookup(map, end - 1);
	uint32_t more = (first->start < start && first->prot != prot) +
			(last->end > end && last->prot != prot);
	if (map->nareas + more > map->max_areas)
		return -ENOMEM;
	int rc = split_at(map, start);
	if (rc == 0)
		rc = split_at(map, end);
	if (rc < 0)
		return rc;
	first = vmmap_lookup(map, start);
	for (vmarea_t *a = first; a && a->start < end; a = area_next(map, a)) {
		if (a->prot != prot) {
			a->prot = prot;
			vmmap_unmap_pages(map, a->start, a->end);
		}
	}
	/* Merge again from the area before the range to the one after it. */
	vmarea_t *a = area_prev(map, first) ? area_prev(map, first) : first;
	for (; a && a->start < end; a = area_next(map, a))
		while (area_next(map, a) && continues(a, area_next(map, a)))
			try_merge_next(map, a);
	return 0;
}

/* The flags area a would have after vmmap_set_flags. */
static uint32_t flags_after(const vmarea_t *a, uint32_t set, uint32_t clear)
{
	return (a->flags & ~clear) | set;
}

int vmmap_set_flags(vmmap_t *map, uint32_t start, uint32_t npages, uint32_t set, uint32_t clear)
{
	uint32_t end = start + npages;
	vmarea_t *first = vmtree_first_after(map->tree, start), *last = vmmap_lookup(map, end - 1);
	if (!first || first->start >= end)
		return 0;
	uint32_t more = (first->start < start && flags_after(first, set, clear) != first->flags) +
			(last && last->end > end && flags_after(last, set, clear) != last->flags);
	if (map->nareas + more > map->max_areas)
		return -ENOMEM;
	int rc = split_at(map, start);
	if (rc == 0)
		rc = split_at(map, end);
	if (rc < 0)
		return rc;
	first = vmtree_first_after(map->tree, start);
	for (vmarea_t *a = first; a && a->start < end; a = area_next(map, a))
		a->flags = flags_after(a, set, clear);
	vmarea_t *a = area_prev(map, first) ? area_prev(map, first) : first;
	for (; a && a->start < end; a = area_next(map, a))
		while (area_next(map, a) && continues(a, area_next(map, a)))
			try_merge_next(map, a);
	return 0;
}

/* DONTNEED for pages [s, e) of private area *ap, whose PTEs are gone.
 * If the chain below is shared, [s, e) becomes an area of its own on a
 * fresh object; *ap is then that area. */
static int private_dontneed(vmmap_t *map, vmarea_t **ap, uint32_t s, uint32_t e)
{
	vmarea_t *a = *ap;
	KASSERT(mmobj_is_shadow(a->obj) || mmobj_is_anon(a->obj),
		"private area %#x-%#x maps a file object directly", a->start, a->end);
	if (vm_chain_discard(a->obj, a->off + (s - a->start), a->off + (e - a->start)))
		return 0;
	if (map->nareas + (a->start < s) + (a->end > e) > map->max_areas)
		return -ENOMEM;
	mmobj_t *fresh = vm_chain_fresh(a->obj);
	int rc = fresh ? split_at(map, s) : -ENOMEM;
	if (rc == 0)
		rc = split_at(map, e);
	if (rc < 0) {
		if (fresh)
			mmobj_put(fresh);
		return rc;	/* a split that did happen is harmless */
	}
	a = vmmap_lookup(map, s);
	mmobj_put(a->obj);
	a->obj = fresh;
	*ap = a;
	return 0;
}

int vmmap_dontneed(vmmap_t *map, uint32_t start, uint32_t npages)
{
	uint32_t end = start + npages;
	vmarea_t *a = vmtree_first_after(map->tree, start);
	for (; a && a->start < end; a = area_next(map, a)) {
		uint32_t s = MAX(start, a->start), e = MIN(end, a->end);
		vmmap_unmap_pages(map, s, e);
		if (a->flags & MAP_PRIVATE) {
			int rc = private_dontneed(map, &a, s, e);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

/* Drops the PTEs of [start, end), one page table at a time, and frees
 * each table the range leaves empty (a long-lived process that maps and
 * unmaps in new places would otherwise collect empty tables).  A huge
 * page wholly inside the range goes at once; one the range only cuts is
 * split by the first pframe_unmap into it (mm/pframe.h). */
void vmmap_unmap_pages(vmmap_t *map, uint32_t start, uint32_t end)
{
	uint32_t vpn = start;
	while (vpn < end) {
		uint32_t table_end = MIN(end, ALIGN_DOWN(vpn, PAGES_PER_HUGE) + PAGES_PER_HUGE);
		uint32_t va = PN_ADDR(vpn);
		if (table_end - vpn == PAGES_PER_HUGE && pframe_unmap_huge(map->pd, va)) {
			vpn = table_end;
			continue;
		}
		if (map->pd[PD_INDEX(va)] & PTE_PRESENT) {
			for (uint32_t p = vpn; p < table_end; p++)
				pframe_unmap(map->pd, PN_ADDR(p));
			pt_free_table_if_empty(map->pd, va);
		}
		vpn = table_end;
	}
}

vmmap_t *vmmap_clone(vmmap_t *map, pde_t *child_pd)
{
	vmmap_t *child = vmmap_create(child_pd);
	list_t *l;
	if (!child)
		return NULL;
	child->brk_start = map->brk_start;
	child->brk = map->brk;
	child->max_areas = map->max_areas;
	child->arg_start = map->arg_start;
	child->arg_end = map->arg_end;
	child->env_start = map->env_start;
	child->env_end = map->env_end;
	child->start_stack = map->start_stack;
	child->exe_dev = map->exe_dev;
	child->exe_ino = map->exe_ino;
	if (map->exe_path && !(child->exe_path = kstrdup(map->exe_path)))
		goto fail;
	/* First make every area of the child, with the shadows it needs. */
	list_for_each(l, &map->areas) {
		vmarea_t *a = area_entry(l);
		vmarea_t *c = slab_alloc(vmarea_cache);
		if (!c)
			goto fail;
		*c = *a;
		list_init(&c->link);
		if (a->flags & MAP_PRIVATE) {
			shadow_collapse(a->obj);
			c->obj = shadow_create(a->obj);
		} else {
			mmobj_ref(a->obj);
		}
		if (!c->obj) {
			slab_free(vmarea_cache, c);
			goto fail;
		}
		list_insert_tail(&child->areas, &c->link);
		vmtree_insert(&child->tree, c);
		child->nareas++;
	}
	/* Then give each private parent area its own shadow; from here on
	 * nothing can fail halfway except a shadow allocation, which leaves
	 * that area as it was (still correct: its pages stay shared until
	 * someone writes, and writes go to a fresh top). */
	list_for_each(l, &map->areas) {
		vmarea_t *a = area_entry(l);
		if (!(a->flags & MAP_PRIVATE))
			continue;
		mmobj_t *sh = shadow_create(a->obj);
		if (!sh)
			goto fail;
		mmobj_put(a->obj);	/* the shadow holds it now */
		a->obj = sh;
	}
	vmmap_unmap_pages(map, USER_MIN_PAGE, USER_MAX_PAGE);
	return child;
fail:
	vmmap_destroy(child);
	return NULL;
}

/* Page by page, each page faulted in exactly as the process's own access
 * would (its protection, copy-on-write, the end of a mapped file), and
 * kept pinned while it is copied. */
static int vmmap_copy(vmmap_t *map, uint32_t addr, void *buf, size_t n, bool write)
{
	uint8_t *p = buf;
	int rc = 0;
	kmutex_lock(&map->lock);
	while (n > 0) {
		size_t in_page = PAGE_SIZE - (addr & (PAGE_SIZE - 1)), k = MIN(n, in_page);
		pframe_t *pf;
		while ((rc = vm_fault_page(map, addr, write, &pf)) == -EAGAIN)
			;
		if (rc < 0)
			break;
		uint8_t *page = (uint8_t *)pf->pf_addr + (addr & (PAGE_SIZE - 1));
		if (write) {
			memcpy(page, p, k);
			rc = pframe_dirty(pf);	/* after the change, as the cache asks */
		} else {
			memcpy(p, page, k);
		}
		pframe_unpin(pf);
		if (rc < 0)
			break;
		addr += k;
		p += k;
		n -= k;
	}
	kmutex_unlock(&map->lock);
	return rc == -ENOMEM || rc == 0 ? rc : -EFAULT;
}

int vmmap_write(vmmap_t *map, uint32_t addr, const void *buf, size_t n)
{
	return vmmap_copy(map, addr, (void *)buf, n, true);
}

int vmmap_read(vmmap_t *map, uint32_t addr, void *buf, size_t n)
{
	return vmmap_copy(map, addr, buf, n, false);
}

/* Adds o's pages (and those of the objects below it) to *total, counting
 * each object once; seen[] remembers the objects counted so far. */
static void count_chain(mmobj_t *o, mmobj_t **seen, size_t *nseen, size_t max, size_t *total)
{
	for (; o; o = mmobj_is_shadow(o) ? shadow_below(o) : NULL) {
		for (size_t i = 0; i < *nseen; i++)
			if (seen[i] == o)
				return;	/* this object and everything below: done */
		if (*nseen < max)
			seen[(*nseen)++] = o;
		if (mmobj_is_shadow(o) || mmobj_is_anon(o))
			*total += o->mo_npages;
	}
}

#define RESIDENT_MAX_OBJECTS 256

size_t vmmap_private_frames(vmmap_t *map)
{
	mmobj_t *seen[RESIDENT_MAX_OBJECTS];
	size_t nseen = 0, total = 0;
	list_t *l;
	kmutex_lock(&map->lock);
	list_for_each(l, &map->areas)
		count_chain(area_entry(l)->obj, seen, &nseen, RESIDENT_MAX_OBJECTS, &total);
	kmutex_unlock(&map->lock);
	return total + pt_count_user_tables(map->pd) + 1;	/* + the directory */
}
