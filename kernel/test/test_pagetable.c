/* Suite "pagetable": mapping and unmapping 4 KiB and 4 MiB pages in a new
 * page directory and in the kernel's virtual area, checked by lookups and
 * by real accesses through the mappings. */
#include "test/ktest.h"
#include "mm/frame.h"
#include "mm/page.h"
#include "mm/pagetable.h"
#include "util/errno.h"
#include "util/string.h"

#define TEST_USER_VA 0x08048000u
#define TEST_HUGE_VA 0x40000000u

static void test_small_pages(pde_t *pd)
{
	uint8_t *frame = frame_alloc();
	KT_ASSERT(frame != NULL, "frame");
	if (!frame)
		return;
	paddr_t pa = kva_to_pa(frame);
	KT_EQ(pt_map(pd, TEST_USER_VA, pa, PTE_WRITE | PTE_USER), 0);

	paddr_t got = 0;
	uint32_t flags = 0;
	KT_ASSERT(pt_lookup(pd, TEST_USER_VA + 0x123, &got, &flags), "lookup after map");
	KT_EQ(got, pa + 0x123);
	KT_ASSERT((flags & (PTE_PRESENT | PTE_WRITE | PTE_USER)) == (PTE_PRESENT | PTE_WRITE | PTE_USER),
		  "flags %#x", flags);
	KT_ASSERT(!pt_lookup(pd, TEST_USER_VA + PAGE_SIZE, NULL, NULL),
		  "the next page is mapped");
	KT_EQ(pt_map(pd, TEST_USER_VA + 1, pa, 0), -EINVAL);

	/* Write through the mapping with the directory live, read back
	 * through the direct map. */
	pt_switch(pd);
	*(volatile uint32_t *)(TEST_USER_VA + 8) = 0xCAFEF00D;
	pt_switch(kernel_pd);
	KT_EQ(*(uint32_t *)(frame + 8), 0xCAFEF00D);

	pt_unmap(pd, TEST_USER_VA);
	KT_ASSERT(!pt_lookup(pd, TEST_USER_VA, NULL, NULL), "still mapped after unmap");
	pt_unmap(pd, TEST_USER_VA);	/* unmapping twice is harmless */
	frame_free(frame);
}

static void test_huge_pages(pde_t *pd)
{
	uint8_t *run = frame_alloc_run(PAGES_PER_HUGE, PAGES_PER_HUGE);
	KT_ASSERT(run != NULL, "4 MiB aligned run");
	if (!run)
		return;
	paddr_t pa = kva_to_pa(run);
	KT_EQ(pt_map_huge(pd, TEST_HUGE_VA + PAGE_SIZE, pa, PTE_WRITE), -EINVAL);
	KT_EQ(pt_map_huge(pd, TEST_HUGE_VA, pa, PTE_WRITE | PTE_USER), 0);
	KT_EQ(pt_map_huge(pd, TEST_HUGE_VA, pa, PTE_WRITE), -EEXIST);
	KT_EQ(pt_map(pd, TEST_HUGE_VA + PAGE_SIZE, pa, PTE_WRITE), -EEXIST);

	paddr_t got = 0;
	uint32_t flags = 0;
	KT_ASSERT(pt_lookup(pd, TEST_HUGE_VA + 0x3FF004, &got, &flags), "lookup in huge page");
	KT_EQ(got, pa + 0x3FF004);
	KT_ASSERT(flags & PDE_HUGE, "flags %#x lack PS", flags);

	pt_switch(pd);
	*(volatile uint32_t *)(TEST_HUGE_VA + 0x3FF000) = 0x600DBEEF;
	pt_switch(kernel_pd);
	KT_EQ(*(uint32_t *)(run + 0x3FF000), 0x600DBEEF);

	pt_unmap(pd, TEST_HUGE_VA + 0x1000);
	KT_ASSERT(!pt_lookup(pd, TEST_HUGE_VA, NULL, NULL), "huge page still mapped");
	frame_free_run(run, PAGES_PER_HUGE);
}

static void test_kernel_area(void)
{
	uint8_t *frame = frame_alloc();
	KT_ASSERT(frame != NULL, "frame");
	if (!frame)
		return;
	uint32_t va = KVA_START + 5 * PAGE_SIZE;
	KT_EQ(pt_map(kernel_pd, va, kva_to_pa(frame), PTE_WRITE), 0);
	*(volatile uint32_t *)va = 0x12345678;
	KT_EQ(*(uint32_t *)frame, 0x12345678);
	/* A directory made afterwards sees the same kernel mapping. */
	pde_t *pd = pt_create_pd();
	paddr_t got = 0;
	KT_ASSERT(pd && pt_lookup(pd, va, &got, NULL) && got == kva_to_pa(frame),
		  "kernel area not shared by a new directory");
	if (pd)
		pt_destroy_pd(pd);
	pt_unmap(kernel_pd, va);
	KT_ASSERT(!pt_lookup(kernel_pd, va, NULL, NULL), "kernel area page still mapped");
	frame_free(frame);
}

static void pagetable_suite(void)
{
	pde_t *pd = pt_create_pd();
	KT_ASSERT(pd != NULL, "pt_create_pd");
	if (!pd)
		return;
	paddr_t got = 0;
	KT_ASSERT(pt_lookup(pd, (uint32_t)kernel_start, &got, NULL) &&
		  got == kva_to_pa(kernel_start), "kernel image not mapped in a new directory");
	KT_ASSERT(!pt_lookup(pd, 0, NULL, NULL), "user half of a new directory not empty");
	test_small_pages(pd);
	test_huge_pages(pd);
	pt_destroy_pd(pd);	/* frees the page table test_small_pages made */
	test_kernel_area();
}
KTEST_SUITE("pagetable", pagetable_suite);
