/* General-purpose kernel allocation (kernel/mm/kmalloc.c): power-of-two
 * slab caches from 16 bytes to 2 KiB, and whole frame runs above that.
 * kmalloc returns NULL when memory runs out; kfree(NULL) does nothing. */
#pragma once
#include "util/types.h"

#define KMALLOC_MIN 16
#define KMALLOC_MAX_SLAB 2048

void kmalloc_init(void);
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *p);
/* A kmalloc'd copy of the string s, or NULL. */
char *kstrdup(const char *s);
/* Frames held by allocations above KMALLOC_MAX_SLAB (leak checks). */
size_t kmalloc_large_frames(void);
