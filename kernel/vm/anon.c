/*
 * Anonymous memory objects: pages that read as zeros until written.
 *
 * The reference count is under vmobj_lock (kernel/vm/shadow.c).  The last
 * put removes the object's pages from the page cache and frees it; by
 * then no page table maps them (areas unmap before they put).
 */
#include "vm/vmobj.h"
#include "vm/vmobj_internal.h"
#include "mm/pframe.h"
#include "mm/slab.h"
#include "util/debug.h"
#include "util/string.h"

static slab_cache_t *anon_cache;

static void anon_ref(mmobj_t *o)
{
	vmobj_ref(o);
}

static void anon_put(mmobj_t *o)
{
	if (vmobj_unref(o))
		return;
	pframe_remove_range(o, 0, UINT32_MAX);
	vmobj_forget(o);
	slab_free(anon_cache, o);
}

static int anon_fill(mmobj_t *o, pframe_t *pf)
{
	memset(pf->pf_addr, 0, PAGE_SIZE);
	return 0;
}

static const mmobj_ops_t anon_ops = {
	.ref = anon_ref,
	.put = anon_put,
	.fill_page = anon_fill,
};

void anon_init(void)
{
	anon_cache = slab_cache_create("anon_obj", sizeof(mmobj_t), 0, 0);
	KASSERT(anon_cache, "no memory for the anon object cache");
}

bool mmobj_is_anon(const mmobj_t *o)
{
	return o->mo_ops == &anon_ops;
}

mmobj_t *anon_create(void)
{
	mmobj_t *o = slab_alloc(anon_cache);
	if (!o)
		return NULL;
	mmobj_init(o, &anon_ops);
	o->mo_refcount = 1;
	vmobj_remember(o);
	return o;
}
