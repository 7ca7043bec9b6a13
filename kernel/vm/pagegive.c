/*
 * Zero-copy page giving: mos_page_give (vm/pagegive.h, doc/api.md).
 *
 * The giver's range [src, src+n) must lie in one private anonymous area
 * of its map, the receiver's [dst, dst+n) in one of the receiver's (its
 * landing area, typically mmap'd once for the purpose).  Two ways:
 *
 *  - move (MOS_GIVE_MOVE, both areas map an anonymous object that only
 *    that map references, i.e. no fork or earlier copy-on-write give
 *    shares it): the giver's resident pages change object outright
 *    (pframe_move) into the receiver's object at the landing offsets, and
 *    are mapped there at once; the giver's PTEs go, so its range reads
 *    zeros (its object simply lacks the pages now).  Neither address
 *    space changes shape, no frame is allocated or copied.
 *  - share (copy-on-write, and MOVE when the fast path does not apply):
 *    the receiver's range gets a fresh shadow over the giver's object,
 *    and the giver's range a fresh shadow too (MOVE: a fresh anonymous
 *    object instead), exactly as fork does for one range; the receiver's
 *    pages are mapped at once, read-only, and either side's first store
 *    to a page copies it into its own shadow.
 *
 * When the receiver dies its map is destroyed like any other: the moved
 * pages belong to its object, the shared ones are held by its shadow's
 * reference, so nothing leaks and the giver is unaffected.
 *
 * Locking: vmmap_swap_lock is held throughout, so the receiver's map is
 * neither replaced (exec) nor freed (exit) and no two gives run at once;
 * under it the giver's map lock, then the receiver's (no other path holds
 * two map locks, so the order cannot invert).
 */
#include "vm/pagegive.h"
#include "vm/fault.h"
#include "vm/vmmap.h"
#include "vm/vmobj.h"
#include "mm/givestat.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "mm/pframe.h"
#include "proc/cred.h"
#include "proc/proc.h"
#include "util/errno.h"
#include "util/string.h"

/* One side of a give: the pages [start, start+n) of map, inside area a,
 * which maps them from page `off` of a->obj on. */
typedef struct give_side {
	vmmap_t *map;
	vmarea_t *a;
	uint32_t start, n, off;
} give_side_t;

static bool chain_is_anon(mmobj_t *o)
{
	while (mmobj_is_shadow(o))
		o = shadow_below(o);
	return mmobj_is_anon(o);
}

/* Fills s for [addr, addr+len) of map: -EFAULT for a hole or unreadable
 * pages, -EINVAL for shared or file memory or a range across areas. */
static int side_init(give_side_t *s, vmmap_t *map, uint32_t addr, uint32_t len)
{
	s->map = map;
	s->start = PN(addr);
	s->n = PN(len);
	s->a = vmmap_lookup(map, s->start);
	if (!s->a)
		return -EFAULT;
	if (s->a->end < s->start + s->n)
		return vmmap_lookup(map, s->a->end) ? -EINVAL : -EFAULT;
	if (!(s->a->flags & MAP_PRIVATE) || !chain_is_anon(s->a->obj))
		return -EINVAL;
	if (!vmarea_allows(s->a, false))
		return -EFAULT;
	s->off = s->a->off + (s->start - s->a->start);
	return 0;
}

/* Whether s's object is anonymous (no chain) and referenced by s's map
 * alone: then its pages are reachable through s's map only, each offset
 * through one area. */
static bool side_exclusive(const give_side_t *s)
{
	mmobj_t *o = s->a->obj;
	if (!mmobj_is_anon(o))
		return false;
	int users = 0;
	list_t *l;
	list_for_each(l, &s->map->areas)
		users += list_entry(l, vmarea_t, link)->obj == o;
	return vmobj_refs(o) == users;
}

/* Maps pinned page pf at page i of the receiver's range, writable when
 * its area allows and the page is dirty; a failure only means the
 * receiver's first access faults it in. */
static void map_received(give_side_t *to, pframe_t *pf, uint32_t i)
{
	uint32_t va = PN_ADDR(to->start + i);
	if (!vmarea_allows(to->a, false))
		return;
	if (!(to->a->prot & PROT_WRITE) || pframe_map(pf, to->map->pd, va, true) < 0)
		pframe_map(pf, to->map->pd, va, false);
}

/* A page that could not change owner is copied into the receiver's
 * object instead (it was mapped elsewhere after all); 0 or -ENOMEM. */
static int copy_one(give_side_t *to, pframe_t *pf, uint32_t i)
{
	pframe_t *dst;
	int rc = pframe_get_nofill(to->a->obj, to->off + i, &dst);
	if (rc < 0)
		return rc;
	memcpy(dst->pf_addr, pf->pf_addr, PAGE_SIZE);
	rc = pframe_dirty(dst);
	if (rc == 0)
		map_received(to, dst, i);
	pframe_unpin(dst);
	return rc;
}

/* The move path (see the top of the file). */
static int give_move(give_side_t *from, give_side_t *to)
{
	int rc = 0;
	size_t moved = 0;
	pframe_t **pfs = kmalloc(from->n * sizeof(*pfs));
	if (!pfs)
		return -ENOMEM;
	for (uint32_t i = 0; i < from->n; i++)
		pfs[i] = pframe_lookup_resident(from->a->obj, from->off + i);
	vmmap_unmap_pages(from->map, from->start, from->start + from->n);
	vmmap_unmap_pages(to->map, to->start, to->start + to->n);
	pframe_remove_range(to->a->obj, to->off, to->off + to->n);
	for (uint32_t i = 0; i < from->n; i++) {
		pframe_t *pf = pfs[i];
		if (!pf)
			continue;	/* never touched: zeros on both sides */
		if (pframe_move(pf, to->a->obj, to->off + i) == 0) {
			map_received(to, pf, i);
			moved++;
		} else {
			int err = copy_one(to, pf, i);
			rc = rc ? rc : err;
			pframe_remove_range(from->a->obj, from->off + i, from->off + i + 1);
		}
		pframe_unpin(pf);
	}
	kfree(pfs);
	mm_give_account(from->n, moved);
	return rc;
}

/* Replaces side s's range with object o from page off on (one reference
 * taken by the map); the area's protection and flags stay. */
static int side_replace(give_side_t *s, mmobj_t *o, uint32_t off)
{
	uint32_t prot = s->a->prot, maxprot = s->a->maxprot, flags = s->a->flags;
	int rc = vmmap_remove(s->map, s->start, s->n);
	if (rc == 0)
		rc = vmmap_map_max(s->map, s->start, s->n, o, off, prot, maxprot, flags);
	s->a = rc == 0 ? vmmap_lookup(s->map, s->start) : NULL;
	return rc;
}

/* The share path (see the top of the file). */
static int give_share(give_side_t *from, give_side_t *to, bool move)
{
	mmobj_t *shared = from->a->obj;
	uint32_t off = from->off;
	mmobj_t *recv = shadow_create(shared);
	mmobj_t *mine = move ? anon_create() : shadow_create(shared);
	int rc = -ENOMEM;
	if (!recv || !mine)
		goto out_put;
	mmobj_ref(shared);	/* the giver's area may be its last holder */
	rc = side_replace(to, recv, off);
	if (rc == 0)
		rc = side_replace(from, mine, move ? 0 : off);
	mmobj_put(shared);
	if (rc < 0)
		goto out_put;
	if (!move)
		shadow_collapse(mine);
	for (uint32_t i = 0; i < to->n && vmarea_allows(to->a, false); i++)
		vm_fault_page(to->map, PN_ADDR(to->start + i), false, NULL);
	mm_give_account(from->n, 0);
out_put:
	if (recv)
		mmobj_put(recv);
	if (mine)
		mmobj_put(mine);
	return rc;
}

/* The receiver's map, under vmmap_swap_lock: -ESRCH (none, exited, a
 * kernel process), -EPERM (kill's rule), -EINVAL (the caller itself). */
static int target_map(int pid, vmmap_t **mapp)
{
	int rc = 0;
	spin_lock(&proc_lock);
	proc_t *p = pid > 0 ? proc_lookup_locked(pid) : NULL;
	if (!p || p->state == PROC_DEAD || !p->vmmap)
		rc = -ESRCH;
	else if (p == curproc)
		rc = -EINVAL;
	else if (!cred_may_signal(p))
		rc = -EPERM;
	else
		*mapp = p->vmmap;
	spin_unlock(&proc_lock);
	return rc;
}

static bool range_ok(uint32_t addr, uint32_t len)
{
	return addr < USER_END && len <= USER_END - addr;
}

int vm_page_give(int pid, uint32_t src, uint32_t len, uint32_t dst, uint32_t flags)
{
	vmmap_t *mine = curproc->vmmap, *theirs = NULL;
	if ((flags & ~MOS_GIVE_FLAGS) || len == 0 || !IS_ALIGNED(src, PAGE_SIZE) ||
	    !IS_ALIGNED(dst, PAGE_SIZE) || !IS_ALIGNED(len, PAGE_SIZE))
		return -EINVAL;
	if (!mine || !range_ok(src, len) || !range_ok(dst, len))
		return -EFAULT;
	vmmap_swap_lock();
	int rc = target_map(pid, &theirs);
	if (rc < 0)
		goto out_swap;
	give_side_t from, to;
	kmutex_lock(&mine->lock);
	kmutex_lock(&theirs->lock);
	if ((rc = side_init(&from, mine, src, len)) < 0 ||
	    (rc = side_init(&to, theirs, dst, len)) < 0)
		goto out_unlock;
	if ((flags & MOS_GIVE_MOVE) && side_exclusive(&from) && side_exclusive(&to))
		rc = give_move(&from, &to);
	else if (vmmap_count_after_remove(mine, from.start, from.n) >= mine->max_areas ||
		 vmmap_count_after_remove(theirs, to.start, to.n) >= theirs->max_areas)
		rc = -ENOMEM;
	else
		rc = give_share(&from, &to, flags & MOS_GIVE_MOVE);
out_unlock:
	kmutex_unlock(&theirs->lock);
	kmutex_unlock(&mine->lock);
out_swap:
	vmmap_swap_unlock();
	return rc;
}
