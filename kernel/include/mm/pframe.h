/* The page cache (kernel/mm/pframe.c): one pframe per resident page of a
 * memory object (mm/mmobj.h), found by (object, page number).
 *
 * pframe_get returns the page filled and pinned: a pinned page is never
 * evicted, moved or freed, and pf_addr (a direct-map address) stays valid
 * until the matching pframe_unpin.  Unpinned pages sit on an LRU list and
 * are evicted under memory pressure: clean ones are simply freed, dirty
 * ones are written back first (clean_page) when their object can.
 *
 * Dirty tracking: whoever changes a page calls pframe_dirty *after* the
 * change (and, to reserve space, may also call it before).  A write-back
 * clears the dirty flag before it starts writing, so a change that ends
 * while the write is in progress leaves the page dirty again and is
 * written next time: no update is ever lost.
 *
 * Removing pages (truncate, deleting a file) discards them without
 * write-back; a page still pinned is detached from its object (a new
 * lookup makes a fresh page) and freed at its last unpin.
 *
 * User mappings and the reverse map.  A user PTE that maps a page is
 * recorded on the page (pframe_map/pframe_unmap), so the cache can find
 * every mapping of a page.  A mapping holds no pin: mapped pages sit on
 * the LRU like any other and eviction unmaps them first.  The contract
 * that keeps every store through a mapping:
 *  - a PTE is writable only while its page is PF_DIRTY (pframe_map
 *    refuses a writable mapping of a clean page: the caller dirties the
 *    page and tries again);
 *  - write-back write-protects every mapping of the page, under the same
 *    lock, before it clears PF_DIRTY, so the next store faults and dirties
 *    the page again;
 *  - removing a page (truncate, an object's death) unmaps it first, and a
 *    removed page is never mapped again (pframe_map: -EAGAIN).
 * A PTE's hardware dirty bit is passed on to the page when it is unmapped
 * (it is always already dirty by the rule above; this is belt and braces).
 * The PTE's accessed bit gives mapped pages a second chance on the LRU. */
#pragma once
#include "util/types.h"
#include "util/list.h"
#include "mm/mmobj.h"
#include "mm/pagetable.h"

#define PF_BUSY 0x1u	/* being filled or written back: wait for it */
#define PF_DIRTY 0x2u	/* differs from the backing store */
#define PF_ORPHAN 0x4u	/* removed while pinned: freed at the last unpin */

/* One user PTE that maps a page (the reverse map). */
typedef struct pframe_mapping {
	list_t link;		/* on pf_mappings */
	pde_t *pd;		/* the address space's page directory; NULL: unused */
	uint32_t va;		/* the user page */
} pframe_mapping_t;

typedef struct pframe {
	mmobj_t *pf_obj;
	uint32_t pf_pagenum;
	void *pf_addr;		/* the page's frame, in the direct map */
	uint32_t pf_flags;	/* PF_*, under the table lock */
	int pf_pincount;	/* under the table lock */
	uint32_t pf_private;	/* the object's (S5FS: the disk block) */
	uint32_t pf_syncgen;	/* last write-back pass that handled it */
	list_t pf_hash_link;	/* hash chain */
	list_t pf_obj_link;	/* on pf_obj->mo_pages */
	list_t pf_lru_link;	/* on the LRU while unpinned and evictable */
	list_t pf_mappings;	/* pframe_mapping_t: the user PTEs mapping it */
	pframe_mapping_t pf_map0;	/* the first mapping's record, kept here */
} pframe_t;

/* The frame owner word (mm/frame.h) of a page-cache page: the pframe's
 * address with this tag in its two low bits (slab owners are page
 * aligned, a large kmalloc's end in 01), set for the frame's lifetime, so
 * a PTE leads back to its pframe. */
#define FRAME_OWNER_PFRAME 0x2u
#define FRAME_OWNER_TAG_MASK 0x3u

typedef struct pframe_stats {
	uint64_t hits, misses, evictions, writebacks, readaheads;
	uint64_t wrprotects;	/* writable mappings write-protected by write-back */
	size_t resident, dirty, pinned, lru;	/* lru: unpinned, evictable */
	size_t mappings;	/* user PTEs mapping cache pages */
	size_t huge_mapped;	/* 4 MiB user mappings (pframe_map_huge) now */
	uint64_t huge_faults;	/* huge pages made */
	uint64_t huge_fallbacks;	/* ... refused for want of a free run */
	uint64_t huge_splits;	/* huge mappings split into 1024 PTEs */
} pframe_stats_t;

void pframe_init(void);

/* The page, filled and pinned: 0, or -ENOMEM, or the fill's error. */
int pframe_get(mmobj_t *o, uint32_t pagenum, pframe_t **pfp);
/* As pframe_get, but a page that is not resident is not filled: it comes
 * back zeroed (for a caller about to overwrite all of it). */
int pframe_get_nofill(mmobj_t *o, uint32_t pagenum, pframe_t **pfp);
/* The page if it is resident (pinned), else NULL; never fills. */
pframe_t *pframe_lookup_resident(mmobj_t *o, uint32_t pagenum);
void pframe_pin(pframe_t *pf);
void pframe_unpin(pframe_t *pf);

/* Maps pinned page pf at user address va of directory pd, writable or
 * not, replacing whatever va mapped, and records the mapping.  0,
 * -ENOMEM (no page table or record), or -EAGAIN: pf was removed from its
 * object, or `writable` and pf is not dirty (a write-back cleaned it):
 * the caller looks the page up and dirties it again. */
int pframe_map(pframe_t *pf, pde_t *pd, uint32_t va, bool writable);
/* Removes the user mapping of va in pd, if any (and its record).  The
 * caller owns pd's layout (its vmmap lock): only it adds mappings. */
void pframe_unmap(pde_t *pd, uint32_t va);
/* Huge pages.  pframe_map_huge makes pages first .. first+1023 of o
 * (none of them resident: else -EEXIST) from one free, aligned 4 MiB run
 * of frames, zeroed and dirty, and maps them at va (4 MiB aligned, its
 * directory slot empty: else -EEXIST) with one 4 MiB PDE, writable or not;
 * -ENOMEM when no run is free (or taking one would eat the reserve that
 * slab and kmalloc need): the caller falls back to 4 KiB pages.  Each of
 * the 1024 pages is an ordinary pframe of o owning one frame, so they are
 * removed and freed one by one like any other.  o must be unable to write
 * pages back (anonymous memory): dirty, they are never evicted or
 * written back, which is why the huge PDE needs no reverse-map record.
 * Whenever a mapping of one of its pages is made or removed
 * (pframe_map/pframe_unmap), the huge PDE is first split into a page
 * table of 1024 PTEs, each recorded as usual.  pframe_unmap_huge drops a
 * whole huge mapping at once without splitting (the caller is removing
 * all of it); it returns false if va is not in one. */
int pframe_map_huge(mmobj_t *o, uint32_t first, pde_t *pd, uint32_t va, bool writable);
bool pframe_unmap_huge(pde_t *pd, uint32_t va);
/* Moves pinned, unmapped page pf to page `pagenum` of object `to`
 * without copying its frame (zero-copy page giving, vm/pagegive.h).
 * 0, or -EBUSY (pf is mapped), -EEXIST (to already has that page) or
 * -EAGAIN (pf was removed from its object). */
int pframe_move(pframe_t *pf, mmobj_t *to, uint32_t pagenum);
/* How many user PTEs map pf (tests). */
size_t pframe_mapcount(pframe_t *pf);

/* Marks a pinned page dirty (calling dirty_page first if it was clean):
 * 0 or the object's error. */
int pframe_dirty(pframe_t *pf);
/* Writes a pinned page back if it is dirty: 0 or the write's error (the
 * page then stays dirty). */
int pframe_clean(pframe_t *pf);
/* Whether pf was removed from its object while pinned (it will never be
 * written back by the cache). */
bool pframe_removed(pframe_t *pf);
/* Writes back every dirty page of o; returns the first error. */
int pframe_sync_obj(mmobj_t *o);
/* Writes back every dirty page in the cache. */
int pframe_sync_all(void);
/* Discards o's pages first <= n < end without writing them back. */
void pframe_remove_range(mmobj_t *o, uint32_t first, uint32_t end);

/* Fills pages first .. first+count-1 of o that are not resident, without
 * pinning them, while memory is plentiful; stops at the first error. */
void pframe_readahead(mmobj_t *o, uint32_t first, uint32_t count);

/* Evicts up to n unpinned pages (writing dirty ones back first when
 * their object can); returns how many were freed. */
size_t pframe_reclaim(size_t n);
/* Evicts every page that can be: the clean unpinned ones, after writing
 * back the dirty ones that can be written. */
size_t pframe_reclaim_all(void);

/* Tests: caps the resident pages (0 = no cap, only free memory limits). */
void pframe_set_limit(size_t max_pages);
size_t pframe_count(void);
/* Up to max page numbers >= from of o's resident pages, ascending. */
size_t pframe_obj_pagenums(mmobj_t *o, uint32_t from, uint32_t *out, size_t max);
void pframe_get_stats(pframe_stats_t *st);
