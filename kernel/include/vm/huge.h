/* Huge pages for anonymous memory (kernel/vm/huge.c): which areas get
 * 4 MiB pages, and the fault path that makes one.  The page cache holds
 * the pages and splits mappings (mm/pframe.h, pframe_map_huge); the
 * policy word is mm/thp.h's. */
#pragma once
#include "util/types.h"
#include "vm/vmmap.h"

/* Whether area a should get huge pages: a private anonymous area that
 * still maps its own anonymous object (no fork since), marked
 * MAP_HUGETLB, or given MADV_HUGEPAGE in the `madvise` or `always` modes,
 * or any such area in `always` (but not after MADV_NOHUGEPAGE). */
bool vm_huge_wanted(const vmarea_t *a);
/* Tries to map the aligned 4 MiB block around addr in area a with one
 * huge page: 0 when it did, else a negative errno and nothing changed
 * (the block is not wholly inside a, something in it is mapped already,
 * some of its pages exist as 4 KiB pages, or no run is free): the caller
 * maps the 4 KiB page instead.  map->lock held. */
int vm_huge_fault(vmmap_t *map, vmarea_t *a, uint32_t addr);
/* The address-space range for a MAP_HUGETLB mapping of npages (a
 * multiple of PAGES_PER_HUGE) when the caller gave no usable hint: the
 * highest free 4 MiB-aligned run, or 0. */
uint32_t vm_huge_find_range(vmmap_t *map, uint32_t npages);
