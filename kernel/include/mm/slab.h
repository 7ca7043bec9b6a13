/* Slab allocator for fixed-size kernel objects (kernel/mm/slab.c).
 *
 * A cache holds objects of one size, carved from slabs of one or more
 * frames; slabs move between the cache's full, partial and empty lists and
 * empty slabs beyond one go back to the frame allocator.  With the debug
 * flag, every object has red zones before and after it, freed objects are
 * filled with a poison pattern that is checked when they are handed out
 * again, and freeing a free object is caught: each is reported with a clear
 * panic (or to slab_error_hook, which tests use to observe it).  Each
 * cache's lock protects its lists and statistics; slab_caches_lock protects
 * the list of caches. */
#pragma once
#include "util/types.h"
#include "util/list.h"
#include "util/spinlock.h"

#define SLAB_F_DEBUG 0x1u
#define SLAB_NAME_MAX 24

typedef struct slab_cache {
	char name[SLAB_NAME_MAX];
	size_t obj_size;	/* what callers asked for */
	size_t stride;		/* bytes per object slot, red zones included */
	size_t align;
	uint32_t flags;
	size_t slab_frames;	/* frames per slab */
	size_t objs_per_slab;
	spinlock_t lock;	/* protects the lists and counters below */
	list_t full, partial, empty;
	size_t nslabs, nempty;
	size_t objs_in_use;
	uint64_t total_allocs, total_frees;
	list_t link;		/* on slab_caches, under slab_caches_lock */
} slab_cache_t;

void slab_init(void);
/* Creates a cache; align 0 means the natural alignment.  NULL when out of
 * memory. */
slab_cache_t *slab_cache_create(const char *name, size_t size, size_t align,
				uint32_t flags);
/* Destroys an empty cache; panics if objects are still allocated. */
void slab_cache_destroy(slab_cache_t *c);
void *slab_alloc(slab_cache_t *c);
void slab_free(slab_cache_t *c, void *obj);
/* Returns the cache an object came from (from its frame's owner word). */
slab_cache_t *slab_cache_of(const void *obj);
/* Releases every empty slab; returns the number of frames freed. */
size_t slab_cache_shrink(slab_cache_t *c);
size_t slab_shrink_all(void);
/* Total objects in use in all caches (leak checks). */
size_t slab_objs_in_use_total(void);
/* Frames held by all slabs. */
size_t slab_frames_total(void);
void slab_print_stats(void);

/* When set, debug-mode errors call this instead of panicking, and the
 * offending operation is refused. */
extern void (*slab_error_hook)(const char *msg);
