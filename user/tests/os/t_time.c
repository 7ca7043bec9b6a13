/*
 * t_time: wall-clock time.
 *
 *  - the wall clock is plausible: after 2024-01-01, before 2100, and not
 *    earlier than this program's own file (mkfs.s5fs copies the host's
 *    times into the disk image, so on M-OS this compares the RTC with the
 *    build machine's clock);
 *  - the raw calls time, gettimeofday, clock_gettime and clock_gettime64
 *    (REALTIME and REALTIME_COARSE) agree within a second; clock_getres;
 *  - file times are wall-clock: a new file's three times and its
 *    directory's mtime and ctime are "now"; utimensat sets given times,
 *    UTIME_NOW and UTIME_OMIT; after a 1.1 s sleep write() and
 *    ftruncate() set mtime and ctime, chmod() ctime (from times set far in
 *    the past, so an untouched time shows);
 *  - setting the clock (M-OS only: on Linux the test never sets the
 *    host's clock, even as root): clock_settime, clock_settime64,
 *    settimeofday and stime move REALTIME, time() and new file times but
 *    not MONOTONIC, forwards and backwards; a timezone set with
 *    settimeofday comes back from gettimeofday; the clock is put back;
 *  - errors, as Linux: a bad tv_nsec or tv_usec, a negative time, a clock
 *    other than REALTIME (checked before the pointer): EINVAL; bad
 *    pointers: EFAULT; and on Linux as non-root, a valid set is EPERM.
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "utest.h"

#define KBAD ((void *)0xC0000000u)
#define NSEC 1000000000LL
#define EPOCH_2024 1704067200LL		/* 2024-01-01 00:00:00 UTC */
#define EPOCH_2100 4102444800LL		/* 2100-01-01 00:00:00 UTC */
#define EPOCH_2030 1893456000LL		/* 2030-01-01 00:00:00 UTC */
#define OLD_ATIME 1000000000LL		/* 2001-09-09 */
#define OLD_MTIME 1100000000LL		/* 2004-11-09 */
#define SLACK 1				/* seconds between a file time and time() */

struct ts32 { int32_t tv_sec, tv_nsec; };
struct ts64 { int64_t tv_sec, tv_nsec; };
struct tv32 { int32_t tv_sec, tv_usec; };
struct tz32 { int32_t tz_minuteswest, tz_dsttime; };

static char dir[256];
static const char *self;

static long long raw_time(void) { return (int32_t)syscall(SYS_time, NULL); }

static long long rt_ns(clockid_t clock)
{
	struct ts64 t = { -1, -1 };
	if (syscall(SYS_clock_gettime64, clock, &t) != 0)
		return -1;
	return t.tv_sec * NSEC + t.tv_nsec;
}

static long long mono_ns(void) { return rt_ns(CLOCK_MONOTONIC); }

/* x lies in [lo - SLACK, hi + SLACK]. */
static int near(long long x, long long lo, long long hi)
{
	return x >= lo - SLACK && x <= hi + SLACK;
}

static void test_plausible(void)
{
	long long now = raw_time();
	UT_CHECK(now >= EPOCH_2024 && now < EPOCH_2100,
		 "time() %lld is not between 2024 and 2100: the clock was not read", now);
	UT_CHECK(time(NULL) == now || time(NULL) == now + 1, "glibc time() %lld vs raw %lld",
		 (long long)time(NULL), now);
	struct stat st;
	if (UT_CHECK(stat(self, &st) == 0, "stat %s: %s", self, strerror(errno)))
		UT_CHECK(now + SLACK >= st.st_mtime,
			 "time() %lld is earlier than this program's build time %lld", now,
			 (long long)st.st_mtime);
	struct tm tm;
	time_t t = (time_t)now;
	gmtime_r(&t, &tm);
	UT_NOTE("wall clock: %04d-%02d-%02d %02d:%02d:%02d UTC", tm.tm_year + 1900, tm.tm_mon + 1,
		tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void test_clocks_agree(void)
{
	struct ts32 a32 = { -1, -1 };
	struct ts64 a64 = { -1, -1 }, c64 = { -1, -1 };
	struct tv32 tv = { -1, -1 };
	long long t0 = raw_time();
	UT_CHECK(syscall(SYS_clock_gettime, CLOCK_REALTIME, &a32) == 0, "clock_gettime(REALTIME)");
	UT_CHECK(syscall(SYS_clock_gettime64, CLOCK_REALTIME, &a64) == 0, "clock_gettime64(REALTIME)");
	UT_CHECK(syscall(SYS_clock_gettime64, CLOCK_REALTIME_COARSE, &c64) == 0,
		 "clock_gettime64(REALTIME_COARSE)");
	UT_CHECK(syscall(SYS_gettimeofday, &tv, NULL) == 0, "gettimeofday");
	long long t1 = raw_time();
	UT_CHECK(a32.tv_nsec >= 0 && a32.tv_nsec < NSEC && a64.tv_nsec >= 0 && a64.tv_nsec < NSEC &&
		 c64.tv_nsec >= 0 && c64.tv_nsec < NSEC && tv.tv_usec >= 0 && tv.tv_usec < 1000000,
		 "fractions out of range: %d %lld %lld %d", a32.tv_nsec, (long long)a64.tv_nsec,
		 (long long)c64.tv_nsec, tv.tv_usec);
	UT_CHECK(near(a32.tv_sec, t0, t1) && near(a64.tv_sec, t0, t1) && near(c64.tv_sec, t0, t1) &&
		 near(tv.tv_sec, t0, t1),
		 "time() %lld..%lld, clock_gettime %d, clock_gettime64 %lld, COARSE %lld, "
		 "gettimeofday %d disagree", t0, t1, a32.tv_sec, (long long)a64.tv_sec,
		 (long long)c64.tv_sec, tv.tv_sec);
	UT_CHECK(a64.tv_sec * NSEC + a64.tv_nsec >= (long long)a32.tv_sec * NSEC + a32.tv_nsec,
		 "REALTIME went back between two reads");

	struct ts32 r32 = { -1, -1 };
	struct ts64 r64 = { -1, -1 };
	UT_CHECK(syscall(SYS_clock_getres, CLOCK_REALTIME, &r32) == 0 && r32.tv_sec == 0 &&
		 r32.tv_nsec > 0 && r32.tv_nsec <= 10000000, "clock_getres(REALTIME) %d.%09d",
		 r32.tv_sec, r32.tv_nsec);
	UT_CHECK(syscall(SYS_clock_getres_time64, CLOCK_REALTIME_COARSE, &r64) == 0 &&
		 r64.tv_sec == 0 && r64.tv_nsec > 0 && r64.tv_nsec <= 10000000,
		 "clock_getres_time64(REALTIME_COARSE) %lld.%09lld", (long long)r64.tv_sec,
		 (long long)r64.tv_nsec);
	UT_CHECK(syscall(SYS_clock_getres, CLOCK_MONOTONIC, NULL) == 0, "clock_getres(.., NULL)");
}

/* Its three times are all in [lo - SLACK, hi + SLACK]. */
static void check_now(const char *what, const struct stat *st, long long lo, long long hi)
{
	UT_CHECK(near(st->st_atime, lo, hi) && near(st->st_mtime, lo, hi) &&
		 near(st->st_ctime, lo, hi),
		 "%s: atime %lld mtime %lld ctime %lld, expected %lld..%lld", what,
		 (long long)st->st_atime, (long long)st->st_mtime, (long long)st->st_ctime, lo, hi);
}

static int set_old_times(const char *path)
{
	struct timespec ts[2] = { { OLD_ATIME, 0 }, { OLD_MTIME, 0 } };
	return utimensat(AT_FDCWD, path, ts, 0);
}

static void test_file_times(void)
{
	char f[300], g[300], h[300], d[300];
	snprintf(f, sizeof(f), "%s/write", dir);
	snprintf(g, sizeof(g), "%s/trunc", dir);
	snprintf(h, sizeof(h), "%s/chmod", dir);
	snprintf(d, sizeof(d), "%s/sub", dir);
	struct stat st;

	long long t0 = raw_time();
	int fd = open(f, O_CREAT | O_RDWR | O_TRUNC, 0644);
	UT_CHECK(fd >= 0, "create %s: %s", f, strerror(errno));
	UT_CHECK(mkdir(d, 0755) == 0, "mkdir %s: %s", d, strerror(errno));
	long long t1 = raw_time();
	if (UT_CHECK(fstat(fd, &st) == 0, "fstat"))
		check_now("a new file", &st, t0, t1);
	if (UT_CHECK(stat(d, &st) == 0, "stat"))
		check_now("a new directory", &st, t0, t1);
	if (UT_CHECK(stat(dir, &st) == 0, "stat"))
		UT_CHECK(near(st.st_mtime, t0, t1) && near(st.st_ctime, t0, t1),
			 "the parent directory: mtime %lld ctime %lld, expected %lld..%lld",
			 (long long)st.st_mtime, (long long)st.st_ctime, t0, t1);

	/* utimensat: given times; UTIME_OMIT keeps one; UTIME_NOW is now. */
	UT_CHECK(set_old_times(f) == 0, "utimensat: %s", strerror(errno));
	UT_CHECK(stat(f, &st) == 0 && st.st_atime == OLD_ATIME && st.st_mtime == OLD_MTIME &&
		 near(st.st_ctime, t0, raw_time()),
		 "utimensat: atime %lld mtime %lld ctime %lld", (long long)st.st_atime,
		 (long long)st.st_mtime, (long long)st.st_ctime);
	struct timespec now_omit[2] = { { 0, UTIME_NOW }, { 0, UTIME_OMIT } };
	t0 = raw_time();
	UT_CHECK(utimensat(AT_FDCWD, f, now_omit, 0) == 0, "utimensat(NOW, OMIT)");
	t1 = raw_time();
	UT_CHECK(stat(f, &st) == 0 && near(st.st_atime, t0, t1) && st.st_mtime == OLD_MTIME,
		 "utimensat(NOW, OMIT): atime %lld mtime %lld", (long long)st.st_atime,
		 (long long)st.st_mtime);

	/* Old times everywhere, a pause, then each change must show. */
	int gfd = open(g, O_CREAT | O_RDWR, 0644);
	UT_CHECK(gfd >= 0 && write(gfd, "0123456789", 10) == 10, "create %s", g);
	UT_CHECK(close(open(h, O_CREAT | O_RDWR, 0644)) == 0, "create %s", h);
	UT_CHECK(set_old_times(f) == 0 && set_old_times(g) == 0 && set_old_times(h) == 0,
		 "utimensat");
	struct stat before;
	UT_CHECK(stat(h, &before) == 0, "stat");
	ut_sleep_ms(1100);
	t0 = raw_time();
	UT_CHECK(write(fd, "hello", 5) == 5, "write");
	UT_CHECK(ftruncate(gfd, 3) == 0, "ftruncate");
	UT_CHECK(chmod(h, 0600) == 0, "chmod");
	t1 = raw_time();
	UT_CHECK(fstat(fd, &st) == 0 && near(st.st_mtime, t0, t1) && near(st.st_ctime, t0, t1) &&
		 st.st_ctime > before.st_ctime,
		 "after write(): mtime %lld ctime %lld, expected %lld..%lld (ctime was %lld)",
		 (long long)st.st_mtime, (long long)st.st_ctime, t0, t1,
		 (long long)before.st_ctime);
	UT_CHECK(fstat(gfd, &st) == 0 && near(st.st_mtime, t0, t1) && near(st.st_ctime, t0, t1),
		 "after ftruncate(): mtime %lld ctime %lld, expected %lld..%lld",
		 (long long)st.st_mtime, (long long)st.st_ctime, t0, t1);
	UT_CHECK(stat(h, &st) == 0 && st.st_mtime == OLD_MTIME && near(st.st_ctime, t0, t1) &&
		 st.st_ctime > before.st_ctime,
		 "after chmod(): mtime %lld (expected %lld) ctime %lld, expected %lld..%lld",
		 (long long)st.st_mtime, OLD_MTIME, (long long)st.st_ctime, t0, t1);
	close(fd);
	close(gfd);
	UT_CHECK(unlink(f) == 0 && unlink(g) == 0 && unlink(h) == 0 && rmdir(d) == 0, "cleanup");
}

/* REALTIME reads target (within 1 s) and MONOTONIC moved on by less than
 * a second from *mono, which is updated. */
static void check_set(const char *how, long long target, long long *mono)
{
	long long r = rt_ns(CLOCK_REALTIME), t = raw_time(), m = mono_ns();
	UT_CHECK(r >= target * NSEC && r < (target + 1) * NSEC && (t == target || t == target + 1),
		 "%s to %lld: REALTIME %lld ns, time() %lld", how, target, r, t);
	UT_CHECK(m >= *mono && m - *mono < NSEC, "%s: MONOTONIC went from %lld to %lld", how,
		 *mono, m);
	*mono = m;
}

static void test_set_clock(void)
{
	if (!ut_is_mos()) {
		UT_NOTE("not M-OS: the host's clock is not set");
		return;
	}
	long long r0 = rt_ns(CLOCK_REALTIME), m0 = mono_ns(), m = m0;

	struct ts32 s32 = { (int32_t)EPOCH_2030, 250000000 };
	UT_CHECK(syscall(SYS_clock_settime, CLOCK_REALTIME, &s32) == 0, "clock_settime: %s",
		 strerror(errno));
	check_set("clock_settime", EPOCH_2030, &m);
	UT_CHECK(rt_ns(CLOCK_REALTIME_COARSE) / NSEC == EPOCH_2030, "REALTIME_COARSE not set");

	char f[300];
	snprintf(f, sizeof(f), "%s/later", dir);
	int fd = open(f, O_CREAT | O_RDWR, 0644);
	struct stat st;
	UT_CHECK(fd >= 0 && fstat(fd, &st) == 0 && near(st.st_mtime, EPOCH_2030, EPOCH_2030) &&
		 near(st.st_ctime, EPOCH_2030, EPOCH_2030),
		 "a file made after the clock was set: mtime %lld ctime %lld, expected %lld",
		 (long long)st.st_mtime, (long long)st.st_ctime, EPOCH_2030);
	close(fd);
	unlink(f);

	struct tv32 tv = { (int32_t)OLD_ATIME, 500000 };
	UT_CHECK(syscall(SYS_settimeofday, &tv, NULL) == 0, "settimeofday: %s", strerror(errno));
	check_set("settimeofday (backwards)", OLD_ATIME, &m);

	int32_t st32 = (int32_t)OLD_MTIME;
	UT_CHECK(syscall(SYS_stime, &st32) == 0, "stime: %s", strerror(errno));
	check_set("stime", OLD_MTIME, &m);

	struct ts64 s64 = { EPOCH_2024, 0 };
	UT_CHECK(syscall(SYS_clock_settime64, CLOCK_REALTIME, &s64) == 0, "clock_settime64: %s",
		 strerror(errno));
	check_set("clock_settime64", EPOCH_2024, &m);

	/* The timezone is kept and returned (glibc's gettimeofday hides it). */
	struct tz32 tz = { -60, 0 }, got = { 0, 0 };
	UT_CHECK(syscall(SYS_settimeofday, NULL, &tz) == 0, "settimeofday(NULL, tz)");
	UT_CHECK(syscall(SYS_gettimeofday, NULL, &got) == 0 && got.tz_minuteswest == -60,
		 "gettimeofday's timezone: %d minutes west", got.tz_minuteswest);
	struct tz32 bad_tz = { 16 * 60, 0 };
	UT_EXPECT_ERRNO(syscall(SYS_settimeofday, NULL, &bad_tz), EINVAL);
	tz.tz_minuteswest = 0;
	UT_CHECK(syscall(SYS_settimeofday, NULL, &tz) == 0, "settimeofday(NULL, tz)");
	UT_EXPECT_ERRNO(syscall(SYS_stime, &(int32_t){ -1 }), EINVAL);
	check_set("after the failed calls", EPOCH_2024, &m);

	/* Put the clock back where it would be had nobody touched it. */
	long long back = r0 + (mono_ns() - m0);
	struct ts64 restore = { back / NSEC, back % NSEC };
	UT_CHECK(syscall(SYS_clock_settime64, CLOCK_REALTIME, &restore) == 0, "restore");
	long long r = rt_ns(CLOCK_REALTIME);
	UT_CHECK(r >= back && r - back < NSEC, "restored to %lld, reads %lld", back, r);
}

static void test_errors(void)
{
	struct ts32 good32 = { (int32_t)raw_time(), 0 };
	struct ts32 bad_ns[] = { { 0, -1 }, { 0, (int32_t)NSEC }, { -1, 0 } };
	for (unsigned i = 0; i < sizeof(bad_ns) / sizeof(bad_ns[0]); i++)
		UT_EXPECT_ERRNO(syscall(SYS_clock_settime, CLOCK_REALTIME, &bad_ns[i]), EINVAL);
	struct ts64 bad64 = { 0, NSEC }, neg64 = { -5, 0 };
	UT_EXPECT_ERRNO(syscall(SYS_clock_settime64, CLOCK_REALTIME, &bad64), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS_clock_settime64, CLOCK_REALTIME, &neg64), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS_clock_settime, CLOCK_MONOTONIC, &good32), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS_clock_settime, CLOCK_BOOTTIME, &good32), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS_clock_settime, CLOCK_MONOTONIC_RAW, &good32), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS_clock_settime, 12345, &good32), EINVAL);
	UT_EXPECT_ERRNO_EMU(syscall(SYS_clock_settime, CLOCK_MONOTONIC, KBAD), EINVAL,
			    "qemu-i386 copies the time in before the kernel checks the clock");
	UT_EXPECT_ERRNO(syscall(SYS_clock_settime, CLOCK_PROCESS_CPUTIME_ID, &good32), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS_clock_settime, CLOCK_REALTIME, NULL), EFAULT);
	UT_EXPECT_ERRNO(syscall(SYS_clock_settime, CLOCK_REALTIME, KBAD), EFAULT);
	UT_EXPECT_ERRNO(syscall(SYS_clock_settime64, CLOCK_REALTIME, KBAD), EFAULT);

	struct tv32 bad_us[] = { { 0, -1 }, { 0, 1000000 }, { -1, 0 } };
	for (unsigned i = 0; i < sizeof(bad_us) / sizeof(bad_us[0]); i++)
		UT_EXPECT_ERRNO(syscall(SYS_settimeofday, &bad_us[i], NULL), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS_settimeofday, KBAD, NULL), EFAULT);
	UT_EXPECT_ERRNO(syscall(SYS_settimeofday, NULL, KBAD), EFAULT);
	UT_EXPECT_ERRNO(syscall(SYS_stime, KBAD), EFAULT);

	struct ts32 t32;
	UT_EXPECT_ERRNO(syscall(SYS_clock_gettime, CLOCK_REALTIME, NULL), EFAULT);
	UT_EXPECT_ERRNO(syscall(SYS_clock_gettime64, CLOCK_REALTIME, KBAD), EFAULT);
	UT_EXPECT_ERRNO(syscall(SYS_clock_gettime, 12345, &t32), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS_clock_getres, 12345, &t32), EINVAL);
	UT_EXPECT_ERRNO_EMU(syscall(SYS_clock_getres, CLOCK_REALTIME, KBAD), EFAULT,
			    "qemu-i386 ignores a failed copy-out of clock_getres");
	UT_EXPECT_ERRNO(syscall(SYS_clock_getres_time64, 12345, NULL), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS_gettimeofday, KBAD, NULL), EFAULT);
	UT_EXPECT_ERRNO(syscall(SYS_gettimeofday, NULL, KBAD), EFAULT);
	UT_EXPECT_ERRNO(syscall(SYS_time, KBAD), EFAULT);

	if (geteuid() != 0) {
		struct tv32 tv = { good32.tv_sec, 0 };
		UT_EXPECT_ERRNO(syscall(SYS_clock_settime, CLOCK_REALTIME, &good32), EPERM);
		UT_EXPECT_ERRNO(syscall(SYS_settimeofday, &tv, NULL), EPERM);
		UT_EXPECT_ERRNO(syscall(SYS_stime, &good32.tv_sec), EPERM);
	}
}

int main(int argc, char **argv)
{
	self = argc > 0 ? argv[0] : "/tests/t_time";
	snprintf(dir, sizeof(dir), "%s", ut_scratch_dir("t_time"));
	test_plausible();
	test_clocks_agree();
	test_file_times();
	test_set_clock();
	test_errors();
	UT_CHECK(rmdir(dir) == 0, "rmdir %s: %s", dir, strerror(errno));
	return ut_done("t_time");
}
