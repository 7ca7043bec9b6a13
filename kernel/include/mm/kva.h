/* The kernel virtual area allocator (kernel/mm/kva.c): ranges of 4 KiB
 * pages in [KVA_START, KVA_END) backed by fresh frames, each with an
 * unmapped guard page below it, so running off the bottom of a kernel
 * stack faults instead of corrupting its neighbour. */
#pragma once
#include "util/types.h"

/* Maps npages new frames with a guard page below; returns the lowest
 * mapped address, or NULL when address space or memory runs out. */
void *kva_alloc_guarded(size_t npages);
void kva_free_guarded(void *base, size_t npages);
/* True if addr is in a guard page of the kernel virtual area. */
bool kva_is_guard(uint32_t addr);
