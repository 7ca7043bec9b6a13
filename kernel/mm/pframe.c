/*
 * The page cache: pframes, one per resident page of a memory object.
 *
 * Every pframe is in a hash table keyed by (object, page number) and on
 * its object's page list; an unpinned page that could be evicted is also
 * on the LRU list (oldest at the head).  A dirty page of an object that
 * cannot write pages back (no clean_page) is left off the LRU: nothing
 * could free it.  A page is BUSY while it is being filled or written
 * back; lookups of a busy page wait for it on busy_wq, and nothing evicts
 * or removes it meanwhile.
 *
 * Frames come from frame_alloc.  Before taking one, the cache evicts a
 * batch of pages if the free count is under the low-water mark (so slab,
 * kmalloc and thread stacks, which cannot evict anything themselves,
 * always find memory), if a test set a page limit that is reached, or if
 * frame_alloc failed.  Eviction writes dirty pages back itself: objects'
 * clean_page operations take no locks a caller could hold (mm/mmobj.h),
 * so it is safe from inside any file-system operation.
 *
 * This is the one part of mm that sleeps (waiting for busy pages), so it
 * uses the scheduler's wait queues; it calls fs and vm only through the
 * mmobj operations.
 *
 * The reverse map: each page lists the user PTEs that map it
 * (pf_mappings), so write-back can write-protect them, eviction and
 * removal can unmap them, and a mapped page needs no pin (see
 * mm/pframe.h for the contract).  Every PTE that maps a cache page is
 * made and removed here, under table_lock, together with its record, so
 * the two never disagree; a page table with a recorded PTE in it is
 * therefore never freed (its owner frees tables only once they are
 * empty).  A PTE of another address space may be changed here: on one
 * CPU, switching CR3 flushes its stale TLB entries; tlb_flush_page is
 * where an SMP shootdown will go.
 *
 * table_lock protects the hash table, the LRU, every object's page list
 * and count, every pframe's flags, pin count, links and mappings, the
 * user PTEs that map cache pages, and the statistics.  Lock order:
 * table_lock -> slab and frame locks.  No object operation is ever called
 * with table_lock held.
 */
#include "mm/pframe.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "mm/slab.h"
#include "proc/sched.h"
#include "util/debug.h"
#include "util/errno.h"
#include "util/string.h"

#define PFRAME_HASH_MIN_BITS 10
#define PFRAME_FRAMES_PER_BUCKET 8	/* hash size: memory / 8 pages */
#define PFRAME_HASH_MULT 0x9E3779B1u	/* Knuth's multiplicative hash */
#define HASH_WORD_BITS 32
#define PFRAME_RECLAIM_BATCH 32u	/* pages evicted per shortage */
#define PFRAME_LOW_WATER_MIN 64u	/* frames kept free at least ... */
#define PFRAME_LOW_WATER_SHIFT 5	/* ... or 1/32 of memory */
#define PFRAME_REMOVE_BY_HASH 16u	/* ranges this short are removed by lookup */
#define PFRAME_READAHEAD_RESERVE 2u	/* read ahead only above 2x low water */


static spinlock_t table_lock = SPINLOCK_INIT("page cache: hash, LRU, pframe state");
static list_t *hash_table;	/* hash_size chains, sized by memory at boot */
static size_t hash_size;
static unsigned hash_bits;
static list_t lru = LIST_INIT(lru);
static wait_queue_t busy_wq;	/* threads waiting for a BUSY page */
static slab_cache_t *pframe_cache;
static slab_cache_t *mapping_cache;
static size_t low_water;
static size_t page_limit;	/* 0 = none */
static pframe_stats_t stats;
static uint32_t sync_gen;	/* numbers each write-back pass */

void pframe_init(void)
{
	if (pframe_cache)
		return;		/* the VFS and the VM may both ask */
	hash_bits = PFRAME_HASH_MIN_BITS;
	while ((1u << hash_bits) < frame_total_count() / PFRAME_FRAMES_PER_BUCKET)
		hash_bits++;
	hash_size = (size_t)1 << hash_bits;
	hash_table = kmalloc(hash_size * sizeof(list_t));
	KASSERT(hash_table, "no memory for the page-cache hash table");
	for (size_t i = 0; i < hash_size; i++)
		list_init(&hash_table[i]);
	wait_queue_init(&busy_wq);
	pframe_cache = slab_cache_create("pframe", sizeof(pframe_t), 0, 0);
	mapping_cache = slab_cache_create("pframe_mapping", sizeof(pframe_mapping_t), 0, 0);
	KASSERT(pframe_cache && mapping_cache, "no memory for the pframe caches");
	low_water = MAX((size_t)PFRAME_LOW_WATER_MIN,
			frame_total_count() >> PFRAME_LOW_WATER_SHIFT);
}

static list_t *bucket(const mmobj_t *o, uint32_t pagenum)
{
	uint32_t h = ((uint32_t)(uintptr_t)o ^ (pagenum * PFRAME_HASH_MULT)) * PFRAME_HASH_MULT;
	return &hash_table[h >> (HASH_WORD_BITS - hash_bits)];
}

static pframe_t *hash_find(const mmobj_t *o, uint32_t pagenum)
{
	list_t *b = bucket(o, pagenum), *l;
	list_for_each(l, b) {
		pframe_t *pf = list_entry(l, pframe_t, pf_hash_link);
		if (pf->pf_obj == o && pf->pf_pagenum == pagenum)
			return pf;
	}
	return NULL;
}

/* Whether an unpinned page belongs on the LRU (could ever be freed). */
static bool evictable(const pframe_t *pf)
{
	return !(pf->pf_flags & PF_DIRTY) || pf->pf_obj->mo_ops->clean_page;
}

static void lru_remove(pframe_t *pf)
{
	if (list_linked(&pf->pf_lru_link)) {
		list_remove(&pf->pf_lru_link);
		stats.lru--;
	}
}

/* Marks a page dirty (a resident page: no dirty_page call needed); a
 * page that can then never be freed leaves the LRU. */
static void set_dirty_locked(pframe_t *pf)
{
	if (pf->pf_flags & (PF_DIRTY | PF_ORPHAN))
		return;
	pf->pf_flags |= PF_DIRTY;
	stats.dirty++;
	if (!evictable(pf))
		lru_remove(pf);
}

/* The pframe whose frame is at physical address pa, or NULL. */
static pframe_t *pframe_of_frame(paddr_t pa)
{
	uintptr_t owner = frame_owner(pa_to_kva(PAGE_ALIGN_DOWN(pa)));
	if ((owner & FRAME_OWNER_TAG_MASK) != FRAME_OWNER_PFRAME)
		return NULL;
	return (pframe_t *)(owner & ~(uintptr_t)FRAME_OWNER_TAG_MASK);
}

static pframe_mapping_t *mapping_entry(list_t *l)
{
	return list_entry(l, pframe_mapping_t, link);
}

/* A record for a new mapping of pf: the one inside the pframe when it is
 * free (most pages have one mapping), else one from the slab. */
static pframe_mapping_t *new_mapping_locked(pframe_t *pf)
{
	if (!pf->pf_map0.pd)
		return &pf->pf_map0;
	return slab_alloc(mapping_cache);
}

static void free_mapping_locked(pframe_t *pf, pframe_mapping_t *m)
{
	if (m == &pf->pf_map0)
		m->pd = NULL;
	else
		slab_free(mapping_cache, m);
}

static void forget_mapping_locked(pframe_t *pf, pframe_mapping_t *m)
{
	list_remove(&m->link);
	free_mapping_locked(pf, m);
	stats.mappings--;
}

/* Clears the PTE of one mapping, passing its dirty bit on. */
static void unmap_mapping_locked(pframe_t *pf, pframe_mapping_t *m)
{
	uint32_t flags = 0;
	pt_lookup(m->pd, m->va, NULL, &flags);
	pt_unmap(m->pd, m->va);
	if (flags & PTE_DIRTY)
		set_dirty_locked(pf);
	forget_mapping_locked(pf, m);
}

static void unmap_all_locked(pframe_t *pf)
{
	while (!list_empty(&pf->pf_mappings))
		unmap_mapping_locked(pf, mapping_entry(pf->pf_mappings.next));
}

/* Turns the huge page around va into 1024 PTEs, each recorded on its
 * page like any 4 KiB mapping (huge pages: see pframe_map_huge).  A page
 * whose record cannot be allocated loses its PTE instead, and with no
 * frame for the table the whole huge mapping goes: the pages stay in
 * their object and fault back in 4 KiB at a time, so nothing is lost. */
static void split_huge_locked(pde_t *pd, uint32_t va)
{
	uint32_t base = ALIGN_DOWN(va, HUGE_PAGE_SIZE);
	paddr_t pa;
	pt_lookup(pd, base, &pa, NULL);
	stats.huge_mapped--;
	stats.huge_splits++;
	if (!pt_split_huge(pd, base)) {
		pt_unmap(pd, base);
		return;
	}
	for (uint32_t i = 0; i < PAGES_PER_HUGE; i++) {
		uint32_t page_va = base + i * PAGE_SIZE;
		pframe_t *pf = pframe_of_frame(pa + i * PAGE_SIZE);
		KASSERT(pf, "huge page at %#x maps a frame the page cache does not own", page_va);
		pframe_mapping_t *m = new_mapping_locked(pf);
		if (!m) {
			pt_unmap(pd, page_va);
			continue;
		}
		m->pd = pd;
		m->va = page_va;
		list_insert_tail(&pf->pf_mappings, &m->link);
		stats.mappings++;
	}
}

/* Removes whatever user page va of pd maps, with its record. */
static void unmap_va_locked(pde_t *pd, uint32_t va)
{
	paddr_t pa;
	if (pt_is_huge(pd, va))
		split_huge_locked(pd, va);
	if (!pt_lookup(pd, va, &pa, NULL))
		return;
	pframe_t *pf = pframe_of_frame(pa);
	list_t *l;
	if (!pf) {
		pt_unmap(pd, va);	/* not a cache page: nothing to record */
		return;
	}
	list_for_each(l, &pf->pf_mappings) {
		pframe_mapping_t *m = mapping_entry(l);
		if (m->pd == pd && m->va == va) {
			unmap_mapping_locked(pf, m);
			return;
		}
	}
	panic("user page %#x maps page %u of object %p without a record",
	      (unsigned)va, (unsigned)pf->pf_pagenum, pf->pf_obj);
}

/* Write-protects every mapping of pf: its next store faults. */
static void wrprotect_locked(pframe_t *pf)
{
	list_t *l;
	list_for_each(l, &pf->pf_mappings) {
		pframe_mapping_t *m = mapping_entry(l);
		if (pt_clear_flags(m->pd, m->va, PTE_WRITE | PTE_DIRTY) & PTE_WRITE)
			stats.wrprotects++;
	}
}

/* Whether any mapping used pf since the last look (clears the bits). */
static bool referenced_locked(pframe_t *pf)
{
	bool used = false;
	list_t *l;
	list_for_each(l, &pf->pf_mappings) {
		pframe_mapping_t *m = mapping_entry(l);
		if (pt_clear_flags(m->pd, m->va, PTE_ACCESSED) & PTE_ACCESSED)
			used = true;
	}
	return used;
}

static void pin_locked(pframe_t *pf)
{
	if (pf->pf_pincount++ == 0) {
		stats.pinned++;
		lru_remove(pf);
	}
}

/* Takes a page out of the cache's tables (not its frame). */
static void detach_locked(pframe_t *pf)
{
	list_remove(&pf->pf_hash_link);
	list_remove(&pf->pf_obj_link);
	lru_remove(pf);
	pf->pf_obj->mo_npages--;
	if (pf->pf_flags & PF_DIRTY)
		stats.dirty--;
	pf->pf_flags &= ~PF_DIRTY;
}

static void free_locked(pframe_t *pf)
{
	KASSERT(pf->pf_pincount == 0, "freeing pinned pframe %p", pf);
	KASSERT(list_empty(&pf->pf_mappings), "freeing mapped pframe %p", pf);
	stats.resident--;
	frame_free(pf->pf_addr);
	slab_free(pframe_cache, pf);
}

static void unpin_locked(pframe_t *pf)
{
	KASSERT(pf->pf_pincount > 0, "pframe %p (page %u) unpinned too often", pf,
		(unsigned)pf->pf_pagenum);
	if (--pf->pf_pincount > 0)
		return;
	stats.pinned--;
	if (pf->pf_flags & PF_ORPHAN)
		free_locked(pf);
	else if (evictable(pf)) {
		list_insert_tail(&lru, &pf->pf_lru_link);
		stats.lru++;
	}
}

void pframe_pin(pframe_t *pf)
{
	spin_lock(&table_lock);
	KASSERT(pf->pf_pincount > 0, "pframe_pin of an unpinned page %p", pf);
	pin_locked(pf);
	spin_unlock(&table_lock);
}

void pframe_unpin(pframe_t *pf)
{
	spin_lock(&table_lock);
	unpin_locked(pf);
	spin_unlock(&table_lock);
}

static void wait_busy_locked(void)
{
	sched_sleep_on(&busy_wq, &table_lock);
}

static void unbusy_locked(pframe_t *pf)
{
	pf->pf_flags &= ~PF_BUSY;
	sched_broadcast_on(&busy_wq);
}

/* Writes back a page that is pinned by the caller; table_lock held on
 * entry and exit, dropped during the write. */
static int clean_locked(pframe_t *pf)
{
	while (pf->pf_flags & PF_BUSY)
		wait_busy_locked();
	if (!(pf->pf_flags & PF_DIRTY) || (pf->pf_flags & PF_ORPHAN) ||
	    !pf->pf_obj->mo_ops->clean_page)
		return 0;
	wrprotect_locked(pf);	/* before the flag goes: see mm/pframe.h */
	pf->pf_flags = (pf->pf_flags & ~PF_DIRTY) | PF_BUSY;
	stats.dirty--;
	spin_unlock(&table_lock);
	int rc = pf->pf_obj->mo_ops->clean_page(pf->pf_obj, pf);
	spin_lock(&table_lock);
	if (rc < 0 && !(pf->pf_flags & (PF_DIRTY | PF_ORPHAN))) {
		pf->pf_flags |= PF_DIRTY;
		stats.dirty++;
	}
	if (rc >= 0)
		stats.writebacks++;
	unbusy_locked(pf);
	return rc < 0 && rc != -EAGAIN ? rc : 0;	/* -EAGAIN: not yet, no error */
}

/* Evicts up to n pages from the LRU's head.  A mapped page that was used
 * since the last pass goes to the tail instead (second chance); others
 * are unmapped.  Dirty pages are written back first; one that is still
 * dirty, pinned or mapped afterwards is skipped. */
static size_t reclaim_locked(size_t n)
{
	size_t freed = 0, scanned = 0, budget = stats.resident;
	while (freed < n && scanned++ < budget && !list_empty(&lru)) {
		pframe_t *pf = list_entry(lru.next, pframe_t, pf_lru_link);
		KASSERT(pf->pf_pincount == 0 && !(pf->pf_flags & PF_BUSY),
			"pframe %p on the LRU while pinned or busy", pf);
		if (!list_empty(&pf->pf_mappings)) {
			if (referenced_locked(pf)) {
				list_remove(&pf->pf_lru_link);
				list_insert_tail(&lru, &pf->pf_lru_link);
				continue;
			}
			unmap_all_locked(pf);
			if (!list_linked(&pf->pf_lru_link))
				continue;	/* dirty, and nothing could write it */
		}
		if (pf->pf_flags & PF_DIRTY) {
			pin_locked(pf);
			clean_locked(pf);
			bool keep = pf->pf_pincount > 1 || !list_empty(&pf->pf_mappings) ||
				    (pf->pf_flags & (PF_DIRTY | PF_ORPHAN));
			if (keep) {
				unpin_locked(pf);
				continue;
			}
			pf->pf_pincount = 0;
			stats.pinned--;
		}
		detach_locked(pf);
		free_locked(pf);
		stats.evictions++;
		freed++;
	}
	return freed;
}

size_t pframe_reclaim(size_t n)
{
	spin_lock(&table_lock);
	size_t freed = reclaim_locked(n);
	spin_unlock(&table_lock);
	return freed;
}

size_t pframe_reclaim_all(void)
{
	size_t total = 0, freed;
	do {
		freed = pframe_reclaim(PFRAME_RECLAIM_BATCH);
		total += freed;
	} while (freed > 0);
	return total;
}

/* A frame for a new page, evicting pages first when memory is short. */
static void *alloc_frame(void)
{
	if ((page_limit && stats.resident >= page_limit) || frame_free_count() < low_water)
		pframe_reclaim(PFRAME_RECLAIM_BATCH);
	void *frame = frame_alloc();
	if (!frame && pframe_reclaim(PFRAME_RECLAIM_BATCH) > 0)
		frame = frame_alloc();
	return frame;
}

/* Makes pf page `pagenum` of o held in `frame`: unpinned, clean, in no
 * table yet. */
static void init_pframe(pframe_t *pf, mmobj_t *o, uint32_t pagenum, void *frame)
{
	memset(pf, 0, sizeof(*pf));
	frame_set_owner(frame, (uintptr_t)pf | FRAME_OWNER_PFRAME);
	pf->pf_obj = o;
	pf->pf_pagenum = pagenum;
	pf->pf_addr = frame;
	list_init(&pf->pf_hash_link);
	list_init(&pf->pf_obj_link);
	list_init(&pf->pf_lru_link);
	list_init(&pf->pf_mappings);
}

static pframe_t *new_pframe(mmobj_t *o, uint32_t pagenum, int *err)
{
	void *frame = alloc_frame();
	pframe_t *pf = frame ? slab_alloc(pframe_cache) : NULL;
	if (!pf) {
		if (frame)
			frame_free(frame);
		*err = -ENOMEM;
		return NULL;
	}
	init_pframe(pf, o, pagenum, frame);
	pf->pf_flags = PF_BUSY;
	pf->pf_pincount = 1;
	return pf;
}

/* Frees a page made by new_pframe that never entered the tables. */
static void discard_fresh(pframe_t *pf)
{
	frame_free(pf->pf_addr);
	slab_free(pframe_cache, pf);
}

/* The common path of pframe_get*: find the page or make it; fill it when
 * `fill`; `pin` false leaves a new page unpinned (read-ahead). */
static int get_common(mmobj_t *o, uint32_t pagenum, bool fill, bool pin, pframe_t **pfp)
{
	pframe_t *pf, *fresh = NULL;
	int err = 0;

	spin_lock(&table_lock);
	for (;;) {
		pf = hash_find(o, pagenum);
		if (pf && (pf->pf_flags & PF_BUSY)) {
			wait_busy_locked();
			continue;
		}
		if (pf) {
			if (fresh)
				discard_fresh(fresh);	/* raced: someone made it first */
			if (pin)
				pin_locked(pf);
			stats.hits++;
			spin_unlock(&table_lock);
			*pfp = pin ? pf : NULL;
			return 0;
		}
		if (fresh)
			break;
		spin_unlock(&table_lock);
		fresh = new_pframe(o, pagenum, &err);
		if (!fresh)
			return err;
		spin_lock(&table_lock);
	}
	pf = fresh;
	stats.pinned++;
	stats.resident++;
	stats.misses++;
	list_insert_tail(bucket(o, pagenum), &pf->pf_hash_link);
	list_insert_tail(&o->mo_pages, &pf->pf_obj_link);
	o->mo_npages++;
	spin_unlock(&table_lock);

	if (fill)
		err = o->mo_ops->fill_page(o, pf);
	else
		memset(pf->pf_addr, 0, PAGE_SIZE);

	spin_lock(&table_lock);
	unbusy_locked(pf);
	if (err < 0) {
		if (!(pf->pf_flags & PF_ORPHAN))
			detach_locked(pf);
		pf->pf_flags |= PF_ORPHAN;
		unpin_locked(pf);
		spin_unlock(&table_lock);
		return err;
	}
	if (!pin)
		unpin_locked(pf);
	spin_unlock(&table_lock);
	*pfp = pin ? pf : NULL;
	return 0;
}

int pframe_get(mmobj_t *o, uint32_t pagenum, pframe_t **pfp)
{
	return get_common(o, pagenum, true, true, pfp);
}

int pframe_get_nofill(mmobj_t *o, uint32_t pagenum, pframe_t **pfp)
{
	return get_common(o, pagenum, false, true, pfp);
}

pframe_t *pframe_lookup_resident(mmobj_t *o, uint32_t pagenum)
{
	spin_lock(&table_lock);
	pframe_t *pf;
	while ((pf = hash_find(o, pagenum)) && (pf->pf_flags & PF_BUSY))
		wait_busy_locked();
	if (pf)
		pin_locked(pf);
	spin_unlock(&table_lock);
	return pf;
}

int pframe_move(pframe_t *pf, mmobj_t *to, uint32_t pagenum)
{
	int rc = 0;
	spin_lock(&table_lock);
	KASSERT(pf->pf_pincount > 0, "pframe_move of an unpinned page %p", pf);
	if (pf->pf_flags & PF_ORPHAN)
		rc = -EAGAIN;
	else if (!list_empty(&pf->pf_mappings))
		rc = -EBUSY;
	else if (hash_find(to, pagenum))
		rc = -EEXIST;
	else {
		list_remove(&pf->pf_hash_link);
		list_remove(&pf->pf_obj_link);
		pf->pf_obj->mo_npages--;
		pf->pf_obj = to;
		pf->pf_pagenum = pagenum;
		list_insert_tail(bucket(to, pagenum), &pf->pf_hash_link);
		list_insert_tail(&to->mo_pages, &pf->pf_obj_link);
		to->mo_npages++;
	}
	spin_unlock(&table_lock);
	return rc;
}

void pframe_readahead(mmobj_t *o, uint32_t first, uint32_t count)
{
	pframe_t *unused;
	for (uint32_t i = 0; i < count; i++) {
		/* Read ahead only into memory that is free or held by pages
		 * that could be evicted. */
		if (frame_free_count() + stats.lru < PFRAME_READAHEAD_RESERVE * low_water)
			return;
		spin_lock(&table_lock);
		bool resident = hash_find(o, first + i) != NULL;
		spin_unlock(&table_lock);
		if (resident)
			continue;
		if (get_common(o, first + i, true, false, &unused) < 0)
			return;
		spin_lock(&table_lock);
		stats.readaheads++;
		spin_unlock(&table_lock);
	}
}

int pframe_dirty(pframe_t *pf)
{
	KASSERT(pf->pf_pincount > 0, "pframe_dirty of unpinned page %p", pf);
	spin_lock(&table_lock);
	bool need_op = !(pf->pf_flags & (PF_DIRTY | PF_ORPHAN)) && pf->pf_obj->mo_ops->dirty_page;
	spin_unlock(&table_lock);
	if (need_op) {
		int rc = pf->pf_obj->mo_ops->dirty_page(pf->pf_obj, pf);
		if (rc < 0)
			return rc;
	}
	spin_lock(&table_lock);
	set_dirty_locked(pf);
	spin_unlock(&table_lock);
	return 0;
}

int pframe_map(pframe_t *pf, pde_t *pd, uint32_t va, bool writable)
{
	paddr_t pa = kva_to_pa(pf->pf_addr), old;
	uint32_t pte_flags = PTE_USER | (writable ? PTE_WRITE : 0);
	int rc = 0;
	spin_lock(&table_lock);
	KASSERT(pf->pf_pincount > 0, "pframe_map of unpinned page %p", pf);
	if ((pf->pf_flags & PF_ORPHAN) || (writable && !(pf->pf_flags & PF_DIRTY))) {
		rc = -EAGAIN;
		goto out;
	}
	if (pt_is_huge(pd, va))
		split_huge_locked(pd, va);
	if (pt_lookup(pd, va, &old, NULL) && PAGE_ALIGN_DOWN(old) == pa) {
		rc = pt_map(pd, va, pa, pte_flags);	/* new rights, same page */
		goto out;
	}
	unmap_va_locked(pd, va);
	pframe_mapping_t *m = new_mapping_locked(pf);
	if (!m) {
		rc = -ENOMEM;
		goto out;
	}
	if ((rc = pt_map(pd, va, pa, pte_flags)) < 0) {
		free_mapping_locked(pf, m);
		goto out;
	}
	m->pd = pd;
	m->va = va;
	list_insert_tail(&pf->pf_mappings, &m->link);
	stats.mappings++;
out:
	spin_unlock(&table_lock);
	return rc;
}

void pframe_unmap(pde_t *pd, uint32_t va)
{
	/* Only the owner of pd (who holds its vmmap lock) maps pages in it,
	 * so a PTE absent now stays absent: skip the lock, as unmapping a
	 * whole range mostly meets empty slots. */
	if (!pt_lookup(pd, va, NULL, NULL))
		return;
	spin_lock(&table_lock);
	unmap_va_locked(pd, va);
	spin_unlock(&table_lock);
}

bool pframe_unmap_huge(pde_t *pd, uint32_t va)
{
	if (!pt_is_huge(pd, va))
		return false;
	spin_lock(&table_lock);
	pt_unmap(pd, va);
	stats.huge_mapped--;
	spin_unlock(&table_lock);
	return true;
}

/* Whether a 4 MiB run may be taken without eating the reserve that slab
 * and kmalloc rely on, or passing a test's page limit. */
static bool huge_run_allowed(void)
{
	return frame_free_count() >= low_water + PAGES_PER_HUGE &&
	       (!page_limit || stats.resident + PAGES_PER_HUGE <= page_limit);
}

/* Frees pframes on `list` that never entered the tables (not their frames). */
static void free_unused_pframes(list_t *list)
{
	while (!list_empty(list)) {
		pframe_t *pf = list_entry(list->next, pframe_t, pf_obj_link);
		list_remove(&pf->pf_obj_link);
		slab_free(pframe_cache, pf);
	}
}

/* Enters the 1024 pframes on `fresh` as pages first.. of o held in run,
 * dirty and unpinned (off the LRU: o cannot write them back). */
static void insert_run_locked(mmobj_t *o, uint32_t first, uint8_t *run, list_t *fresh)
{
	for (uint32_t i = 0; i < PAGES_PER_HUGE; i++) {
		pframe_t *pf = list_entry(fresh->next, pframe_t, pf_obj_link);
		list_remove(&pf->pf_obj_link);
		init_pframe(pf, o, first + i, run + i * PAGE_SIZE);
		pf->pf_flags = PF_DIRTY;
		list_insert_tail(bucket(o, first + i), &pf->pf_hash_link);
		list_insert_tail(&o->mo_pages, &pf->pf_obj_link);
	}
	o->mo_npages += PAGES_PER_HUGE;
	stats.resident += PAGES_PER_HUGE;
	stats.dirty += PAGES_PER_HUGE;
}

/* Whether any of pages first .. first+1023 of o is resident; if all are,
 * as one intact aligned run (dirty, not busy or removed), *run is its
 * first frame, else NULL. */
static bool resident_run_locked(mmobj_t *o, uint32_t first, uint8_t **run)
{
	bool any = false, intact = true;
	*run = NULL;
	for (uint32_t i = 0; i < PAGES_PER_HUGE; i++) {
		pframe_t *pf = hash_find(o, first + i);
		if (!pf) {
			intact = false;
			continue;
		}
		any = true;
		if (i == 0 && IS_ALIGNED(kva_to_pa(pf->pf_addr), HUGE_PAGE_SIZE))
			*run = pf->pf_addr;
		if (!*run || pf->pf_addr != *run + i * PAGE_SIZE ||
		    (pf->pf_flags & (PF_BUSY | PF_ORPHAN | PF_DIRTY)) != PF_DIRTY)
			intact = false;
	}
	if (!intact)
		*run = NULL;
	return any;
}

/* pframe_map_huge when the pages exist: maps them again if they are an
 * intact run (else -EEXIST). */
static int remap_run_locked(uint8_t *run, pde_t *pd, uint32_t va, uint32_t pte_flags)
{
	int rc = run ? pt_map_huge(pd, va, kva_to_pa(run), pte_flags) : -EEXIST;
	if (rc == 0)
		stats.huge_mapped++;
	return rc;
}

int pframe_map_huge(mmobj_t *o, uint32_t first, pde_t *pd, uint32_t va, bool writable)
{
	KASSERT(!o->mo_ops->clean_page, "huge pages of object %p, which writes pages back", o);
	uint32_t pte_flags = PTE_USER | (writable ? PTE_WRITE : 0);
	uint8_t *run;
	int rc;
	spin_lock(&table_lock);
	if (resident_run_locked(o, first, &run)) {
		rc = remap_run_locked(run, pd, va, pte_flags);
		spin_unlock(&table_lock);
		return rc;
	}
	spin_unlock(&table_lock);
	run = huge_run_allowed() ? frame_alloc_run(PAGES_PER_HUGE, PAGES_PER_HUGE) : NULL;
	list_t fresh;
	rc = -ENOMEM;
	list_init(&fresh);
	if (!run)
		goto out_count;
	for (uint32_t i = 0; i < PAGES_PER_HUGE; i++) {
		pframe_t *pf = slab_alloc(pframe_cache);
		if (!pf)
			goto out_free;
		list_insert_tail(&fresh, &pf->pf_obj_link);
	}
	memset(run, 0, HUGE_PAGE_SIZE);
	spin_lock(&table_lock);
	uint8_t *old;
	rc = -EEXIST;
	if (resident_run_locked(o, first, &old))
		goto out_unlock;
	if ((rc = pt_map_huge(pd, va, kva_to_pa(run), pte_flags)) < 0)
		goto out_unlock;
	insert_run_locked(o, first, run, &fresh);
	stats.huge_mapped++;
	stats.huge_faults++;
	spin_unlock(&table_lock);
	return 0;
out_unlock:
	spin_unlock(&table_lock);
out_free:
	free_unused_pframes(&fresh);
	frame_free_run(run, PAGES_PER_HUGE);
out_count:
	if (rc == -ENOMEM) {
		spin_lock(&table_lock);
		stats.huge_fallbacks++;
		spin_unlock(&table_lock);
	}
	return rc;
}

size_t pframe_mapcount(pframe_t *pf)
{
	size_t n = 0;
	list_t *l;
	spin_lock(&table_lock);
	list_for_each(l, &pf->pf_mappings)
		n++;
	spin_unlock(&table_lock);
	return n;
}

bool pframe_removed(pframe_t *pf)
{
	spin_lock(&table_lock);
	bool removed = pf->pf_flags & PF_ORPHAN;
	spin_unlock(&table_lock);
	return removed;
}

int pframe_clean(pframe_t *pf)
{
	spin_lock(&table_lock);
	KASSERT(pf->pf_pincount > 0, "pframe_clean of unpinned page %p", pf);
	int rc = clean_locked(pf);
	spin_unlock(&table_lock);
	return rc;
}

/* Writes back the dirty pages on one chain (the pages are linked through
 * the list_t at link_off in pframe_t).  Each page is pinned while it is
 * written, so it stays linked and the walk can go on from it; if it was
 * removed meanwhile, the walk starts over, skipping the pages this pass
 * already handled (marked with its generation).  table_lock held. */
static int sync_chain(list_t *head, size_t link_off, uint32_t gen)
{
	int first_err = 0;
	list_t *l = head->next;
	while (l != head) {
		pframe_t *pf = (pframe_t *)((char *)l - link_off);
		if (pf->pf_syncgen == gen || !(pf->pf_flags & (PF_DIRTY | PF_BUSY)) ||
		    !pf->pf_obj->mo_ops->clean_page) {
			l = l->next;
			continue;
		}
		pf->pf_syncgen = gen;
		pin_locked(pf);
		int rc = clean_locked(pf);
		if (rc < 0 && !first_err)
			first_err = rc;
		l = (pf->pf_flags & PF_ORPHAN) ? head->next : l->next;
		unpin_locked(pf);
	}
	return first_err;
}

int pframe_sync_obj(mmobj_t *o)
{
	spin_lock(&table_lock);
	int rc = sync_chain(&o->mo_pages, offsetof(pframe_t, pf_obj_link), ++sync_gen);
	spin_unlock(&table_lock);
	return rc;
}

int pframe_sync_all(void)
{
	int rc = 0;
	spin_lock(&table_lock);
	uint32_t gen = ++sync_gen;
	for (size_t b = 0; b < hash_size; b++) {
		int err = sync_chain(&hash_table[b], offsetof(pframe_t, pf_hash_link), gen);
		if (err < 0 && !rc)
			rc = err;
	}
	spin_unlock(&table_lock);
	return rc;
}

/* Removes one page (table_lock held): detaches it, and frees it unless
 * it is pinned.  Returns false if it was busy (the caller waits). */
static bool remove_locked(pframe_t *pf)
{
	if (pf->pf_flags & PF_BUSY)
		return false;
	unmap_all_locked(pf);
	detach_locked(pf);
	if (pf->pf_pincount > 0)
		pf->pf_flags |= PF_ORPHAN;
	else
		free_locked(pf);
	return true;
}

void pframe_remove_range(mmobj_t *o, uint32_t first, uint32_t end)
{
	spin_lock(&table_lock);
	if (end > first && end - first <= PFRAME_REMOVE_BY_HASH) {
		/* a few pages: look each up rather than walk the object */
		for (uint32_t n = first; n < end; n++) {
			pframe_t *pf;
			while ((pf = hash_find(o, n)) && !remove_locked(pf))
				wait_busy_locked();
		}
		spin_unlock(&table_lock);
		return;
	}
	list_t *l, *tmp;
restart:
	list_for_each_safe(l, tmp, &o->mo_pages) {
		pframe_t *pf = list_entry(l, pframe_t, pf_obj_link);
		if (pf->pf_pagenum < first || pf->pf_pagenum >= end)
			continue;
		if (!remove_locked(pf)) {
			wait_busy_locked();
			goto restart;
		}
	}
	spin_unlock(&table_lock);
}

void pframe_set_limit(size_t max_pages)
{
	spin_lock(&table_lock);
	page_limit = max_pages;
	spin_unlock(&table_lock);
}

size_t pframe_count(void)
{
	return stats.resident;
}

void pframe_get_stats(pframe_stats_t *st)
{
	spin_lock(&table_lock);
	*st = stats;
	spin_unlock(&table_lock);
}

size_t pframe_obj_pagenums(mmobj_t *o, uint32_t from, uint32_t *out, size_t max)
{
	size_t n = 0;
	list_t *l;
	spin_lock(&table_lock);
	while (n < max) {
		bool found = false;
		uint32_t best = 0;
		list_for_each(l, &o->mo_pages) {
			pframe_t *pf = list_entry(l, pframe_t, pf_obj_link);
			if (pf->pf_pagenum >= from && (!found || pf->pf_pagenum < best)) {
				best = pf->pf_pagenum;
				found = true;
			}
		}
		if (!found)
			break;
		out[n++] = best;
		if (best == UINT32_MAX)
			break;
		from = best + 1;
	}
	spin_unlock(&table_lock);
	return n;
}
