/*
 * t_hugepage: huge pages for anonymous memory.
 *
 *  - MAP_HUGETLB: a 4 MiB-aligned mapping (the length rounded up to whole
 *    huge pages) whose 16 MiB keep a pattern; a MAP_HUGE_SHIFT size of
 *    4 MiB is taken, another size is EINVAL; an unaligned MAP_FIXED
 *    address and a file mapping are EINVAL.  Linux without a hugetlbfs
 *    pool refuses MAP_HUGETLB with ENOMEM (and an x86-64 Linux has no
 *    4 MiB size): those checks then become notes;
 *  - MADV_HUGEPAGE over an aligned 16 MiB: a word pattern written over
 *    all of it reads back; on M-OS /proc/meminfo's AnonHugePages grows by
 *    16 MiB and is back where it was after munmap;
 *  - fork: the child sees the parent's data, its writes stay its own
 *    (copy-on-write), and the parent's writes after the fork are not seen
 *    by the child;
 *  - cutting a huge page: munmap of its middle 4 KiB (the neighbours keep
 *    their data, the hole is SIGSEGV), mprotect(PROT_READ) of one page
 *    (a store there is SIGSEGV, the rest stays writable and intact),
 *    MADV_DONTNEED of 64 KiB (reads zeros, the rest intact);
 *  - M-OS only: /proc/sys/vm/transparent_hugepage shows and takes the
 *    mode ("always" gives huge pages without madvise; a bad word is
 *    EINVAL); meminfo has Linux's HugePages_* and Hugepagesize lines.
 * runall checks that frames and slab objects come back afterwards.
 */
#include "utest.h"
#include <stdint.h>
#include <sys/mman.h>

#define MIB (1024u * 1024u)
#define HUGE (4u * MIB)
#define REGION (16u * MIB)
#define PG 4096u
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define HUGE_SHIFT_4M (22 << MAP_HUGE_SHIFT)
#define HUGE_SHIFT_2M (21 << MAP_HUGE_SHIFT)
#define THP_KNOB "/proc/sys/vm/transparent_hugepage"

/* A /proc/meminfo figure in kB ("AnonHugePages:"), -1 if absent. */
static long meminfo_kb(const char *name)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long kb = -1;
	if (!f)
		return -1;
	while (kb < 0 && fgets(line, sizeof(line), f))
		if (strncmp(line, name, strlen(name)) == 0)
			kb = strtol(line + strlen(name), NULL, 10);
	fclose(f);
	return kb;
}

static long anon_huge_kb(void)
{
	return meminfo_kb("AnonHugePages:");
}

static int meminfo_has(const char *name)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	int found = 0;
	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		found = strncmp(line, name, strlen(name)) == 0;
	fclose(f);
	return found;
}

static uint32_t pattern(uint32_t i, uint32_t seed)
{
	return (i * 2654435761u) ^ seed;
}

static void fill(uint32_t *w, size_t bytes, uint32_t seed)
{
	for (size_t i = 0; i < bytes / 4; i++)
		w[i] = pattern((uint32_t)i, seed);
}

/* The first word index in [from, to) that does not hold the pattern, or to. */
static size_t first_bad(const uint32_t *w, size_t from, size_t to, uint32_t seed)
{
	for (size_t i = from; i < to; i++)
		if (w[i] != pattern((uint32_t)i, seed))
			return i;
	return to;
}

static int intact(const uint32_t *w, size_t bytes, uint32_t seed)
{
	return first_bad(w, 0, bytes / 4, seed) == bytes / 4;
}

/* An anonymous 16 MiB at a 4 MiB boundary, given MADV_HUGEPAGE: *base
 * is what to munmap (base_len bytes). */
static uint32_t *map_aligned(void **base, size_t *base_len)
{
	*base_len = REGION + HUGE;
	char *m = mmap(NULL, *base_len, RW, ANON, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	*base = m;
	char *p = (char *)(((uintptr_t)m + HUGE - 1) & ~(uintptr_t)(HUGE - 1));
	UT_CHECK(madvise(p, REGION, MADV_HUGEPAGE) == 0, "madvise(MADV_HUGEPAGE): %s",
		 strerror(errno));
	return (uint32_t *)p;
}

static void touch_write(void *p)
{
	*(volatile char *)p = 1;
}

static void touch_read(void *p)
{
	(void)*(volatile char *)p;
}

static void test_hugetlb(void)
{
	long before = anon_huge_kb();
	uint32_t *m = mmap(NULL, REGION - PG, RW, ANON | MAP_HUGETLB, -1, 0);
	if (m == MAP_FAILED && !ut_is_mos()) {
		UT_NOTE("Linux refuses MAP_HUGETLB here (%s): no hugetlbfs pool", strerror(errno));
		return;
	}
	if (!UT_CHECK(m != MAP_FAILED, "mmap MAP_HUGETLB: %s", strerror(errno)))
		return;
	UT_CHECK(((uintptr_t)m & (HUGE - 1)) == 0, "MAP_HUGETLB address %p is 4 MiB aligned", m);
	fill(m, REGION, 0x11);
	UT_CHECK(intact(m, REGION, 0x11), "16 MiB of MAP_HUGETLB memory keep a pattern");
	if (ut_is_mos())
		UT_CHECK(anon_huge_kb() - before == REGION / 1024, "AnonHugePages %ld kB, was %ld",
			 anon_huge_kb(), before);
	UT_CHECK(munmap(m, REGION) == 0, "munmap MAP_HUGETLB (the rounded length)");
	if (ut_is_mos())
		UT_CHECK(anon_huge_kb() == before, "AnonHugePages back to %ld kB (%ld)", before,
			 anon_huge_kb());

	m = mmap(NULL, HUGE, RW, ANON | MAP_HUGETLB | HUGE_SHIFT_4M, -1, 0);
	if (ut_is_mos()) {
		UT_CHECK(m != MAP_FAILED, "MAP_HUGETLB with a 4 MiB MAP_HUGE_SHIFT size: %s",
			 strerror(errno));
		UT_EXPECT_ERRNO(mmap(NULL, HUGE, RW, ANON | MAP_HUGETLB | HUGE_SHIFT_2M, -1, 0),
				EINVAL);
	}
	if (m != MAP_FAILED)
		munmap(m, HUGE);
	errno = 0;
	void *r = mmap((void *)(uintptr_t)(HUGE + PG), HUGE, RW, ANON | MAP_HUGETLB | MAP_FIXED,
		       -1, 0);
	UT_CHECK(r == MAP_FAILED && (errno == EINVAL || (!ut_is_mos() && errno == ENOMEM)),
		 "unaligned MAP_FIXED with MAP_HUGETLB: %p/%s", r, strerror(errno));
	int fd = open("/proc/self/exe", O_RDONLY);
	if (UT_CHECK(fd >= 0, "open /proc/self/exe")) {
		UT_EXPECT_ERRNO(mmap(NULL, HUGE, PROT_READ, MAP_PRIVATE | MAP_HUGETLB, fd, 0), EINVAL);
		close(fd);
	}
}

static void test_madvise_integrity(void)
{
	long before = anon_huge_kb();
	void *base;
	size_t len;
	uint32_t *p = map_aligned(&base, &len);
	if (!UT_CHECK(p, "mmap 20 MiB: %s", strerror(errno)))
		return;
	fill(p, REGION, 0x22);
	UT_CHECK(intact(p, REGION, 0x22), "a word pattern over 16 MiB of huge pages reads back");
	long during = anon_huge_kb();
	if (ut_is_mos())
		UT_CHECK(during - before == REGION / 1024, "AnonHugePages grew by %ld kB", during - before);
	else
		UT_NOTE("Linux: AnonHugePages %ld -> %ld kB (system-wide, THP permitting)", before, during);
	UT_CHECK(munmap(base, len) == 0, "munmap");
	if (ut_is_mos())
		UT_CHECK(anon_huge_kb() == before, "AnonHugePages back to %ld kB after munmap (%ld)",
			 before, anon_huge_kb());
}

/* The child: checks the parent's data, waits for the parent's writes,
 * checks it still sees the old data, writes its own and checks it. */
static void fork_child(uint32_t *p, int rfd)
{
	int ok = intact(p, REGION, 0x33);
	char c;
	ok &= read(rfd, &c, 1) == 1;
	ok &= intact(p, REGION, 0x33);	/* the parent's new data is not seen */
	fill(p, HUGE, 0x44);		/* the child's own copy of one huge page */
	p[REGION / 4 - 1] = 0xdeadbeef;
	ok &= intact(p, HUGE, 0x44) && first_bad(p, HUGE / 4, REGION / 4 - 1, 0x33) == REGION / 4 - 1;
	_exit(ok ? 0 : 1);
}

static void test_fork_cow(void)
{
	void *base;
	size_t len;
	uint32_t *p = map_aligned(&base, &len);
	int fds[2];
	if (!UT_CHECK(p, "mmap: %s", strerror(errno)) || !UT_CHECK(pipe(fds) == 0, "pipe"))
		return;
	fill(p, REGION, 0x33);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[1]);
		fork_child(p, fds[0]);
	}
	close(fds[0]);
	if (!UT_CHECK(pid > 0, "fork: %s", strerror(errno)))
		return;
	fill((uint32_t *)((char *)p + 2 * HUGE), HUGE, 0x55);	/* the parent writes too */
	UT_CHECK(write(fds[1], "g", 1) == 1, "tell the child");
	close(fds[1]);
	int st;
	UT_CHECK(ut_wait(pid, &st, 30000) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		 "child: sees the data of the fork, not the parent's later writes; its own writes "
		 "stick (status %#x)", st);
	size_t w = 2 * HUGE / 4;
	UT_CHECK(first_bad(p, 0, w, 0x33) == w, "parent: the child's writes are not seen");
	UT_CHECK(intact((uint32_t *)((char *)p + 2 * HUGE), HUGE, 0x55),
		 "parent: its own writes after the fork stick");
	UT_CHECK(p[REGION / 4 - 1] == pattern(REGION / 4 - 1, 0x33), "parent: last word intact");
	munmap(base, len);
}

static void test_split(void)
{
	void *base;
	size_t len;
	uint32_t *p = map_aligned(&base, &len);
	if (!UT_CHECK(p, "mmap: %s", strerror(errno)))
		return;
	char *c = (char *)p;
	fill(p, REGION, 0x66);
	/* munmap of the middle 4 KiB of the first huge page */
	char *hole = c + HUGE / 2;
	UT_CHECK(munmap(hole, PG) == 0, "munmap the middle 4 KiB of a huge page");
	UT_CHECK(first_bad(p, 0, (HUGE / 2) / 4, 0x66) == (HUGE / 2) / 4 &&
		 first_bad(p, (HUGE / 2 + PG) / 4, REGION / 4, 0x66) == REGION / 4,
		 "everything around the hole keeps its data");
	UT_CHECK_SIGNALED(ut_run_child(touch_read, hole), SIGSEGV, "read of the hole");
	UT_CHECK_SIGNALED(ut_run_child(touch_write, hole + PG - 1), SIGSEGV, "write to the hole");
	UT_CHECK_EXITED(ut_run_child(touch_write, hole - 1), 0, "write just below the hole");
	/* mprotect of one page of the second huge page */
	char *ro = c + HUGE + 2 * PG;
	UT_CHECK(mprotect(ro, PG, PROT_READ) == 0, "mprotect one page of a huge page read-only");
	UT_CHECK_SIGNALED(ut_run_child(touch_write, ro), SIGSEGV, "store into the read-only page");
	UT_CHECK(((uint32_t *)ro)[5] == pattern((uint32_t)((HUGE + 2 * PG) / 4 + 5), 0x66),
		 "the read-only page keeps its data");
	uint32_t *after = (uint32_t *)(ro + PG);
	after[0] = 7;
	UT_CHECK(after[0] == 7, "the page after it is still writable");
	after[0] = pattern((uint32_t)((HUGE + 3 * PG) / 4), 0x66);
	/* MADV_DONTNEED of 64 KiB inside the third huge page */
	char *dn = c + 2 * HUGE + MIB;
	UT_CHECK(madvise(dn, 64 * 1024, MADV_DONTNEED) == 0, "MADV_DONTNEED 64 KiB: %s",
		 strerror(errno));
	int zero = 1;
	for (size_t i = 0; i < 64 * 1024; i++)
		zero &= dn[i] == 0;
	UT_CHECK(zero, "the dropped 64 KiB read zeros");
	size_t dn0 = (2 * HUGE + MIB) / 4, dn1 = dn0 + 64 * 1024 / 4;
	UT_CHECK(first_bad(p, 2 * HUGE / 4, dn0, 0x66) == dn0 &&
		 first_bad(p, dn1, REGION / 4, 0x66) == REGION / 4,
		 "the rest of that huge page and the next keep their data");
	munmap(base, len);
}

static void set_thp(const char *mode)
{
	int fd = open(THP_KNOB, O_WRONLY);
	UT_CHECK(fd >= 0 && write(fd, mode, strlen(mode)) == (ssize_t)strlen(mode),
		 "write %s to " THP_KNOB ": %s", mode, strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* M-OS only: the knob, the `always` mode and meminfo's lines. */
static void test_mos_knob(void)
{
	char buf[64] = { 0 };
	int fd = open(THP_KNOB, O_RDONLY);
	if (!UT_CHECK(fd >= 0, "open " THP_KNOB ": %s", strerror(errno)))
		return;
	UT_CHECK(read(fd, buf, sizeof(buf) - 1) > 0 && strstr(buf, "[madvise]"),
		 "the default mode is madvise: \"%s\"", buf);
	close(fd);
	fd = open(THP_KNOB, O_WRONLY);
	UT_EXPECT_ERRNO(write(fd, "sometimes", 9), EINVAL);
	close(fd);
	long before = anon_huge_kb();
	set_thp("always\n");
	char *m = mmap(NULL, 2 * HUGE, RW, ANON, -1, 0);
	if (UT_CHECK(m != MAP_FAILED, "mmap 8 MiB")) {
		char *p = (char *)(((uintptr_t)m + HUGE - 1) & ~(uintptr_t)(HUGE - 1));
		p[0] = 1;
		UT_CHECK(anon_huge_kb() - before == HUGE / 1024,
			 "always: one touch maps a huge page without madvise (%ld kB)",
			 anon_huge_kb() - before);
		UT_CHECK(madvise(m, 2 * HUGE, MADV_NOHUGEPAGE) == 0, "MADV_NOHUGEPAGE");
		munmap(m, 2 * HUGE);
	}
	set_thp("madvise");
	m = mmap(NULL, 2 * HUGE, RW, ANON, -1, 0);
	if (UT_CHECK(m != MAP_FAILED, "mmap 8 MiB")) {
		memset(m, 1, 2 * HUGE);
		UT_CHECK(anon_huge_kb() == before, "madvise: no huge page without the advice");
		munmap(m, 2 * HUGE);
	}
	UT_CHECK(meminfo_has("HugePages_Total:") && meminfo_has("HugePages_Free:") &&
		 meminfo_kb("Hugepagesize:") == HUGE / 1024, "meminfo: HugePages_* and Hugepagesize");
}

int main(void)
{
	test_hugetlb();
	test_madvise_integrity();
	test_fork_cow();
	test_split();
	if (ut_is_mos())
		test_mos_knob();
	UT_CHECK(meminfo_has("AnonHugePages:"), "/proc/meminfo has AnonHugePages");
	return ut_done("t_hugepage");
}
