/* Page directories and tables for i386 paging without PAE, with PSE
 * (kernel/mm/pagetable.c).  A page directory is one frame of 1024 entries;
 * entries 768 and up (the kernel half) are the same in every directory.
 * Every TLB invalidation goes through tlb_flush_page/tlb_flush_all so SMP
 * shootdown has one place to live. */
#pragma once
#include "util/types.h"
#include "mm/page.h"

#define PTE_PRESENT 0x001u
#define PTE_WRITE 0x002u
#define PTE_USER 0x004u
#define PTE_PWT 0x008u
#define PTE_PCD 0x010u
#define PTE_ACCESSED 0x020u
#define PTE_DIRTY 0x040u
#define PDE_HUGE 0x080u		/* PSE: the entry maps 4 MiB */
#define PTE_GLOBAL 0x100u
#define PTE_FLAGS_MASK 0xFFFu
#define PTE_ADDR_MASK 0xFFFFF000u
#define PDE_HUGE_ADDR_MASK 0xFFC00000u

#define PD_INDEX(va) ((uint32_t)(va) >> 22)
#define PT_INDEX(va) (((uint32_t)(va) >> 12) & 0x3FF)
#define PD_KERNEL_FIRST PD_INDEX(KERNEL_VMA)

typedef uint32_t pte_t;
typedef uint32_t pde_t;

/* The kernel's own page directory (kernel virtual address). */
extern pde_t *kernel_pd;

void pt_init(void);
/* Maps one 4 KiB page; allocates the page table if needed.  Returns 0,
 * -ENOMEM, -EINVAL (unaligned), or -EEXIST (a huge page covers va). */
int pt_map(pde_t *pd, uint32_t va, paddr_t pa, uint32_t flags);
/* Maps one 4 MiB page; va and pa 4 MiB aligned, the slot empty. */
int pt_map_huge(pde_t *pd, uint32_t va, paddr_t pa, uint32_t flags);
/* Removes the mapping of va (a 4 KiB page, or the huge page around va). */
void pt_unmap(pde_t *pd, uint32_t va);
/* Clears `flags` in the 4 KiB PTE of va (flushing the TLB entry if it
 * changed); returns the PTE's flags before, 0 if va is not mapped. */
uint32_t pt_clear_flags(pde_t *pd, uint32_t va, uint32_t flags);
/* Turns the user huge page around va into a page table of 4 KiB PTEs
 * mapping the same frames with the same rights; returns the table, or
 * NULL (nothing changed) when no frame is free for it. */
pte_t *pt_split_huge(pde_t *pd, uint32_t va);
/* Whether neither a page table nor a huge page covers va's 4 MiB. */
bool pt_slot_free(const pde_t *pd, uint32_t va);
/* Whether a 4 MiB page maps va. */
bool pt_is_huge(const pde_t *pd, uint32_t va);
/* Physical address va maps to, with its flags; false if unmapped. */
bool pt_lookup(pde_t *pd, uint32_t va, paddr_t *pa, uint32_t *flags);
/* Frees the page table covering user address va if it maps nothing;
 * returns whether it did. */
bool pt_free_table_if_empty(pde_t *pd, uint32_t va);
/* Present 4 KiB pages in the user half of pd (a huge page counts 1024). */
size_t pt_count_user_pages(pde_t *pd);
/* Page tables in the user half of pd. */
size_t pt_count_user_tables(pde_t *pd);
/* Frees the page tables of the user half of pd (not the pages mapped). */
void pt_free_user_tables(pde_t *pd);
/* A new directory sharing the kernel half; NULL when out of memory. */
pde_t *pt_create_pd(void);
void pt_destroy_pd(pde_t *pd);
void pt_switch(pde_t *pd);

void tlb_flush_page(uint32_t va);
void tlb_flush_all(void);
