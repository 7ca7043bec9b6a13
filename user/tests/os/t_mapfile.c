/*
 * t_mapfile: the contract between file mappings, the page cache and the
 * disk (issue 11, items 2, 3 and 5).
 *
 *  - every store through a MAP_SHARED mapping reaches the disk: store,
 *    fsync, store again, fsync -- the file's block, read from the raw disk
 *    device (FIBMAP gives the block), holds the second store; the same
 *    with msync(MS_SYNC) (M-OS only: raw disk access);
 *  - mapped pages can be evicted: dirty mapped pages are written back and
 *    dropped by mos_meminfo(DROP_CACHES), and read back right through the
 *    mapping and with read() (M-OS only);
 *  - a store through a shared mapping dates the file (mtime, ctime);
 *  - a page wholly past the end of the file is SIGBUS, for loads and for
 *    stores, and a store there allocates nothing; truncating a mapped file
 *    makes its dropped pages SIGBUS, and growing it again gives zeros;
 *    bytes stored past the end of the file in its last page read as zeros
 *    once the file grows over them (M-OS: Linux may keep them);
 *  - kernel stores into a process obey its protection: read() into a
 *    read-only mapping is EFAULT (and the file is unchanged); clone's
 *    CHILD_SETTID into a read-only shared mapping never changes the file
 *    (M-OS: EFAULT and no child); PARENT_SETTID and CHILD_SETTID pointing
 *    at nothing are EFAULT before any child exists (M-OS; Linux ignores
 *    them).
 */
#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sched.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "mos/syscalls.h"
#include "utest.h"

#define PG 4096
#define RW (PROT_READ | PROT_WRITE)
#define EVICT_PAGES 256		/* 1 MiB of mapped file for the eviction test */
#define OLD_TIME 1000000	/* a date long gone (1970), seconds */

static char dir[256];

static void path_of(char *path, size_t n, const char *name)
{
	snprintf(path, n, "%s/%s", dir, name);
}

/* A new file of `size` bytes (zeros), opened read-write. */
static int new_file(const char *name, off_t size)
{
	char path[300];
	path_of(path, sizeof(path), name);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (!UT_CHECK(fd >= 0, "create %s: %s", path, strerror(errno)))
		return -1;
	UT_CHECK(ftruncate(fd, size) == 0, "ftruncate %s: %s", path, strerror(errno));
	return fd;
}

static void unlink_file(const char *name)
{
	char path[300];
	path_of(path, sizeof(path), name);
	unlink(path);
}

static int all_bytes(const unsigned char *p, size_t n, unsigned char c)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != c)
			return 0;
	return 1;
}

/* ---- raw disk access (M-OS): where a file's first block is on disk ---- */

/* Opens the block device that holds `fd`'s file system, read-only. */
static int open_disk_of(int fd)
{
	struct stat fst, st;
	if (fstat(fd, &fst) < 0)
		return -1;
	DIR *d = opendir("/dev");
	if (!d)
		return -1;
	struct dirent *e;
	int disk = -1;
	while (disk < 0 && (e = readdir(d))) {
		char path[300];
		snprintf(path, sizeof(path), "/dev/%s", e->d_name);
		if (stat(path, &st) == 0 && S_ISBLK(st.st_mode) && st.st_rdev == fst.st_dev)
			disk = open(path, O_RDONLY);
	}
	closedir(d);
	return disk;
}

/* Reads file block `lbn` of fd straight from the disk into buf. */
static int read_block_from_disk(int fd, int lbn, unsigned char *buf, size_t n)
{
	int block = lbn, bsz = 0;
	if (!UT_CHECK(ioctl(fd, FIGETBSZ, &bsz) == 0 && bsz == PG, "FIGETBSZ: %d (%s)", bsz,
		      strerror(errno)) ||
	    !UT_CHECK(ioctl(fd, FIBMAP, &block) == 0 && block > 0, "FIBMAP: block %d (%s)",
		      block, strerror(errno)))
		return -1;
	int disk = open_disk_of(fd);
	if (!UT_CHECK(disk >= 0, "open the disk device: %s", strerror(errno)))
		return -1;
	ssize_t got = pread(disk, buf, n, (off_t)block * bsz);
	close(disk);
	return UT_CHECK(got == (ssize_t)n, "pread of the disk: %zd (%s)", got, strerror(errno))
		? 0 : -1;
}

/* Store, sync, store, sync: the disk must hold the second store. */
static void test_second_store_reaches_disk(int use_msync)
{
	const char *how = use_msync ? "msync" : "fsync";
	int fd = new_file("twice", PG);
	if (fd < 0)
		return;
	unsigned char *m = mmap(NULL, PG, RW, MAP_SHARED, fd, 0);
	if (!UT_CHECK(m != MAP_FAILED, "mmap: %s", strerror(errno))) {
		close(fd);
		return;
	}
	for (int round = 0; round < 3; round++) {
		unsigned char c = (unsigned char)('A' + round);
		memset(m, c, PG);
		int rc = use_msync ? msync(m, PG, MS_SYNC) : fsync(fd);
		UT_CHECK(rc == 0, "%s after store %d: %s", how, round, strerror(errno));
		unsigned char disk[PG];
		if (read_block_from_disk(fd, 0, disk, PG) < 0)
			break;
		UT_CHECK(all_bytes(disk, PG, c), "after store %d and %s the disk holds '%c...', "
			 "not '%c...'", round, how, disk[0], c);
	}
	munmap(m, PG);
	close(fd);
	unlink_file("twice");
}

static void meminfo_drop(struct mos_meminfo *mi)
{
	memset(mi, 0, sizeof(*mi));
	UT_CHECK(syscall(MOS_SYS_meminfo, mi, MOS_MEMINFO_DROP_CACHES) == 0,
		 "mos_meminfo: %s", strerror(errno));
}

/* Dirty mapped pages are written back and evicted under DROP_CACHES. */
static void test_mapped_pages_evict(void)
{
	size_t len = (size_t)EVICT_PAGES * PG;
	int fd = new_file("evict", (off_t)len);
	if (fd < 0)
		return;
	unsigned char *m = mmap(NULL, len, RW, MAP_SHARED, fd, 0);
	if (!UT_CHECK(m != MAP_FAILED, "mmap: %s", strerror(errno))) {
		close(fd);
		return;
	}
	for (size_t i = 0; i < len; i++)
		m[i] = (unsigned char)(i * 7 + i / PG);
	struct mos_meminfo mapped, unmapped;
	meminfo_drop(&mapped);
	int bad = 0;
	for (size_t i = 0; i < len; i++)
		bad += m[i] != (unsigned char)(i * 7 + i / PG);
	UT_CHECK(bad == 0, "%d bytes differ through the mapping after eviction", bad);
	unsigned char *back = malloc(len);
	if (back && UT_CHECK(pread(fd, back, len, 0) == (ssize_t)len, "pread: %s", strerror(errno)))
		UT_CHECK(memcmp(back, m, len) == 0, "read() and the mapping disagree");
	free(back);
	munmap(m, len);
	meminfo_drop(&unmapped);
	UT_CHECK(mapped.pframes < unmapped.pframes + EVICT_PAGES / 2,
		 "%u cached pages while %d file pages were mapped, %u after munmap: mapped "
		 "pages were not evicted", mapped.pframes, EVICT_PAGES, unmapped.pframes);
	close(fd);
	unlink_file("evict");
}

/* A store through a shared mapping updates mtime and ctime. */
static void test_store_dates_file(void)
{
	int fd = new_file("dated", PG);
	if (fd < 0)
		return;
	UT_CHECK(fsync(fd) == 0, "fsync: %s", strerror(errno));
	struct timespec old[2] = { { OLD_TIME, 0 }, { OLD_TIME, 0 } };
	UT_CHECK(futimens(fd, old) == 0, "futimens: %s", strerror(errno));
	unsigned char *m = mmap(NULL, PG, RW, MAP_SHARED, fd, 0);
	if (UT_CHECK(m != MAP_FAILED, "mmap: %s", strerror(errno))) {
		m[10] = 'z';
		UT_CHECK(msync(m, PG, MS_SYNC) == 0, "msync: %s", strerror(errno));
		munmap(m, PG);
	}
	struct stat st;
	UT_CHECK(fstat(fd, &st) == 0, "fstat: %s", strerror(errno));
	UT_CHECK(st.st_mtime > OLD_TIME && st.st_ctime > OLD_TIME,
		 "after a store through a mapping mtime %ld ctime %ld (set to %d before)",
		 (long)st.st_mtime, (long)st.st_ctime, OLD_TIME);
	close(fd);
	unlink_file("dated");
}

static volatile unsigned char *touch_at;

static void load_byte(void *arg)
{
	_exit(touch_at[(uintptr_t)arg] == 0 ? 0 : 7);
}

static void store_byte(void *arg)
{
	touch_at[(uintptr_t)arg] = 0x5a;
	_exit(0);
}

static int died_of(int status, int sig)
{
	return status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == sig;
}

/* Pages wholly past the end of the file are SIGBUS. */
static void test_past_eof(void)
{
	int fd = new_file("short", 100);
	if (fd < 0)
		return;
	unsigned char *m = mmap(NULL, 3 * PG, RW, MAP_SHARED, fd, 0);
	if (!UT_CHECK(m != MAP_FAILED, "mmap: %s", strerror(errno))) {
		close(fd);
		return;
	}
	touch_at = m;
	int st = ut_run_child(load_byte, (void *)(uintptr_t)200);
	UT_CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		 "load in the last page, past the end: %s (want exit 0)", ut_status_str(st));
	st = ut_run_child(load_byte, (void *)(uintptr_t)(PG + 5));
	UT_CHECK(died_of(st, SIGBUS), "load a page past the end: %s (want SIGBUS)",
		 ut_status_str(st));
	st = ut_run_child(store_byte, (void *)(uintptr_t)(2 * PG));
	UT_CHECK(died_of(st, SIGBUS), "store a page past the end: %s (want SIGBUS)",
		 ut_status_str(st));
	UT_CHECK(fsync(fd) == 0, "fsync: %s", strerror(errno));
	struct stat s;
	UT_CHECK(fstat(fd, &s) == 0 && s.st_size == 100, "size %lld after the faults (want 100)",
		 (long long)s.st_size);
	if (ut_is_mos())
		UT_CHECK(s.st_blocks == 0, "st_blocks %lld: a store past the end allocated a block",
			 (long long)s.st_blocks);

	/* A store in the last page past the end is not part of the file, and
	 * reads as zero once the file grows over it. */
	m[300] = 'X';
	UT_CHECK(msync(m, PG, MS_SYNC) == 0, "msync: %s", strerror(errno));
	UT_CHECK(ftruncate(fd, PG) == 0, "ftruncate up: %s", strerror(errno));
	unsigned char c = 1;
	UT_CHECK(pread(fd, &c, 1, 300) == 1, "pread: %s", strerror(errno));
	if (ut_is_mos())
		UT_CHECK(c == 0, "byte stored past the end then grown over reads %#x (want 0)", c);
	munmap(m, 3 * PG);
	close(fd);
	unlink_file("short");
}

/* Truncating a mapped file takes its dropped pages away (SIGBUS); growing
 * it back gives zeros, not the old bytes. */
static void test_truncate_mapped(void)
{
	int fd = new_file("trunc", 2 * PG);
	if (fd < 0)
		return;
	unsigned char *m = mmap(NULL, 2 * PG, RW, MAP_SHARED, fd, 0);
	if (!UT_CHECK(m != MAP_FAILED, "mmap: %s", strerror(errno))) {
		close(fd);
		return;
	}
	memset(m, 'q', 2 * PG);
	UT_CHECK(ftruncate(fd, PG) == 0, "ftruncate down: %s", strerror(errno));
	touch_at = m;
	int st = ut_run_child(load_byte, (void *)(uintptr_t)(PG + 1));
	UT_CHECK(died_of(st, SIGBUS), "load a truncated page: %s (want SIGBUS)",
		 ut_status_str(st));
	st = ut_run_child(store_byte, (void *)(uintptr_t)(PG + 1));
	UT_CHECK(died_of(st, SIGBUS), "store a truncated page: %s (want SIGBUS)",
		 ut_status_str(st));
	UT_CHECK(m[PG - 1] == 'q', "the kept page lost its data");
	UT_CHECK(ftruncate(fd, 2 * PG) == 0, "ftruncate up: %s", strerror(errno));
	UT_CHECK(all_bytes(m + PG, PG, 0), "a truncated then regrown page is not zeros");
	munmap(m, 2 * PG);
	close(fd);
	unlink_file("trunc");
}

/* ---- kernel stores into a process obey its protection ---------------- */

static void test_read_into_readonly(void)
{
	int fd = new_file("ro", PG);
	int src = open("/dev/zero", O_RDONLY);
	if (fd < 0 || src < 0)
		return;
	UT_CHECK(pwrite(fd, "keep", 4, 0) == 4, "pwrite: %s", strerror(errno));
	char *m = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
	if (UT_CHECK(m != MAP_FAILED, "mmap: %s", strerror(errno))) {
		UT_EXPECT_ERRNO(read(src, m, 16), EFAULT);
		UT_CHECK(memcmp(m, "keep", 4) == 0, "read() stored into a read-only mapping");
		munmap(m, PG);
	}
	close(src);
	close(fd);
	unlink_file("ro");
}

/* clone(flags | SIGCHLD) with its thread-id pointers, fork-like (no
 * CLONE_VM, the child continues on a copy of this stack). */
static long raw_clone(unsigned long flags, void *ptid, void *ctid)
{
	return syscall(SYS_clone, flags | SIGCHLD, 0, ptid, 0, ctid);
}

static void reap_clone_child(long pid)
{
	if (pid == 0)
		_exit(0);
	if (pid > 0) {
		int status;
		ut_wait((pid_t)pid, &status, 10000);
	}
}

static void test_clone_settid(void)
{
	int fd = new_file("tid", PG);
	if (fd < 0)
		return;
	int *ro = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
	if (!UT_CHECK(ro != MAP_FAILED, "mmap: %s", strerror(errno))) {
		close(fd);
		return;
	}
	errno = 0;
	long pid = raw_clone(CLONE_CHILD_SETTID, NULL, ro);
	int err = errno;
	reap_clone_child(pid);
	UT_CHECK(ro[0] == 0, "CHILD_SETTID wrote %d into a read-only shared mapping", ro[0]);
	int on_disk = -1;
	UT_CHECK(pread(fd, &on_disk, sizeof(on_disk), 0) == sizeof(on_disk) && on_disk == 0,
		 "the file holds %d after CHILD_SETTID into a read-only mapping", on_disk);
	if (ut_is_mos()) {
		UT_CHECK(pid == -1 && err == EFAULT,
			 "clone with CHILD_SETTID into read-only memory: %ld (%s), want EFAULT",
			 pid, strerror(err));
		errno = 0;
		pid = raw_clone(CLONE_PARENT_SETTID, (void *)16, NULL);
		err = errno;
		reap_clone_child(pid);
		UT_CHECK(pid == -1 && err == EFAULT, "clone with a bad PARENT_SETTID: %ld (%s), "
			 "want EFAULT", pid, strerror(err));
		void *gone = mmap(NULL, PG, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		munmap(gone, PG);
		errno = 0;
		pid = raw_clone(CLONE_CHILD_SETTID, NULL, gone);
		err = errno;
		reap_clone_child(pid);
		UT_CHECK(pid == -1 && err == EFAULT, "clone with CHILD_SETTID at no mapping: %ld "
			 "(%s), want EFAULT", pid, strerror(err));
		UT_EXPECT_ERRNO(waitpid(-1, NULL, WNOHANG), ECHILD);
	}
	/* Good pointers still work: both see the child's pid. */
	int ptid = 0;
	static int ctid;
	pid = raw_clone(CLONE_PARENT_SETTID | CLONE_CHILD_SETTID, &ptid, &ctid);
	if (pid == 0)
		_exit(ctid == (int)getpid() ? 0 : 9);
	int status = 0;
	UT_CHECK_EMU(pid > 0 && ptid == pid, "qemu-i386 ignores PARENT_SETTID without CLONE_VM",
		     "PARENT_SETTID: %d, pid %ld", ptid, pid);
	UT_CHECK(pid > 0 && ut_wait((pid_t)pid, &status, 10000) == pid && WIFEXITED(status) &&
		 WEXITSTATUS(status) == 0, "the child saw CHILD_SETTID: %s", ut_status_str(status));
	munmap(ro, PG);
	close(fd);
	unlink_file("tid");
}

int main(void)
{
	snprintf(dir, sizeof(dir), "%s", ut_scratch_dir("t_mapfile"));
	if (ut_is_mos()) {
		test_second_store_reaches_disk(0);
		test_second_store_reaches_disk(1);
		test_mapped_pages_evict();
	}
	test_store_dates_file();
	test_past_eof();
	test_truncate_mapped();
	test_read_into_readonly();
	test_clone_settid();
	UT_CHECK(rmdir(dir) == 0, "rmdir %s: %s", dir, strerror(errno));
	return ut_done("t_mapfile");
}
