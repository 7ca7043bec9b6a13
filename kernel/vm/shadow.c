/*
 * Shadow objects and the copy-on-write chain (see include/vm/vmobj.h).
 *
 * fill_page of a shadow copies the page from the nearest object below
 * that has it resident, or from the bottom object (filling it there).
 * Lower objects are never written, so a copy is always what the owner
 * would have seen.
 *
 * vmobj_lock protects every anon/shadow reference count, every shadow's
 * `below` link and nlive.  Page-cache calls are made without it.
 */
#include "vm/vmobj.h"
#include "vm/vmobj_internal.h"
#include "mm/pframe.h"
#include "mm/slab.h"
#include "util/debug.h"
#include "util/spinlock.h"
#include "util/string.h"

#define COLLAPSE_BATCH 64

typedef struct shadow {
	mmobj_t obj;		/* first: a shadow_t is an mmobj_t */
	mmobj_t *below;		/* referenced */
} shadow_t;

static spinlock_t vmobj_lock = SPINLOCK_INIT("anon/shadow refcounts and links");
static size_t nlive;
static slab_cache_t *shadow_cache;

void vmobj_ref(mmobj_t *o)
{
	spin_lock(&vmobj_lock);
	KASSERT(o->mo_refcount > 0, "ref of dead object %p", o);
	o->mo_refcount++;
	spin_unlock(&vmobj_lock);
}

bool vmobj_unref(mmobj_t *o)
{
	spin_lock(&vmobj_lock);
	KASSERT(o->mo_refcount > 0, "put of dead object %p", o);
	bool left = --o->mo_refcount > 0;
	spin_unlock(&vmobj_lock);
	return left;
}

int vmobj_refs(mmobj_t *o)
{
	spin_lock(&vmobj_lock);
	int n = o->mo_refcount;
	spin_unlock(&vmobj_lock);
	return n;
}

void vmobj_remember(mmobj_t *o)
{
	spin_lock(&vmobj_lock);
	nlive++;
	spin_unlock(&vmobj_lock);
}

void vmobj_forget(mmobj_t *o)
{
	spin_lock(&vmobj_lock);
	nlive--;
	spin_unlock(&vmobj_lock);
}

size_t vmobj_count(void)
{
	return nlive;
}

static shadow_t *as_shadow(mmobj_t *o) { return (shadow_t *)o; }

static void shadow_ref(mmobj_t *o)
{
	vmobj_ref(o);
}

static void shadow_put(mmobj_t *o)
{
	if (vmobj_unref(o))
		return;
	mmobj_t *below = as_shadow(o)->below;
	pframe_remove_range(o, 0, UINT32_MAX);
	vmobj_forget(o);
	slab_free(shadow_cache, o);
	mmobj_put(below);
}

/* Copies page n of the chain below `sh` into dst. */
static int copy_from_below(shadow_t *sh, uint32_t n, void *dst)
{
	for (mmobj_t *o = sh->below;; o = as_shadow(o)->below) {
		pframe_t *src = NULL;
		int rc = 0;
		if (mmobj_is_shadow(o))
			src = pframe_lookup_resident(o, n);
		else
			rc = pframe_get(o, n, &src);
		if (rc < 0)
			return rc;
		if (src) {
			memcpy(dst, src->pf_addr, PAGE_SIZE);
			pframe_unpin(src);
			return 0;
		}
	}
}

static int shadow_fill(mmobj_t *o, pframe_t *pf)
{
	return copy_from_below(as_shadow(o), pf->pf_pagenum, pf->pf_addr);
}

static const mmobj_ops_t shadow_ops = {
	.ref = shadow_ref,
	.put = shadow_put,
	.fill_page = shadow_fill,
};

void shadow_init(void)
{
	shadow_cache = slab_cache_create("shadow_obj", sizeof(shadow_t), 0, 0);
	KASSERT(shadow_cache, "no memory for the shadow object cache");
}

bool mmobj_is_shadow(const mmobj_t *o)
{
	return o->mo_ops == &shadow_ops;
}

mmobj_t *shadow_create(mmobj_t *below)
{
	shadow_t *sh = slab_alloc(shadow_cache);
	if (!sh)
		return NULL;
	mmobj_init(&sh->obj, &shadow_ops);
	sh->obj.mo_refcount = 1;
	mmobj_ref(below);
	sh->below = below;
	vmobj_remember(&sh->obj);
	return &sh->obj;
}

int vm_chain_get(mmobj_t *top, uint32_t n, pframe_t **pfp, bool *in_top)
{
	for (mmobj_t *o = top;; o = as_shadow(o)->below) {
		if (!mmobj_is_shadow(o)) {
			*in_top = o == top;
			return pframe_get(o, n, pfp);
		}
		pframe_t *pf = pframe_lookup_resident(o, n);
		if (pf) {
			*in_top = o == top;
			*pfp = pf;
			return 0;
		}
	}
}

static bool is_vm_object(const mmobj_t *o)
{
	return mmobj_is_shadow(o) || mmobj_is_anon(o);
}

bool vm_chain_discard(mmobj_t *top, uint32_t first, uint32_t end)
{
	mmobj_t *o = top;
	for (;;) {
		pframe_remove_range(o, first, end);
		if (!mmobj_is_shadow(o))
			return true;	/* reached the bottom */
		o = as_shadow(o)->below;
		if (!is_vm_object(o))
			return true;	/* a file: its pages are the truth */
		spin_lock(&vmobj_lock);
		bool only_ours = o->mo_refcount == 1;
		spin_unlock(&vmobj_lock);
		if (!only_ours)
			return false;
	}
}

mmobj_t *vm_chain_fresh(mmobj_t *top)
{
	mmobj_t *bottom = top;
	while (mmobj_is_shadow(bottom))
		bottom = as_shadow(bottom)->below;
	return mmobj_is_anon(bottom) ? anon_create() : shadow_create(bottom);
}

int shadow_depth(mmobj_t *o)
{
	int depth = 1;
	for (; mmobj_is_shadow(o); o = as_shadow(o)->below)
		depth++;
	return depth;
}

/* Moves the pages of `mid` that `top` lacks up into top; false if memory
 * ran out (then nothing is lost: mid stays in the chain). */
static bool pull_pages_up(mmobj_t *top, mmobj_t *mid)
{
	uint32_t pages[COLLAPSE_BATCH];
	uint32_t next = 0;
	size_t n;
	while ((n = pframe_obj_pagenums(mid, next, pages, COLLAPSE_BATCH)) > 0) {
		for (size_t i = 0; i < n; i++) {
			pframe_t *have = pframe_lookup_resident(top, pages[i]);
			if (have) {
				pframe_unpin(have);
				continue;
			}
			pframe_t *src = pframe_lookup_resident(mid, pages[i]);
			if (!src)
				continue;
			pframe_t *dst;
			int rc = pframe_get_nofill(top, pages[i], &dst);
			if (rc == 0) {
				memcpy(dst->pf_addr, src->pf_addr, PAGE_SIZE);
				rc = pframe_dirty(dst);
				pframe_unpin(dst);
			}
			pframe_unpin(src);
			if (rc < 0)
				return false;
		}
		next = pages[n - 1] + 1;
	}
	return true;
}

void shadow_collapse(mmobj_t *top)
{
	while (mmobj_is_shadow(top)) {
		mmobj_t *mid = as_shadow(top)->below;
		spin_lock(&vmobj_lock);
		bool only_ours = mmobj_is_shadow(mid) && mid->mo_refcount == 1;
		spin_unlock(&vmobj_lock);
		if (!only_ours || !pull_pages_up(top, mid))
			return;
		/* Bypass mid: top now refers to what mid referred to. */
		mmobj_t *bottom = as_shadow(mid)->below;
		mmobj_ref(bottom);
		spin_lock(&vmobj_lock);
		as_shadow(top)->below = bottom;
		spin_unlock(&vmobj_lock);
		mmobj_put(mid);
	}
}

mmobj_t *shadow_below(mmobj_t *o)
{
	return as_shadow(o)->below;
}
