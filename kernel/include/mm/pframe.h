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
 * lookup makes a fresh page) and freed at its last unpin. */
#pragma once
#include "util/types.h"
#include "util/list.h"
#include "mm/mmobj.h"

#define PF_BUSY 0x1u	/* being filled or written back: wait for it */
#define PF_DIRTY 0x2u	/* differs from the backing store */
#define PF_ORPHAN 0x4u	/* removed while pinned: freed at the last unpin */

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
} pframe_t;

typedef struct pframe_stats {
	uint64_t hits, misses, evictions, writebacks, readaheads;
	size_t resident, dirty, pinned, lru;	/* lru: unpinned, evictable */
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

/* Marks a pinned page dirty (calling dirty_page first if it was clean):
 * 0 or the object's error. */
int pframe_dirty(pframe_t *pf);
/* Writes a pinned page back if it is dirty: 0 or the write's error (the
 * page then stays dirty). */
int pframe_clean(pframe_t *pf);
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
