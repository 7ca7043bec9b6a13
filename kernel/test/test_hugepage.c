/* Suite "hugepage": 4 MiB mappings of anonymous memory without user mode
 * (kernel/vm/huge.c, pframe_map_huge).  A fault in a MAP_HUGETLB area
 * maps the aligned block with one PDE over 1024 pages of the area's
 * object; munmap of one page splits it into PTEs over the same frames,
 * each recorded in the reverse map; mprotect of the whole area drops the
 * mapping and the next fault maps the intact run again; DONTNEED of part
 * frees exactly those frames; fork leaves both sides reading the run's
 * pages 4 KiB at a time, each write copying one page; an area without
 * the advice, or a block not wholly inside the area, gets 4 KiB pages.
 * The runner checks that frames and slab objects come back. */
#include "test/ktest.h"
#include "mm/frame.h"
#include "mm/page.h"
#include "mm/pagetable.h"
#include "mm/pframe.h"
#include "util/errno.h"
#include "vm/fault.h"
#include "vm/mmap.h"
#include "vm/vmmap.h"
#include "vm/vmobj.h"

#define HBASE 0x20000000u	/* 4 MiB aligned */
#define RW (PROT_READ | PROT_WRITE)
#define HUGETLB_FIXED (MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_HUGETLB)
#define MID_PAGE (PAGES_PER_HUGE / 2)
#define DROPPED 16u

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

static size_t huge_mapped(void)
{
	pframe_stats_t st;
	pframe_get_stats(&st);
	return st.huge_mapped;
}

/* The kernel address of the byte user address va of map maps, or NULL. */
static uint32_t *kaddr(vmmap_t *map, uint32_t va)
{
	paddr_t pa;
	return pt_lookup(map->pd, va, &pa, NULL) ? pa_to_kva(pa) : NULL;
}

static vmmap_t *map_huge_area(uint32_t len)
{
	vmmap_t *map = new_map();
	if (!map)
		return NULL;
	long rc = vm_mmap(map, HBASE, len, RW, HUGETLB_FIXED, NULL, 0);
	KT_EQ(rc, (long)HBASE);
	return map;
}

static void test_fault_and_split(void)
{
	size_t mapped = huge_mapped(), pages = pframe_count();
	vmmap_t *map = map_huge_area(HUGE_PAGE_SIZE);
	if (!map)
		return;
	KT_EQ(vm_fault_page(map, HBASE + 100, true, NULL), 0);
	if (!pt_is_huge(map->pd, HBASE)) {
		ktest_check(false, __FILE__, __LINE__, "no free 4 MiB run: cannot test huge pages");
		free_map(map);
		return;
	}
	KT_EQ(huge_mapped(), mapped + 1);
	KT_EQ(pframe_count(), pages + PAGES_PER_HUGE);
	uint32_t *first = kaddr(map, HBASE), *last = kaddr(map, HBASE + HUGE_PAGE_SIZE - 4);
	KT_ASSERT(first && last && (uint8_t *)last - (uint8_t *)first == HUGE_PAGE_SIZE - 4,
		  "one contiguous run behind the huge page");
	*last = 0x12345678;
	KT_EQ(vmmap_remove(map, PN(HBASE) + MID_PAGE, 1), 0);
	KT_ASSERT(!pt_is_huge(map->pd, HBASE), "munmap of one page split the huge page");
	KT_EQ(huge_mapped(), mapped);
	KT_ASSERT(kaddr(map, HBASE) == first, "the split keeps the frames");
	KT_ASSERT(kaddr(map, HBASE + MID_PAGE * PAGE_SIZE) == NULL, "the hole is unmapped");
	KT_EQ(*kaddr(map, HBASE + HUGE_PAGE_SIZE - 4), 0x12345678u);
	pframe_t *pf = pframe_lookup_resident(vmmap_lookup(map, PN(HBASE))->obj, 0);
	KT_ASSERT(pf != NULL, "page 0 stays resident");
	if (pf) {
		KT_EQ(pframe_mapcount(pf), 1u);	/* recorded in the reverse map */
		pframe_unpin(pf);
	}
	free_map(map);
	KT_EQ(pframe_count(), pages);	/* every frame of the run freed one by one */
}

static void test_remap_and_dontneed(void)
{
	vmmap_t *map = map_huge_area(HUGE_PAGE_SIZE);
	if (!map)
		return;
	KT_EQ(vm_fault_page(map, HBASE, true, NULL), 0);
	uint32_t *w = kaddr(map, HBASE + PAGE_SIZE);
	if (w)
		*w = 0xCAFE;
	KT_EQ(vmmap_protect(map, PN(HBASE), PAGES_PER_HUGE, PROT_READ), 0);
	KT_ASSERT(kaddr(map, HBASE) == NULL, "mprotect of the whole area drops the mapping");
	KT_EQ(vm_fault_page(map, HBASE, false, NULL), 0);
	KT_ASSERT(pt_is_huge(map->pd, HBASE), "the intact run is mapped huge again");
	KT_ASSERT(kaddr(map, HBASE + PAGE_SIZE) == w && *w == 0xCAFE, "with the same data");
	KT_EQ(vmmap_protect(map, PN(HBASE), PAGES_PER_HUGE, RW), 0);
	KT_EQ(vm_fault_page(map, HBASE, true, NULL), 0);
	size_t free_before = frame_free_count();
	KT_EQ(vmmap_dontneed(map, PN(HBASE) + 4, DROPPED), 0);
	KT_EQ(frame_free_count(), free_before + DROPPED - 1);	/* less the new page table */
	KT_ASSERT(kaddr(map, HBASE + PAGE_SIZE) == w, "pages outside the range stay mapped");
	KT_EQ(vm_fault_page(map, HBASE + 4 * PAGE_SIZE, false, NULL), 0);
	uint32_t *z = kaddr(map, HBASE + 4 * PAGE_SIZE);
	KT_ASSERT(z && *z == 0, "a dropped page reads zero again");
	free_map(map);
}

static void test_fork(void)
{
	vmmap_t *parent = map_huge_area(HUGE_PAGE_SIZE);
	if (!parent)
		return;
	KT_EQ(vm_fault_page(parent, HBASE, true, NULL), 0);
	uint32_t *w = kaddr(parent, HBASE + 8);
	if (w)
		*w = 0xAAAA;
	vmmap_t *child = vmmap_clone(parent, pt_create_pd());
	KT_ASSERT(child != NULL, "clone");
	if (!child) {
		free_map(parent);
		return;
	}
	KT_ASSERT(!pt_is_huge(parent->pd, HBASE), "fork drops the parent's huge mapping");
	uint32_t got = 0, v = 0xBBBB;
	KT_EQ(vmmap_read(child, HBASE + 8, &got, sizeof(got)), 0);
	KT_EQ(got, 0xAAAAu);
	KT_EQ(vmmap_write(child, HBASE + 8, &v, sizeof(v)), 0);
	KT_EQ(vmmap_read(parent, HBASE + 8, &got, sizeof(got)), 0);
	KT_EQ(got, 0xAAAAu);	/* the child's write copied one 4 KiB page */
	KT_EQ(vm_fault_page(parent, HBASE + 2 * PAGE_SIZE, false, NULL), 0);
	KT_ASSERT(!pt_is_huge(parent->pd, HBASE), "after fork the run is read 4 KiB at a time");
	KT_ASSERT(kaddr(parent, HBASE + 2 * PAGE_SIZE) == (uint32_t *)((uint8_t *)w - 8 + 2 * PAGE_SIZE),
		  "reading the run's own page");
	free_map(child);
	free_map(parent);
}

static void test_not_wanted(void)
{
	vmmap_t *map = new_map();
	if (!map)
		return;
	/* Without MAP_HUGETLB (mode madvise): 4 KiB pages. */
	vm_mmap(map, HBASE, HUGE_PAGE_SIZE, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
	KT_EQ(vm_fault_page(map, HBASE, true, NULL), 0);
	KT_ASSERT(!pt_is_huge(map->pd, HBASE), "no huge page without the advice");
	/* Advised, but the block is not wholly inside the area. */
	uint32_t b = HBASE + 2 * HUGE_PAGE_SIZE;
	vm_mmap(map, b, HUGE_PAGE_SIZE - PAGE_SIZE, RW, HUGETLB_FIXED & ~MAP_HUGETLB, NULL, 0);
	KT_EQ(vm_madvise(map, b, HUGE_PAGE_SIZE - PAGE_SIZE, MADV_HUGEPAGE), 0);
	KT_EQ(vm_fault_page(map, b, true, NULL), 0);
	KT_ASSERT(!pt_is_huge(map->pd, b), "no huge page for a block the area does not cover");
	KT_EQ(vm_mmap(map, HBASE + PAGE_SIZE, PAGE_SIZE, RW, HUGETLB_FIXED, NULL, 0), -EINVAL);
	free_map(map);
}

static void hugepage_suite(void)
{
	size_t objs = vmobj_count();
	test_fault_and_split();
	test_remap_and_dontneed();
	test_fork();
	test_not_wanted();
	KT_EQ(vmobj_count(), objs);
}
KTEST_SUITE("hugepage", hugepage_suite);
