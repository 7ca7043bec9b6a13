/* Suite "vm": address-space bookkeeping without user mode -- mapping,
 * lookup, free-range search, splitting on partial unmap and mprotect,
 * merging, brk; copy-on-write across vmmap_clone (private areas diverge,
 * shared ones do not); shadow chains stay short over many generations of
 * fork; the area limit (nothing changes when an operation would pass
 * it); thousands of random mmap/munmap/mprotect calls against the area
 * tree, checked after each one against a plain walk of the list; nothing
 * leaks (objects, frames, slab objects). */
#include "test/ktest.h"
#include "mm/page.h"
#include "mm/pagetable.h"
#include "mm/pframe.h"
#include "util/errno.h"
#include "util/string.h"
#include "vm/mmap.h"
#include "vm/vmmap.h"
#include "vm/vmobj.h"

#define BASE 0x10000000u
#define GENERATIONS 30
#define MAX_CHAIN 3
#define RW (PROT_READ | PROT_WRITE)
#define ANON_FIXED (MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED)
#define SMALL_LIMIT 6
#define RANDOM_OPS 3000
#define RANDOM_WINDOW 512	/* pages, at the top of user space */
#define RANDOM_LIMIT 40

static vmmap_t *new_map(void)
{
	pde_t *pd = pt_create_pd();
	return pd ? vmmap_create(pd) : NULL;
}

static void free_map(vmmap_t *map)
{
	pde_t *pd = map->pd;
	vmmap_destroy(map);
	pt_destroy_pd(pd);
}

static void test_layout(void)
{
	vmmap_t *map = new_map();
	KT_ASSERT(map != NULL, "vmmap");
	if (!map)
		return;
	long a = vm_mmap(map, BASE, 10 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
	KT_EQ(a, BASE);
	KT_EQ(vmmap_area_count(map), 1);
	KT_ASSERT(vmmap_lookup(map, PN(BASE) + 9) && !vmmap_lookup(map, PN(BASE) + 10),
		  "lookup at the edges");

	/* A hole in the middle splits the area in two. */
	KT_EQ(vm_munmap(map, BASE + 4 * PAGE_SIZE, 2 * PAGE_SIZE), 0);
	KT_EQ(vmmap_area_count(map), 2);
	vmarea_t *right = vmmap_lookup(map, PN(BASE) + 6);
	KT_ASSERT(right && right->start == PN(BASE) + 6 && right->off == 6,
		  "right part starts at page 6, object page 6");
	KT_ASSERT(!vmmap_lookup(map, PN(BASE) + 4), "hole still mapped");

	/* mprotect of part of an area splits it; protecting it back merges. */
	KT_EQ(vm_mprotect(map, BASE + PAGE_SIZE, PAGE_SIZE, PROT_READ), 0);
	KT_EQ(vmmap_area_count(map), 4);
	KT_EQ(vm_mprotect(map, BASE + PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	KT_EQ(vmmap_area_count(map), 2);
	KT_EQ(vm_mprotect(map, BASE + 3 * PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ), -ENOMEM);

	/* Hints that collide and fixed-no-replace. */
	long b = vm_mmap(map, BASE, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0);
	KT_ASSERT(!vm_mmap_failed(b) && (uint32_t)b != BASE, "a taken hint must move: got %#lx", b);
	KT_EQ(vm_mmap(map, BASE, PAGE_SIZE, PROT_READ,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, NULL, 0), -EEXIST);
	KT_EQ(vm_mmap(map, 0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0), -EINVAL);
	KT_EQ(vm_mmap(map, 0, 0xF0000000u, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0),
	      -ENOMEM);
	KT_EQ(vm_mmap(map, BASE + 1, PAGE_SIZE, PROT_READ,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0), -EINVAL);
	KT_EQ(vm_mmap(map, 0, PAGE_SIZE, PROT_READ, MAP_ANONYMOUS, NULL, 0), -EINVAL);

	/* The top-down search leaves the highest gap's top end used first. */
	uint32_t top = vmmap_find_range(map, 1);
	KT_ASSERT(top > PN(BASE) && top < USER_MAX_PAGE, "free page %#x", top);
	free_map(map);
}

static void test_data_and_brk(void)
{
	vmmap_t *map = new_map();
	if (!map)
		return;
	map->brk_start = map->brk = BASE;
	KT_EQ(vm_brk(map, 0), BASE);
	KT_EQ(vm_brk(map, BASE + 3 * PAGE_SIZE + 5), BASE + 3 * PAGE_SIZE + 5);
	char msg[] = "hello, heap";
	KT_EQ(vmmap_write(map, BASE + 2 * PAGE_SIZE - 4, msg, sizeof(msg)), 0);
	char back[sizeof(msg)];
	KT_EQ(vmmap_read(map, BASE + 2 * PAGE_SIZE - 4, back, sizeof(back)), 0);
	KT_ASSERT(memcmp(msg, back, sizeof(msg)) == 0, "read back \"%s\"", back);
	KT_EQ(vm_brk(map, BASE - PAGE_SIZE), BASE + 3 * PAGE_SIZE + 5);	/* refused */
	KT_EQ(vm_brk(map, BASE + PAGE_SIZE), BASE + PAGE_SIZE);
	KT_EQ(vmmap_read(map, BASE + 2 * PAGE_SIZE, back, 1), -EFAULT);	/* gone */
	/* Growing again gives zeros, not the old bytes. */
	KT_EQ(vm_brk(map, BASE + 3 * PAGE_SIZE), BASE + 3 * PAGE_SIZE);
	memset(back, 0x55, sizeof(back));
	KT_EQ(vmmap_read(map, BASE + 2 * PAGE_SIZE - 4, back, 4), 0);
	KT_ASSERT(back[0] == 0 && back[3] == 0, "regrown heap is not zero");
	free_map(map);
}

static void test_copy_on_write(void)
{
	vmmap_t *parent = new_map();
	if (!parent)
		return;
	uint32_t priv = BASE, shared = BASE + 16 * PAGE_SIZE;
	vm_mmap(parent, priv, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
	vm_mmap(parent, shared, PAGE_SIZE, PROT_READ | PROT_WRITE,
		MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
	uint32_t v = 0xAAAA0001;
	vmmap_write(parent, priv + PAGE_SIZE, &v, sizeof(v));

	pde_t *cpd = pt_create_pd();
	vmmap_t *child = vmmap_clone(parent, cpd);
	KT_ASSERT(child != NULL, "clone");
	if (!child)
		return;
	uint32_t got = 0;
	vmmap_read(child, priv + PAGE_SIZE, &got, sizeof(got));
	KT_EQ(got, 0xAAAA0001);	/* the child sees the parent's page */

	v = 0xBBBB0002;
	vmmap_write(child, priv + PAGE_SIZE, &v, sizeof(v));
	vmmap_read(parent, priv + PAGE_SIZE, &got, sizeof(got));
	KT_EQ(got, 0xAAAA0001);	/* private: the parent keeps its value */
	vmmap_read(child, priv + PAGE_SIZE, &got, sizeof(got));
	KT_EQ(got, 0xBBBB0002);
	v = 0xCCCC0003;
	vmmap_write(parent, priv + PAGE_SIZE, &v, sizeof(v));
	vmmap_read(child, priv + PAGE_SIZE, &got, sizeof(got));
	KT_EQ(got, 0xBBBB0002);	/* and the child keeps its own */

	v = 0xDDDD0004;
	vmmap_write(child, shared, &v, sizeof(v));
	vmmap_read(parent, shared, &got, sizeof(got));
	KT_EQ(got, 0xDDDD0004);	/* shared: one page for both */

	free_map(child);
	free_map(parent);
}

static void test_chains_stay_short(void)
{
	vmmap_t *parent = new_map();
	if (!parent)
		return;
	vm_mmap(parent, BASE, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
	int deepest = 0, wrong = 0;
	for (uint32_t gen = 0; gen < GENERATIONS; gen++) {
		vmmap_write(parent, BASE, &gen, sizeof(gen));
		vmmap_t *child = vmmap_clone(parent, pt_create_pd());
		if (!child)
			break;
		uint32_t seen = ~0u;
		vmmap_read(child, BASE, &seen, sizeof(seen));
		wrong += seen != gen;
		free_map(child);	/* the child exits */
		int depth = shadow_depth(vmmap_lookup(parent, PN(BASE))->obj);
		deepest = MAX(deepest, depth);
	}
	KT_EQ(wrong, 0);
	KT_ASSERT(deepest <= MAX_CHAIN, "shadow chain grew to %d after %d forks",
		  deepest, GENERATIONS);
	uint32_t last = 0;
	vmmap_read(parent, BASE, &last, sizeof(last));
	KT_EQ(last, GENERATIONS - 1);	/* collapsing kept the newest data */
	free_map(parent);
}

static bool mapped(vmmap_t *map, uint32_t addr)
{
	return vmmap_lookup(map, PN(addr)) != NULL;
}

static void test_area_limit(void)
{
	vmmap_t *map = new_map();
	if (!map)
		return;
	map->max_areas = SMALL_LIMIT;
	uint32_t a = BASE;	/* three pages, to cut later */
	KT_EQ(vm_mmap(map, a, 3 * PAGE_SIZE, RW, ANON_FIXED, NULL, 0), a);
	int n = 1;
	long rc;
	for (;; n++) {	/* single pages with gaps */
		rc = vm_mmap(map, BASE + (4 + 2 * n) * PAGE_SIZE, PAGE_SIZE, PROT_READ,
			     ANON_FIXED, NULL, 0);
		if (vm_mmap_failed(rc))
			break;
	}
	KT_EQ(rc, -ENOMEM);
	KT_EQ(n, SMALL_LIMIT);
	KT_EQ(vmmap_area_count(map), SMALL_LIMIT);
	KT_EQ(vm_mmap(map, 0, PAGE_SIZE, RW, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0), -ENOMEM);

	/* Cutting a hole into the three pages, or re-protecting one end of
	 * them, would add an area: refused, nothing changes. */
	KT_EQ(vm_munmap(map, a + PAGE_SIZE, PAGE_SIZE), -ENOMEM);
	KT_ASSERT(mapped(map, a + PAGE_SIZE), "a refused munmap unmapped the page");
	KT_EQ(vm_mprotect(map, a + PAGE_SIZE, PAGE_SIZE, PROT_READ), -ENOMEM);
	KT_EQ(vmmap_lookup(map, PN(a) + 1)->prot, RW);
	KT_EQ(vm_mprotect(map, a, PAGE_SIZE, PROT_READ), -ENOMEM);
	/* The same protection, or the whole area: no new area. */
	KT_EQ(vm_mprotect(map, a + PAGE_SIZE, PAGE_SIZE, RW), 0);
	KT_EQ(vm_mprotect(map, a, 3 * PAGE_SIZE, PROT_READ), 0);
	KT_EQ(vm_mprotect(map, a, 3 * PAGE_SIZE, RW), 0);
	/* MAP_FIXED over the first page replaces one piece with another,
	 * but the rest must become an area of its own: refused up front,
	 * the old page is still there. */
	KT_EQ(vm_mmap(map, a, PAGE_SIZE, RW, ANON_FIXED, NULL, 0), -ENOMEM);
	KT_ASSERT(mapped(map, a), "a refused MAP_FIXED unmapped the old page");
	/* Trimming an end keeps the count; so does a mapping that merges. */
	KT_EQ(vm_munmap(map, a + 2 * PAGE_SIZE, PAGE_SIZE), 0);
	vmarea_t *first = vmmap_lookup(map, PN(a));
	KT_EQ(vmmap_map(map, PN(a) + 2, 1, first->obj, first->off + 2, RW,
			MAP_PRIVATE | MAP_ANONYMOUS), 0);
	KT_EQ(vmmap_area_count(map), SMALL_LIMIT);
	KT_ASSERT(vmmap_lookup(map, PN(a) + 2) == first, "continuing mapping did not merge");
	/* The heap cannot grow into a new area either. */
	map->brk_start = map->brk = BASE + 0x100000;
	KT_EQ(vm_brk(map, map->brk + PAGE_SIZE), BASE + 0x100000);
	/* Whole areas can always go, and then there is room again. */
	KT_EQ(vm_munmap(map, a, 3 * PAGE_SIZE), 0);
	KT_EQ(vmmap_area_count(map), SMALL_LIMIT - 1);
	KT_EQ(vm_munmap(map, a + PAGE_SIZE, PAGE_SIZE), 0);
	KT_EQ(vm_brk(map, map->brk + PAGE_SIZE), BASE + 0x100000 + PAGE_SIZE);
	free_map(map);
}

/* Shrinking the heap unmaps what lies between the new and the old break;
 * when that cannot be done (here: it would cut a hole in an area mapped
 * over the heap's end, at the area limit), the break stays. */
static void test_brk_shrink_fails(void)
{
	vmmap_t *map = new_map();
	if (!map)
		return;
	uint32_t heap = BASE;
	map->brk_start = map->brk = heap;
	KT_EQ(vm_brk(map, heap + 4 * PAGE_SIZE), heap + 4 * PAGE_SIZE);
	KT_EQ(vm_mmap(map, heap + PAGE_SIZE, 9 * PAGE_SIZE, RW, ANON_FIXED, NULL, 0),
	      heap + PAGE_SIZE);
	map->max_areas = vmmap_area_count(map);
	KT_EQ(vm_brk(map, heap + 2 * PAGE_SIZE), heap + 4 * PAGE_SIZE);
	KT_EQ(vm_brk(map, 0), heap + 4 * PAGE_SIZE);
	vmarea_t *over = vmmap_lookup(map, PN(heap) + 2);
	KT_ASSERT(over && over->start == PN(heap) + 1 && over->end == PN(heap) + 10,
		  "the area over the heap's end was cut");
	map->max_areas = VMMAP_MAX_AREAS;
	KT_EQ(vm_brk(map, heap + 2 * PAGE_SIZE), heap + 2 * PAGE_SIZE);
	KT_ASSERT(!mapped(map, heap + 3 * PAGE_SIZE) && mapped(map, heap + 4 * PAGE_SIZE),
		  "shrinking unmaps [new break, old break) only");
	free_map(map);
}

/* exec's choice of the heap's start (vm_heap_start): the page after the
 * program without randomisation (norandmaps), a random page within
 * 32 MiB above it with, never at or past the stack's area. */
static void test_heap_start(void)
{
	const uint32_t below = USER_END - (8u << 20), end = 0x080f00b0u, first = 0x080f1000u;
	KT_EQ(vm_heap_start(end, below, false), first);
	KT_EQ(vm_heap_start(first, below, false), first);
	int bad = 0, distinct = 0;
	uint32_t one = vm_heap_start(end, below, true);
	for (int i = 0; i < 64; i++) {
		uint32_t s = vm_heap_start(end, below, true);
		bad += !IS_ALIGNED(s, PAGE_SIZE) || s < first || s - first >= VM_HEAP_RANDOM_RANGE;
		distinct += s != one;
	}
	KT_EQ(bad, 0);
	KT_ASSERT(distinct > 0, "65 randomised heap starts were all %#x", one);
	/* Close to the stack the range shrinks; without room, no change. */
	for (int i = 0; i < 16; i++) {
		uint32_t s = vm_heap_start(below - 3 * PAGE_SIZE - 5, below, true);
		bad += !IS_ALIGNED(s, PAGE_SIZE) || s < below - 3 * PAGE_SIZE || s >= below;
	}
	KT_EQ(bad, 0);
	KT_EQ(vm_heap_start(below - 5, below, true), below);
}

static uint32_t read_word(vmmap_t *map, uint32_t addr)
{
	uint32_t v = 0xDEADBEEF;
	vmmap_read(map, addr, &v, sizeof(v));
	return v;
}

static void write_word(vmmap_t *map, uint32_t addr, uint32_t v)
{
	vmmap_write(map, addr, &v, sizeof(v));
}

/* MADV_DONTNEED: without a fork the pages just go (no split); with a
 * forked copy sharing the chain, the range gets a fresh object (a split)
 * in the map that asked, and the other keeps its data; at the area
 * limit that split is refused. */
static void test_dontneed(void)
{
	vmmap_t *map = new_map();
	if (!map)
		return;
	KT_EQ(vm_mmap(map, BASE, 4 * PAGE_SIZE, RW, ANON_FIXED, NULL, 0), BASE);
	for (uint32_t i = 0; i < 4; i++)
		write_word(map, BASE + i * PAGE_SIZE, 0x1000 + i);
	KT_EQ(vm_madvise(map, BASE + PAGE_SIZE, PAGE_SIZE, MADV_DONTNEED), 0);
	KT_EQ(read_word(map, BASE + PAGE_SIZE), 0);
	KT_EQ(read_word(map, BASE + 2 * PAGE_SIZE), 0x1002);
	KT_EQ(vmmap_area_count(map), 1);

	vmmap_t *child = vmmap_clone(map, pt_create_pd());
	KT_ASSERT(child != NULL, "clone");
	if (!child) {
		free_map(map);
		return;
	}
	KT_EQ(vm_madvise(map, BASE + 2 * PAGE_SIZE, PAGE_SIZE, MADV_DONTNEED), 0);
	KT_EQ(read_word(map, BASE + 2 * PAGE_SIZE), 0);
	KT_EQ(read_word(child, BASE + 2 * PAGE_SIZE), 0x1002);
	KT_EQ(read_word(map, BASE + 3 * PAGE_SIZE), 0x1003);
	KT_EQ(vmmap_area_count(map), 3);
	KT_EQ(vmmap_area_count(child), 1);
	write_word(map, BASE + 2 * PAGE_SIZE, 0x2002);
	KT_EQ(vm_madvise(child, BASE, 4 * PAGE_SIZE, MADV_DONTNEED), 0);
	KT_EQ(read_word(child, BASE + 3 * PAGE_SIZE), 0);
	KT_EQ(read_word(map, BASE + 3 * PAGE_SIZE), 0x1003);
	KT_EQ(read_word(map, BASE + 2 * PAGE_SIZE), 0x2002);
	map->max_areas = vmmap_area_count(map);
	KT_EQ(vm_madvise(map, BASE + 3 * PAGE_SIZE, PAGE_SIZE, MADV_DONTNEED), 0);
	KT_EQ(read_word(map, BASE + 3 * PAGE_SIZE), 0);	/* a whole area: no split */
	/* Once the copy is gone the chain is ours again: no split needed. */
	free_map(child);
	write_word(map, BASE, 0x3000);
	KT_EQ(vm_madvise(map, BASE, PAGE_SIZE, MADV_DONTNEED), 0);
	KT_EQ(read_word(map, BASE), 0);
	write_word(map, BASE, 0x3000);
	map->max_areas = VMMAP_MAX_AREAS;
	child = vmmap_clone(map, pt_create_pd());
	if (child) {
		map->max_areas = vmmap_area_count(map);
		KT_EQ(vm_madvise(map, BASE, PAGE_SIZE, MADV_DONTNEED), -ENOMEM);
		KT_EQ(read_word(map, BASE), 0x3000);
		free_map(child);
	}
	free_map(map);
}

/* A fingerprint of the layout: equal before and after a call that failed. */
static uint32_t layout_hash(vmmap_t *map)
{
	uint32_t h = 2166136261u;
	list_t *l;
	list_for_each(l, &map->areas) {
		vmarea_t *a = list_entry(l, vmarea_t, link);
		uint32_t v[] = { a->start, a->end, a->off, a->prot, a->flags, (uint32_t)a->obj };
		for (size_t i = 0; i < ARRAY_SIZE(v); i++)
			h = (h ^ v[i]) * 16777619u;
	}
	return h;
}

/* In-order walk of the tree against the list (from *cur on), and the
 * heap order of priorities; false at the first difference. */
static bool tree_matches_list(vmmap_t *map, vmarea_t *t, list_t **cur)
{
	if (!t)
		return true;
	vmarea_t *l = t->tree.left, *r = t->tree.right;
	if ((l && l->tree.prio > t->tree.prio) || (r && r->tree.prio > t->tree.prio))
		return false;
	if (!tree_matches_list(map, l, cur))
		return false;
	if (*cur == &map->areas || list_entry(*cur, vmarea_t, link) != t)
		return false;
	*cur = (*cur)->next;
	return tree_matches_list(map, r, cur);
}

/* The free-range search the tree replaced: walk down from the top. */
static uint32_t list_find_range(vmmap_t *map, uint32_t npages)
{
	uint32_t end = USER_MAX_PAGE;
	list_t *l;
	for (l = map->areas.prev; l != &map->areas; l = l->prev) {
		vmarea_t *a = list_entry(l, vmarea_t, link);
		if (end - a->end >= npages)
			return end - npages;
		end = a->start;
	}
	return end - USER_MIN_PAGE >= npages ? end - npages : 0;
}

static vmarea_t *list_lookup(vmmap_t *map, uint32_t vpn)
{
	list_t *l;
	list_for_each(l, &map->areas) {
		vmarea_t *a = list_entry(l, vmarea_t, link);
		if (a->start <= vpn && vpn < a->end)
			return a;
	}
	return NULL;
}

/* Counts what is wrong with map: list order, count, limit, tree shape,
 * lookups and free-range searches against the list. */
static int check_map(vmmap_t *map, uint32_t *seed)
{
	int bad = 0;
	uint32_t n = 0, prev_end = 0;
	list_t *l;
	list_for_each(l, &map->areas) {
		vmarea_t *a = list_entry(l, vmarea_t, link);
		bad += a->start >= a->end || a->start < prev_end;
		prev_end = a->end;
		n++;
	}
	bad += n != map->nareas || n > map->max_areas;
	list_t *cur = map->areas.next;
	bad += !tree_matches_list(map, map->tree, &cur) || cur != &map->areas;
	for (int i = 0; i < 8; i++) {
		uint32_t vpn = USER_MAX_PAGE - 1 - ktest_rand(seed) % (RANDOM_WINDOW + 16);
		bad += vmmap_lookup(map, vpn) != list_lookup(map, vpn);
	}
	static const uint32_t sizes[] = { 1, 3, 16, 100, RANDOM_WINDOW };
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
		bad += vmmap_find_range(map, sizes[i]) != list_find_range(map, sizes[i]);
	return bad;
}

/* Random mmap (fixed and not), munmap and mprotect near the top of user
 * space; after each call the map must be consistent, and a failed call
 * must have changed nothing. */
static void random_layouts(uint32_t limit, uint32_t seed)
{
	vmmap_t *map = new_map();
	if (!map)
		return;
	map->max_areas = limit;
	int bad = 0, unchanged_failures = 0, failures = 0, limit_hits = 0;
	uint32_t window = PN_ADDR(USER_MAX_PAGE - RANDOM_WINDOW);
	for (int i = 0; i < RANDOM_OPS; i++) {
		uint32_t op = ktest_rand(&seed) % 100;
		uint32_t addr = window + PN_ADDR(ktest_rand(&seed) % RANDOM_WINDOW);
		uint32_t len = PN_ADDR(1 + ktest_rand(&seed) % 16);
		uint32_t prot = ktest_rand(&seed) % 2 ? RW : PROT_READ;
		len = MIN(len, PN_ADDR(USER_MAX_PAGE) - addr);
		uint32_t before = layout_hash(map), count = map->nareas;
		long rc;
		if (op < 40)
			rc = vm_mmap(map, addr, len, prot, ANON_FIXED, NULL, 0);
		else if (op < 55)
			rc = vm_mmap(map, 0, len / 2 + 1, prot, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0);
		else if (op < 75)
			rc = vm_munmap(map, addr, len);
		else
			rc = vm_mprotect(map, addr, len, prot);
		if (rc < 0 && rc >= -VM_MAX_ERRNO) {
			failures++;
			unchanged_failures += layout_hash(map) == before;
			limit_hits += count + 2 >= limit;
		}
		bad += check_map(map, &seed);
	}
	KT_EQ(bad, 0);
	KT_EQ(unchanged_failures, failures);
	if (limit < VMMAP_MAX_AREAS)
		KT_ASSERT(limit_hits > 0, "the limit of %u areas was never reached", limit);
	free_map(map);
}

static void vm_suite(void)
{
	size_t objs = vmobj_count();
	test_layout();
	test_data_and_brk();
	test_copy_on_write();
	test_chains_stay_short();
	test_area_limit();
	test_brk_shrink_fails();
	test_heap_start();
	test_dontneed();
	random_layouts(VMMAP_MAX_AREAS, 12345);
	random_layouts(RANDOM_LIMIT, 777);
	KT_EQ(vmobj_count(), objs);
}
KTEST_SUITE("vm", vm_suite);
