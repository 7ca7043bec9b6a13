/*
 * The slab allocator.
 *
 * A slab is a run of frames that starts with a header (struct slab) and an
 * array of free slot indices used as a stack, followed by the object
 * slots.  Keeping the free list out of the objects lets debug caches fill
 * a free object entirely with poison.  Every frame of a slab has the slab
 * as its frame owner word, which is how slab_free and kfree find the slab
 * (and the cache) of any object.
 *
 * Debug slot layout:  [red zone][object, rounded to align][red zone]
 * The red zones hold RZ_ACTIVE while the object is allocated and RZ_FREE
 * while it is free, so a free of a free object is told apart from a
 * clobbered red zone.  Free objects hold POISON_FREE bytes; a changed byte
 * when the object is handed out again is a write after free.
 *
 * A cache keeps at most one empty slab; more go back to the frame
 * allocator at once.  Lock order: slab_caches_lock, then a cache's lock,
 * then frame_lock (inside frame_alloc/free).
 */
#include "mm/slab.h"
#include "mm/frame.h"
#include "mm/page.h"
#include "util/debug.h"
#include "util/printf.h"
#include "util/string.h"

#define RZ_ACTIVE 0xA5u
#define RZ_FREE 0x5Au
#define POISON_FREE 0x6Bu
#define SLAB_MIN_OBJS 8
#define SLAB_SMALL_STRIDE 512	/* up to this, one frame per slab */
#define SLAB_MAX_FRAMES 16

struct slab {
	list_t link;		/* on one of the cache's lists */
	slab_cache_t *cache;
	uint8_t *slots;		/* first object slot */
	size_t nfree;
	uint16_t free_stack[];	/* nfree indices of free slots */
};

void (*slab_error_hook)(const char *msg);

static spinlock_t slab_caches_lock = SPINLOCK_INIT("list of slab caches");
static list_t slab_caches = LIST_INIT(slab_caches);
static slab_cache_t cache_of_caches;

static size_t redzone_size(const slab_cache_t *c)
{
	return (c->flags & SLAB_F_DEBUG) ? MAX(c->align, (size_t)8) : 0;
}

static size_t object_span(const slab_cache_t *c)
{
	return ALIGN_UP(c->obj_size, c->align);
}

/* Reports a debug-mode error: panics, or tells the test hook.  Returns
 * only in the hook case. */
static void __printf(1, 2) slab_error(const char *fmt, ...)
{
	char msg[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!slab_error_hook)
		panic("%s", msg);
	slab_error_hook(msg);
}

static size_t slab_header_size(size_t objs)
{
	return sizeof(struct slab) + objs * sizeof(uint16_t);
}

/* Picks the slab size and object count for a cache. */
static void slab_geometry(slab_cache_t *c)
{
	size_t frames = 1;
	if (c->stride > SLAB_SMALL_STRIDE) {
		while (frames < SLAB_MAX_FRAMES &&
		       frames * PAGE_SIZE < slab_header_size(SLAB_MIN_OBJS) + c->align +
		       SLAB_MIN_OBJS * c->stride)
			frames *= 2;
	}
	size_t bytes = frames * PAGE_SIZE;
	size_t n = bytes / c->stride;
	while (n > 0 && ALIGN_UP(slab_header_size(n), c->align) + n * c->stride > bytes)
		n--;
	c->slab_frames = frames;
	c->objs_per_slab = n;
}

static void cache_init(slab_cache_t *c, const char *name, size_t size,
		       size_t align, uint32_t flags)
{
	memset(c, 0, sizeof(*c));
	strlcpy(c->name, name, sizeof(c->name));
	c->obj_size = size;
	c->align = align ? align : (size >= 8 ? 8 : 4);
	c->flags = flags;
	c->stride = ALIGN_UP(object_span(c) + 2 * redzone_size(c), c->align);
	spinlock_init(&c->lock, c->name);
	list_init(&c->full);
	list_init(&c->partial);
	list_init(&c->empty);
	slab_geometry(c);
	spin_lock(&slab_caches_lock);
	list_insert_tail(&slab_caches, &c->link);
	spin_unlock(&slab_caches_lock);
}

void slab_init(void)
{
	cache_init(&cache_of_caches, "slab_cache", sizeof(slab_cache_t), 0,
		   CONFIG_SLAB_DEBUG ? SLAB_F_DEBUG : 0);
}

slab_cache_t *slab_cache_create(const char *name, size_t size, size_t align,
				uint32_t flags)
{
	if (size == 0 || (align && !IS_POW2(align)) || align > PAGE_SIZE)
		return NULL;
	if (CONFIG_SLAB_DEBUG)
		flags |= SLAB_F_DEBUG;
	slab_cache_t *c = slab_alloc(&cache_of_caches);
	if (!c)
		return NULL;
	cache_init(c, name, size, align, flags);
	if (c->objs_per_slab == 0) {	/* too big for a slab */
		slab_cache_destroy(c);
		return NULL;
	}
	return c;
}

static uint8_t *slot_object(const slab_cache_t *c, uint8_t *slot)
{
	return slot + redzone_size(c);
}

static void set_redzones(const slab_cache_t *c, uint8_t *slot, uint8_t v)
{
	size_t rz = redzone_size(c);
	memset(slot, v, rz);
	memset(slot + rz + object_span(c), v, c->stride - rz - object_span(c));
}

/* Returns the value both red zones hold, or -1 if they disagree or are
 * not uniform (a clobbered zone). */
static int redzone_state(const slab_cache_t *c, const uint8_t *slot)
{
	size_t rz = redzone_size(c);
	uint8_t v = slot[0];
	for (size_t i = 0; i < rz; i++)
		if (slot[i] != v)
			return -1;
	for (size_t i = rz + object_span(c); i < c->stride; i++)
		if (slot[i] != v)
			return -1;
	return v;
}

static struct slab *slab_grow(slab_cache_t *c)
{
	uint8_t *mem = c->slab_frames == 1 ? frame_alloc()
		: frame_alloc_run(c->slab_frames, 1);
	if (!mem)
		return NULL;
	struct slab *s = (struct slab *)mem;
	list_init(&s->link);
	s->cache = c;
	s->slots = mem + ALIGN_UP(slab_header_size(c->objs_per_slab), c->align);
	s->nfree = c->objs_per_slab;
	for (size_t i = 0; i < c->objs_per_slab; i++) {
		s->free_stack[i] = c->objs_per_slab - 1 - i;	/* slot 0 on top */
		if (c->flags & SLAB_F_DEBUG) {
			uint8_t *slot = s->slots + i * c->stride;
			set_redzones(c, slot, RZ_FREE);
			memset(slot_object(c, slot), POISON_FREE, object_span(c));
		}
	}
	for (size_t f = 0; f < c->slab_frames; f++)
		frame_set_owner(mem + f * PAGE_SIZE, (uintptr_t)s);
	c->nslabs++;
	return s;
}

static void slab_release(slab_cache_t *c, struct slab *s)
{
	list_remove(&s->link);
	c->nslabs--;
	frame_free_run(s, c->slab_frames);
}

static void debug_check_alloc(slab_cache_t *c, uint8_t *slot)
{
	uint8_t *obj = slot_object(c, slot);
	if (redzone_state(c, slot) != RZ_FREE)
		slab_error("slab '%s': red zone of free object %p overwritten",
			   c->name, obj);
	for (size_t i = 0; i < object_span(c); i++) {
		if (obj[i] != POISON_FREE) {
			slab_error("slab '%s': write after free to object %p at offset %u",
				   c->name, obj, (unsigned)i);
			break;
		}
	}
	set_redzones(c, slot, RZ_ACTIVE);
}

void *slab_alloc(slab_cache_t *c)
{
	spin_lock(&c->lock);
	struct slab *s;
	if (!list_empty(&c->partial)) {
		s = list_entry(c->partial.next, struct slab, link);
	} else if (!list_empty(&c->empty)) {
		s = list_entry(c->empty.next, struct slab, link);
		c->nempty--;
	} else {
		s = slab_grow(c);
		if (!s) {
			spin_unlock(&c->lock);
			return NULL;
		}
	}
	uint8_t *slot = s->slots + s->free_stack[--s->nfree] * c->stride;
	list_remove(&s->link);
	list_insert_head(s->nfree ? &c->partial : &c->full, &s->link);
	c->objs_in_use++;
	c->total_allocs++;
	if (c->flags & SLAB_F_DEBUG)
		debug_check_alloc(c, slot);
	spin_unlock(&c->lock);
	return slot_object(c, slot);
}

static struct slab *slab_of(const void *obj)
{
	uintptr_t owner = frame_owner((const void *)PAGE_ALIGN_DOWN(obj));
	/* Slabs start on a page, so their owner words have no low bits. */
	return (owner && !(owner & (PAGE_SIZE - 1))) ? (struct slab *)owner : NULL;
}

slab_cache_t *slab_cache_of(const void *obj)
{
	struct slab *s = slab_of(obj);
	return s ? s->cache : NULL;
}

/* Checks a free in debug mode; false if it must be refused. */
static bool debug_check_free(slab_cache_t *c, uint8_t *slot, void *obj)
{
	int state = redzone_state(c, slot);
	if (state == RZ_FREE) {
		slab_error("slab '%s': double free of object %p", c->name, obj);
		return false;
	}
	if (state != RZ_ACTIVE) {
		slab_error("slab '%s': red zone of object %p overwritten (buffer overrun)",
			   c->name, obj);
		return false;
	}
	memset(obj, POISON_FREE, object_span(c));
	set_redzones(c, slot, RZ_FREE);
	return true;
}

void slab_free(slab_cache_t *c, void *obj)
{
	struct slab *s = slab_of(obj);
	if (!s || s->cache != c)
		panic("slab_free(%s, %p): not an object of this cache", c->name, obj);
	size_t off = (uint8_t *)obj - s->slots - redzone_size(c);
	size_t idx = off / c->stride;
	if ((uint8_t *)obj < s->slots || off % c->stride || idx >= c->objs_per_slab)
		panic("slab_free(%s, %p): not the start of an object", c->name, obj);

	spin_lock(&c->lock);
	if ((c->flags & SLAB_F_DEBUG) && !debug_check_free(c, s->slots + idx * c->stride, obj)) {
		spin_unlock(&c->lock);
		return;
	}
	KASSERT(s->nfree < c->objs_per_slab, "slab '%s' overfull", c->name);
	s->free_stack[s->nfree++] = idx;
	c->objs_in_use--;
	c->total_frees++;
	list_remove(&s->link);
	if (s->nfree == c->objs_per_slab) {
		list_insert_head(&c->empty, &s->link);
		if (++c->nempty > 1) {	/* keep one spare, return the rest */
			c->nempty--;
			slab_release(c, s);
		}
	} else {
		list_insert_head(&c->partial, &s->link);
	}
	spin_unlock(&c->lock);
}

size_t slab_cache_shrink(slab_cache_t *c)
{
	size_t freed = 0;
	spin_lock(&c->lock);
	while (!list_empty(&c->empty)) {
		slab_release(c, list_entry(c->empty.next, struct slab, link));
		c->nempty--;
		freed += c->slab_frames;
	}
	spin_unlock(&c->lock);
	return freed;
}

size_t slab_shrink_all(void)
{
	size_t freed = 0;
	list_t *l;
	spin_lock(&slab_caches_lock);
	list_for_each(l, &slab_caches)
		freed += slab_cache_shrink(list_entry(l, slab_cache_t, link));
	spin_unlock(&slab_caches_lock);
	return freed;
}

void slab_cache_destroy(slab_cache_t *c)
{
	KASSERT(c != &cache_of_caches, "destroying the cache of caches");
	if (c->objs_in_use)
		panic("slab_cache_destroy(%s): %u objects still allocated",
		      c->name, (unsigned)c->objs_in_use);
	slab_cache_shrink(c);
	spin_lock(&slab_caches_lock);
	list_remove(&c->link);
	spin_unlock(&slab_caches_lock);
	slab_free(&cache_of_caches, c);
}

size_t slab_objs_in_use_total(void)
{
	size_t total = 0;
	list_t *l;
	spin_lock(&slab_caches_lock);
	list_for_each(l, &slab_caches)
		total += list_entry(l, slab_cache_t, link)->objs_in_use;
	spin_unlock(&slab_caches_lock);
	return total;
}

size_t slab_frames_total(void)
{
	size_t total = 0;
	list_t *l;
	spin_lock(&slab_caches_lock);
	list_for_each(l, &slab_caches) {
		slab_cache_t *c = list_entry(l, slab_cache_t, link);
		total += c->nslabs * c->slab_frames;
	}
	spin_unlock(&slab_caches_lock);
	return total;
}

void slab_print_stats(void)
{
	list_t *l;
	kprintf("%-20s %6s %6s %8s %6s %6s %10s\n", "cache", "size", "stride",
		"in use", "slabs", "frames", "allocs");
	spin_lock(&slab_caches_lock);
	list_for_each(l, &slab_caches) {
		slab_cache_t *c = list_entry(l, slab_cache_t, link);
		kprintf("%-20s %6u %6u %8u %6u %6u %10llu\n", c->name,
			(unsigned)c->obj_size, (unsigned)c->stride,
			(unsigned)c->objs_in_use, (unsigned)c->nslabs,
			(unsigned)(c->nslabs * c->slab_frames), c->total_allocs);
	}
	spin_unlock(&slab_caches_lock);
}
