/*
 * t_sysmisc: the calls real programs make about the system and
 * themselves, as Linux answers them.
 *
 *  - sysinfo: totals sane (free, buffers, shared <= total; a unit; a
 *    thread count), uptime agrees with CLOCK_BOOTTIME, loads in range;
 *    EFAULT;
 *  - syslog (klogctl): SIZE_BUFFER, READ_ALL returns the log (on M-OS
 *    the boot log's "M-OS ready" unless the ring has wrapped), SIZE_UNREAD,
 *    EINVAL for NULL buffers, negative lengths, unknown actions and
 *    console levels outside 1..8.  A Linux host that restricts the log
 *    (dmesg_restrict, no CAP_SYSLOG) gives EPERM: then a note, no checks;
 *  - uname: M-OS names itself, a release that starts with a digit, i686;
 *  - prctl: PR_GET_NAME is the program's name, PR_SET_NAME cuts at 15
 *    bytes, a forked child inherits it; PR_SET_PDEATHSIG is read back, is
 *    not inherited, and arrives when the parent exits; EINVAL, EFAULT;
 *  - sendfile: file to pipe with an offset (advanced; the file offset
 *    untouched), without one (the file offset advances), file to file,
 *    short at end of file, the 32-bit call; EBADF, EINVAL (O_APPEND
 *    output, negative offset), ESPIPE, EFAULT;
 *  - statx agrees with fstat (by path and with AT_EMPTY_PATH); EINVAL,
 *    ENOENT, EFAULT;
 *  - getrandom fills, differs between calls, looks balanced; flags;
 *    EINVAL, EFAULT; /dev/urandom and /dev/random read and poll ready.
 */
#include <poll.h>
#include <stdint.h>
#include <sys/klog.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/sendfile.h>
#include <sys/sysinfo.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>

#include "utest.h"

#define WATCHDOG_S 60
#define FILE_BYTES 10000
#define SYSLOG_ACTION_READ_ALL 3
#define SYSLOG_ACTION_CONSOLE_LEVEL 8
#define SYSLOG_ACTION_SIZE_UNREAD 9
#define SYSLOG_ACTION_SIZE_BUFFER 10
#define QEMU_COMM "qemu-i386 is the process the host names"
#define QEMU_ARGS "qemu-i386 checks this call's pointers and lengths its own way"

static char tmpdir[256];

static void test_sysinfo(void)
{
	struct sysinfo si;
	struct timespec boot;
	clock_gettime(CLOCK_BOOTTIME, &boot);
	UT_CHECK(sysinfo(&si) == 0, "sysinfo: %s", strerror(errno));
	UT_CHECK(si.mem_unit >= 1, "mem_unit %u", si.mem_unit);
	UT_CHECK(si.totalram > 0 && si.freeram <= si.totalram, "free %lu <= total %lu",
		 si.freeram, si.totalram);
	UT_CHECK(si.bufferram <= si.totalram && si.sharedram <= si.totalram,
		 "buffers %lu, shared %lu <= total", si.bufferram, si.sharedram);
	unsigned long long total = (unsigned long long)si.totalram * si.mem_unit;
	UT_CHECK(total >= (8ull << 20), "at least 8 MiB of memory (%llu bytes)", total);
	UT_CHECK(si.procs >= 1, "procs %u", si.procs);
	UT_CHECK(si.uptime >= boot.tv_sec && si.uptime <= boot.tv_sec + 2,
		 "uptime %ld s against CLOCK_BOOTTIME %ld s", si.uptime, (long)boot.tv_sec);
	for (int i = 0; i < 3; i++)
		UT_CHECK(si.loads[i] < (1000ul << SI_LOAD_SHIFT), "load %d: %lu", i, si.loads[i]);
	UT_EXPECT_ERRNO_EMU(syscall(SYS_sysinfo, NULL), EFAULT, QEMU_ARGS);
}

static void test_syslog(void)
{
	errno = 0;
	int size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);
	char probe[16];
	if (klogctl(SYSLOG_ACTION_READ_ALL, probe, sizeof(probe)) < 0 && errno == EPERM) {
		UT_NOTE("the kernel log is restricted here (dmesg_restrict): syslog not checked");
		return;
	}
	UT_CHECK(size > 0, "SIZE_BUFFER: %d", size);
	if (size <= 0)
		return;
	char *buf = malloc((size_t)size + 1);
	int n = klogctl(SYSLOG_ACTION_READ_ALL, buf, size);
	UT_CHECK(n >= 0 && n <= size, "READ_ALL: %d of %d", n, size);
	if (n >= 0 && ut_is_mos()) {
		buf[n] = 0;
		UT_CHECK(strstr(buf, "M-OS ready") || n == size,
			 "the boot log is in it (%d bytes)", n);
	}
	n = klogctl(SYSLOG_ACTION_READ_ALL, buf, 10);
	UT_CHECK(n >= 0 && n <= 10, "READ_ALL of 10 bytes: %d", n);
	UT_CHECK(klogctl(SYSLOG_ACTION_SIZE_UNREAD, NULL, 0) >= 0, "SIZE_UNREAD");
	UT_EXPECT_ERRNO_EMU(klogctl(SYSLOG_ACTION_READ_ALL, NULL, 10), EINVAL, QEMU_ARGS);
	UT_EXPECT_ERRNO_EMU(klogctl(SYSLOG_ACTION_READ_ALL, buf, -1), EINVAL, QEMU_ARGS);
	UT_CHECK(klogctl(SYSLOG_ACTION_READ_ALL, buf, 0) == 0, "a length of 0 reads nothing");
	UT_EXPECT_ERRNO(klogctl(99, buf, 10), EINVAL);
	UT_EXPECT_ERRNO(klogctl(SYSLOG_ACTION_CONSOLE_LEVEL, NULL, 9), EINVAL);
	UT_EXPECT_ERRNO(klogctl(SYSLOG_ACTION_CONSOLE_LEVEL, NULL, 0), EINVAL);
	free(buf);
}

static void test_uname(void)
{
	struct utsname u;
	UT_CHECK(uname(&u) == 0, "uname");
	UT_CHECK(u.release[0] >= '0' && u.release[0] <= '9' && strchr(u.release, '.'),
		 "a release number: %s", u.release);
	if (ut_is_mos()) {
		UT_CHECK(strcmp(u.sysname, "M-OS") == 0, "sysname %s", u.sysname);
		UT_CHECK(strcmp(u.machine, "i686") == 0, "machine %s", u.machine);
	}
}

static int child_name_is(const char *want)
{
	char name[16] = "";
	prctl(PR_GET_NAME, name);
	return strcmp(name, want) == 0 ? 0 : 1;
}

static void test_prctl_name(void)
{
	char name[16];
	memset(name, 'x', sizeof(name));
	UT_CHECK(prctl(PR_GET_NAME, name) == 0, "PR_GET_NAME: %s", strerror(errno));
	UT_CHECK_EMU(strcmp(name, "t_sysmisc") == 0, QEMU_COMM, "the program's name: %.16s", name);
	UT_CHECK(prctl(PR_SET_NAME, "a-long-thread-name-here") == 0, "PR_SET_NAME");
	prctl(PR_GET_NAME, name);
	UT_CHECK(strcmp(name, "a-long-thread-n") == 0, "cut at 15 bytes: %s", name);
	UT_CHECK(prctl(PR_SET_NAME, "worker") == 0, "PR_SET_NAME again");
	prctl(PR_GET_NAME, name);
	UT_CHECK(strcmp(name, "worker") == 0, "read back: %s", name);
	pid_t pid = fork();
	if (pid == 0)
		_exit(child_name_is("worker"));
	int status;
	UT_CHECK(ut_wait(pid, &status, 5000) == pid && WIFEXITED(status) &&
		 WEXITSTATUS(status) == 0, "a forked child has the name");
	UT_EXPECT_ERRNO(prctl(PR_SET_NAME, (char *)1), EFAULT);
	UT_EXPECT_ERRNO(prctl(PR_GET_NAME, (char *)1), EFAULT);
	UT_EXPECT_ERRNO(prctl(0x7fff1234, 0, 0, 0, 0), EINVAL);
	prctl(PR_SET_NAME, "t_sysmisc");
}

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

/* The grandchild: asks for SIGUSR1 when its parent dies, says so, then
 * reports (one byte) whether the signal came within 5 s. */
static void grandchild(int ready, int report)
{
	signal(SIGUSR1, on_usr1);
	prctl(PR_SET_PDEATHSIG, SIGUSR1);
	write(ready, "r", 1);
	for (int i = 0; i < 500 && !got_usr1; i++)
		usleep(10000);
	write(report, got_usr1 ? "y" : "n", 1);
	_exit(0);
}

static void test_prctl_pdeathsig(void)
{
	int sig = -1;
	UT_EXPECT_ERRNO(prctl(PR_SET_PDEATHSIG, 99), EINVAL);
	UT_CHECK(prctl(PR_SET_PDEATHSIG, SIGUSR2) == 0, "PR_SET_PDEATHSIG");
	UT_CHECK(prctl(PR_GET_PDEATHSIG, &sig) == 0 && sig == SIGUSR2, "read back: %d", sig);
	pid_t pid = fork();
	if (pid == 0) {
		int s = -1;
		prctl(PR_GET_PDEATHSIG, &s);
		_exit(s == 0 ? 0 : 1);
	}
	int status;
	UT_CHECK(ut_wait(pid, &status, 5000) == pid && WIFEXITED(status) &&
		 WEXITSTATUS(status) == 0, "not inherited by fork");
	prctl(PR_SET_PDEATHSIG, 0);
	UT_EXPECT_ERRNO(prctl(PR_GET_PDEATHSIG, (int *)1), EFAULT);

	int ready[2], report[2];
	pipe(ready);
	pipe(report);
	pid = fork();
	if (pid == 0) {
		if (fork() == 0)
			grandchild(ready[1], report[1]);
		char c;
		read(ready[0], &c, 1);
		_exit(0);	/* the grandchild's parent dies */
	}
	ut_wait(pid, &status, 5000);
	char c = 0;
	struct pollfd pf = { report[0], POLLIN, 0 };
	if (poll(&pf, 1, 6000) == 1)
		read(report[0], &c, 1);
	UT_CHECK(c == 'y', "the signal came when the parent exited (%c)", c ? c : '-');
	close(ready[0]);
	close(ready[1]);
	close(report[0]);
	close(report[1]);
}

static int make_file(const char *name, char *path, size_t size, const char *data, size_t n)
{
	snprintf(path, size, "%s/%s.%d", tmpdir, name, getpid());
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0 && n)
		write(fd, data, n);
	return fd;
}

static void test_sendfile(void)
{
	static char data[FILE_BYTES], got[FILE_BYTES];
	for (int i = 0; i < FILE_BYTES; i++)
		data[i] = (char)(i * 7 + i / 256);
	char src[300], dst[300], app[300];
	int in = make_file("sf_in", src, sizeof(src), data, FILE_BYTES);
	lseek(in, 0, SEEK_SET);
	int p[2];
	pipe(p);
	off_t off = 100;
	UT_CHECK(sendfile(p[1], in, &off, 1000) == 1000, "file to pipe with an offset");
	UT_CHECK(off == 1100 && lseek(in, 0, SEEK_CUR) == 0,
		 "the offset advanced (%lld), the file's did not", (long long)off);
	UT_CHECK(read(p[0], got, sizeof(got)) == 1000 && memcmp(got, data + 100, 1000) == 0,
		 "the bytes arrive");
	UT_CHECK(sendfile(p[1], in, NULL, 500) == 500 && lseek(in, 0, SEEK_CUR) == 500,
		 "no offset: the file's advances");
	UT_CHECK(read(p[0], got, sizeof(got)) == 500 && memcmp(got, data, 500) == 0,
		 "from the file's offset");
	int out = make_file("sf_out", dst, sizeof(dst), NULL, 0);
	off = 0;
	UT_CHECK(sendfile(out, in, &off, FILE_BYTES + 500) == FILE_BYTES, "file to file: short at EOF");
	UT_CHECK(pread(out, got, sizeof(got), 0) == FILE_BYTES && memcmp(got, data, FILE_BYTES) == 0,
		 "file to file: the same bytes");
	UT_CHECK(sendfile(out, in, &off, 100) == 0, "at end of file: 0");
	int32_t off32 = 5;
	UT_CHECK(syscall(SYS_sendfile, p[1], in, &off32, 10) == 10 && off32 == 15,
		 "the 32-bit call (offset %d)", off32);
	read(p[0], got, sizeof(got));
	UT_EXPECT_ERRNO(sendfile(p[1], 200, NULL, 10), EBADF);
	UT_EXPECT_ERRNO(sendfile(200, in, NULL, 10), EBADF);
	UT_EXPECT_ERRNO(sendfile(p[0], in, NULL, 10), EBADF);
	UT_EXPECT_ERRNO(sendfile(p[1], p[1], NULL, 10), EBADF);
	off = 0;
	UT_EXPECT_ERRNO(sendfile(out, p[0], &off, 10), ESPIPE);
	off = -1;
	UT_EXPECT_ERRNO(sendfile(p[1], in, &off, 10), EINVAL);
	int a = make_file("sf_app", app, sizeof(app), NULL, 0);
	close(a);
	a = open(app, O_WRONLY | O_APPEND);
	UT_EXPECT_ERRNO(sendfile(a, in, NULL, 10), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS_sendfile64, p[1], in, (void *)1, 10), EFAULT);
	close(a);
	close(in);
	close(out);
	close(p[0]);
	close(p[1]);
	unlink(src);
	unlink(dst);
	unlink(app);
}

static void test_statx(void)
{
	char path[300];
	int fd = make_file("statx", path, sizeof(path), "hello statx", 11);
	struct stat st;
	struct statx sx;
	fstat(fd, &st);
	memset(&sx, 0xff, sizeof(sx));
	UT_CHECK(statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &sx) == 0, "statx: %s",
		 strerror(errno));
	UT_CHECK((sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS, "mask %#x", sx.stx_mask);
	UT_CHECK(sx.stx_ino == st.st_ino && sx.stx_size == 11 && sx.stx_mode == st.st_mode &&
		 sx.stx_nlink == st.st_nlink && sx.stx_uid == st.st_uid &&
		 sx.stx_blocks == (uint64_t)st.st_blocks, "agrees with fstat");
	UT_CHECK(sx.stx_mtime.tv_sec == st.st_mtim.tv_sec &&
		 sx.stx_dev_major == major(st.st_dev) && sx.stx_dev_minor == minor(st.st_dev),
		 "times and device agree");
	memset(&sx, 0, sizeof(sx));
	UT_CHECK(statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx) == 0 &&
		 sx.stx_ino == st.st_ino, "AT_EMPTY_PATH");
	UT_EXPECT_ERRNO(statx(AT_FDCWD, path, 0x1, STATX_BASIC_STATS, &sx), EINVAL);
	UT_EXPECT_ERRNO(statx(AT_FDCWD, path, 0, 0x80000000u, &sx), EINVAL);
	UT_EXPECT_ERRNO(statx(AT_FDCWD, "/no/such/file", 0, STATX_BASIC_STATS, &sx), ENOENT);
	UT_EXPECT_ERRNO(syscall(SYS_statx, AT_FDCWD, path, 0, STATX_BASIC_STATS, NULL), EFAULT);
	UT_EXPECT_ERRNO(syscall(SYS_statx, AT_FDCWD, NULL, 0, STATX_BASIC_STATS, &sx), EFAULT);
	close(fd);
	unlink(path);
}

static int ones(const unsigned char *b, size_t n)
{
	int c = 0;
	for (size_t i = 0; i < n; i++)
		c += __builtin_popcount(b[i]);
	return c;
}

static void test_random(void)
{
	unsigned char a[64], b[64], zero[64] = { 0 };
	UT_CHECK(getrandom(a, sizeof(a), 0) == sizeof(a), "getrandom 64");
	UT_CHECK(getrandom(b, sizeof(b), GRND_NONBLOCK) == sizeof(b), "GRND_NONBLOCK");
	UT_CHECK(memcmp(a, b, sizeof(a)) != 0 && memcmp(a, zero, sizeof(a)) != 0,
		 "two calls differ, not zeros");
	UT_CHECK(getrandom(b, sizeof(b), GRND_RANDOM | GRND_NONBLOCK) > 0, "GRND_RANDOM");
	static unsigned char big[4096];
	UT_CHECK(getrandom(big, sizeof(big), 0) == sizeof(big), "4 KiB");
	int bits = ones(big, sizeof(big));
	UT_CHECK(bits > 4096 * 8 * 45 / 100 && bits < 4096 * 8 * 55 / 100,
		 "about half the bits set (%d of %d)", bits, 4096 * 8);
	UT_CHECK(getrandom(a, 0, 0) == 0, "length 0");
	UT_EXPECT_ERRNO(getrandom(a, sizeof(a), 0x80), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS_getrandom, NULL, 16, 0), EFAULT);
	const char *devs[2] = { "/dev/urandom", "/dev/random" };
	for (int i = 0; i < 2; i++) {
		int fd = open(devs[i], O_RDONLY);
		UT_CHECK(fd >= 0, "open %s: %s", devs[i], strerror(errno));
		if (fd < 0)
			continue;
		UT_CHECK(read(fd, a, sizeof(a)) == sizeof(a) && read(fd, b, sizeof(b)) == sizeof(b) &&
			 memcmp(a, b, sizeof(a)) != 0, "%s: reads differ", devs[i]);
		struct pollfd pf = { fd, POLLIN, 0 };
		UT_CHECK(poll(&pf, 1, 0) == 1 && (pf.revents & POLLIN), "%s: POLLIN", devs[i]);
		close(fd);
	}
}

int main(void)
{
	alarm(WATCHDOG_S);
	const char *t = getenv("TMPDIR");
	snprintf(tmpdir, sizeof(tmpdir), "%s", t && *t ? t : "/tmp");
	test_sysinfo();
	test_syslog();
	test_uname();
	test_prctl_name();
	test_prctl_pdeathsig();
	test_sendfile();
	test_statx();
	test_random();
	return ut_done("t_sysmisc");
}
