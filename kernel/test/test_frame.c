/* Suite "frame": single frames, aligned runs, exhaustion returning NULL
 * rather than panicking, and every frame coming back. */
#include "test/ktest.h"
#include "mm/frame.h"
#include "mm/page.h"
#include "util/string.h"

static void test_single_frames(void)
{
	size_t before = frame_free_count();
	void *a = frame_alloc(), *b = frame_alloc();
	KT_ASSERT(a && b && a != b, "two frames: %p %p", a, b);
	KT_ASSERT(IS_ALIGNED((uintptr_t)a, PAGE_SIZE), "frame %p unaligned", a);
	KT_EQ(frame_free_count(), before - 2);
	memset(a, 0x11, PAGE_SIZE);	/* the frames are real, writable memory */
	memset(b, 0x22, PAGE_SIZE);
	KT_EQ(((uint8_t *)a)[PAGE_SIZE - 1], 0x11);
	frame_free(a);
	frame_free(b);
	KT_EQ(frame_free_count(), before);
}

static void test_aligned_runs(void)
{
	size_t before = frame_free_count();
	static const size_t shapes[][2] = { {1, 1}, {3, 1}, {8, 8}, {16, 16}, {5, 64}, {1024, 1024} };

	for (size_t i = 0; i < ARRAY_SIZE(shapes); i++) {
		size_t n = shapes[i][0], align = shapes[i][1];
		uint8_t *run = frame_alloc_run(n, align);
		KT_ASSERT(run != NULL, "run of %u aligned %u", (unsigned)n, (unsigned)align);
		if (!run)
			continue;
		KT_ASSERT(IS_ALIGNED(kva_to_pa(run), align * PAGE_SIZE),
			  "run %p not aligned to %u frames", run, (unsigned)align);
		KT_EQ(frame_free_count(), before - n);
		memset(run, 0x5A, n * PAGE_SIZE);
		frame_free_run(run, n);
		KT_EQ(frame_free_count(), before);
	}
	KT_ASSERT(frame_alloc_run(0, 1) == NULL, "a run of 0 frames was handed out");
	KT_ASSERT(frame_alloc_run(1, 3) == NULL, "alignment 3 accepted");
	KT_ASSERT(frame_alloc_run(frame_free_count() + 1, 1) == NULL,
		  "a run larger than free memory was handed out");
}

/* Takes every frame (chained through their first words), checks the next
 * request fails cleanly, then gives them all back. */
static void test_exhaustion(void)
{
	size_t before = frame_free_count(), taken = 0;
	void *chain = NULL;
	void *f;

	while ((f = frame_alloc()) != NULL) {
		*(void **)f = chain;
		chain = f;
		taken++;
	}
	KT_EQ(taken, before);
	KT_EQ(frame_free_count(), 0);
	KT_ASSERT(frame_alloc() == NULL, "allocation succeeded with no free frames");
	KT_ASSERT(frame_alloc_run(2, 1) == NULL, "run allocation succeeded with no free frames");
	while (chain) {
		void *next = *(void **)chain;
		frame_free(chain);
		chain = next;
	}
	KT_EQ(frame_free_count(), before);
	void *again = frame_alloc_run(1024, 1024);
	KT_ASSERT(again != NULL, "memory still fragmented after freeing every frame");
	if (again)
		frame_free_run(again, 1024);
}

static void test_owner_words(void)
{
	void *a = frame_alloc();
	KT_ASSERT(a != NULL, "frame");
	if (!a)
		return;
	KT_EQ(frame_owner(a), 0);
	frame_set_owner(a, 0x1234);
	KT_EQ(frame_owner(a), 0x1234);
	frame_free(a);
	KT_EQ(frame_owner(a), 0);	/* freeing clears the owner */
}

static void frame_suite(void)
{
	KT_ASSERT(frame_total_count() > 0 && frame_used_count() < frame_total_count(),
		  "frame counts: total %u used %u", (unsigned)frame_total_count(),
		  (unsigned)frame_used_count());
	KT_EQ(frame_free_count() + frame_used_count(), frame_total_count());
	test_single_frames();
	test_aligned_runs();
	test_exhaustion();
	test_owner_words();
}
KTEST_SUITE("frame", frame_suite);
