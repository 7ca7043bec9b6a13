/* The vDSO and its vvar page (kernel/vm/vdso.c, doc/api.md): a small
 * shared object (kernel/vdso/) embedded in the kernel image, mapped by
 * exec into every process (exec puts it just below the stack; the
 * process's vdso_base records where), with the read-only vvar page
 * (drivers/vvar.h) one page below it:
 *
 *   base - PAGE_SIZE  [vvar]  1 page, read-only, shared by every process
 *   base              [vdso]  VDSO_IMAGE_PAGES pages, read+exec
 *
 * Both are shared mappings of kernel-owned objects whose pages stay
 * resident and pinned: fork shares them, munmap removes them (signals
 * then return through the frame's own code, and __kernel_vsyscall is
 * gone for that process), mprotect may take rights away but never add
 * write (-EACCES). */
#pragma once
#include "util/types.h"
#include "mm/page.h"
#include "vm/vmmap.h"
#include "vdso_syms.h"

/* Address space the vDSO takes below its base (the vvar page) and in all. */
#define VDSO_VVAR_SIZE PAGE_SIZE
#define VDSO_SIZE (VDSO_VVAR_SIZE + VDSO_IMAGE_PAGES * PAGE_SIZE)

/* Loads the image into its pages and gives the clock its vvar page
 * (once, at boot, before the first program). */
void vdso_init(void);
/* Maps [vvar] at base - VDSO_VVAR_SIZE and [vdso] at base into a new
 * address space (exec); 0 or -ENOMEM. */
int vdso_map(vmmap_t *map, uint32_t base);
/* "[vdso]", "[vvar]", or NULL for any other area (for listings). */
const char *vdso_area_name(const vmarea_t *a);
/* Called when pages [start, start+npages) of map are unmapped: a
 * process that loses its vDSO stops using it for signal returns. */
void vdso_range_removed(vmmap_t *map, uint32_t start, uint32_t npages);
