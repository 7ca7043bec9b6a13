/*
 * runall: the driver of the user-level test programs.  M-OS boots it as
 * its first program (init=/tests/runall); on Linux host_run.sh runs it.
 *
 *   runall [NAME...]     NAME is t_fork or fork; default: every t_* here
 *
 * It creates /tmp (and $TMPDIR) if missing, then runs each executable
 * whose name starts with "t_" in its own directory (sorted), one at a
 * time: vforked into its own process group, stdout and stderr into a
 * pipe, exec'd.  The child's output is copied to our stdout line by line
 * and its last "utest: NAME: P passed, F failed" line is added to the
 * totals, and its "utest: note: SKIP" lines (checks a user-mode emulator
 * cannot pass, skipped only under one: utest.h) to a count of skips.
 * One more failure is counted, with a "utest: FAIL NAME: ..."
 * line, when a test dies of a signal, exits non-zero without reporting a
 * failure, reports failures but exits 0, prints no summary, or runs past
 * its time limit (UTEST_TIMEOUT seconds, default 120; it is then killed
 * with its whole process group).  Waiting is by polling waitpid(WNOHANG)
 * and nanosleep, not alarm().  Orphans reparented to us (we are pid 1 on
 * M-OS; on Linux we ask to be a child subreaper) are reaped as we go.
 *
 * Leak check (M-OS only): before and after all the tests, with the caches
 * dropped, mos_meminfo's free frames and slab objects must be equal; if
 * not, both readings are printed and one failure is counted.  The first
 * reading is taken after running this program as a no-op child
 * ("runall --noop") until two readings in a row agree, so that one-time
 * kernel allocations and our own copy-on-write state (M-OS's vfork is a
 * fork) are already in place; after every run we rewrite our own pages so
 * that state is the same at both readings.  On a kernel without
 * mos_meminfo (Linux) the check is skipped.
 *
 * The tests are started with mos_execve (mos/exec.h), so that on a host
 * that runs i386 programs through qemu-i386 they run through it too.
 *
 * Ends with "utest: note: total: S checks skipped under an emulator" when
 * there were skips, then "utest: total: P passed, F failed", sync(), and
 * exit status 0 iff nothing failed (M-OS then powers off with that
 * status).
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "mos/exec.h"
#include "mos/syscalls.h"
#include "utest.h"

#define MAX_TESTS 128

extern char **environ;

static char test_dir[PATH_MAX];
static char *tests[MAX_TESTS];
static int ntests;
static long total_passed, total_failed, total_skipped;
static long timeout_s = 120;

static void out(const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(1, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

__attribute__((format(printf, 1, 2)))
static void say(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	out(buf, (size_t)n);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void find_dir(const char *argv0)
{
	const char *env = getenv("UTEST_DIR");
	if (env && *env) {
		snprintf(test_dir, sizeof(test_dir), "%s", env);
		return;
	}
	const char *slash = strrchr(argv0, '/');
	if (!slash) {
		snprintf(test_dir, sizeof(test_dir), ".");
		return;
	}
	size_t len = (size_t)(slash - argv0);
	if (len == 0)
		len = 1;	/* "/runall" */
	if (len >= sizeof(test_dir))
		len = sizeof(test_dir) - 1;
	memcpy(test_dir, argv0, len);
	test_dir[len] = 0;
}

static void list_tests(void)
{
	DIR *d = opendir(test_dir);
	if (!d) {
		say("utest: FAIL runall: cannot open %s: %s\n", test_dir, strerror(errno));
		total_failed++;
		return;
	}
	struct dirent *e;
	while ((e = readdir(d)) != NULL && ntests < MAX_TESTS) {
		if (strncmp(e->d_name, "t_", 2) != 0)
			continue;
		char path[PATH_MAX + 256];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", test_dir, e->d_name);
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || !(st.st_mode & 0111))
			continue;
		tests[ntests++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(tests, (size_t)ntests, sizeof(tests[0]), name_cmp);
}

/* Keeps only the tests named on the command line (t_NAME or NAME). */
static void select_tests(int argc, char **argv)
{
	char *chosen[MAX_TESTS];
	int n = 0;
	for (int i = 1; i < argc; i++) {
		const char *want = argv[i];
		const char *base = strrchr(want, '/');
		if (base)
			want = base + 1;
		int found = 0;
		for (int t = 0; t < ntests; t++) {
			if (strcmp(tests[t], want) == 0 ||
			    (strncmp(want, "t_", 2) != 0 && strcmp(tests[t] + 2, want) == 0)) {
				if (n < MAX_TESTS)
					chosen[n++] = tests[t];
				found = 1;
				break;
			}
		}
		if (!found) {
			say("utest: FAIL runall: no test named %s in %s\n", argv[i], test_dir);
			total_failed++;
		}
	}
	memcpy(tests, chosen, (size_t)n * sizeof(tests[0]));
	ntests = n;
}

/* ---- running one test ---- */

#define SKIP_PREFIX "utest: note: SKIP "

struct run {
	const char *name;
	char line[4096];
	size_t len;
	int have_summary;
	long passed, failed;
};

static void parse_line(struct run *r, const char *line)
{
	char name[128];
	long p, f;
	int end = -1;
	if (sscanf(line, "utest: %127[^:]: %ld passed, %ld failed%n", name, &p, &f, &end) == 3 &&
	    end >= 0 && line[end] == 0 && strcmp(name, "total") != 0 && strchr(name, ' ') == NULL) {
		r->have_summary = 1;
		r->passed = p;
		r->failed = f;
	}
	if (strncmp(line, SKIP_PREFIX, strlen(SKIP_PREFIX)) == 0)
		total_skipped++;
}

static void flush_line(struct run *r)
{
	r->line[r->len] = 0;
	parse_line(r, r->line);
	r->line[r->len] = '\n';
	out(r->line, r->len + 1);
	r->len = 0;
}

static void feed(struct run *r, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			flush_line(r);
			continue;
		}
		if (r->len >= sizeof(r->line) - 2)
			flush_line(r);		/* an overlong line, in pieces */
		r->line[r->len++] = buf[i];
	}
}

/* Reaps every exited child; notes the status if one is `pid`. */
static void reap(pid_t pid, int *exited, int *status)
{
	int st;
	pid_t r;
	while ((r = waitpid(-1, &st, WNOHANG)) > 0) {
		if (r == pid) {
			*exited = 1;
			*status = st;
		}
	}
}

static struct run r;

static void touch_pages(void);

/* Runs test_dir/name, or with arg, prog (this program) with arg. */
static void run_test(const char *name, const char *prog, char *arg)
{
	char path[PATH_MAX + 256];
	if (prog)
		snprintf(path, sizeof(path), "%s", prog);
	else
		snprintf(path, sizeof(path), "%s/%s", test_dir, name);
	memset(&r, 0, sizeof(r));
	r.name = name;

	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		say("utest: FAIL %s: pipe: %s\n", name, strerror(errno));
		total_failed++;
		return;
	}
	say("utest: running %s\n", name);
	long long start = ut_now_ms();
	/* vfork: our own pages are never shared copy-on-write with the
	 * child, so our footprint stays the same for the leak check. */
	pid_t pid = vfork();
	if (pid < 0) {
		say("utest: FAIL %s: vfork: %s\n", name, strerror(errno));
		total_failed++;
		close(p[0]);
		close(p[1]);
		return;
	}
	if (pid == 0) {
		setpgid(0, 0);
		if (dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0)
			_exit(126);
		char *argv[] = { path, arg, NULL };	/* the tests find themselves by it */
		mos_execve(path, argv, environ);
		static const char msg[] = "utest: FAIL runall: execve failed\n";
		if (write(1, msg, sizeof(msg) - 1) < 0)
			_exit(126);
		_exit(127);
	}
	setpgid(pid, pid);	/* either side may win the race */
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);

	int exited = 0, status = 0, eof = 0, timed_out = 0, group_killed = 0;
	long long exit_time = 0;
	char buf[4096];
	for (;;) {
		int progress = 0;
		if (!eof) {
			ssize_t n = read(p[0], buf, sizeof(buf));
			if (n > 0) {
				feed(&r, buf, (size_t)n);
				progress = 1;
			} else if (n == 0) {
				eof = 1;
			} else if (errno != EAGAIN && errno != EINTR) {
				eof = 1;
			}
		}
		if (!exited) {
			reap(pid, &exited, &status);
			if (exited)
				exit_time = ut_now_ms();
		} else {
			reap(-2, &exited, &status);	/* orphans only */
		}
		if (exited && eof)
			break;
		long long now = ut_now_ms();
		if (!exited && !timed_out && now - start > timeout_s * 1000) {
			say("utest: FAIL %s: timed out after %ld s, killed\n", name, timeout_s);
			timed_out = 1;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
		}
		/* Exited, but something it left behind holds the pipe open. */
		if (exited && !eof && now - exit_time > 2000) {
			if (group_killed)
				break;
			kill(-pid, SIGKILL);
			group_killed = 1;
			exit_time = now;
		}
		if (!progress)
			ut_sleep_ms(exited ? 2 : 10);
	}
	close(p[0]);
	if (r.len > 0)
		flush_line(&r);
	kill(-pid, SIGKILL);	/* anything left in its process group */
	long long ms = ut_now_ms() - start;

	int extra = 0;
	if (timed_out) {
		extra = 1;		/* already reported */
	} else if (WIFSIGNALED(status)) {
		say("utest: FAIL %s: killed by signal %d (SIG%s)\n", name, WTERMSIG(status),
		    sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?");
		extra = 1;
	} else if (!r.have_summary) {
		say("utest: FAIL %s: no summary line (exit status %d)\n", name,
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		extra = 1;
	} else if (WIFEXITED(status) && WEXITSTATUS(status) != 0 && r.failed == 0) {
		say("utest: FAIL %s: exited %d without failures counted\n", name,
		    WEXITSTATUS(status));
		extra = 1;
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && r.failed > 0) {
		say("utest: FAIL %s: exited 0 despite %ld failures\n", name, r.failed);
		extra = 1;
	}
	if (r.have_summary) {
		total_passed += r.passed;
		total_failed += r.failed;
	}
	total_failed += extra;
	say("utest: %s %s (%ld.%01ld s)\n", r.failed || extra ? "FAILED" : "ok", name,
	    (long)(ms / 1000), (long)(ms % 1000 / 100));
	/* M-OS's vfork is a copy-on-write fork: leave our own pages in the
	 * same state after every run (all written since the last fork), so
	 * the leak check compares like with like. */
	if (ut_is_mos())
		touch_pages();
}

/* ---- leak check ---- */

/* Reads the kernel's counters.  Every reading first parses the same
 * summary lines through the same code as the test output, so the pages
 * of our own program that are mapped at the reading are the same each
 * time (M-OS's fork drops the parent's mappings; what we touched since
 * the last fork is what counts as mapped), whatever the tests printed. */
static int meminfo(struct mos_meminfo *m)
{
	static const char *const samples[] = {
		"utest: sample: 0 passed, 0 failed",
		"utest: sample: 27 passed, 1 failed",
	};
	char name[128];
	long p, f;
	int end;
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
		if (sscanf(samples[i], "utest: %127[^:]: %ld passed, %ld failed%n",
			   name, &p, &f, &end) != 3)
			return -1;
	memset(m, 0, sizeof(*m));
	return (int)syscall(MOS_SYS_meminfo, m, MOS_MEMINFO_DROP_CACHES);
}

/* Waits up to 5 s for every remaining child (orphans on M-OS). */
static void reap_all(void)
{
	long long end = ut_now_ms() + 5000;
	for (;;) {
		pid_t r = waitpid(-1, NULL, WNOHANG);
		if (r > 0)
			continue;
		if (r < 0)
			return;		/* ECHILD: none left */
		if (ut_now_ms() > end) {
			say("utest: FAIL runall: child processes still running after the tests\n");
			total_failed++;
			return;
		}
		ut_sleep_ms(10);
	}
}

extern char __data_start[];

/* Rewrites every page of our stack (the top 64 KiB), data, bss and heap
 * with its own contents, so that our own footprint is the same at both
 * meminfo readings: a page first written (or copied on write) during the
 * tests would otherwise look like a leaked frame. */
__attribute__((noinline)) static void touch_pages(void)
{
	volatile char stack[64 * 1024];
	for (size_t i = 0; i < sizeof(stack); i += 512)
		stack[i] = (char)i;
	/* From the data segment to the break; the gap between the end of the
	 * bss and the heap (Linux randomises it) is skipped: a page is only
	 * touched if the kernel can copy a byte out of it into a pipe. */
	int p[2];
	if (pipe(p) < 0)
		return;
	uintptr_t pg = (uintptr_t)__data_start & ~(uintptr_t)4095;
	uintptr_t brk_end = (uintptr_t)sbrk(0);
	for (; pg < brk_end; pg += 4096) {
		volatile char *c = (volatile char *)(pg < (uintptr_t)__data_start ?
						      (uintptr_t)__data_start : pg);
		char dummy;
		if (write(p[1], (const char *)c, 1) != 1)
			continue;
		if (read(p[0], &dummy, 1) != 1)
			break;
		*c = *c;
	}
	close(p[0]);
	close(p[1]);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--noop") == 0) {
		say("utest: runall-noop: 0 passed, 0 failed\n");
		return 0;
	}
	const char *env = getenv("UTEST_TIMEOUT");
	if (env && atol(env) > 0)
		timeout_s = atol(env);
	if (mkdir("/tmp", 01777) < 0 && errno != EEXIST)
		say("utest: note: cannot create /tmp: %s\n", strerror(errno));
	const char *tmp = getenv("TMPDIR");
	if (tmp && *tmp && mkdir(tmp, 01777) < 0 && errno != EEXIST)
		say("utest: note: cannot create %s: %s\n", tmp, strerror(errno));
	if (!ut_is_mos())
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);	/* reap orphans, as init does */

	find_dir(argc > 0 ? argv[0] : "runall");
	list_tests();
	if (argc > 1)
		select_tests(argc, argv);
	struct utsname u;
	uname(&u);
	say("utest: runall on %s: %d tests in %s\n", u.sysname, ntests, test_dir);

	struct mos_meminfo before, after;
	int have_mi = 0;
	touch_pages();
	if (!ut_is_mos()) {
		say("utest: note: not M-OS: kernel leak check skipped\n");
	} else if (meminfo(&before) < 0) {
		say("utest: note: mos_meminfo: %s: kernel leak check skipped\n", strerror(errno));
	} else {
		have_mi = 1;
		/* The baseline: children that do nothing, run exactly as the
		 * tests are, until two readings in a row agree.  One-time kernel
		 * allocations (first fork, exec, pipe) and the shape our own
		 * copy-on-write state settles into then come before the first
		 * reading instead of between the two. */
		for (int i = 0; i < 6 && strchr(argv[0], '/'); i++) {
			struct mos_meminfo prev = before;
			run_test("runall --noop", argv[0], "--noop");
			if (meminfo(&before) < 0)
				break;
			if (before.frames_free + before.self_frames + before.slab_frames ==
			    prev.frames_free + prev.self_frames + prev.slab_frames &&
			    before.slab_objects == prev.slab_objects)
				break;
		}
	}

	for (int i = 0; i < ntests; i++)
		run_test(tests[i], NULL, NULL);
	reap_all();

	if (have_mi) {
		if (meminfo(&after) < 0) {
			say("utest: FAIL runall: mos_meminfo failed: %s\n", strerror(errno));
			total_failed++;
		} else {
			say("utest: meminfo before: %u free frames of %u (runall holds %u), "
			    "%u slab objects, %u processes, %u threads, %u vnodes, %u pframes\n",
			    before.frames_free, before.frames_total, before.self_frames,
			    before.slab_objects, before.processes, before.threads,
			    before.vnodes, before.pframes);
			say("utest: meminfo after:  %u free frames of %u (runall holds %u), "
			    "%u slab objects, %u processes, %u threads, %u vnodes, %u pframes\n",
			    after.frames_free, after.frames_total, after.self_frames,
			    after.slab_objects, after.processes, after.threads,
			    after.vnodes, after.pframes);
			/* Our own growth is not a leak, nor are slab pages that hold
			 * the same objects spread differently: compare free frames
			 * plus ours plus slab pages, and the objects themselves. */
			uint32_t was = before.frames_free + before.self_frames + before.slab_frames;
			uint32_t now = after.frames_free + after.self_frames + after.slab_frames;
			if (now != was || after.slab_objects != before.slab_objects) {
				say("utest: FAIL runall: kernel memory leak: free frames %u -> %u "
				    "(%+d, not counting runall's own or slab pages), slab objects %u -> %u (%+d)\n",
				    was, now, (int)(now - was),
				    before.slab_objects, after.slab_objects,
				    (int)(after.slab_objects - before.slab_objects));
				total_failed++;
			} else {
				say("utest: no kernel memory leaked\n");
			}
		}
	}

	if (total_skipped)
		say("utest: note: total: %ld checks skipped under an emulator\n", total_skipped);
	say("utest: total: %ld passed, %ld failed\n", total_passed, total_failed);
	sync();
	return total_failed ? 1 : 0;
}
