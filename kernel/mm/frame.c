/*
 * Physical frame allocator.
 *
 * A bitmap over the direct-mapped physical memory, one bit per 4 KiB frame
 * (set = in use), plus an owner word per frame.  Both live in frames just
 * past the kernel image.  At boot every frame starts used; the multiboot
 * memory map's available ranges are then freed, and low memory (the first
 * MiB: BIOS data, VGA), the kernel image, the multiboot data and the
 * allocator's own arrays are marked used again.  RAM above DIRECT_MAP_MAX
 * is counted and left alone.
 *
 * Single frames are found by scanning bitmap words from a rotating hint;
 * runs by testing aligned candidate positions, skipping past any used frame
 * found.  frame_lock protects the bitmap, the hint, the counts and the
 * owner words.
 */
#include "mm/frame.h"
#include "mm/page.h"
#include "util/debug.h"
#include "util/printf.h"
#include "util/spinlock.h"
#include "util/string.h"

#define BITS_PER_WORD 32
#define LOW_MEMORY_END 0x100000u

static spinlock_t frame_lock = SPINLOCK_INIT("frame bitmap");
static uint32_t *bitmap;	/* bit set = frame in use */
static uintptr_t *owners;	/* one word per frame */
static size_t nframes;		/* frames covered by the bitmap */
static size_t nfree;
static size_t nmanaged;		/* frames ever freed into the allocator */
static size_t hint_word;	/* where the next single-frame scan starts */
static paddr_t lowmem_end;
static uint64_t ignored_bytes;

static inline bool frame_used(size_t f) { return bitmap[f / BITS_PER_WORD] & (1u << (f % BITS_PER_WORD)); }
static inline void set_used(size_t f) { bitmap[f / BITS_PER_WORD] |= 1u << (f % BITS_PER_WORD); }
static inline void set_free(size_t f) { bitmap[f / BITS_PER_WORD] &= ~(1u << (f % BITS_PER_WORD)); }

static void mark_range(paddr_t start, paddr_t end, bool used)
{
	/* Reserving rounds outwards, freeing inwards: a partial frame is
	 * never handed out. */
	size_t first = (used ? PAGE_ALIGN_DOWN(start) : PAGE_ALIGN_UP(start)) >> PAGE_SHIFT;
	size_t last = (used ? PAGE_ALIGN_UP(end) : PAGE_ALIGN_DOWN(end)) >> PAGE_SHIFT;
	for (size_t f = first; f < last && f < nframes; f++) {
		if (used && !frame_used(f)) {
			set_used(f);
			nfree--;
		} else if (!used && frame_used(f)) {
			set_free(f);
			nfree++;
		}
	}
}

typedef void (*mmap_fn)(uint64_t start, uint64_t end, void *arg);

static void for_each_available(const multiboot_info_t *mbi, mmap_fn fn, void *arg)
{
	if (mbi->flags & MULTIBOOT_INFO_MEM_MAP) {
		uint32_t p = mbi->mmap_addr, end = mbi->mmap_addr + mbi->mmap_length;
		while (p < end) {
			const multiboot_mmap_entry_t *e = pa_to_kva(p);
			if (e->type == MULTIBOOT_MEMORY_AVAILABLE)
				fn(e->addr, e->addr + e->len, arg);
			p += e->size + sizeof(e->size);
		}
	} else if (mbi->flags & MULTIBOOT_INFO_MEMORY) {
		fn(0, (uint64_t)mbi->mem_lower << 10, arg);
		fn(LOW_MEMORY_END, LOW_MEMORY_END + ((uint64_t)mbi->mem_upper << 10), arg);
	} else {
		panic("the boot loader gave no memory information");
	}
}

static void find_top(uint64_t start, uint64_t end, void *arg)
{
	uint64_t *top = arg;
	if (end > *top)
		*top = end;
}

static void count_ignored(uint64_t start, uint64_t end, void *arg)
{
	if (end > DIRECT_MAP_MAX)
		ignored_bytes += end - MAX(start, (uint64_t)DIRECT_MAP_MAX);
}

static void free_available(uint64_t start, uint64_t end, void *arg)
{
	if (start >= lowmem_end)
		return;
	mark_range((paddr_t)start, (paddr_t)MIN(end, (uint64_t)lowmem_end), false);
}

/* End of the highest thing the loader placed that we must keep. */
static paddr_t boot_data_end(const multiboot_info_t *mbi)
{
	paddr_t end = kva_to_pa(kernel_end);
	if (mbi->flags & MULTIBOOT_INFO_MODS) {
		const multiboot_module_t *m = pa_to_kva(mbi->mods_addr);
		for (uint32_t i = 0; i < mbi->mods_count; i++)
			end = MAX(end, m[i].end);
	}
	return PAGE_ALIGN_UP(end);
}

void frame_init(const multiboot_info_t *mbi)
{
	uint64_t top = 0;
	for_each_available(mbi, find_top, &top);
	for_each_available(mbi, count_ignored, NULL);
	lowmem_end = (paddr_t)MIN(top, (uint64_t)DIRECT_MAP_MAX);
	lowmem_end = PAGE_ALIGN_DOWN(lowmem_end);
	nframes = lowmem_end >> PAGE_SHIFT;

	/* The bitmap and owner array go right after the kernel and modules. */
	size_t bitmap_bytes = ALIGN_UP(nframes, BITS_PER_WORD) / 8;
	paddr_t arrays = boot_data_end(mbi);
	paddr_t arrays_end = PAGE_ALIGN_UP(arrays + bitmap_bytes + nframes * sizeof(uintptr_t));
	KASSERT(arrays_end < lowmem_end, "no room for the frame bitmap");
	bitmap = pa_to_kva(arrays);
	owners = pa_to_kva(arrays + bitmap_bytes);
	memset(bitmap, 0xFF, bitmap_bytes);
	memset(owners, 0, nframes * sizeof(uintptr_t));
	nfree = 0;

	for_each_available(mbi, free_available, NULL);
	mark_range(0, LOW_MEMORY_END, true);
	mark_range(kva_to_pa(kernel_start), arrays_end, true);
	mark_range(kva_to_pa(mbi), kva_to_pa(mbi) + sizeof(*mbi), true);
	if (mbi->flags & MULTIBOOT_INFO_MEM_MAP)
		mark_range(mbi->mmap_addr, mbi->mmap_addr + mbi->mmap_length, true);
	nmanaged = nfree;

	kprintf("memory: %u KiB usable of %u KiB direct-mapped",
		(unsigned)(nfree * (PAGE_SIZE / 1024)), (unsigned)(lowmem_end / 1024));
	if (ignored_bytes)
		kprintf("; %u KiB above %u MiB not direct-mapped, left unused",
			(unsigned)(ignored_bytes / 1024), DIRECT_MAP_MAX >> 20);
	kprintf("\n");
}

static void *take_run(size_t first, size_t n)
{
	for (size_t f = first; f < first + n; f++)
		set_used(f);
	nfree -= n;
	return pa_to_kva(first << PAGE_SHIFT);
}

void *frame_alloc(void)
{
	void *kva = NULL;
	size_t nwords = ALIGN_UP(nframes, BITS_PER_WORD) / BITS_PER_WORD;

	spin_lock(&frame_lock);
	for (size_t i = 0; i < nwords && nfree > 0; i++) {
		size_t w = (hint_word + i) % nwords;
		if (bitmap[w] == 0xFFFFFFFFu)
			continue;
		size_t f = w * BITS_PER_WORD + __builtin_ctz(~bitmap[w]);
		if (f >= nframes)
			continue;
		hint_word = w;
		kva = take_run(f, 1);
		break;
	}
	spin_unlock(&frame_lock);
	return kva;
}

void *frame_alloc_run(size_t n, size_t align)
{
	void *kva = NULL;

	if (n == 0 || !IS_POW2(align))
		return NULL;
	spin_lock(&frame_lock);
	size_t start = 0;
	while (nfree >= n && start + n <= nframes) {
		size_t f;
		for (f = start; f < start + n && !frame_used(f); f++)
			;
		if (f == start + n) {
			kva = take_run(start, n);
			break;
		}
		start = ALIGN_UP(f + 1, align);
	}
	spin_unlock(&frame_lock);
	return kva;
}

void frame_free_run(void *kva, size_t n)
{
	paddr_t pa = kva_to_pa(kva);
	size_t first = pa >> PAGE_SHIFT;

	KASSERT(IS_ALIGNED(pa, PAGE_SIZE) && first + n <= nframes,
		"frame_free of %p: not a managed frame", kva);
	spin_lock(&frame_lock);
	for (size_t f = first; f < first + n; f++) {
		KASSERT(frame_used(f), "frame %#x freed twice", (unsigned)(f << PAGE_SHIFT));
		set_free(f);
		owners[f] = 0;
	}
	nfree += n;
	spin_unlock(&frame_lock);
}

void frame_free(void *kva)
{
	frame_free_run(kva, 1);
}

size_t frame_free_count(void) { return nfree; }
size_t frame_total_count(void) { return nmanaged; }
size_t frame_used_count(void) { return nmanaged - nfree; }
paddr_t frame_lowmem_end(void) { return lowmem_end; }

void frame_set_owner(const void *kva, uintptr_t owner)
{
	size_t f = kva_to_pa(kva) >> PAGE_SHIFT;
	KASSERT(f < nframes, "frame_set_owner(%p): not a managed frame", kva);
	spin_lock(&frame_lock);
	owners[f] = owner;
	spin_unlock(&frame_lock);
}

uintptr_t frame_owner(const void *kva)
{
	size_t f = kva_to_pa(kva) >> PAGE_SHIFT;
	return f < nframes ? owners[f] : 0;
}
