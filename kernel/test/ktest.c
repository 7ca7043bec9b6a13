/*
 * The kernel test runner.  Suites are found in the .ktest_suites section
 * (KTEST_SUITE); each runs with fresh counters, and around each the runner
 * checks for leaks itself: after shrinking the slab caches, the free frame
 * count and the number of slab objects in use must be what they were
 * before.  Counters belong to the thread running the tests (one at a time).
 */
#include "test/ktest.h"
#include "mm/frame.h"
#include "mm/slab.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "util/debug.h"
#include "util/printf.h"
#include "util/string.h"

extern const ktest_suite_t ktest_suites_start[], ktest_suites_end[];

static int suite_passed, suite_failed;

void ktest_check(bool ok, const char *file, int line, const char *fmt, ...)
{
	if (ok) {
		suite_passed++;
		return;
	}
	suite_failed++;
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kprintf("ktest: FAIL %s:%d: %s\n", file, line, msg);
}

int ktest_failed_count(void)
{
	return suite_failed;
}

uint32_t ktest_rand(uint32_t *state)
{
	/* xorshift32: deterministic, so a failing sequence can be replayed */
	uint32_t x = *state ? *state : 0x9E3779B9u;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

void ktest_list(void)
{
	kprintf("ktest: suites:");
	for (const ktest_suite_t *s = ktest_suites_start; s < ktest_suites_end; s++)
		if (!s->expect_panic)
			kprintf(" %s", s->name);
	kprintf("\n");
	for (const ktest_suite_t *s = ktest_suites_start; s < ktest_suites_end; s++)
		if (s->expect_panic)
			kprintf("ktest: panic suite %s: %s\n", s->name, s->expect_panic);
}

static bool spec_selects(const char *spec, const ktest_suite_t *s)
{
	if (strcmp(spec, "all") == 0)
		return !s->expect_panic;
	const char *name = s->name;
	size_t len = strlen(name);
	for (const char *p = spec; *p;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n == len && strncmp(p, name, n) == 0)
			return true;
		p += n + (end != NULL);
	}
	return false;
}

static void run_suite(const ktest_suite_t *s, int *passed, int *failed)
{
	suite_passed = suite_failed = 0;
	slab_shrink_all();
	size_t frames_before = frame_free_count();
	size_t objs_before = slab_objs_in_use_total();
	size_t procs_before = proc_count(), threads_before = kthread_count();

	kprintf("ktest: running %s\n", s->name);
	s->fn();
	if (s->expect_panic)
		KT_ASSERT(false, "suite %s should have panicked with \"%s\"", s->name,
			  s->expect_panic);

	KT_ASSERT(proc_count() == procs_before && kthread_count() == threads_before,
		  "suite %s left %d processes and %d threads behind", s->name,
		  (int)(proc_count() - procs_before), (int)(kthread_count() - threads_before));
	slab_shrink_all();
	KT_ASSERT(slab_objs_in_use_total() == objs_before,
		  "suite %s leaked %d slab objects", s->name,
		  (int)(slab_objs_in_use_total() - objs_before));
	KT_ASSERT(frame_free_count() == frames_before,
		  "suite %s leaked %d frames", s->name,
		  (int)(frames_before - frame_free_count()));
	kprintf("ktest: suite %s: %d passed, %d failed\n", s->name,
		suite_passed, suite_failed);
	*passed += suite_passed;
	*failed += suite_failed;
}

int ktest_run(const char *spec)
{
	int passed = 0, failed = 0, matched = 0;

	for (const ktest_suite_t *s = ktest_suites_start; s < ktest_suites_end; s++) {
		if (!spec_selects(spec, s))
			continue;
		matched++;
		run_suite(s, &passed, &failed);
	}
	if (!matched) {
		kprintf("ktest: FAIL no suite matches '%s'\n", spec);
		ktest_list();
		failed++;
	}
	kprintf("ktest: total: %d passed, %d failed\n", passed, failed);
	return failed;
}
