/* Physical frame allocator (kernel/mm/frame.c).
 *
 * Hands out 4 KiB frames of the direct-mapped memory, singly or as
 * contiguous runs aligned to a power-of-two number of frames (a 4 MiB huge
 * page is a run of 1024 aligned to 1024).  Addresses given and taken are
 * kernel virtual addresses in the direct map.  Allocation never panics: it
 * returns NULL when no suitable run is free.  Each frame also carries an
 * owner word (the slab that holds it, a large kmalloc's length) that its
 * user may set.  frame_lock protects the bitmap, the counts and the owner
 * words. */
#pragma once
#include "util/types.h"
#include "boot/multiboot.h"

void frame_init(const multiboot_info_t *mbi);
void *frame_alloc(void);
void *frame_alloc_run(size_t nframes, size_t align_frames);
void frame_free(void *kva);
void frame_free_run(void *kva, size_t nframes);

size_t frame_free_count(void);
size_t frame_used_count(void);
size_t frame_total_count(void);	/* frames under management */
paddr_t frame_lowmem_end(void);	/* end of direct-mapped RAM */

void frame_set_owner(const void *kva, uintptr_t owner);
uintptr_t frame_owner(const void *kva);
