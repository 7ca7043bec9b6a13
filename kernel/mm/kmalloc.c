/*
 * kmalloc: power-of-two slab caches from KMALLOC_MIN to KMALLOC_MAX_SLAB
 * bytes, and page runs above that.  A large allocation records its length
 * in its first frame's owner word, tagged with the low bit (slab owners are
 * page-aligned pointers, so the bit tells the two apart).  The caches are
 * created at boot and never change, so the array needs no lock.
 */
#include "mm/kmalloc.h"
#include "mm/frame.h"
#include "mm/page.h"
#include "mm/slab.h"
#include "util/debug.h"
#include "util/printf.h"
#include "util/string.h"

#define NCACHES 8	/* 16, 32, ..., 2048 */
#define LARGE_TAG 1u
#define LARGE_SHIFT 4

static slab_cache_t *caches[NCACHES];
static size_t large_frames;	/* frames in large allocations (stats) */

void kmalloc_init(void)
{
	for (int i = 0; i < NCACHES; i++) {
		char name[SLAB_NAME_MAX];
		size_t size = (size_t)KMALLOC_MIN << i;
		snprintf(name, sizeof(name), "kmalloc-%u", (unsigned)size);
		caches[i] = slab_cache_create(name, size, 0, 0);
		KASSERT(caches[i], "cannot create %s", name);
	}
}

static int cache_index(size_t size)
{
	int i = 0;
	while (((size_t)KMALLOC_MIN << i) < size)
		i++;
	return i;
}

void *kmalloc(size_t size)
{
	if (size == 0)
		size = 1;
	if (size <= KMALLOC_MAX_SLAB)
		return slab_alloc(caches[cache_index(size)]);
	if (size > frame_total_count() * PAGE_SIZE)
		return NULL;
	size_t n = PAGE_ALIGN_UP(size) / PAGE_SIZE;
	void *p = frame_alloc_run(n, 1);
	if (p) {
		frame_set_owner(p, (n << LARGE_SHIFT) | LARGE_TAG);
		__atomic_add_fetch(&large_frames, n, __ATOMIC_RELAXED);
	}
	return p;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);
	if (p)
		memset(p, 0, size);
	return p;
}

char *kstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = kmalloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

void kfree(void *p)
{
	if (!p)
		return;
	uintptr_t owner = frame_owner((void *)PAGE_ALIGN_DOWN(p));
	if (owner & LARGE_TAG) {
		KASSERT(IS_ALIGNED((uintptr_t)p, PAGE_SIZE),
			"kfree(%p): inside a large allocation", p);
		__atomic_sub_fetch(&large_frames, owner >> LARGE_SHIFT, __ATOMIC_RELAXED);
		frame_free_run(p, owner >> LARGE_SHIFT);
		return;
	}
	slab_cache_t *c = slab_cache_of(p);
	if (!c)
		panic("kfree(%p): not allocated by kmalloc", p);
	slab_free(c, p);
}

size_t kmalloc_large_frames(void)
{
	return large_frames;
}
