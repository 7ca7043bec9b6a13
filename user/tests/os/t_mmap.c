/*
 * t_mmap: mmap, munmap, mprotect and brk.
 *
 *  - 4 MiB anonymous: zero-filled, every page touched and checked; munmap
 *    of the middle page: a child touching it dies of SIGSEGV, the
 *    neighbours still work (in the child and here);
 *  - mprotect(PROT_READ): reads work, a write in a child -> SIGSEGV;
 *    back to PROT_READ|PROT_WRITE, writes work and the data is intact;
 *    PROT_NONE: even a read faults;
 *  - MAP_FIXED over part of a mapping replaces it with zeros, the rest is
 *    kept;
 *  - brk through sbrk: grow, write, shrink (a child touching the released
 *    pages dies), grow again: the regrown memory reads zero (as on Linux);
 *  - files: MAP_PRIVATE writes are not seen by read(); MAP_SHARED writes
 *    are seen by read() after munmap (M-OS writes back at munmap; msync
 *    may return ENOSYS there, and is not relied on), and a write() to the
 *    file is seen through an existing MAP_SHARED mapping; mapping at an
 *    offset; /dev/zero MAP_PRIVATE reads zeros and is writable;
 *  - errors: length 0 (EINVAL), bad fd (EBADF), a pipe (ENODEV),
 *    PROT_WRITE+MAP_SHARED on an O_RDONLY fd (EACCES), unaligned
 *    MAP_FIXED / munmap / mprotect and neither MAP_SHARED nor
 *    MAP_PRIVATE (EINVAL); mapping more than the address space holds
 *    gives ENOMEM (on M-OS before 3 GiB; a MAP_FIXED range crossing
 *    0xC0000000 is ENOMEM there too -- only on M-OS, since a 32-bit
 *    process on a 64-bit Linux may own that range);
 *  - after fork, a MAP_SHARED anonymous page written by the child is seen
 *    by the parent and vice versa; a MAP_PRIVATE one is not.
 *
 * Under qemu-i386 (a host that cannot execute i386 programs) two checks
 * are skipped, with a note, when they fail: the emulator keeps the pages
 * of a shrunk break mapped, and its mprotect of an unmapped range
 * succeeds (the emulator holds the whole guest address space mapped).
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "utest.h"

#define PG 4096
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

static char dir[256];

static void touch_write(void *p)
{
	*(volatile char *)p = 1;
}

static void touch_read(void *p)
{
	_exit(*(volatile char *)p == 123 ? 3 : 2);
}

static void test_anon(void)
{
	size_t len = 4 << 20;
	unsigned char *m = mmap(NULL, len, RW, ANON, -1, 0);
	if (!UT_CHECK(m != MAP_FAILED, "mmap 4 MiB: %s", strerror(errno)))
		return;
	UT_CHECK(((uintptr_t)m & (PG - 1)) == 0, "mmap result page aligned");
	int zero = 1;
	for (size_t i = 0; i < len; i += 512)
		if (m[i]) {
			zero = 0;
			break;
		}
	UT_CHECK(zero, "fresh anonymous memory reads zero");
	for (size_t pg = 0; pg < len / PG; pg++)
		memset(m + pg * PG, (int)(pg & 0xff), PG);
	int ok = 1;
	for (size_t pg = 0; pg < len / PG && ok; pg++)
		for (size_t i = 0; i < PG; i += 64)
			if (m[pg * PG + i] != (unsigned char)pg) {
				ok = 0;
				break;
			}
	UT_CHECK(ok, "every page of 4 MiB keeps its data");

	unsigned char *mid = m + len / 2;
	UT_CHECK(munmap(mid, PG) == 0, "munmap middle page");
	UT_CHECK_SIGNALED(ut_run_child(touch_write, mid), SIGSEGV, "write to unmapped middle page");
	UT_CHECK_SIGNALED(ut_run_child((void (*)(void *))touch_read, mid), SIGSEGV,
			  "read of unmapped middle page");
	UT_CHECK_EXITED(ut_run_child(touch_write, mid - 1), 0, "write just below the hole");
	UT_CHECK_EXITED(ut_run_child(touch_write, mid + PG), 0, "write just above the hole");
	UT_CHECK(mid[-1] == (unsigned char)(len / 2 / PG - 1) &&
		 mid[PG] == (unsigned char)(len / 2 / PG + 1), "neighbours intact");
	/* munmap of a range with a hole in it, and of nothing, succeed. */
	UT_CHECK(munmap(m, len) == 0, "munmap the whole range (with a hole)");
	UT_CHECK(munmap(m, len) == 0, "munmap of an unmapped range");
	UT_CHECK_SIGNALED(ut_run_child(touch_write, m), SIGSEGV, "write after munmap");
}

static void test_mprotect(void)
{
	char *m = mmap(NULL, 4 * PG, RW, ANON, -1, 0);
	if (!UT_CHECK(m != MAP_FAILED, "mmap"))
		return;
	memset(m, 'x', 4 * PG);
	UT_CHECK(mprotect(m + PG, 2 * PG, PROT_READ) == 0, "mprotect(PROT_READ)");
	UT_CHECK(m[PG] == 'x' && m[3 * PG - 1] == 'x', "read-only pages readable");
	UT_CHECK_SIGNALED(ut_run_child(touch_write, m + PG), SIGSEGV, "write to PROT_READ page");
	UT_CHECK_SIGNALED(ut_run_child(touch_write, m + 3 * PG - 1), SIGSEGV,
			  "write to the second PROT_READ page");
	UT_CHECK_EXITED(ut_run_child(touch_write, m), 0, "page before stays writable");
	UT_CHECK_EXITED(ut_run_child(touch_write, m + 3 * PG), 0, "page after stays writable");
	UT_CHECK(mprotect(m + PG, 2 * PG, RW) == 0, "mprotect back to RW");
	m[PG] = 'y';
	m[3 * PG - 1] = 'z';
	UT_CHECK(m[PG] == 'y' && m[PG + 1] == 'x' && m[3 * PG - 1] == 'z', "writable again");
	UT_CHECK(mprotect(m, PG, PROT_NONE) == 0, "mprotect(PROT_NONE)");
	UT_CHECK_SIGNALED(ut_run_child((void (*)(void *))touch_read, m), SIGSEGV,
			  "read of a PROT_NONE page");
	UT_CHECK(mprotect(m, PG, PROT_READ) == 0 && m[0] == 'x', "PROT_NONE -> PROT_READ keeps data");
	/* Read-only before fork: the child cannot write either, and a
	 * writable page made read-only after CoW sharing stays consistent. */
	UT_CHECK(mprotect(m + 2 * PG, PG, PROT_READ) == 0, "mprotect");
	UT_CHECK_SIGNALED(ut_run_child(touch_write, m + 2 * PG), SIGSEGV,
			  "forked child writes a read-only page");
	UT_CHECK(munmap(m, 4 * PG) == 0, "munmap");
}

static void test_fixed(void)
{
	char *m = mmap(NULL, 8 * PG, RW, ANON, -1, 0);
	if (!UT_CHECK(m != MAP_FAILED, "mmap"))
		return;
	memset(m, 'k', 8 * PG);
	char *f = mmap(m + 2 * PG, 3 * PG, RW, ANON | MAP_FIXED, -1, 0);
	UT_CHECK(f == m + 2 * PG, "MAP_FIXED returns the address");
	int zero = 1;
	for (int i = 0; i < 3 * PG; i++)
		if (f[i]) {
			zero = 0;
			break;
		}
	UT_CHECK(zero, "MAP_FIXED replacement reads zero");
	UT_CHECK(m[2 * PG - 1] == 'k' && m[5 * PG] == 'k' && m[0] == 'k' && m[8 * PG - 1] == 'k',
		 "the rest of the old mapping is kept");
	/* MAP_FIXED read-only over it: protection is the new one's. */
	char *r = mmap(m + 6 * PG, PG, PROT_READ, ANON | MAP_FIXED, -1, 0);
	UT_CHECK(r == m + 6 * PG && r[0] == 0, "MAP_FIXED PROT_READ");
	UT_CHECK_SIGNALED(ut_run_child(touch_write, r), SIGSEGV, "write to MAP_FIXED PROT_READ");
	munmap(m, 8 * PG);
	/* A hint address is only a hint, but a free one is normally taken. */
	char *h = mmap(m, PG, RW, ANON, -1, 0);
	UT_CHECK(h != MAP_FAILED, "mmap with a hint");
	if (h != MAP_FAILED)
		munmap(h, PG);
}

static void test_brk(void)
{
	/* No malloc or stdio between the sbrk calls (glibc's malloc uses brk). */
	char *start = sbrk(0);
	if (!UT_CHECK(start != (char *)-1, "sbrk(0)"))
		return;
	size_t pad = (PG - ((uintptr_t)start & (PG - 1))) & (PG - 1);
	UT_CHECK(sbrk((intptr_t)pad) == start, "sbrk to a page boundary");
	char *base = sbrk(0);
	size_t len = 16 * PG;
	UT_CHECK(sbrk((intptr_t)len) == base, "sbrk grow 64 KiB");
	int zero = 1;
	for (size_t i = 0; i < len; i++)
		if (base[i]) {
			zero = 0;
			break;
		}
	UT_CHECK(zero, "new brk memory reads zero");
	memset(base, 0xab, len);
	UT_CHECK(base[len - 1] == (char)0xab, "brk memory writable");
	UT_CHECK(sbrk(-(intptr_t)len) == base + len, "sbrk shrink");
	UT_CHECK(sbrk(0) == base, "break moved back");
	int st = ut_run_child(touch_write, base + PG);
	UT_CHECK_EMU(st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
		     "the emulator keeps a shrunk break's pages mapped",
		     "touch released brk memory: expected death by signal %d, got %s", SIGSEGV,
		     ut_status_str(st));
	UT_CHECK(sbrk((intptr_t)len) == base, "sbrk regrow");
	zero = 1;
	for (size_t i = 0; i < len; i++)
		if (base[i]) {
			zero = 0;
			break;
		}
	UT_CHECK(zero, "regrown brk memory reads zero");
	UT_CHECK(brk(base) == 0 && sbrk(0) == base, "brk() back");
	UT_CHECK(brk(start) == 0, "brk() to the start");
	/* brk below the start of the heap is refused: the break stays.  (The
	 * system call returns the old break; glibc's brk() then says 0.) */
	UT_CHECK((char *)syscall(SYS_brk, 0x1000) == start, "brk far below the heap");
	UT_CHECK(sbrk(0) == start, "break unchanged");
	/* So is a break past the address space (over the stack), and on
	 * M-OS one in the kernel's half (on 64-bit Linux a 32-bit process
	 * owns 0xC0000000 and up, so there it could succeed). */
	UT_CHECK((char *)syscall(SYS_brk, 0xFFFFF000u) == start, "brk to 0xFFFFF000");
	UT_CHECK(sbrk(0) == start, "break unchanged");
	if (ut_is_mos()) {
		UT_CHECK((char *)syscall(SYS_brk, 0xC0001000u) == start, "brk to 0xC0001000");
		UT_CHECK(sbrk(0) == start, "break unchanged");
	}
	/* malloc still works after all that. */
	char *mm = malloc(200000);
	UT_CHECK(mm != NULL, "malloc after brk games");
	if (mm) {
		memset(mm, 1, 200000);
		free(mm);
	}
}

static int make_file(const char *name, size_t len, char fill, char *path, size_t psz)
{
	snprintf(path, psz, "%s/%s", dir, name);
	int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
	if (fd < 0)
		return -1;
	char buf[PG];
	for (size_t off = 0; off < len; off += PG) {
		for (int i = 0; i < PG; i++)
			buf[i] = (char)(fill + (off / PG) % 10);
		if (write(fd, buf, PG) != PG) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

static void test_file_private(void)
{
	char path[300];
	int fd = make_file("private", 2 * PG, 'a', path, sizeof(path));
	if (!UT_CHECK(fd >= 0, "create file"))
		return;
	char *m = mmap(NULL, 2 * PG, RW, MAP_PRIVATE, fd, 0);
	if (UT_CHECK(m != MAP_FAILED, "mmap MAP_PRIVATE file: %s", strerror(errno))) {
		UT_CHECK(m[0] == 'a' && m[PG] == 'b' && m[2 * PG - 1] == 'b', "file contents mapped");
		m[0] = 'X';
		m[PG + 5] = 'Y';
		UT_CHECK(munmap(m, 2 * PG) == 0, "munmap");
		char buf[8];
		UT_CHECK(pread(fd, buf, 1, 0) == 1 && buf[0] == 'a', "private write not in file");
		UT_CHECK(pread(fd, buf, 1, PG + 5) == 1 && buf[0] == 'b', "private write not in file (2)");
	}
	/* Mapping at an offset, and a file change seen by a fresh mapping. */
	UT_CHECK(pwrite(fd, "Q", 1, PG + 1) == 1, "pwrite");
	m = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, PG);
	if (UT_CHECK(m != MAP_FAILED, "mmap at offset 4096")) {
		UT_CHECK(m[0] == 'b' && m[1] == 'Q', "offset mapping sees page 1");
		munmap(m, PG);
	}
	UT_EXPECT_ERRNO(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 100), EINVAL);
	close(fd);
	unlink(path);
}

static void test_file_shared(void)
{
	char path[300];
	int fd = make_file("shared", 2 * PG, 'a', path, sizeof(path));
	if (!UT_CHECK(fd >= 0, "create file"))
		return;
	char *m = mmap(NULL, 2 * PG, RW, MAP_SHARED, fd, 0);
	if (!UT_CHECK(m != MAP_FAILED, "mmap MAP_SHARED file: %s", strerror(errno))) {
		close(fd);
		return;
	}
	UT_CHECK(m[0] == 'a' && m[PG] == 'b', "file contents mapped");
	memcpy(m + 10, "shared!", 7);
	m[PG + 100] = 'S';
	errno = 0;
	int r = msync(m, 2 * PG, MS_SYNC);
	UT_CHECK(r == 0 || (r == -1 && errno == ENOSYS), "msync: %s", strerror(errno));
	UT_CHECK(munmap(m, 2 * PG) == 0, "munmap");
	char buf[16] = "";
	UT_CHECK(pread(fd, buf, 7, 10) == 7 && memcmp(buf, "shared!", 7) == 0,
		 "MAP_SHARED write seen by read() after munmap: \"%.7s\"", buf);
	UT_CHECK(pread(fd, buf, 1, PG + 100) == 1 && buf[0] == 'S', "second page written back");
	struct stat st;
	UT_CHECK(fstat(fd, &st) == 0 && st.st_size == 2 * PG, "file size unchanged");

	/* write() is seen through an existing shared mapping. */
	m = mmap(NULL, 2 * PG, RW, MAP_SHARED, fd, 0);
	if (UT_CHECK(m != MAP_FAILED, "mmap again")) {
		UT_CHECK(memcmp(m + 10, "shared!", 7) == 0, "new mapping sees the data");
		UT_CHECK(pwrite(fd, "written", 7, 200) == 7, "pwrite");
		UT_CHECK(memcmp(m + 200, "written", 7) == 0, "write() seen in MAP_SHARED mapping");
		UT_CHECK(pwrite(fd, "W2", 2, PG + 300) == 2, "pwrite");
		UT_CHECK(memcmp(m + PG + 300, "W2", 2) == 0, "write() seen in the second page");
		/* Two shared mappings of the same file see each other. */
		char *m2 = mmap(NULL, PG, RW, MAP_SHARED, fd, 0);
		if (UT_CHECK(m2 != MAP_FAILED, "second MAP_SHARED mapping")) {
			m2[500] = 'T';
			UT_CHECK(m[500] == 'T', "two shared mappings of one file are coherent");
			munmap(m2, PG);
		}
		/* A child writing a shared file mapping: the parent sees it. */
		pid_t pid = fork();
		if (pid == 0) {
			m[1000] = 'C';
			_exit(0);
		}
		waitpid(pid, NULL, 0);
		UT_CHECK(m[1000] == 'C', "child's write to a shared file mapping seen");
		munmap(m, 2 * PG);
		UT_CHECK(pread(fd, buf, 1, 1000) == 1 && buf[0] == 'C', "and written back");
	}
	close(fd);
	unlink(path);
}

static void test_dev_zero(void)
{
	int fd = open("/dev/zero", O_RDWR);
	if (!UT_CHECK(fd >= 0, "open /dev/zero: %s", strerror(errno)))
		return;
	unsigned char *m = mmap(NULL, 4 * PG, RW, MAP_PRIVATE, fd, 0);
	if (UT_CHECK(m != MAP_FAILED, "mmap /dev/zero: %s", strerror(errno))) {
		int zero = 1;
		for (int i = 0; i < 4 * PG; i++)
			if (m[i]) {
				zero = 0;
				break;
			}
		UT_CHECK(zero, "/dev/zero mapping reads zero");
		m[5] = 9;
		UT_CHECK(m[5] == 9, "/dev/zero private mapping writable");
		munmap(m, 4 * PG);
	}
	close(fd);
}

static void test_errors(void)
{
	UT_EXPECT_ERRNO(mmap(NULL, 0, RW, ANON, -1, 0), EINVAL);
	UT_EXPECT_ERRNO(mmap(NULL, PG, RW, MAP_PRIVATE, 999, 0), EBADF);
	UT_EXPECT_ERRNO(mmap(NULL, PG, RW, MAP_ANONYMOUS, -1, 0), EINVAL);
	int p[2];
	UT_CHECK(pipe(p) == 0, "pipe");
	UT_EXPECT_ERRNO(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, p[0], 0), ENODEV);
	close(p[0]);
	close(p[1]);
	char path[300];
	int fd = make_file("ro", PG, 'r', path, sizeof(path));
	if (UT_CHECK(fd >= 0, "create file")) {
		close(fd);
		fd = open(path, O_RDONLY);
		UT_EXPECT_ERRNO(mmap(NULL, PG, RW, MAP_SHARED, fd, 0), EACCES);
		void *ok = mmap(NULL, PG, RW, MAP_PRIVATE, fd, 0);
		UT_CHECK(ok != MAP_FAILED, "PROT_WRITE MAP_PRIVATE on O_RDONLY is allowed");
		if (ok != MAP_FAILED)
			munmap(ok, PG);
		close(fd);
		fd = open(path, O_WRONLY);
		UT_EXPECT_ERRNO(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0), EACCES);
		close(fd);
		unlink(path);
	}
	char *m = mmap(NULL, 2 * PG, RW, ANON, -1, 0);
	if (UT_CHECK(m != MAP_FAILED, "mmap")) {
		UT_EXPECT_ERRNO(mmap(m + 1, PG, RW, ANON | MAP_FIXED, -1, 0), EINVAL);
		UT_EXPECT_ERRNO(munmap(m + 1, PG), EINVAL);
		UT_EXPECT_ERRNO(mprotect(m + 1, PG, PROT_READ), EINVAL);
		UT_EXPECT_ERRNO(munmap(m, 0), EINVAL);
		munmap(m, 2 * PG);
	}
	UT_EXPECT_ERRNO_EMU(mprotect(m, PG, PROT_READ), ENOMEM,	/* nothing mapped */
			    "the emulator holds the whole address space mapped");
	if (ut_is_mos()) {
		/* The kernel's half is not user space. */
		UT_EXPECT_ERRNO(mmap((void *)0xBFFFF000u, 2 * PG, RW, ANON | MAP_FIXED, -1, 0), ENOMEM);
		UT_EXPECT_ERRNO(mmap((void *)0xC0000000u, PG, RW, ANON | MAP_FIXED, -1, 0), ENOMEM);
		UT_EXPECT_ERRNO(mmap(NULL, 0xC0000000u, RW, ANON, -1, 0), ENOMEM);
	}
}

static void test_exhaust(void)
{
	enum { CHUNK = 256 << 20, MAXC = 16 };
	void *chunks[MAXC];
	int n = 0, err = 0;
	/* Linux: no overcommit accounting for what is never touched. */
	int flags = ANON | (ut_is_mos() ? 0 : MAP_NORESERVE);
	while (n < MAXC) {
		void *m = mmap(NULL, CHUNK, RW, flags, -1, 0);
		if (m == MAP_FAILED) {
			err = errno;
			break;
		}
		chunks[n++] = m;
	}
	unsigned long long total = (unsigned long long)n * CHUNK;
	UT_CHECK(n < MAXC && err == ENOMEM, "mapping 256 MiB chunks ends in ENOMEM "
		 "(%d chunks, %s)", n, ut_errname(err));
	if (ut_is_mos())
		UT_CHECK(total < 3ull << 30, "mapped %llu MiB, beyond 3 GiB", total >> 20);
	UT_NOTE("address space full after %d x 256 MiB", n);
	/* Touch a page of each chunk: lazily allocated, so this is cheap. */
	for (int i = 0; i < n; i++)
		((volatile char *)chunks[i])[i * PG] = 1;
	for (int i = 0; i < n; i++)
		UT_CHECK(munmap(chunks[i], CHUNK) == 0, "munmap chunk %d", i);
	void *m = mmap(NULL, CHUNK, RW, ANON, -1, 0);
	UT_CHECK(m != MAP_FAILED, "mmap works again after freeing");
	if (m != MAP_FAILED)
		munmap(m, CHUNK);
}

static void test_fork_sharing(void)
{
	volatile int *sh = mmap(NULL, PG, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	volatile int *pr = mmap(NULL, PG, RW, ANON, -1, 0);
	if (!UT_CHECK(sh != MAP_FAILED && pr != MAP_FAILED, "mmap shared/private anon"))
		return;
	sh[0] = 1;
	pr[0] = 1;
	int to_child[2];
	UT_CHECK(pipe(to_child) == 0, "pipe");
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		sh[0] = 2;
		pr[0] = 2;
		sh[1] = 77;
		char c;
		if (read(to_child[0], &c, 1) != 1)
			_exit(3);
		/* The parent wrote sh[2] and pr[2] after our fork. */
		_exit(sh[2] == 55 && pr[2] == 0 ? 0 : 1);
	}
	int st;
	/* Wait for the child's write without waiting for it to exit. */
	for (int i = 0; i < 500 && sh[1] != 77; i++)
		ut_sleep_ms(10);
	UT_CHECK(sh[0] == 2 && sh[1] == 77, "MAP_SHARED anonymous: child's write seen");
	UT_CHECK(pr[0] == 1, "MAP_PRIVATE anonymous: child's write not seen");
	sh[2] = 55;
	pr[2] = 66;
	UT_CHECK(write(to_child[1], "g", 1) == 1, "pipe");
	ut_wait(pid, &st, 10000);
	UT_CHECK_EXITED(st, 0, "child sees parent's MAP_SHARED write, not the private one");
	close(to_child[0]);
	close(to_child[1]);
	munmap((void *)sh, PG);
	munmap((void *)pr, PG);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "%s", ut_scratch_dir("t_mmap"));
	test_anon();
	test_mprotect();
	test_fixed();
	test_brk();
	test_file_private();
	test_file_shared();
	test_dev_zero();
	test_errors();
	test_exhaust();
	test_fork_sharing();
	UT_CHECK(rmdir(dir) == 0, "rmdir %s: %s", dir, strerror(errno));
	return ut_done("t_mmap");
}
