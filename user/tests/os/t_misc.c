/*
 * t_misc: the small system calls.
 *
 *  - uname (sysname printed as a note); getpid/getppid/gettid consistent,
 *    in a child too;
 *  - clocks: CLOCK_MONOTONIC and time() never go back, CLOCK_REALTIME,
 *    time() and gettimeofday() agree and are past 2020; clock_getres;
 *    nanosleep(100 ms) lasts at least 100 ms by CLOCK_MONOTONIC (and not
 *    absurdly longer); nanosleep with a bad tv_nsec is EINVAL;
 *  - getrandom(32 bytes) twice differs; sched_yield returns 0;
 *  - umask round-trip, and it applies to open() and mkdir();
 *  - chdir/getcwd round-trip, fchdir; getcwd with a too-small buffer is
 *    ERANGE;
 *  - a fresh directory with 3 files lists exactly ".", ".." and them
 *    (readdir, i.e. getdents64); a tiny getdents64 buffer is EINVAL;
 *  - TLS: a __thread variable (initialised and zero-initialised ones)
 *    differs between parent and child after fork and is right in each;
 *    set_thread_area with entry_number -1 gives a usable segment;
 *  - an unknown system call number returns -1/ENOSYS: past the end of
 *    each table, huge and negative ones;
 *  - M-OS only: mos_ps lists this process; mos_meminfo gives sane
 *    numbers (on Linux both are ENOSYS, which is checked instead).
 */
#include <asm/ldt.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <sched.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "mos/syscalls.h"
#include "utest.h"

static char dir[256];

static void test_ids(void)
{
	struct utsname u;
	UT_CHECK(uname(&u) == 0, "uname");
	UT_CHECK(u.sysname[0] != 0 && u.release[0] != 0 && u.machine[0] != 0,
		 "uname fields filled");
	UT_NOTE("uname: sysname \"%s\", release \"%s\", machine \"%s\"", u.sysname, u.release,
		u.machine);
	pid_t me = getpid();
	UT_CHECK(me > 0, "getpid");
	UT_CHECK(getpid() == me, "getpid stable");
	UT_CHECK(gettid() == me, "gettid %d != getpid %d", (int)gettid(), (int)me);
	UT_CHECK(getppid() > 0 && getppid() != me, "getppid %d", (int)getppid());
	int p[2];
	UT_CHECK(pipe(p) == 0, "pipe");
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		pid_t ids[3] = { getpid(), gettid(), getppid() };
		if (write(p[1], ids, sizeof(ids)) != sizeof(ids))
			_exit(2);
		_exit(0);
	}
	pid_t ids[3] = { 0, 0, 0 };
	UT_CHECK(read(p[0], ids, sizeof(ids)) == sizeof(ids), "read");
	UT_CHECK(ids[0] == pid && ids[1] == pid && ids[2] == me,
		 "child: getpid %d gettid %d getppid %d (expected %d %d %d)",
		 (int)ids[0], (int)ids[1], (int)ids[2], (int)pid, (int)pid, (int)me);
	waitpid(pid, NULL, 0);
	close(p[0]);
	close(p[1]);
}

static long long ts_ns(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

static void test_time(void)
{
	struct timespec a, b;
	UT_CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0, "clock_gettime(MONOTONIC)");
	int back = 0;
	time_t t_prev = time(NULL);
	for (int i = 0; i < 2000; i++) {
		clock_gettime(CLOCK_MONOTONIC, &b);
		if (ts_ns(&b) < ts_ns(&a) || b.tv_nsec < 0 || b.tv_nsec >= 1000000000L)
			back++;
		a = b;
		time_t t = time(NULL);
		if (t < t_prev)
			back++;
		t_prev = t;
	}
	UT_CHECK(back == 0, "clocks went backwards (or bad tv_nsec) %d times", back);

	struct timespec rt;
	struct timeval tv;
	UT_CHECK(clock_gettime(CLOCK_REALTIME, &rt) == 0, "clock_gettime(REALTIME)");
	time_t now = time(NULL);
	UT_CHECK(gettimeofday(&tv, NULL) == 0, "gettimeofday");
	UT_CHECK(now > 1577836800, "time() %lld is before 2020", (long long)now);
	UT_CHECK(llabs((long long)now - rt.tv_sec) <= 1 && llabs((long long)tv.tv_sec - now) <= 1,
		 "time %lld, CLOCK_REALTIME %lld, gettimeofday %lld disagree", (long long)now,
		 (long long)rt.tv_sec, (long long)tv.tv_sec);
	UT_CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000, "tv_usec %ld", (long)tv.tv_usec);
	struct timespec res;
	UT_CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0 &&
		 res.tv_nsec <= 10000000, "clock_getres(MONOTONIC) %lld ns", ts_ns(&res));
	UT_EXPECT_ERRNO(clock_gettime((clockid_t)12345, &a), EINVAL);

	struct timespec req = { 0, 100000000L };
	clock_gettime(CLOCK_MONOTONIC, &a);
	UT_CHECK(nanosleep(&req, NULL) == 0, "nanosleep");
	clock_gettime(CLOCK_MONOTONIC, &b);
	long long slept = (ts_ns(&b) - ts_ns(&a)) / 1000000;
	UT_CHECK(ts_ns(&b) - ts_ns(&a) >= 100000000LL, "nanosleep(100 ms) took %lld ms", slept);
	UT_CHECK(slept < 2000, "nanosleep(100 ms) took %lld ms", slept);
	req.tv_nsec = 1000000000L;
	UT_EXPECT_ERRNO(nanosleep(&req, NULL), EINVAL);
	req.tv_sec = -1;
	req.tv_nsec = 0;
	UT_EXPECT_ERRNO(nanosleep(&req, NULL), EINVAL);
	/* A zero sleep returns at once. */
	req.tv_sec = 0;
	UT_CHECK(nanosleep(&req, NULL) == 0, "nanosleep(0)");
}

static void test_random_yield(void)
{
	unsigned char a[32], b[32];
	UT_CHECK(getrandom(a, sizeof(a), 0) == 32, "getrandom 1");
	UT_CHECK(getrandom(b, sizeof(b), 0) == 32, "getrandom 2");
	UT_CHECK(memcmp(a, b, 32) != 0, "two getrandom results are equal");
	int nz = 0;
	for (int i = 0; i < 32; i++)
		nz += a[i] != 0;
	UT_CHECK(nz > 16, "getrandom bytes mostly zero");
	UT_CHECK(getrandom(a, 0, 0) == 0, "getrandom of 0 bytes");
	for (int i = 0; i < 10; i++)
		UT_CHECK(sched_yield() == 0, "sched_yield");
}

static void test_umask(void)
{
	mode_t old = umask(027);
	UT_CHECK(umask(022) == 027, "umask round-trip 1");
	UT_CHECK(umask(027) == 022, "umask round-trip 2");
	char path[300];
	struct stat st;
	snprintf(path, sizeof(path), "%s/umask-file", dir);
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0666);
	UT_CHECK(fd >= 0, "create");
	close(fd);
	UT_CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640,
		 "file mode %o with umask 027, expected 640", st.st_mode & 0777);
	unlink(path);
	snprintf(path, sizeof(path), "%s/umask-dir", dir);
	UT_CHECK(mkdir(path, 0777) == 0, "mkdir");
	UT_CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0750,
		 "directory mode %o with umask 027, expected 750", st.st_mode & 0777);
	rmdir(path);
	/* Inherited by a child. */
	pid_t pid = fork();
	if (pid == 0)
		_exit(umask(0) == 027 ? 0 : 1);
	int s;
	waitpid(pid, &s, 0);
	UT_CHECK_EXITED(s, 0, "umask inherited by fork");
	umask(old);
}

static void test_cwd(void)
{
	char start[PATH_MAX], here[PATH_MAX], sub[PATH_MAX + 8];
	UT_CHECK(getcwd(start, sizeof(start)) != NULL, "getcwd");
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	UT_CHECK(mkdir(sub, 0755) == 0, "mkdir sub");
	UT_CHECK(chdir(sub) == 0, "chdir sub");
	UT_CHECK(getcwd(here, sizeof(here)) != NULL, "getcwd in sub");
	size_t hl = strlen(here), sl = strlen("/sub");
	UT_CHECK(hl > sl && strcmp(here + hl - sl, "/sub") == 0 && here[0] == '/',
		 "getcwd in sub: \"%s\"", here);
	char got[PATH_MAX];
	UT_CHECK(chdir("/") == 0 && getcwd(got, sizeof(got)) && strcmp(got, "/") == 0,
		 "chdir / gives \"/\"");
	UT_CHECK(chdir(here) == 0 && getcwd(got, sizeof(got)) && strcmp(got, here) == 0,
		 "chdir back to \"%s\": \"%s\"", here, got);
	UT_CHECK(chdir("..") == 0 && getcwd(got, sizeof(got)) &&
		 strlen(got) == hl - sl && strncmp(got, here, hl - sl) == 0, "chdir ..: \"%s\"", got);
	int fd = open(sub, O_RDONLY | O_DIRECTORY);
	UT_CHECK(fd >= 0 && fchdir(fd) == 0 && getcwd(got, sizeof(got)) && strcmp(got, here) == 0,
		 "fchdir: \"%s\"", got);
	close(fd);
	char tiny[4];
	UT_EXPECT_ERRNO(getcwd(tiny, sizeof(tiny)) ? 0 : -1, ERANGE);
	UT_EXPECT_ERRNO(chdir("/nonexistent-dir-xyz"), ENOENT);
	snprintf(got, sizeof(got), "%s/file", dir);
	fd = open(got, O_CREAT | O_WRONLY, 0644);
	close(fd);
	UT_EXPECT_ERRNO(chdir(got), ENOTDIR);
	unlink(got);
	UT_CHECK(chdir(start) == 0, "chdir back to the start");
	UT_CHECK(rmdir(sub) == 0, "rmdir sub");
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_getdents(void)
{
	char d[300], path[400];
	snprintf(d, sizeof(d), "%s/listing", dir);
	UT_CHECK(mkdir(d, 0755) == 0, "mkdir");
	static const char *files[] = { "alpha", "beta", "a-much-longer-file-name.txt" };
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", d, files[i]);
		int fd = open(path, O_CREAT | O_WRONLY, 0644);
		UT_CHECK(fd >= 0, "create %s", files[i]);
		close(fd);
	}
	DIR *dp = opendir(d);
	if (!UT_CHECK(dp != NULL, "opendir"))
		return;
	char *names[16];
	int n = 0, bad_type = 0;
	struct dirent *e;
	while ((e = readdir(dp)) != NULL && n < 16) {
		names[n++] = strdup(e->d_name);
		int dirish = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
		if (e->d_type != DT_UNKNOWN && e->d_type != (dirish ? DT_DIR : DT_REG))
			bad_type++;
		if (e->d_ino == 0)
			bad_type++;
	}
	closedir(dp);
	qsort(names, (size_t)n, sizeof(names[0]), name_cmp);
	static const char *want[] = { ".", "..", "a-much-longer-file-name.txt", "alpha", "beta" };
	int same = n == 5;
	for (int i = 0; same && i < 5; i++)
		same = strcmp(names[i], want[i]) == 0;
	char list[512] = "";
	for (int i = 0; i < n; i++) {
		strncat(list, names[i], sizeof(list) - strlen(list) - 2);
		strcat(list, " ");
	}
	UT_CHECK(same, "directory lists: %s", list);
	UT_CHECK(bad_type == 0, "d_type/d_ino wrong for %d entries", bad_type);
	for (int i = 0; i < n; i++)
		free(names[i]);

	int fd = open(d, O_RDONLY | O_DIRECTORY);
	char tiny[8];
	UT_EXPECT_ERRNO(syscall(SYS_getdents64, fd, tiny, sizeof(tiny)), EINVAL);
	/* Reading to the end gives 0. */
	char buf[4096];
	long r, total = 0;
	while ((r = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
		total += r;
	UT_CHECK(r == 0 && total > 0, "getdents64 to the end: %ld", r);
	close(fd);
	int f2 = open(path, O_RDONLY);
	UT_EXPECT_ERRNO(syscall(SYS_getdents64, f2, buf, sizeof(buf)), ENOTDIR);
	close(f2);

	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", d, files[i]);
		unlink(path);
	}
	UT_CHECK(rmdir(d) == 0, "rmdir listing");
}

static __thread int tls_init = 5;
static __thread int tls_zero;
static __thread char tls_buf[256] = "thread-local";

static void test_tls(void)
{
	UT_CHECK(tls_init == 5 && tls_zero == 0 && strcmp(tls_buf, "thread-local") == 0,
		 "TLS initial values");
	tls_init = 7;
	tls_zero = 70;
	int p[2];
	UT_CHECK(pipe(p) == 0, "pipe");
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		int ok = tls_init == 7 && tls_zero == 70 && strcmp(tls_buf, "thread-local") == 0;
		tls_init = 9;
		tls_zero = 90;
		strcpy(tls_buf, "child");
		ok = ok && tls_init == 9 && tls_zero == 90;
		errno = 0;
		close(-1);
		ok = ok && errno == EBADF;	/* errno lives in TLS */
		char c;
		if (read(p[0], &c, 1) != 1)
			_exit(3);
		ok = ok && tls_init == 9 && strcmp(tls_buf, "child") == 0;
		_exit(ok ? 0 : 1);
	}
	ut_sleep_ms(50);
	UT_CHECK(tls_init == 7 && tls_zero == 70 && strcmp(tls_buf, "thread-local") == 0,
		 "parent's TLS changed by the child");
	tls_init = 8;
	UT_CHECK(write(p[1], "g", 1) == 1, "write");
	int st;
	ut_wait(pid, &st, 10000);
	UT_CHECK_EXITED(st, 0, "child's TLS values");
	UT_CHECK(tls_init == 8, "parent TLS");
	close(p[0]);
	close(p[1]);

	/* A fresh TLS descriptor through set_thread_area, loaded into %fs. */
	static uint32_t area[4] = { 0xfeedf00d, 0x12345678, 0, 0 };
	struct user_desc ud;
	memset(&ud, 0, sizeof(ud));
	ud.entry_number = (unsigned)-1;
	ud.base_addr = (unsigned)(uintptr_t)area;
	ud.limit = 0xfffff;
	ud.seg_32bit = 1;
	ud.limit_in_pages = 1;
	ud.useable = 1;
	long r = syscall(SYS_set_thread_area, &ud);
	UT_CHECK(r == 0 && ud.entry_number != (unsigned)-1, "set_thread_area(-1): %ld, entry %d",
		 r, (int)ud.entry_number);
	if (r == 0) {
		uint32_t v0, v1;
		unsigned short sel = (unsigned short)(ud.entry_number * 8 + 3), old_fs;
		__asm__ volatile("mov %%fs, %0" : "=r"(old_fs));
		__asm__ volatile("mov %2, %%fs\n\t"
				 "mov %%fs:0, %0\n\t"
				 "mov %%fs:4, %1\n\t"
				 : "=r"(v0), "=r"(v1) : "r"(sel) : "memory");
		UT_CHECK(v0 == 0xfeedf00d && v1 == 0x12345678, "reading through the new segment");
		/* It survives a context switch and a fork. */
		ut_sleep_ms(20);
		pid = fork();
		if (pid == 0) {
			uint32_t c0;
			__asm__ volatile("mov %%fs:0, %0" : "=r"(c0));
			_exit(c0 == 0xfeedf00d ? 0 : 1);
		}
		__asm__ volatile("mov %%fs:4, %0" : "=r"(v1));
		UT_CHECK(v1 == 0x12345678, "segment after sleeping");
		ut_wait(pid, &st, 10000);
		UT_CHECK_EXITED(st, 0, "child reads through the inherited segment");
		struct user_desc q;
		memset(&q, 0, sizeof(q));
		q.entry_number = ud.entry_number;
		UT_CHECK(syscall(SYS_get_thread_area, &q) == 0 && q.base_addr == ud.base_addr,
			 "get_thread_area gives the base back");
		__asm__ volatile("mov %0, %%fs" : : "r"(old_fs));
	}
	UT_CHECK(tls_init == 8 && strcmp(tls_buf, "thread-local") == 0, "%%gs TLS still fine");
	memset(&ud, 0, sizeof(ud));
	ud.entry_number = 100;
	UT_EXPECT_ERRNO(syscall(SYS_set_thread_area, &ud), EINVAL);
}

/* M-OS's table of Linux numbers ends here (NR_SYSCALLS in
 * kernel/include/api/syscall_nr.h); on Linux this number is
 * set_mempolicy_home_node, so it is checked on M-OS only. */
#define MOS_LINUX_TABLE_END 450

static void test_enosys(void)
{
	UT_EXPECT_ERRNO(syscall(999), ENOSYS);
	UT_EXPECT_ERRNO(syscall(1500), ENOSYS);
	UT_EXPECT_ERRNO(syscall(0x7fffffff), ENOSYS);
	UT_EXPECT_ERRNO(syscall(MOS_SYS_page_give + 1), ENOSYS);	/* just past M-OS's calls */
	UT_EXPECT_ERRNO(syscall(-1), ENOSYS);
	UT_EXPECT_ERRNO(syscall(INT_MIN), ENOSYS);
	if (ut_is_mos())
		UT_EXPECT_ERRNO(syscall(MOS_LINUX_TABLE_END), ENOSYS);
	UT_CHECK(getpid() > 0, "alive after unknown system calls");
}

static void test_mos_calls(void)
{
	static char buf[65536];
	struct mos_meminfo mi;
	if (!ut_is_mos()) {
		UT_EXPECT_ERRNO(syscall(MOS_SYS_ps, buf, sizeof(buf)), ENOSYS);
		UT_EXPECT_ERRNO(syscall(MOS_SYS_meminfo, &mi, 0), ENOSYS);
		return;
	}
	long n = syscall(MOS_SYS_ps, buf, sizeof(buf) - 1);
	UT_CHECK(n > 0, "mos_ps: %ld (%s)", n, strerror(errno));
	if (n > 0) {
		buf[n] = 0;
		char pid[16];
		snprintf(pid, sizeof(pid), "%d", (int)getpid());
		UT_CHECK(strstr(buf, pid) != NULL, "mos_ps does not list pid %s", pid);
	}
	UT_EXPECT_ERRNO(syscall(MOS_SYS_ps, buf, 1), ERANGE);
	UT_EXPECT_ERRNO(syscall(MOS_SYS_ps, (void *)0xC0000000u, sizeof(buf)), EFAULT);
	memset(&mi, 0, sizeof(mi));
	UT_CHECK(syscall(MOS_SYS_meminfo, &mi, 0) == 0, "mos_meminfo");
	UT_CHECK(mi.frames_total > 0 && mi.frames_free <= mi.frames_total && mi.processes >= 2 &&
		 mi.threads >= mi.processes - 1 && mi.slab_objects > 0,
		 "mos_meminfo: free %u of %u frames, %u slab objects, %u processes, %u threads",
		 mi.frames_free, mi.frames_total, mi.slab_objects, mi.processes, mi.threads);
	UT_EXPECT_ERRNO(syscall(MOS_SYS_meminfo, &mi, 0x100), EINVAL);
	UT_EXPECT_ERRNO(syscall(MOS_SYS_meminfo, (void *)0xC0000000u, 0), EFAULT);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "%s", ut_scratch_dir("t_misc"));
	test_ids();
	test_time();
	test_random_yield();
	test_umask();
	test_cwd();
	test_getdents();
	test_tls();
	test_enosys();
	test_mos_calls();
	UT_CHECK(rmdir(dir) == 0, "rmdir %s: %s", dir, strerror(errno));
	return ut_done("t_misc");
}
