/*
 * t_pagegive: mos_page_give, M-OS's zero-copy handoff (mos/pagegive.h).
 * On Linux the call is ENOSYS and nothing else is checked.  On M-OS a
 * forked receiver maps a landing area and answers commands over a pipe:
 *  - MOVE: the bytes arrive, the giver's range reads zeros, and
 *    /proc/meminfo's MosPagesMoved grows by exactly the range (the frames
 *    changed owner: no copy);
 *  - copy-on-write: both see the data, each side's later stores are its
 *    own, in both directions; MosPagesGiven grows;
 *  - a receiver that dies frees what it was given (free frames back);
 *  - bad arguments: EINVAL (flags, alignment, length, shared or file
 *    memory, the caller itself), EFAULT (unmapped ranges, kernel
 *    addresses), ESRCH (no such process), EPERM (another user's).
 */
#include <fcntl.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "mos/pagegive.h"
#include "mos/syscalls.h"
#include "utest.h"

#define PG 4096
#define LANDING_PAGES 16
#define MOVE_PAGES 8
#define COW_FIRST 8		/* landing pages 8..11 take the copy-on-write give */
#define COW_PAGES 4
#define DEATH_PAGES 64
#define FRAME_SLACK 8		/* page tables and the like */

typedef struct receiver {
	pid_t pid;
	int cmd, ans;		/* pipes: commands to it, answers from it */
	uint32_t landing;
} receiver_t;

static uint32_t stamp(int page) { return 0x5a000000u + (uint32_t)page * 0x101u; }

static void fill(char *p, int pages, int first)
{
	for (int i = 0; i < pages; i++)
		for (int w = 0; w < PG / 4; w += 64)
			((uint32_t *)(p + i * PG))[w] = stamp(first + i);
}

static bool holds(const char *p, int pages, int first)
{
	for (int i = 0; i < pages; i++)
		for (int w = 0; w < PG / 4; w += 64)
			if (((const uint32_t *)(p + i * PG))[w] != stamp(first + i))
				return false;
	return true;
}

static bool all_zero(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static long meminfo_kb(const char *key)
{
	char buf[4096];
	int fd = open("/proc/meminfo", O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	char *at = strstr(buf, key);
	return at ? atol(at + strlen(key)) : -1;
}

static uint32_t frames_free(void)
{
	struct mos_meminfo m;
	if (syscall(MOS_SYS_meminfo, &m, MOS_MEMINFO_DROP_CACHES) < 0)
		return 0;
	return m.frames_free;
}

/* The receiver's side: answers each command byte with 1 (ok) or 0. */
static void receiver_loop(int cmd, int ans, char *landing)
{
	char c;
	while (read(cmd, &c, 1) == 1) {
		char ok = 1;
		switch (c) {
		case 'm':	/* the moved pages arrived */
			ok = holds(landing, MOVE_PAGES, 0);
			break;
		case 'c':	/* the shared pages arrived; then we write one */
			ok = holds(landing + COW_FIRST * PG, COW_PAGES, 100);
			((uint32_t *)(landing + COW_FIRST * PG))[0] = 0xdeadbeef;
			break;
		case 'k':	/* the giver's later store is not ours */
			ok = holds(landing + (COW_FIRST + 1) * PG, 1, 101) &&
			     ((uint32_t *)(landing + COW_FIRST * PG))[0] == 0xdeadbeef;
			break;
		case 'p':	/* alive */
			break;
		case 'q':
			_exit(0);
		}
		if (write(ans, &ok, 1) != 1)
			_exit(1);
	}
	_exit(0);
}

static int start_receiver(receiver_t *r, size_t pages)
{
	int cmd[2], ans[2];
	if (pipe(cmd) < 0 || pipe(ans) < 0)
		return -1;
	r->pid = fork();
	if (r->pid == 0) {
		char *landing = mmap(NULL, pages * PG, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		uint32_t addr = landing == MAP_FAILED ? 0 : (uint32_t)(uintptr_t)landing;
		if (write(ans[1], &addr, sizeof(addr)) != sizeof(addr) || !addr)
			_exit(1);
		receiver_loop(cmd[0], ans[1], landing);
	}
	close(cmd[0]);
	close(ans[1]);
	r->cmd = cmd[1];
	r->ans = ans[0];
	r->landing = 0;
	return r->pid > 0 && read(r->ans, &r->landing, sizeof(r->landing)) == sizeof(r->landing) &&
	       r->landing ? 0 : -1;
}

static bool ask(receiver_t *r, char c)
{
	char ok = 0;
	if (write(r->cmd, &c, 1) == 1 && read(r->ans, &ok, 1) == 1)
		return ok == 1;
	int status;
	if (waitpid(r->pid, &status, WNOHANG) == r->pid)
		UT_NOTE("the receiver is gone: %s", ut_status_str(status));
	return false;
}

static void stop_receiver(receiver_t *r)
{
	int status;
	if (write(r->cmd, "q", 1) != 1)
		kill(r->pid, SIGKILL);
	ut_wait(r->pid, &status, 5000);
	close(r->cmd);
	close(r->ans);
}

static void *landing_at(receiver_t *r, int page) { return (char *)(uintptr_t)r->landing + page * PG; }

static void test_move(receiver_t *r)
{
	char *src = mmap(NULL, MOVE_PAGES * PG, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fill(src, MOVE_PAGES, 0);
	long moved0 = meminfo_kb("MosPagesMoved:");
	UT_CHECK(moved0 >= 0, "/proc/meminfo has MosPagesMoved");
	long rc = mos_page_give(r->pid, src, MOVE_PAGES * PG, landing_at(r, 0), MOS_GIVE_MOVE);
	UT_CHECK(rc == 0, "give MOVE: %ld", rc);
	UT_CHECK(ask(r, 'm'), "the receiver reads the moved bytes");
	UT_CHECK(all_zero(src, MOVE_PAGES * PG), "the giver's range reads zeros after MOVE");
	long moved = meminfo_kb("MosPagesMoved:") - moved0;
	UT_CHECK(moved == MOVE_PAGES * PG / 1024, "MosPagesMoved grew by %d kB: %ld",
		 MOVE_PAGES * PG / 1024, moved);
	src[0] = 1;	/* the giver's range is still its own, writable */
	UT_CHECK(src[0] == 1 && ask(r, 'm'), "the giver's store does not reach the receiver");
	munmap(src, MOVE_PAGES * PG);
}

static void test_cow(receiver_t *r)
{
	char *src = mmap(NULL, COW_PAGES * PG, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fill(src, COW_PAGES, 100);
	long given0 = meminfo_kb("MosPagesGiven:");
	long rc = mos_page_give(r->pid, src, COW_PAGES * PG, landing_at(r, COW_FIRST), 0);
	UT_CHECK(rc == 0, "give copy-on-write: %ld", rc);
	UT_CHECK(meminfo_kb("MosPagesGiven:") - given0 == COW_PAGES * PG / 1024,
		 "MosPagesGiven grew by the range");
	UT_CHECK(ask(r, 'c'), "the receiver reads the shared bytes");
	UT_CHECK(holds(src, COW_PAGES, 100), "the giver keeps its data");
	UT_CHECK(((uint32_t *)src)[0] == stamp(100), "the receiver's store is not the giver's");
	((uint32_t *)(src + PG))[0] = 0x12345678;
	UT_CHECK(ask(r, 'k'), "the giver's store is not the receiver's");
	munmap(src, COW_PAGES * PG);
}

static void test_receiver_death(void)
{
	receiver_t r;
	uint32_t before = frames_free();
	if (!UT_CHECK(start_receiver(&r, DEATH_PAGES) == 0, "start a receiver"))
		return;
	char *src = mmap(NULL, DEATH_PAGES * PG, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fill(src, DEATH_PAGES, 7);
	UT_CHECK(mos_page_give(r.pid, src, DEATH_PAGES * PG, landing_at(&r, 0), MOS_GIVE_MOVE) == 0,
		 "give %d pages", DEATH_PAGES);
	munmap(src, DEATH_PAGES * PG);
	kill(r.pid, SIGKILL);
	stop_receiver(&r);
	uint32_t after = frames_free();
	UT_CHECK(after + FRAME_SLACK >= before, "a dead receiver's pages are freed: %u free before, %u after",
		 before, after);
}

static void test_errors(receiver_t *r)
{
	char *src = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *shared = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	void *dst = landing_at(r, 12);
	memset(src, 1, 4 * PG);
	UT_CHECK(mos_page_give(r->pid, src + 1, PG, dst, 0) == -EINVAL, "unaligned source: EINVAL");
	UT_CHECK(mos_page_give(r->pid, src, PG, (char *)dst + 8, 0) == -EINVAL, "unaligned target: EINVAL");
	UT_CHECK(mos_page_give(r->pid, src, PG + 1, dst, 0) == -EINVAL, "unaligned length: EINVAL");
	UT_CHECK(mos_page_give(r->pid, src, 0, dst, 0) == -EINVAL, "length 0: EINVAL");
	UT_CHECK(mos_page_give(r->pid, src, PG, dst, 0x80) == -EINVAL, "unknown flags: EINVAL");
	UT_CHECK(mos_page_give(r->pid, shared, PG, dst, 0) == -EINVAL, "shared memory: EINVAL");
	UT_CHECK(mos_page_give(getpid(), src, PG, src + PG, 0) == -EINVAL, "to itself: EINVAL");
	char *hole = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(hole, PG);
	UT_CHECK(mos_page_give(r->pid, hole, PG, dst, 0) == -EFAULT, "an unmapped source: EFAULT");
	UT_CHECK(mos_page_give(r->pid, (void *)0xC0000000u, PG, dst, 0) == -EFAULT,
		 "a kernel address: EFAULT");
	UT_CHECK(mos_page_give(r->pid, src, PG, (void *)0x1000, 0) == -EFAULT,
		 "an unmapped target range: EFAULT");
	long rc = mos_page_give(r->pid, src, 64 * PG, dst, 0);
	UT_CHECK(rc == -EFAULT || rc == -EINVAL, "a source past its mapping: EFAULT or EINVAL (%ld)", rc);
	pid_t gone = fork();
	if (gone == 0)
		_exit(0);
	int status;
	ut_wait(gone, &status, 5000);
	UT_CHECK(mos_page_give(gone, src, PG, dst, 0) == -ESRCH, "a reaped pid: ESRCH");
	UT_CHECK(mos_page_give(-1, src, PG, dst, 0) == -ESRCH, "pid -1: ESRCH");
	if (getuid() == 0) {
		pid_t parent = getpid();
		pid_t c = fork();
		if (c == 0) {
			if (setuid(12345) < 0)
				_exit(2);
			char *mine = mmap(NULL, PG, PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			mine[0] = 1;
			_exit(mos_page_give(parent, mine, PG, src, 0) == -EPERM ? 0 : 1);
		}
		ut_wait(c, &status, 5000);
		UT_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			 "another user's process: EPERM (%s)", ut_status_str(status));
	}
	UT_CHECK(ask(r, 'p'), "the receiver is unharmed by the failed calls");
	munmap(src, 4 * PG);
	munmap(shared, PG);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	long rc = mos_page_give(0, NULL, 0, NULL, 0x80);	/* EINVAL on M-OS */
	if (!ut_is_mos()) {
		UT_CHECK(rc == -ENOSYS, "Linux: mos_page_give is ENOSYS (%ld)", rc);
		return ut_done("t_pagegive");
	}
	receiver_t r;
	if (UT_CHECK(start_receiver(&r, LANDING_PAGES) == 0, "start the receiver")) {
		test_move(&r);
		test_cow(&r);
		test_errors(&r);
		stop_receiver(&r);
	}
	test_receiver_death();
	return ut_done("t_pagegive");
}
