/* Memory objects: anything whose contents can be cached a page at a time
 * in the page cache (kernel/mm/pframe.c).  A file's data (a vnode), a
 * disk's blocks (a file system's device object), and, with virtual memory
 * (issue 6), anonymous and shadow objects are all mmobjs.  The page cache
 * knows nothing about what is behind an object: it calls the object's
 * operations, which the higher layer (fs, vm) fills in, so mm never calls
 * up into fs or vm directly.
 *
 * Operations (all called without any page-cache lock held):
 *  - ref/put: reference counting.  mo_refcount belongs to the object's
 *    implementation (a vnode keeps it under its file system's vnode-cache
 *    lock); the page cache itself never takes references: a resident page
 *    does not keep its object alive, so an object must remove its pages
 *    (pframe_remove_range) before it is freed.
 *  - fill_page (required): fills pf->pf_addr with page pf->pf_pagenum's
 *    contents (a disk read, zeros for a hole).  May set pf->pf_private.
 *  - dirty_page (optional): called before a clean page first becomes
 *    dirty; may refuse (-ENOSPC when S5FS cannot allocate the page's
 *    block).  Must be idempotent: two threads may call it for one page.
 *  - clean_page (optional): writes a dirty page back.  It may run from
 *    any pframe_get under memory pressure, so it must take no lock that a
 *    caller of pframe_get could hold and must not call pframe_get itself.
 *    An object without clean_page cannot write pages back: its dirty
 *    pages stay resident until removed (ramfs, anonymous memory).
 *    -EAGAIN means "not now" (S5FS: a journaled block whose transaction
 *    has not committed): the page stays dirty and no error is reported.
 *  - sync (optional): writes the object's dirty pages back, with what is
 *    needed to find them again (a file's block map and inode): msync.
 *  - fault_begin/fault_end (optional, both or neither): objects with an
 *    end (files) bracket the page-fault path's lookup and mapping of one
 *    of their pages.  fault_begin returns the object's size in pages --
 *    a fault at or past it is SIGBUS -- and holds what keeps that size
 *    from changing (a file's truncate and extending writes wait) until
 *    fault_end.  `store` says a store through a shared mapping is being
 *    allowed: the file's modification time is updated, as by a write.
 *    Called without page-cache locks; the page calls above may follow.
 *
 * mo_pages and mo_npages are protected by the page cache's table lock. */
#pragma once
#include "util/types.h"
#include "util/list.h"

struct mmobj;
struct pframe;

typedef struct mmobj_ops {
	void (*ref)(struct mmobj *o);
	void (*put)(struct mmobj *o);
	int (*fill_page)(struct mmobj *o, struct pframe *pf);
	int (*dirty_page)(struct mmobj *o, struct pframe *pf);
	int (*clean_page)(struct mmobj *o, struct pframe *pf);
	int (*sync)(struct mmobj *o);
	uint32_t (*fault_begin)(struct mmobj *o, bool store);
	void (*fault_end)(struct mmobj *o);
} mmobj_ops_t;

typedef struct mmobj {
	const mmobj_ops_t *mo_ops;
	int mo_refcount;	/* the implementation's (see above) */
	list_t mo_pages;	/* resident pframes (pf_obj_link) */
	size_t mo_npages;
} mmobj_t;

static inline void mmobj_init(mmobj_t *o, const mmobj_ops_t *ops)
{
	o->mo_ops = ops;
	o->mo_refcount = 0;
	list_init(&o->mo_pages);
	o->mo_npages = 0;
}

static inline void mmobj_ref(mmobj_t *o) { o->mo_ops->ref(o); }
static inline void mmobj_put(mmobj_t *o) { o->mo_ops->put(o); }
