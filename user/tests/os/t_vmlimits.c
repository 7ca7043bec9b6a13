/*
 * t_vmlimits: the rights and limits of an address space, as Linux has
 * them.
 *
 *  - maxprot: a MAP_SHARED mapping of a file opened O_RDONLY can never
 *    become writable: mprotect(PROT_WRITE) is EACCES (also on part of it,
 *    after it was split and merged again, and in a forked child), a write
 *    still faults, and the file never changes; PROT_NONE and back to
 *    PROT_READ is fine.  A MAP_PRIVATE mapping of the same descriptor, an
 *    anonymous mapping and a MAP_SHARED mapping of an O_RDWR descriptor
 *    may become writable (the last one writes through to the file).  Two
 *    adjacent shared mappings of one file, one through each descriptor,
 *    keep their own limits.
 *  - the number of mappings: single pages with gaps (map two, unmap the
 *    upper one) until mmap says ENOMEM: that happens near 65530 mappings
 *    (Linux's vm.max_map_count; the program's own count too), within
 *    seconds; at the limit, a munmap or mprotect that would split an area
 *    is ENOMEM and changes nothing, trimming an end works, and unmapping
 *    one page makes room for one mapping again.
 *  - the heap's start: this program run four times ("t_vmlimits
 *    --print-brk" prints sbrk(0)) starts its heap at least at the end of
 *    its bss, at most 32 MiB (plus what glibc's start-up takes) above it,
 *    at page-aligned places (the starts differ by whole pages), and not
 *    always at the same one (Linux with ASLR; skipped on a Linux host
 *    where randomisation is off; M-OS booted with norandmaps would fail
 *    here, which is how that is checked by hand).
 *  - MADV_DONTNEED: private anonymous memory reads zeros afterwards (only
 *    the range: neighbours keep their data); after fork, a child's
 *    DONTNEED leaves the parent's data alone and the parent's leaves the
 *    child's; a private file mapping reads the file's current contents
 *    again (the copies made by writes are gone), also in a forked child;
 *    shared mappings keep their data (anonymous, and a file's, which
 *    still reaches the file).
 *  - madvise errors as Linux: unaligned start and unknown advice EINVAL,
 *    a range with unmapped pages ENOMEM (the mapped part still dropped),
 *    length 0 is fine; every advice Linux 6.1 knows is accepted on
 *    private anonymous memory (on M-OS, the THP and KSM ones are EINVAL,
 *    as a kernel built without them); MADV_FREE only on private
 *    anonymous memory (M-OS: then it reads zeros), MADV_REMOVE's
 *    EINVAL/EACCES cases, WIPEONFORK only on private anonymous memory,
 *    POPULATE_WRITE needs PROT_WRITE and POPULATE_READ PROT_READ.
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/personality.h>

#include "utest.h"

#define PG 4096
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

static char dir[256];

static void touch_write(void *p)
{
	*(volatile char *)p = 1;
}

/* A file of npages pages, page i filled with fill + i; returns an O_RDWR
 * descriptor (path filled in) or -1. */
static int make_file(const char *name, int npages, char fill, char *path, size_t psz)
{
	snprintf(path, psz, "%s/%s", dir, name);
	int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
	if (fd < 0)
		return -1;
	char buf[PG];
	for (int i = 0; i < npages; i++) {
		memset(buf, fill + i, PG);
		if (write(fd, buf, PG) != PG) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

/* Every byte of page i of the file at fd is fill + i. */
static int file_is(int fd, int npages, char fill)
{
	char buf[PG];
	for (int i = 0; i < npages; i++) {
		if (pread(fd, buf, PG, (off_t)i * PG) != PG)
			return 0;
		for (int k = 0; k < PG; k++)
			if (buf[k] != (char)(fill + i))
				return 0;
	}
	return 1;
}

/* In a forked child: mprotect(PROT_WRITE) of the shared read-only page
 * must fail with EACCES there too (fork carries maxprot). */
static void child_mprotect(void *p)
{
	_exit(mprotect(p, PG, RW) < 0 && errno == EACCES ? 0 : 1);
}

static void test_maxprot_shared_rdonly(void)
{
	char path[300];
	int fd = make_file("ro", 3, 'a', path, sizeof(path));
	if (!UT_CHECK(fd >= 0, "create file: %s", strerror(errno)))
		return;
	close(fd);
	fd = open(path, O_RDONLY);
	char *m = mmap(NULL, 3 * PG, PROT_READ, MAP_SHARED, fd, 0);
	if (!UT_CHECK(m != MAP_FAILED, "mmap O_RDONLY MAP_SHARED PROT_READ: %s", strerror(errno))) {
		close(fd);
		return;
	}
	UT_CHECK(m[0] == 'a' && m[2 * PG] == 'c', "file contents mapped");
	UT_EXPECT_ERRNO(mprotect(m, 3 * PG, RW), EACCES);
	UT_EXPECT_ERRNO(mprotect(m + PG, PG, PROT_WRITE), EACCES);
	UT_EXPECT_ERRNO(mprotect(m + 2 * PG, PG, RW | PROT_EXEC), EACCES);
	UT_CHECK_SIGNALED(ut_run_child(touch_write, m), SIGSEGV, "write after refused mprotect");
	/* Lowering and raising within the limit is fine; the pieces of the
	 * split area keep the limit, and so does the area merged again. */
	UT_CHECK(mprotect(m + PG, PG, PROT_NONE) == 0, "mprotect(PROT_NONE) of the middle page");
	UT_EXPECT_ERRNO(mprotect(m + 2 * PG, PG, RW), EACCES);
	UT_EXPECT_ERRNO(mprotect(m, PG, RW), EACCES);
	UT_CHECK(mprotect(m + PG, PG, PROT_READ) == 0, "back to PROT_READ");
	UT_CHECK(m[PG] == 'b', "data intact after PROT_NONE");
	UT_EXPECT_ERRNO(mprotect(m, 3 * PG, RW), EACCES);
	UT_CHECK_EXITED(ut_run_child(child_mprotect, m + PG), 0,
			"a forked child cannot make it writable either");
	/* A range that starts writable-capable and runs into the read-only
	 * mapping: EACCES.  (Linux may already have changed the first part;
	 * M-OS checks the whole range first and changes nothing.) */
	char *before = mmap(m - PG, PG, PROT_READ, ANON | MAP_FIXED_NOREPLACE, -1, 0);
	if (before == m - PG) {
		UT_EXPECT_ERRNO(mprotect(before, 2 * PG, RW), EACCES);
		if (ut_is_mos())
			UT_CHECK_SIGNALED(ut_run_child(touch_write, before), SIGSEGV,
					  "M-OS: a refused mprotect changes nothing");
		munmap(before, PG);
	}
	UT_CHECK(munmap(m, 3 * PG) == 0, "munmap");
	UT_CHECK(file_is(fd, 3, 'a'), "the file never changed");

	/* The same descriptor, MAP_PRIVATE: may become writable, and writes
	 * stay private. */
	m = mmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE, fd, 0);
	if (UT_CHECK(m != MAP_FAILED, "mmap O_RDONLY MAP_PRIVATE")) {
		UT_CHECK(mprotect(m, 2 * PG, RW) == 0, "private file mapping may become writable: %s",
			 strerror(errno));
		m[0] = 'X';
		m[PG] = 'Y';
		UT_CHECK(m[0] == 'X' && m[PG] == 'Y', "private writes visible");
		munmap(m, 2 * PG);
		UT_CHECK(file_is(fd, 3, 'a'), "private writes never reach the file");
	}
	close(fd);
	unlink(path);
}

static void test_maxprot_upgradeable(void)
{
	char *a = mmap(NULL, 2 * PG, PROT_READ, ANON, -1, 0);
	if (UT_CHECK(a != MAP_FAILED, "mmap anonymous PROT_READ")) {
		UT_CHECK(mprotect(a, 2 * PG, RW) == 0, "anonymous mapping may become writable");
		a[PG] = 7;
		UT_CHECK(a[PG] == 7 && a[0] == 0, "and is writable");
		munmap(a, 2 * PG);
	}
	char *s = mmap(NULL, PG, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (UT_CHECK(s != MAP_FAILED, "mmap shared anonymous PROT_READ")) {
		UT_CHECK(mprotect(s, PG, RW) == 0, "shared anonymous mapping may become writable");
		munmap(s, PG);
	}

	char path[300];
	int fd = make_file("rw", 2, 'k', path, sizeof(path));
	if (!UT_CHECK(fd >= 0, "create file"))
		return;
	char *m = mmap(NULL, 2 * PG, PROT_READ, MAP_SHARED, fd, 0);
	if (UT_CHECK(m != MAP_FAILED, "mmap O_RDWR MAP_SHARED PROT_READ")) {
		UT_CHECK(mprotect(m + PG, PG, RW) == 0, "O_RDWR shared mapping may become writable: %s",
			 strerror(errno));
		m[PG + 3] = 'W';
		munmap(m, 2 * PG);
		char c = 0;
		UT_CHECK(pread(fd, &c, 1, PG + 3) == 1 && c == 'W', "the write reached the file");
	}

	/* One file through two descriptors, mapped side by side at
	 * consecutive offsets: the O_RDONLY part stays read-only, the O_RDWR
	 * part may become writable (the areas must not merge). */
	int ro = open(path, O_RDONLY);
	char *both = mmap(NULL, 2 * PG, PROT_READ, MAP_SHARED, ro, 0);
	if (UT_CHECK(both != MAP_FAILED, "mmap")) {
		char *hi = mmap(both + PG, PG, PROT_READ, MAP_SHARED | MAP_FIXED, fd, PG);
		UT_CHECK(hi == both + PG, "MAP_FIXED the O_RDWR page next to the O_RDONLY one");
		UT_CHECK(mprotect(both + PG, PG, RW) == 0, "the O_RDWR page may become writable: %s",
			 strerror(errno));
		UT_EXPECT_ERRNO(mprotect(both, PG, RW), EACCES);
		UT_CHECK(mprotect(both + PG, PG, PROT_READ) == 0, "back to PROT_READ");
		UT_EXPECT_ERRNO(mprotect(both, 2 * PG, RW), EACCES);
		UT_CHECK(mprotect(both + PG, PG, RW) == 0, "the O_RDWR page still may");
		munmap(both, 2 * PG);
	}
	close(ro);
	close(fd);
	unlink(path);
}

#define MAX_MAP_COUNT 65530
#define OWN_MAPPINGS_MAX 200	/* what the program itself may hold */
#define MAP_COUNT_MS 30000	/* "within seconds", with room for a busy host */

static void *kept[MAX_MAP_COUNT + 2];

static void test_map_count(void)
{
	if (ut_emulated()) {
		UT_SKIP("mappings end in ENOMEM near 65530: %s doubles them on the host and "
			"breaks once refused", ut_emulator());
		return;
	}
	char *three = mmap(NULL, 3 * PG, RW, ANON, -1, 0);
	if (!UT_CHECK(three != MAP_FAILED, "mmap three pages"))
		return;
	memset(three, 's', 3 * PG);
	long long t0 = ut_now_ms();
	int n = 0, err = 0;
	while (n < MAX_MAP_COUNT + 2 && ut_now_ms() - t0 < 2 * MAP_COUNT_MS) {
		char *p = mmap(NULL, 2 * PG, PROT_READ, ANON, -1, 0);
		if (p == MAP_FAILED) {
			err = errno;
			break;
		}
		if (munmap(p + PG, PG) < 0) {
			err = errno;
			munmap(p, 2 * PG);
			break;
		}
		kept[n++] = p;
	}
	long long ms = ut_now_ms() - t0;
	UT_NOTE("%d single-page mappings before %s, in %lld ms", n, err ? ut_errname(err) : "the cap", ms);
	UT_CHECK(err == ENOMEM, "mapping ends with ENOMEM, got %s after %d",
		 err ? ut_errname(err) : "no error", n);
	UT_CHECK(n > MAX_MAP_COUNT - OWN_MAPPINGS_MAX && n <= MAX_MAP_COUNT,
		 "%d mappings: expected a little under %d", n, MAX_MAP_COUNT);
	UT_CHECK(ms < MAP_COUNT_MS, "mapping took %lld ms", ms);
	if (err == ENOMEM) {
		UT_EXPECT_ERRNO(munmap(three + PG, PG), ENOMEM);
		UT_EXPECT_ERRNO(mprotect(three + PG, PG, PROT_READ), ENOMEM);
		UT_CHECK(three[PG] == 's', "the middle page is still there");
		UT_CHECK_EXITED(ut_run_child(touch_write, three + PG), 0,
				"and still writable");
		UT_CHECK(munmap(three + 2 * PG, PG) == 0, "trimming an end is fine at the limit");
		UT_CHECK(n > 0 && munmap(kept[--n], PG) == 0, "unmap one page");
		char *one = mmap(NULL, PG, RW, ANON, -1, 0);
		UT_CHECK(one != MAP_FAILED, "then one mapping fits again: %s", strerror(errno));
		if (one != MAP_FAILED)
			munmap(one, PG);
	}
	t0 = ut_now_ms();
	int unmapped = 0;
	while (n > 0)
		unmapped += munmap(kept[--n], PG) == 0;
	UT_NOTE("unmapped them in %lld ms", ut_now_ms() - t0);
	munmap(three, 3 * PG);
	char *again = mmap(NULL, 2 * PG, RW, ANON, -1, 0);
	UT_CHECK(again != MAP_FAILED, "mmap works after unmapping them");
	if (again != MAP_FAILED)
		munmap(again, 2 * PG);
}

#define HEAP_RANDOM_RANGE (32ul << 20)	/* Linux, 32-bit: arch_randomize_brk */
#define STARTUP_SBRK_MAX (1ul << 20)	/* glibc's static start-up (TLS) */
#define HEAP_RUNS 4
#define PRINT_BRK "--print-brk"

extern char end;	/* the end of the bss (ld) */

/* The break of a fresh run of this program, or 0. */
static unsigned long child_brk(const char *self)
{
	int p[2];
	if (pipe(p) < 0)
		return 0;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		char *argv[] = { (char *)self, PRINT_BRK, NULL };
		mos_execve(self, argv, environ);
		_exit(127);
	}
	close(p[1]);
	char buf[64] = "";
	ssize_t got = 0, r;
	while (got < (ssize_t)sizeof(buf) - 1 && (r = read(p[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += r;
	close(p[0]);
	int status;
	if (pid < 0 || ut_wait(pid, &status, 10000) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return 0;
	return strtoul(buf, NULL, 16);
}

/* Linux randomises the heap only with randomize_va_space 2 and without
 * ADDR_NO_RANDOMIZE; M-OS always (unless booted with norandmaps). */
static int heap_randomised(void)
{
	if (ut_is_mos())
		return 1;
	FILE *f = fopen("/proc/sys/kernel/randomize_va_space", "r");
	int level = 2;
	if (f) {
		if (fscanf(f, "%d", &level) != 1)
			level = 2;
		fclose(f);
	}
	int pers = personality(0xffffffff);
	return level >= 2 && (pers == -1 || !(pers & ADDR_NO_RANDOMIZE));
}

static void test_heap_start(const char *self)
{
	unsigned long bss_end = (unsigned long)&end, b[HEAP_RUNS];
	unsigned long first = (bss_end + PG - 1) & ~(unsigned long)(PG - 1);
	int distinct = 0;
	for (int i = 0; i < HEAP_RUNS; i++) {
		b[i] = child_brk(self);
		if (!UT_CHECK(b[i] != 0, "run %d of %s %s", i, self, PRINT_BRK))
			return;
		UT_CHECK(b[i] >= bss_end, "heap at %#lx, below the end of the bss %#lx", b[i], bss_end);
		UT_CHECK(b[i] - first < HEAP_RANDOM_RANGE + STARTUP_SBRK_MAX,
			 "heap at %#lx, more than 32 MiB above %#lx", b[i], first);
		UT_CHECK((b[i] - b[0]) % PG == 0, "heap starts %#lx and %#lx are not whole pages apart",
			 b[i], b[0]);
		distinct += b[i] != b[0];
	}
	UT_NOTE("end of bss %#lx; breaks at start-up %#lx %#lx %#lx %#lx", bss_end, b[0], b[1],
		b[2], b[3]);
	if (heap_randomised())
		UT_CHECK_EMU(distinct > 0, "qemu-i386 places the guest's heap itself, without ASLR",
			     "%d runs all started the heap at %#lx", HEAP_RUNS, b[0]);
	else
		UT_NOTE("address-space randomisation is off here: not checked");
}

/* Every byte of [p, p+n) is c. */
static int all_are(const char *p, size_t n, char c)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != c)
			return 0;
	return 1;
}

static void test_dontneed_anon(void)
{
	char *m = mmap(NULL, 4 * PG, RW, ANON, -1, 0);
	if (!UT_CHECK(m != MAP_FAILED, "mmap"))
		return;
	memset(m, 'd', 4 * PG);
	UT_CHECK(madvise(m + PG, 2 * PG, MADV_DONTNEED) == 0, "madvise(DONTNEED): %s", strerror(errno));
	UT_CHECK(all_are(m + PG, 2 * PG, 0), "private anonymous pages read zero after DONTNEED");
	UT_CHECK(all_are(m, PG, 'd') && all_are(m + 3 * PG, PG, 'd'), "the neighbours keep their data");
	m[PG] = 'n';
	UT_CHECK(m[PG] == 'n' && m[PG + 1] == 0, "writable again");
	UT_CHECK(madvise(m, 1, MADV_DONTNEED) == 0, "DONTNEED of one byte");
	UT_CHECK(all_are(m, PG, 0), "drops the whole page");
	munmap(m, 4 * PG);
}

/* The parent wrote 'P' over page 0 and 'Q' over page 1 before the fork. */
struct fork_pages {
	char *m;
	int to_parent, from_parent;
};

static void dontneed_child(void *arg)
{
	struct fork_pages *f = arg;
	char c = 0;
	int code = 0;
	if (madvise(f->m, 2 * PG, MADV_DONTNEED) < 0)
		_exit(10);
	if (!all_are(f->m, 2 * PG, 0))
		code |= 1;	/* the child's DONTNEED must drop the shared copy */
	f->m[0] = 'C';
	if (write(f->to_parent, "c", 1) != 1 || read(f->from_parent, &c, 1) != 1)
		_exit(11);
	if (f->m[0] != 'C' || !all_are(f->m + PG, PG, 0))
		code |= 2;	/* the parent's DONTNEED must not touch ours */
	_exit(code);
}

static void test_dontneed_fork(void)
{
	char *m = mmap(NULL, 2 * PG, RW, ANON, -1, 0);
	int up[2], down[2];
	if (!UT_CHECK(m != MAP_FAILED && pipe(up) == 0 && pipe(down) == 0, "mmap, pipes"))
		return;
	memset(m, 'P', PG);
	memset(m + PG, 'Q', PG);
	struct fork_pages f = { m, up[1], down[0] };
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		dontneed_child(&f);
	char c;
	UT_CHECK(read(up[0], &c, 1) == 1, "child ready");
	UT_CHECK(all_are(m, PG, 'P') && all_are(m + PG, PG, 'Q'),
		 "the child's DONTNEED leaves the parent's pages");
	UT_CHECK(madvise(m, PG, MADV_DONTNEED) == 0, "parent DONTNEED");
	UT_CHECK(all_are(m, PG, 0) && all_are(m + PG, PG, 'Q'), "parent's page 0 reads zero");
	UT_CHECK(write(down[1], "p", 1) == 1, "pipe");
	int st = -1;
	ut_wait(pid, &st, 10000);
	UT_CHECK_EXITED(st, 0, "the child saw zeros after its DONTNEED, and its own data after "
			"the parent's (bit 1: zeros, bit 2: own data)");
	close(up[0]);
	close(up[1]);
	close(down[0]);
	close(down[1]);
	munmap(m, 2 * PG);
}

static void file_dontneed_child(void *arg)
{
	char *m = arg;	/* the parent wrote 'X' at 0; the file has 'N' there */
	if (m[0] != 'X')
		_exit(1);
	m[1] = 'Y';
	if (madvise(m, PG, MADV_DONTNEED) < 0)
		_exit(2);
	_exit(m[0] == 'N' && m[1] == 'a' ? 0 : 3);
}

static void test_dontneed_file(void)
{
	char path[300];
	int fd = make_file("dn", 2, 'a', path, sizeof(path));
	if (!UT_CHECK(fd >= 0, "create file"))
		return;
	char *m = mmap(NULL, 2 * PG, RW, MAP_PRIVATE, fd, 0);
	if (UT_CHECK(m != MAP_FAILED, "mmap private file")) {
		m[0] = 'X';
		m[PG + 7] = 'Z';
		UT_CHECK(pwrite(fd, "N", 1, 0) == 1, "pwrite");
		UT_CHECK(m[0] == 'X', "the private copy hides the file's change");
		UT_CHECK_EXITED(ut_run_child(file_dontneed_child, m), 0,
				"a forked child's DONTNEED reads the file again, the parent keeps its copy");
		UT_CHECK(m[0] == 'X' && m[1] == 'a', "the parent's copy is untouched by the child's");
		UT_CHECK(madvise(m, 2 * PG, MADV_DONTNEED) == 0, "DONTNEED");
		UT_CHECK(m[0] == 'N' && all_are(m + 1, PG - 1, 'a'),
			 "private file mapping reads the file's current contents: %c%c", m[0], m[1]);
		UT_CHECK(all_are(m + PG, PG, 'b'), "the written second page too");
		munmap(m, 2 * PG);
	}
	m = mmap(NULL, PG, RW, MAP_SHARED, fd, 0);
	if (UT_CHECK(m != MAP_FAILED, "mmap shared file")) {
		m[9] = 'S';
		UT_CHECK(madvise(m, PG, MADV_DONTNEED) == 0, "DONTNEED on a shared file mapping");
		UT_CHECK(m[9] == 'S' && m[0] == 'N', "the data stays");
		munmap(m, PG);
		char c = 0;
		UT_CHECK(pread(fd, &c, 1, 9) == 1 && c == 'S', "and reaches the file");
	}
	close(fd);
	unlink(path);

	char *s = mmap(NULL, 2 * PG, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (UT_CHECK(s != MAP_FAILED, "mmap shared anonymous")) {
		memset(s, 'h', 2 * PG);
		UT_CHECK(madvise(s, 2 * PG, MADV_DONTNEED) == 0, "DONTNEED on shared anonymous");
		UT_CHECK(all_are(s, 2 * PG, 'h'), "shared anonymous memory keeps its data");
		munmap(s, 2 * PG);
	}
}

#define MADV_EMU_WHY "qemu-i386 accepts any advice and ignores holes"

static void test_madvise_errors(void)
{
	char *m = mmap(NULL, 3 * PG, RW, ANON, -1, 0);
	if (!UT_CHECK(m != MAP_FAILED, "mmap"))
		return;
	UT_EXPECT_ERRNO_EMU(madvise(m + 1, PG, MADV_DONTNEED), EINVAL, MADV_EMU_WHY);
	UT_EXPECT_ERRNO_EMU(madvise(m + 1, 0, MADV_NORMAL), EINVAL, MADV_EMU_WHY);
	UT_CHECK(madvise(m, 0, MADV_DONTNEED) == 0, "length 0");
	static const int unknown[] = { 5, 6, 7, 26, 50, 99, 1000, -1 };
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		UT_EXPECT_ERRNO_EMU(madvise(m, PG, unknown[i]), EINVAL, MADV_EMU_WHY);
	static const int fine[] = { MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED,
		MADV_DONTNEED, MADV_FREE, MADV_DONTFORK, MADV_DOFORK, MADV_DONTDUMP, MADV_DODUMP,
		MADV_WIPEONFORK, MADV_KEEPONFORK, MADV_COLD, MADV_PAGEOUT, MADV_POPULATE_READ,
		MADV_POPULATE_WRITE, MADV_HUGEPAGE, MADV_NOHUGEPAGE };
	for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++)
		UT_CHECK(madvise(m, 3 * PG, fine[i]) == 0, "advice %d on private anonymous memory: %s",
			 fine[i], strerror(errno));
	if (ut_is_mos()) {	/* a kernel without KSM and khugepaged */
		static const int absent[] = { MADV_MERGEABLE, MADV_UNMERGEABLE,
			25 /* MADV_COLLAPSE */ };
		for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
			UT_EXPECT_ERRNO_EMU(madvise(m, PG, absent[i]), EINVAL, MADV_EMU_WHY);
		memset(m, 'f', PG);
		UT_CHECK(madvise(m, PG, MADV_FREE) == 0 && all_are(m, PG, 0),
			 "M-OS: MADV_FREE drops the pages as DONTNEED does");
	}
	/* A hole: ENOMEM, but the mapped pages are still dropped. */
	memset(m, 'e', 3 * PG);
	UT_CHECK(munmap(m + PG, PG) == 0, "munmap the middle page");
	UT_EXPECT_ERRNO_EMU(madvise(m, 3 * PG, MADV_DONTNEED), ENOMEM, MADV_EMU_WHY);
	UT_CHECK_EMU(all_are(m, PG, 0) && all_are(m + 2 * PG, PG, 0), MADV_EMU_WHY,
		     "the mapped pages of the range were dropped anyway");
	UT_EXPECT_ERRNO_EMU(madvise(m, 3 * PG, MADV_NORMAL), ENOMEM, MADV_EMU_WHY);
	UT_EXPECT_ERRNO_EMU(madvise(m + PG, PG, MADV_WILLNEED), ENOMEM, MADV_EMU_WHY);
	UT_CHECK(munmap(m, 3 * PG) == 0, "munmap");
	UT_EXPECT_ERRNO_EMU(madvise(m, 3 * PG, MADV_DONTNEED), ENOMEM, MADV_EMU_WHY);
	UT_EXPECT_ERRNO_EMU(madvise(m, PG, MADV_REMOVE), ENOMEM, MADV_EMU_WHY);

	/* Advice that needs a certain kind of mapping. */
	UT_EXPECT_ERRNO_EMU(madvise(m, PG, 5), EINVAL, MADV_EMU_WHY);	/* invalid beats unmapped */
	char *r = mmap(NULL, PG, PROT_READ, ANON, -1, 0);
	char *s = mmap(NULL, PG, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char *n = mmap(NULL, PG, PROT_NONE, ANON, -1, 0);
	char path[300];
	int fd = make_file("adv", 1, 'v', path, sizeof(path));
	char *fp = fd >= 0 ? mmap(NULL, PG, RW, MAP_PRIVATE, fd, 0) : MAP_FAILED;
	char *fs = fd >= 0 ? mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
	if (UT_CHECK(r != MAP_FAILED && s != MAP_FAILED && n != MAP_FAILED && fp != MAP_FAILED &&
		     fs != MAP_FAILED, "mappings for the advice checks")) {
		UT_EXPECT_ERRNO_EMU(madvise(s, PG, MADV_FREE), EINVAL, MADV_EMU_WHY);
		UT_EXPECT_ERRNO_EMU(madvise(fp, PG, MADV_FREE), EINVAL, MADV_EMU_WHY);
		UT_EXPECT_ERRNO_EMU(madvise(r, PG, MADV_REMOVE), EINVAL, MADV_EMU_WHY);
		UT_EXPECT_ERRNO_EMU(madvise(fp, PG, MADV_REMOVE), EACCES, MADV_EMU_WHY);
		UT_EXPECT_ERRNO_EMU(madvise(s, PG, MADV_WIPEONFORK), EINVAL, MADV_EMU_WHY);
		UT_EXPECT_ERRNO_EMU(madvise(fp, PG, MADV_WIPEONFORK), EINVAL, MADV_EMU_WHY);
		UT_EXPECT_ERRNO_EMU(madvise(r, PG, MADV_POPULATE_WRITE), EINVAL, MADV_EMU_WHY);
		UT_EXPECT_ERRNO_EMU(madvise(n, PG, MADV_POPULATE_READ), EINVAL, MADV_EMU_WHY);
		UT_CHECK(madvise(r, PG, MADV_POPULATE_READ) == 0, "POPULATE_READ on PROT_READ");
		UT_CHECK(madvise(n, PG, MADV_DONTNEED) == 0, "DONTNEED on PROT_NONE");
		if (ut_is_mos()) {
			/* Linux: the answer depends on the file system. */
			UT_EXPECT_ERRNO_EMU(madvise(s, PG, MADV_REMOVE), EOPNOTSUPP, MADV_EMU_WHY);
			/* Linux 6.1 wants the mapping writable now; 6.7 and
			 * later only that it may become writable. */
			UT_EXPECT_ERRNO_EMU(madvise(fs, PG, MADV_REMOVE), EACCES, MADV_EMU_WHY);
		}
	}
	munmap(r, PG);
	munmap(s, PG);
	munmap(n, PG);
	munmap(fp, PG);
	munmap(fs, PG);
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], PRINT_BRK) == 0) {
		printf("%lx\n", (unsigned long)sbrk(0));
		return 0;
	}
	snprintf(dir, sizeof(dir), "%s", ut_scratch_dir("t_vmlimits"));
	test_maxprot_shared_rdonly();
	test_maxprot_upgradeable();
	test_map_count();
	test_heap_start(argc > 0 ? argv[0] : "/tests/t_vmlimits");
	test_dontneed_anon();
	test_dontneed_fork();
	test_dontneed_file();
	test_madvise_errors();
	UT_CHECK(rmdir(dir) == 0, "rmdir %s: %s", dir, strerror(errno));
	return ut_done("t_vmlimits");
}
