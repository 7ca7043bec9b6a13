/*
 * t_eatmem: eat memory until the system says no, then prove the system
 * recovered.  Twice, to show the recovery is repeatable.
 *
 *  - A forked child sets RLIMIT_AS to 512 MiB (so that Linux refuses with
 *    ENOMEM from mmap/brk instead of exhausting the host; M-OS accepts the
 *    call but does not enforce it, and its RAM, 128 MiB under `make
 *    test`, runs out first), then mallocs 1 MiB chunks and writes to every
 *    page of each until malloc returns NULL.  It reports through a pipe
 *    after every chunk, so the count is known even if it is killed.
 *    On Linux the child must end cleanly (malloc NULL, exit 0).  On M-OS
 *    either ending is accepted: malloc NULL, or death by SIGKILL (M-OS
 *    kills a process whose page fault cannot get a frame, as Linux's OOM
 *    killer would; its mmap does not reserve memory); which one happened
 *    is printed as a note.  The child must have got a sane amount (at
 *    least 16 MiB; on M-OS no more than the machine has).
 *  - Afterwards, in the parent: fork + exec (this program with --noop)
 *    works; a 4 MiB malloc, written through, works; on M-OS,
 *    mos_meminfo with MOS_MEMINFO_DROP_CACHES shows free frames (plus
 *    this process's own and slab pages, as runall counts) back within 16
 *    frames of the reading taken before the child ran.  Every reading is
 *    taken the same way (see meminfo() below), after warm-up readings
 *    have settled, so in practice the two agree exactly.  (M-OS's
 *    getrlimit still reports RLIM_INFINITY after the setrlimit: the
 *    limit is accepted and forgotten, so it is checked on Linux only.)
 *  - The second round gets about as much memory as the first.
 *
 * Under a user-mode emulator (qemu-i386 on a host that cannot execute
 * i386 programs) RLIMIT_AS cannot work: qemu-i386 accepts the program's
 * setrlimit but does not apply it, as the limit would bind the emulator's
 * own memory, and the eater would fill the whole 4 GiB address space with
 * host memory behind it.  There the eater takes the free address space
 * with PROT_NONE mappings (no memory behind them) and gives AS_LIMIT bytes
 * of it back, so that malloc runs out of address space after at most
 * AS_LIMIT, as under the limit; the check that getrlimit keeps the limit
 * is skipped, with a note.
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "mos/syscalls.h"
#include "utest.h"

#define MIB (1024 * 1024)
#define AS_LIMIT (512UL * MIB)
#define MARGIN_FRAMES 16
#define MAX_RESERVATIONS 256	/* PROT_NONE mappings under an emulator */

static const char *self_path;

struct report {
	int32_t kind;		/* 1: got another MiB; 2: malloc failed */
	int32_t mib;		/* MiB held so far */
	int32_t err;		/* errno of the failure */
};

/* Leaves about `limit` bytes of the address space free (see the top):
 * takes all of it with PROT_NONE mappings, largest first, then unmaps
 * `limit` bytes of them. */
static void cap_address_space(size_t limit)
{
	static struct { char *addr; size_t len; } res[MAX_RESERVATIONS];
	int n = 0;
	for (size_t len = 1024UL * MIB; len >= MIB && n < MAX_RESERVATIONS;) {
		void *p = mmap(NULL, len, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED) {
			len /= 2;
			continue;
		}
		res[n].addr = p;
		res[n].len = len;
		n++;
	}
	for (int i = 0; i < n && limit > 0; i++) {
		size_t give = res[i].len < limit ? res[i].len : limit;
		munmap(res[i].addr, give);
		limit -= give;
	}
}

static void eater(int wfd)
{
	struct rlimit rl = { AS_LIMIT, AS_LIMIT };
	if (setrlimit(RLIMIT_AS, &rl) < 0)
		_exit(10);
	struct rlimit got;
	if (getrlimit(RLIMIT_AS, &got) < 0)
		_exit(11);
	/* M-OS accepts the limit without keeping it; Linux keeps it; an
	 * emulator accepts it and ignores it. */
	if (ut_emulated())
		cap_address_space(AS_LIMIT);
	else if (!ut_is_mos() && got.rlim_cur != AS_LIMIT)
		_exit(12);
	struct report r = { 1, 0, 0 };
	for (;;) {
		errno = 0;
		volatile char *p = malloc(MIB);
		if (!p) {
			r.kind = 2;
			r.err = errno;
			if (write(wfd, &r, sizeof(r)) != sizeof(r))
				_exit(13);
			_exit(0);
		}
		for (size_t off = 0; off < MIB; off += 4096)
			p[off] = (char)(off >> 12 | 1);
		p[MIB - 1] = 1;
		r.mib++;
		if (write(wfd, &r, sizeof(r)) != sizeof(r))
			_exit(14);
		if (r.mib >= 4096)	/* 4 GiB in a 32-bit process: impossible */
			_exit(15);
	}
}

/*
 * A reading of mos_meminfo with the caches dropped, always taken the same
 * way: right after a fork whose child exits at once.  M-OS's fork unmaps
 * all of the parent's pages (they fault back in as they are touched), and
 * a mapped page of this program's file is pinned in the page cache but not
 * counted in self_frames; so the pages of the program mapped at a reading
 * are those touched since the last fork.  Reaching every reading through
 * this same short path makes that set the same each time.
 */
__attribute__((noinline)) static int meminfo(struct mos_meminfo *m)
{
	memset(m, 0, sizeof(*m));
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid < 0)
		return -1;
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return (int)syscall(MOS_SYS_meminfo, m, MOS_MEMINFO_DROP_CACHES);
}

static uint32_t free_total(const struct mos_meminfo *m)
{
	return m->frames_free + m->self_frames + m->slab_frames;
}

/* fork + exec of this program with --noop; the wait status. */
static int run_noop(void)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (self_path && strchr(self_path, '/')) {
			char *argv[] = { (char *)self_path, "--noop", NULL };
			mos_execve(self_path, argv, environ);
		} else {
			char *argv[] = { "true", NULL };
			mos_execve("/bin/true", argv, environ);
		}
		_exit(127);
	}
	int st;
	if (ut_wait(pid, &st, 30000) < 0)
		return -1;
	return st;
}

/* One round; returns the MiB the child got (-1 if unknown). */
static int eat_round(int round)
{
	struct mos_meminfo before, after;
	int have_mi = ut_is_mos() && meminfo(&before) == 0;
	if (ut_is_mos())
		UT_CHECK(have_mi, "round %d: mos_meminfo: %s", round, strerror(errno));

	int p[2];
	if (!UT_CHECK(pipe(p) == 0, "pipe"))
		return -1;
	long long t0 = ut_now_ms();
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		eater(p[1]);
		_exit(16);
	}
	close(p[1]);
	if (!UT_CHECK(pid > 0, "fork the eater: %s", strerror(errno))) {
		close(p[0]);
		return -1;
	}
	/* Read the reports while it eats (it only waits for us if the pipe
	 * fills); EOF comes when it is gone. */
	struct report r, last = { 0, 0, 0 };
	int final = 0, partial = 0;
	for (;;) {
		ssize_t n = read(p[0], &r, sizeof(r));
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (n != sizeof(r)) {
			partial = 1;
			break;
		}
		last = r;
		if (r.kind == 2)
			final = 1;
	}
	close(p[0]);
	int st;
	pid_t w = ut_wait(pid, &st, 60000);
	long long ms = ut_now_ms() - t0;
	UT_CHECK(w == pid, "round %d: the eater did not end in 60 s", round);
	UT_CHECK(!partial, "round %d: a partial report", round);

	int clean = w == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0 && final;
	int killed = w == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && !final;
	if (clean)
		UT_NOTE("round %d: malloc returned NULL (%s) after %d MiB, %lld ms", round,
			ut_errname(last.err), last.mib, ms);
	else if (killed)
		UT_NOTE("round %d: the eater was killed by SIGKILL (out of memory) after %d MiB, "
			"%lld ms", round, last.mib, ms);
	if (ut_is_mos())
		UT_CHECK(clean || killed, "round %d: eater %s (final report %d): expected a "
			 "clean NULL from malloc or SIGKILL", round, ut_status_str(st), final);
	else
		UT_CHECK(clean, "round %d: eater %s (final report %d): expected malloc to "
			 "return NULL under RLIMIT_AS and a clean exit", round, ut_status_str(st),
			 final);
	if (clean)
		UT_CHECK(last.err == 0 || last.err == ENOMEM, "round %d: malloc's errno %s", round,
			 ut_errname(last.err));
	UT_CHECK(last.mib >= 16, "round %d: the eater got only %d MiB", round, last.mib);
	if (ut_is_mos() && have_mi)
		UT_CHECK((uint64_t)last.mib * MIB <= (uint64_t)before.frames_total * 4096,
			 "round %d: %d MiB written in %u frames of memory", round, last.mib,
			 before.frames_total);
	else
		UT_CHECK(last.mib <= (int)(AS_LIMIT / MIB), "round %d: %d MiB under a %lu MiB "
			 "RLIMIT_AS", round, last.mib, AS_LIMIT / MIB);

	/* Everything works again. */
	st = run_noop();
	UT_CHECK_EXITED(st, 0, "fork + exec after the eater");
	size_t four = 4 * MIB;
	volatile unsigned char *m = malloc(four);
	int mok = m != NULL;
	if (mok) {
		for (size_t i = 0; i < four; i += 4096)
			m[i] = (unsigned char)(i >> 12);
		for (size_t i = 0; i < four; i += 4096)
			mok &= m[i] == (unsigned char)(i >> 12);
	}
	UT_CHECK(mok, "round %d: a 4 MiB malloc, written and read back", round);
	free((void *)m);

	if (have_mi) {
		if (UT_CHECK(meminfo(&after) == 0, "mos_meminfo after: %s", strerror(errno))) {
			uint32_t was = free_total(&before), now = free_total(&after);
			UT_NOTE("round %d: free+own+slab frames %u before, %u after (%+d); free "
				"%u -> %u of %u, own %u -> %u, slab frames %u -> %u, slab objects "
				"%u -> %u, pframes %u -> %u, vnodes %u -> %u, processes %u -> %u",
				round, was, now, (int)(now - was), before.frames_free,
				after.frames_free, after.frames_total, before.self_frames,
				after.self_frames, before.slab_frames, after.slab_frames,
				before.slab_objects, after.slab_objects, before.pframes,
				after.pframes, before.vnodes, after.vnodes, before.processes,
				after.processes);
			UT_CHECK(now + MARGIN_FRAMES >= was && now <= was + MARGIN_FRAMES,
				 "round %d: free frames %u after the eater, %u before (margin %d)",
				 round, now, was, MARGIN_FRAMES);
			UT_CHECK(after.processes == before.processes,
				 "round %d: processes %u -> %u", round, before.processes,
				 after.processes);
		}
	}
	return last.mib;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--noop") == 0)
		return 0;
	self_path = argc > 0 ? argv[0] : NULL;
	/* Warm up: the first fork + exec's one-time kernel allocations come
	 * before the first reading, and the readings settle (as in runall). */
	UT_CHECK_EXITED(run_noop(), 0, "fork + exec before the eater");
	if (ut_emulated())
		UT_SKIP("the eater's getrlimit keeps its RLIMIT_AS: %s ignores the limit; the "
			"eater's address space is capped with PROT_NONE mappings instead",
			ut_emulator());
	if (ut_is_mos()) {
		/* runall copies our output line by line: let it handle one
		 * line before the first reading, so that its own first touches
		 * of that code (pages it holds, not counted as ours) come
		 * before the first reading rather than between two. */
		UT_NOTE("RLIMIT_AS for the eater: %lu MiB; margin %d frames", AS_LIMIT / MIB,
			MARGIN_FRAMES);
		ut_sleep_ms(100);
		struct mos_meminfo m1, m2;
		meminfo(&m1);
		for (int i = 0; i < 6; i++) {
			if (meminfo(&m2) == 0 && free_total(&m1) == free_total(&m2))
				break;
			m1 = m2;
		}
	}
	int a = eat_round(1);
	int b = eat_round(2);
	if (a > 0 && b > 0) {
		int diff = a > b ? a - b : b - a;
		int small = a < b ? a : b;
		UT_CHECK(diff <= 8 + small / 8, "the rounds got %d and %d MiB", a, b);
	}
	return ut_done("t_eatmem");
}
