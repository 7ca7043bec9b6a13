/*
 * The kernel virtual area: 4 KiB mappings above the direct map, used for
 * thread stacks.  A bitmap records which pages of the area are reserved
 * (mapped pages and their guard pages both count); a reservation is
 * [guard][npages mapped].  kva_lock protects the bitmap and the page
 * tables of the area (which pt_init allocated once, so mapping here never
 * allocates a page table).
 */
#include "mm/kva.h"
#include "mm/frame.h"
#include "mm/page.h"
#include "mm/pagetable.h"
#include "util/debug.h"
#include "util/spinlock.h"

#define KVA_PAGES ((KVA_END - KVA_START) / PAGE_SIZE)
#define GUARD_PAGES 1

static spinlock_t kva_lock = SPINLOCK_INIT("kernel virtual area");
static uint32_t reserved[KVA_PAGES / 32];	/* bit set = page reserved */
static uint32_t guard[KVA_PAGES / 32];	/* bit set = page is a guard */
static size_t next_hint;

static bool test_bit(const uint32_t *map, size_t i) { return map[i / 32] & (1u << (i % 32)); }
static void set_bit(uint32_t *map, size_t i) { map[i / 32] |= 1u << (i % 32); }
static void clear_bit(uint32_t *map, size_t i) { map[i / 32] &= ~(1u << (i % 32)); }

/* Finds n free pages in a row, first fit from the hint; returns the
 * index of the first or KVA_PAGES. */
static size_t find_free(size_t n)
{
	for (size_t pass = 0; pass < 2; pass++) {
		size_t start = pass ? 0 : next_hint;
		for (size_t i = start; i + n <= KVA_PAGES;) {
			size_t j = 0;
			while (j < n && !test_bit(reserved, i + j))
				j++;
			if (j == n)
				return i;
			i += j + 1;
		}
	}
	return KVA_PAGES;
}

static void unmap_pages(size_t first, size_t n)
{
	for (size_t i = first; i < first + n; i++) {
		uint32_t va = KVA_START + i * PAGE_SIZE;
		paddr_t pa;
		if (pt_lookup(kernel_pd, va, &pa, NULL)) {
			pt_unmap(kernel_pd, va);
			frame_free(pa_to_kva(pa));
		}
	}
}

void *kva_alloc_guarded(size_t npages)
{
	size_t total = npages + GUARD_PAGES;
	spin_lock(&kva_lock);
	size_t first = find_free(total);
	if (first == KVA_PAGES) {
		spin_unlock(&kva_lock);
		return NULL;
	}
	for (size_t i = first; i < first + total; i++)
		set_bit(reserved, i);
	set_bit(guard, first);
	next_hint = first + total;
	size_t mapped = first + GUARD_PAGES;
	for (size_t i = mapped; i < first + total; i++) {
		void *frame = frame_alloc();
		if (!frame || pt_map(kernel_pd, KVA_START + i * PAGE_SIZE,
				     kva_to_pa(frame), PTE_WRITE) < 0) {
			if (frame)
				frame_free(frame);
			unmap_pages(mapped, i - mapped);
			for (size_t k = first; k < first + total; k++)
				clear_bit(reserved, k);
			clear_bit(guard, first);
			spin_unlock(&kva_lock);
			return NULL;
		}
	}
	spin_unlock(&kva_lock);
	return (void *)(KVA_START + mapped * PAGE_SIZE);
}

void kva_free_guarded(void *base, size_t npages)
{
	size_t mapped = ((uint32_t)base - KVA_START) / PAGE_SIZE;
	KASSERT((uint32_t)base >= KVA_START && mapped >= GUARD_PAGES &&
		test_bit(guard, mapped - GUARD_PAGES),
		"kva_free_guarded(%p): not a guarded allocation", base);
	spin_lock(&kva_lock);
	unmap_pages(mapped, npages);
	for (size_t i = mapped - GUARD_PAGES; i < mapped + npages; i++)
		clear_bit(reserved, i);
	clear_bit(guard, mapped - GUARD_PAGES);
	if (mapped - GUARD_PAGES < next_hint)
		next_hint = mapped - GUARD_PAGES;
	spin_unlock(&kva_lock);
}

bool kva_is_guard(uint32_t addr)
{
	if (addr < KVA_START || addr >= KVA_END)
		return false;
	return test_bit(guard, (addr - KVA_START) / PAGE_SIZE);
}
