/* The virtual-memory kinds of memory object (kernel/vm/anon.c,
 * kernel/vm/shadow.c).
 *
 * An anonymous object is zero-filled memory.  A shadow object sits on top
 * of another object and holds the pages its owner has written; the pages
 * it lacks are read through from below.  Private mappings use a chain of
 * them: fork puts a fresh shadow over the chain for the parent and one
 * for the child, so both see the pages as they were and each writes into
 * its own top.  Objects below the top of a chain are never written.
 *
 * When a shadow object is referenced only by the shadow above it, the
 * two are merged (shadow_collapse): the lower one's pages that the upper
 * lacks move up and the lower one goes away, so chains do not grow
 * without bound over generations of forks.
 *
 * Anonymous and shadow pages have no backing store: dirty ones stay
 * resident until their object dies (no swap); clean ones (zero pages,
 * unmodified copies) may be evicted and are refilled identically.
 * vmobj_lock protects the reference counts and the chain links. */
#pragma once
#include "util/types.h"
#include "mm/mmobj.h"

struct pframe;

void anon_init(void);
void shadow_init(void);
mmobj_t *anon_create(void);
/* A shadow over `below` (one reference taken on below); NULL on ENOMEM. */
mmobj_t *shadow_create(mmobj_t *below);
bool mmobj_is_shadow(const mmobj_t *o);
bool mmobj_is_anon(const mmobj_t *o);
/* The object a shadow sits on. */
mmobj_t *shadow_below(mmobj_t *o);
/* Merges single-referenced shadows below top into it. */
void shadow_collapse(mmobj_t *top);
/* Length of the chain from o down to its bottom object (tests). */
int shadow_depth(mmobj_t *o);

/* MADV_DONTNEED on pages [first, end) of a private area's chain (the top
 * is the area's own, never another process's).  vm_chain_discard drops
 * those pages from the top and from the objects below it that only this
 * chain reaches; it returns true if that is enough -- nothing below is
 * shared with another chain (a forked relative), so the pages now read
 * from the bottom: zeros for anonymous memory, the file's contents for a
 * file.  Otherwise the caller gives the range a fresh top from
 * vm_chain_fresh: an anonymous object, or a shadow over the chain's
 * bottom when that is a file (NULL on ENOMEM). */
bool vm_chain_discard(mmobj_t *top, uint32_t first, uint32_t end);
mmobj_t *vm_chain_fresh(mmobj_t *top);

/* Finds page n of the chain topped by `top` for reading: the first
 * object that has it resident, or the bottom object (filled).  The page
 * comes back pinned; *in_top says whether it belongs to top itself. */
int vm_chain_get(mmobj_t *top, uint32_t n, struct pframe **pfp, bool *in_top);

/* The reference count of an anonymous or shadow object (a snapshot; the
 * page-give path reads it with the owning map's lock held). */
int vmobj_refs(mmobj_t *o);

/* Live anonymous and shadow objects (leak checks). */
size_t vmobj_count(void);
