/* Page sizes and the kernel's address-space layout (doc/boot.md).
 *
 *   0x00000000 - 0xBFFFFFFF  user space (per process)
 *   0xC0000000 - +lowmem     direct map of physical memory (4 MiB pages),
 *                            lowmem = min(RAM, DIRECT_MAP_MAX)
 *   0xF0000000 - 0xFFBFFFFF  kernel virtual area: thread stacks with guard
 *                            pages and other 4 KiB mappings; its page tables
 *                            exist from boot, so every page directory
 *                            shares them
 */
#pragma once
#include "util/types.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE 4096u
#define HUGE_PAGE_SHIFT 22
#define HUGE_PAGE_SIZE (4u << 20)
#define PAGES_PER_HUGE (HUGE_PAGE_SIZE / PAGE_SIZE)

#define KERNEL_VMA 0xC0000000u
#define DIRECT_MAP_MAX (768u << 20)
#define KVA_START 0xF0000000u
#define KVA_END 0xFFC00000u
#define USER_END KERNEL_VMA

#define PAGE_ALIGN_UP(x) ALIGN_UP((uint32_t)(x), PAGE_SIZE)
#define PAGE_ALIGN_DOWN(x) ALIGN_DOWN((uint32_t)(x), PAGE_SIZE)

static inline void *pa_to_kva(paddr_t pa) { return (void *)(pa + KERNEL_VMA); }
static inline paddr_t kva_to_pa(const void *va) { return (paddr_t)va - KERNEL_VMA; }

/* Symbols from kernel/link.ld. */
extern char kernel_start[], kernel_end[];
