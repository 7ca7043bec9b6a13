/* Kernel test framework (kernel/test/ktest.c).
 *
 * A suite is a function registered with KTEST_SUITE(name, fn); it sits in
 * the .ktest_suites section so the runner finds every suite without a
 * hand-kept list.  KT_ASSERT records a pass or a failure (with file:line
 * and a message saying what was expected) and keeps going.  ktest_run()
 * prints a line per suite and a summary line that tools/run-tests.sh
 * reads:
 *   ktest: suite NAME: P passed, F failed
 *   ktest: total: P passed, F failed
 * A panic suite (KTEST_PANIC_SUITE) proves a check panics with a clear
 * message; the runner boots it alone and expects that panic.
 */
#pragma once
#include "util/types.h"

typedef struct ktest_suite {
	const char *name;
	void (*fn)(void);
	/* Non-NULL: the suite must end in a panic whose message contains
	 * this text.  Such suites run only when named, never in "all". */
	const char *expect_panic;
} ktest_suite_t;

#define KTEST_SUITE(sname, sfn) \
	static const ktest_suite_t ktest_suite_##sfn \
	__attribute__((section(".ktest_suites"), used, aligned(4))) = { sname, sfn, NULL }
#define KTEST_PANIC_SUITE(sname, sfn, message) \
	static const ktest_suite_t ktest_suite_##sfn \
	__attribute__((section(".ktest_suites"), used, aligned(4))) = { sname, sfn, message }

void ktest_check(bool ok, const char *file, int line, const char *fmt, ...)
	__printf(4, 5);
#define KT_ASSERT(cond, ...) ktest_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define KT_EQ(a, b) do { \
	long long ktest_a_ = (long long)(a), ktest_b_ = (long long)(b); \
	ktest_check(ktest_a_ == ktest_b_, __FILE__, __LINE__, \
		    "%s == %s: got %lld, expected %lld", #a, #b, ktest_a_, ktest_b_); \
} while (0)

/* Runs the suites named by spec ("all", a name, or a comma list); returns
 * the number of failed checks (an unknown name counts as one). */
int ktest_run(const char *spec);
void ktest_list(void);
/* Checks of the current suite so far. */
int ktest_failed_count(void);

/* A small deterministic pseudo-random generator for tests. */
uint32_t ktest_rand(uint32_t *state);
