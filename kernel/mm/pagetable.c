/*
 * Page directories and page tables.
 *
 * pt_init() replaces the boot directory (kernel/boot/multiboot.S) with
 * kernel_pd: the direct map of lowmem as global 4 MiB pages, and page
 * tables allocated up front for the whole kernel virtual area.  After that
 * the kernel half of kernel_pd never changes -- only entries inside the
 * preallocated tables do -- so a process directory made by copying the
 * kernel half stays in step with it without any synchronisation.
 *
 * Each directory's user half belongs to its owner (the process's vmmap
 * lock, issue 6); the kernel-area tables are protected by kva_lock in
 * their users.  All TLB invalidation is here.
 */
#include "mm/pagetable.h"
#include "mm/frame.h"
#include "mm/page.h"
#include "main/io.h"
#include "util/debug.h"
#include "util/errno.h"
#include "util/string.h"

#define CR4_PSE 0x10
#define CR4_PGE 0x80
#define PDE_TABLE_FLAGS (PTE_PRESENT | PTE_WRITE)
#define PT_ENTRIES 1024

pde_t *kernel_pd;

void tlb_flush_page(uint32_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

void tlb_flush_all(void)
{
	write_cr3(read_cr3());
}

static bool pd_is_current(const pde_t *pd)
{
	return kva_to_pa(pd) == read_cr3();
}

static void flush_if_live(const pde_t *pd, uint32_t va)
{
	if (va >= KERNEL_VMA || pd_is_current(pd))
		tlb_flush_page(va);
}

void pt_init(void)
{
	kernel_pd = frame_alloc();
	KASSERT(kernel_pd, "no frame for the kernel page directory");
	memset(kernel_pd, 0, PAGE_SIZE);

	write_cr4(read_cr4() | CR4_PSE | CR4_PGE);
	paddr_t end = ALIGN_UP(frame_lowmem_end(), HUGE_PAGE_SIZE);
	for (paddr_t pa = 0; pa < end; pa += HUGE_PAGE_SIZE)
		kernel_pd[PD_INDEX(KERNEL_VMA + pa)] =
			pa | PTE_PRESENT | PTE_WRITE | PDE_HUGE | PTE_GLOBAL;

	for (uint32_t va = KVA_START; va < KVA_END; va += HUGE_PAGE_SIZE) {
		pte_t *pt = frame_alloc();
		KASSERT(pt, "no frame for kernel page tables");
		memset(pt, 0, PAGE_SIZE);
		kernel_pd[PD_INDEX(va)] = kva_to_pa(pt) | PDE_TABLE_FLAGS;
	}
	pt_switch(kernel_pd);
}

void pt_switch(pde_t *pd)
{
	write_cr3(kva_to_pa(pd));
}

int pt_map(pde_t *pd, uint32_t va, paddr_t pa, uint32_t flags)
{
	if (!IS_ALIGNED(va, PAGE_SIZE) || !IS_ALIGNED(pa, PAGE_SIZE))
		return -EINVAL;
	pde_t *pde = &pd[PD_INDEX(va)];
	if (*pde & PDE_HUGE)
		return -EEXIST;
	if (!(*pde & PTE_PRESENT)) {
		KASSERT(va < KERNEL_VMA, "kernel page table missing for %#x", va);
		pte_t *pt = frame_alloc();
		if (!pt)
			return -ENOMEM;
		memset(pt, 0, PAGE_SIZE);
		/* The PTE decides user access and writability. */
		*pde = kva_to_pa(pt) | PDE_TABLE_FLAGS | PTE_USER;
	}
	pte_t *pt = pa_to_kva(*pde & PTE_ADDR_MASK);
	pt[PT_INDEX(va)] = pa | (flags & PTE_FLAGS_MASK) | PTE_PRESENT;
	flush_if_live(pd, va);
	return 0;
}

int pt_map_huge(pde_t *pd, uint32_t va, paddr_t pa, uint32_t flags)
{
	if (!IS_ALIGNED(va, HUGE_PAGE_SIZE) || !IS_ALIGNED(pa, HUGE_PAGE_SIZE))
		return -EINVAL;
	pde_t *pde = &pd[PD_INDEX(va)];
	if (*pde & PTE_PRESENT)
		return -EEXIST;
	*pde = pa | (flags & PTE_FLAGS_MASK) | PTE_PRESENT | PDE_HUGE;
	flush_if_live(pd, va);
	return 0;
}

void pt_unmap(pde_t *pd, uint32_t va)
{
	pde_t *pde = &pd[PD_INDEX(va)];
	if (!(*pde & PTE_PRESENT))
		return;
	if (*pde & PDE_HUGE) {
		KASSERT(va < KERNEL_VMA, "unmapping the kernel direct map at %#x", va);
		*pde = 0;
		flush_if_live(pd, ALIGN_DOWN(va, HUGE_PAGE_SIZE));
		return;
	}
	pte_t *pt = pa_to_kva(*pde & PTE_ADDR_MASK);
	if (pt[PT_INDEX(va)] & PTE_PRESENT) {
		pt[PT_INDEX(va)] = 0;
		flush_if_live(pd, PAGE_ALIGN_DOWN(va));
	}
}

uint32_t pt_clear_flags(pde_t *pd, uint32_t va, uint32_t flags)
{
	pde_t pde = pd[PD_INDEX(va)];
	if (!(pde & PTE_PRESENT) || (pde & PDE_HUGE))
		return 0;
	pte_t *pte = &((pte_t *)pa_to_kva(pde & PTE_ADDR_MASK))[PT_INDEX(va)];
	uint32_t old = *pte;
	if (!(old & PTE_PRESENT))
		return 0;
	if (old & flags) {
		*pte = old & ~(flags & PTE_FLAGS_MASK & ~PTE_PRESENT);
		flush_if_live(pd, PAGE_ALIGN_DOWN(va));
	}
	return old & PTE_FLAGS_MASK;
}

pte_t *pt_split_huge(pde_t *pd, uint32_t va)
{
	pde_t *pde = &pd[PD_INDEX(va)];
	KASSERT(va < KERNEL_VMA && (*pde & PTE_PRESENT) && (*pde & PDE_HUGE),
		"splitting %#x, which no user huge page maps", va);
	pte_t *pt = frame_alloc();
	if (!pt)
		return NULL;
	paddr_t pa = *pde & PDE_HUGE_ADDR_MASK;
	uint32_t flags = *pde & (PTE_FLAGS_MASK & ~PDE_HUGE);
	for (uint32_t i = 0; i < PT_ENTRIES; i++)
		pt[i] = (pa + i * PAGE_SIZE) | flags;
	*pde = kva_to_pa(pt) | PDE_TABLE_FLAGS | PTE_USER;
	flush_if_live(pd, ALIGN_DOWN(va, HUGE_PAGE_SIZE));
	return pt;
}

bool pt_slot_free(const pde_t *pd, uint32_t va)
{
	return !(pd[PD_INDEX(va)] & PTE_PRESENT);
}

bool pt_is_huge(const pde_t *pd, uint32_t va)
{
	pde_t pde = pd[PD_INDEX(va)];
	return (pde & PTE_PRESENT) && (pde & PDE_HUGE);
}

bool pt_lookup(pde_t *pd, uint32_t va, paddr_t *pa, uint32_t *flags)
{
	pde_t pde = pd[PD_INDEX(va)];
	if (!(pde & PTE_PRESENT))
		return false;
	if (pde & PDE_HUGE) {
		if (pa)
			*pa = (pde & PDE_HUGE_ADDR_MASK) | (va & (HUGE_PAGE_SIZE - 1));
		if (flags)
			*flags = pde & PTE_FLAGS_MASK;
		return true;
	}
	pte_t pte = ((pte_t *)pa_to_kva(pde & PTE_ADDR_MASK))[PT_INDEX(va)];
	if (!(pte & PTE_PRESENT))
		return false;
	if (pa)
		*pa = (pte & PTE_ADDR_MASK) | (va & (PAGE_SIZE - 1));
	if (flags)
		*flags = pte & PTE_FLAGS_MASK;
	return true;
}

bool pt_free_table_if_empty(pde_t *pd, uint32_t va)
{
	pde_t *pde = &pd[PD_INDEX(va)];
	if (va >= KERNEL_VMA || !(*pde & PTE_PRESENT) || (*pde & PDE_HUGE))
		return false;
	pte_t *pt = pa_to_kva(*pde & PTE_ADDR_MASK);
	for (int i = 0; i < PT_ENTRIES; i++)
		if (pt[i] & PTE_PRESENT)
			return false;
	*pde = 0;
	if (pd_is_current(pd))
		tlb_flush_all();	/* the table itself may be cached */
	frame_free(pt);
	return true;
}

size_t pt_count_user_tables(pde_t *pd)
{
	size_t n = 0;
	for (uint32_t i = 0; i < PD_KERNEL_FIRST; i++)
		n += (pd[i] & PTE_PRESENT) && !(pd[i] & PDE_HUGE);
	return n;
}

size_t pt_count_user_pages(pde_t *pd)
{
	size_t n = 0;
	for (uint32_t i = 0; i < PD_KERNEL_FIRST; i++) {
		if (!(pd[i] & PTE_PRESENT))
			continue;
		if (pd[i] & PDE_HUGE) {
			n += PT_ENTRIES;
			continue;
		}
		const pte_t *pt = pa_to_kva(pd[i] & PTE_ADDR_MASK);
		for (int j = 0; j < PT_ENTRIES; j++)
			n += pt[j] & PTE_PRESENT;
	}
	return n;
}

pde_t *pt_create_pd(void)
{
	pde_t *pd = frame_alloc();
	if (!pd)
		return NULL;
	memset(pd, 0, PD_KERNEL_FIRST * sizeof(pde_t));
	memcpy(&pd[PD_KERNEL_FIRST], &kernel_pd[PD_KERNEL_FIRST],
	       (1024 - PD_KERNEL_FIRST) * sizeof(pde_t));
	return pd;
}

void pt_free_user_tables(pde_t *pd)
{
	for (uint32_t i = 0; i < PD_KERNEL_FIRST; i++) {
		if ((pd[i] & PTE_PRESENT) && !(pd[i] & PDE_HUGE))
			frame_free(pa_to_kva(pd[i] & PTE_ADDR_MASK));
		pd[i] = 0;
	}
	if (pd_is_current(pd))
		tlb_flush_all();
}

void pt_destroy_pd(pde_t *pd)
{
	KASSERT(pd != kernel_pd, "destroying the kernel page directory");
	KASSERT(!pd_is_current(pd), "destroying the live page directory");
	pt_free_user_tables(pd);
	frame_free(pd);
}
