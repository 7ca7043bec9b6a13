/* Suite "slab": caches of many sizes driven by a random sequence of
 * allocations and frees, checked against a shadow model; the debug checks
 * (write after free, double free, red-zone overrun); kmalloc's size classes
 * and its large-allocation path. */
#include "test/ktest.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "mm/slab.h"
#include "util/string.h"

#define MODEL_SLOTS 600
#define MODEL_STEPS 6000

struct live {
	uint8_t *obj;
	slab_cache_t *cache;
	size_t ci;		/* index of the cache in the test's table */
	uint8_t pattern;
};

static struct live model[MODEL_SLOTS];	/* the shadow: what should be live */

static bool pattern_intact(const struct live *l)
{
	for (size_t i = 0; i < l->cache->obj_size; i++)
		if (l->obj[i] != l->pattern)
			return false;
	return true;
}

static void test_random_model(void)
{
	static const size_t sizes[] = { 4, 8, 24, 100, 256, 700, 1500, 3000 };
	static const size_t aligns[] = { 0, 0, 16, 0, 64, 0, 128, 0 };
	slab_cache_t *caches[ARRAY_SIZE(sizes)];
	size_t expected_in_use[ARRAY_SIZE(sizes)] = { 0 };
	uint32_t seed = 12345;
	int bad_align = 0, bad_pattern = 0, alloc_fail = 0;

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		caches[i] = slab_cache_create("test-model", sizes[i], aligns[i],
					      i % 2 ? SLAB_F_DEBUG : 0);
		KT_ASSERT(caches[i] != NULL, "create cache of size %u", (unsigned)sizes[i]);
		if (!caches[i])
			return;
	}
	memset(model, 0, sizeof(model));
	for (int step = 0; step < MODEL_STEPS; step++) {
		struct live *l = &model[ktest_rand(&seed) % MODEL_SLOTS];
		if (l->obj) {
			bad_pattern += !pattern_intact(l);
			slab_free(l->cache, l->obj);
			expected_in_use[l->ci]--;
			l->obj = NULL;
			continue;
		}
		size_t ci = ktest_rand(&seed) % ARRAY_SIZE(sizes);
		l->ci = ci;
		l->cache = caches[ci];
		l->obj = slab_alloc(l->cache);
		if (!l->obj) {
			alloc_fail++;
			continue;
		}
		expected_in_use[ci]++;
		size_t align = aligns[ci] ? aligns[ci] : 4;
		bad_align += !IS_ALIGNED((uintptr_t)l->obj, align);
		l->pattern = (uint8_t)(step | 1);
		memset(l->obj, l->pattern, l->cache->obj_size);
	}
	KT_EQ(alloc_fail, 0);
	KT_EQ(bad_align, 0);
	KT_EQ(bad_pattern, 0);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
		KT_ASSERT(caches[i]->objs_in_use == expected_in_use[i],
			  "cache %u: %u in use, model says %u", (unsigned)i,
			  (unsigned)caches[i]->objs_in_use, (unsigned)expected_in_use[i]);
	for (size_t i = 0; i < MODEL_SLOTS; i++) {
		if (!model[i].obj)
			continue;
		bad_pattern += !pattern_intact(&model[i]);
		slab_free(model[i].cache, model[i].obj);
		model[i].obj = NULL;
	}
	KT_EQ(bad_pattern, 0);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		KT_EQ(caches[i]->objs_in_use, 0);
		slab_cache_destroy(caches[i]);
	}
}

static char last_error[160];
static int error_count;

static void record_error(const char *msg)
{
	strlcpy(last_error, msg, sizeof(last_error));
	error_count++;
}

static bool error_says(const char *what)
{
	size_t n = strlen(what);
	for (const char *p = last_error; *p; p++)
		if (strncmp(p, what, n) == 0)
			return true;
	return false;
}

static void test_debug_checks(void)
{
	slab_cache_t *c = slab_cache_create("test-debug", 48, 0, SLAB_F_DEBUG);
	KT_ASSERT(c != NULL, "create debug cache");
	if (!c)
		return;
	slab_error_hook = record_error;

	/* Write after free: caught when the object is handed out again (the
	 * free list is LIFO, so the next allocation returns it). */
	error_count = 0;
	uint8_t *a = slab_alloc(c);
	slab_free(c, a);
	a[10] = 0;
	uint8_t *b = slab_alloc(c);
	KT_ASSERT(b == a, "LIFO reuse expected: %p then %p", a, b);
	KT_EQ(error_count, 1);
	KT_ASSERT(error_says("write after free") && error_says("offset 10"),
		  "report was: %s", last_error);

	/* Double free: the second free is reported and refused. */
	error_count = 0;
	slab_free(c, b);
	size_t in_use = c->objs_in_use;
	slab_free(c, b);
	KT_EQ(error_count, 1);
	KT_ASSERT(error_says("double free"), "report was: %s", last_error);
	KT_EQ(c->objs_in_use, in_use);

	/* Overrun into the red zone: reported at free; the free is refused. */
	error_count = 0;
	uint8_t *d = slab_alloc(c);
	KT_EQ(error_count, 0);
	d[48] = 0x77;
	slab_free(c, d);
	KT_EQ(error_count, 1);
	KT_ASSERT(error_says("red zone"), "report was: %s", last_error);
	d[48] = 0xA5;	/* repair the zone (RZ_ACTIVE) so the object can go */
	slab_free(c, d);
	KT_EQ(error_count, 1);

	/* A clean alloc/free cycle reports nothing. */
	uint8_t *e = slab_alloc(c);
	memset(e, 0xEE, 48);
	slab_free(c, e);
	KT_EQ(error_count, 1);

	slab_error_hook = NULL;
	KT_EQ(c->objs_in_use, 0);
	slab_cache_destroy(c);
}

static void test_grow_and_shrink(void)
{
	slab_cache_t *c = slab_cache_create("test-grow", 200, 0, 0);
	KT_ASSERT(c != NULL, "create");
	if (!c)
		return;
	size_t free_before = frame_free_count();
	void *objs[400];
	for (int i = 0; i < 400; i++)
		objs[i] = slab_alloc(c);
	KT_ASSERT(c->nslabs >= 400 / c->objs_per_slab, "%u slabs for 400 objects",
		  (unsigned)c->nslabs);
	KT_ASSERT(frame_free_count() < free_before, "cache did not grow by frames");
	for (int i = 0; i < 400; i++)
		slab_free(c, objs[i]);
	KT_ASSERT(c->nslabs <= 1, "%u slabs kept after freeing everything",
		  (unsigned)c->nslabs);
	slab_cache_shrink(c);
	KT_EQ(c->nslabs, 0);
	KT_EQ(frame_free_count(), free_before);
	KT_EQ(c->total_allocs, 400);
	KT_EQ(c->total_frees, 400);
	slab_cache_destroy(c);
}

static void test_kmalloc(void)
{
	static const size_t sizes[] = { 1, 15, 16, 17, 100, 512, 2048, 2049, 4096, 10000, 100000 };
	void *p[ARRAY_SIZE(sizes)];
	slab_shrink_all();	/* empty slabs other tests left are not ours to count */
	size_t free_before = frame_free_count();

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = kmalloc(sizes[i]);
		KT_ASSERT(p[i] != NULL, "kmalloc(%u)", (unsigned)sizes[i]);
		if (p[i])
			memset(p[i], (int)i, sizes[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		if (!p[i])
			continue;
		bool intact = true;
		for (size_t j = 0; j < sizes[i]; j++)
			intact &= ((uint8_t *)p[i])[j] == (uint8_t)i;
		KT_ASSERT(intact, "kmalloc(%u) block overwritten", (unsigned)sizes[i]);
		kfree(p[i]);
	}
	uint8_t *z = kzalloc(300);
	bool zero = z != NULL;
	for (int i = 0; z && i < 300; i++)
		zero &= z[i] == 0;
	KT_ASSERT(zero, "kzalloc returned non-zero memory");
	kfree(z);
	kfree(NULL);
	KT_ASSERT(kmalloc(0x7FFFFFFF) == NULL, "a 2 GiB kmalloc succeeded");
	slab_shrink_all();
	KT_EQ(frame_free_count(), free_before);
}

static void slab_suite(void)
{
	test_random_model();
	test_debug_checks();
	test_grow_and_shrink();
	test_kmalloc();
}
KTEST_SUITE("slab", slab_suite);
