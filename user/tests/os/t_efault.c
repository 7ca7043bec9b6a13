/*
 * t_efault: system calls given bad pointers fail with EFAULT and the
 * process carries on.
 *
 * The calls are made with syscall(2), not through glibc's wrappers: some
 * wrappers (stat, clock_gettime, nanosleep on i386) copy through a buffer
 * of their own, so a bad pointer would fault in user space instead of
 * reaching the kernel.  Bad pointers: NULL, kernel addresses (0xC0000000
 * and up), ranges running from user space into the kernel or wrapping
 * past 4 GiB, read-only pages (the kernel must not write through them:
 * CR0.WP), the program's own code, and a buffer whose second page is
 * unmapped (Linux returns a short count or EFAULT: either is accepted).
 * Afterwards the descriptor table must be as it was (pipe(bad) leaks
 * nothing) and the code read into must be intact.
 *
 * Under qemu-i386 (a host that cannot execute i386 programs), two things
 * the emulator gets wrong are skipped, with a note: its pipe(bad) makes
 * the pipe before it finds the pointer bad and keeps it (skipped when
 * it leaks), and its nanosleep ignores a request it could not read and
 * sleeps for whatever its own stack holds (never called there).
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/uio.h>

#include "utest.h"

#define KBAD ((void *)0xC0000000u)
#define KBAD_PATH ((const char *)0xC0000010u)
#define KTEXT ((void *)0xC0100000u)
#define EF(call) UT_EXPECT_ERRNO(call, EFAULT)

static char dir[256];
static char file8k[300];
static char *ro_page;

static void setup(void)
{
	snprintf(dir, sizeof(dir), "%s", ut_scratch_dir("t_efault"));
	snprintf(file8k, sizeof(file8k), "%s/data8k", dir);
	int fd = open(file8k, O_CREAT | O_TRUNC | O_RDWR, 0644);
	UT_CHECK(fd >= 0, "create %s: %s", file8k, strerror(errno));
	char buf[8192];
	for (int i = 0; i < 8192; i++)
		buf[i] = (char)('a' + i % 26);
	UT_CHECK(write(fd, buf, sizeof(buf)) == 8192, "write 8 KiB");
	close(fd);
	ro_page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	UT_CHECK(ro_page != MAP_FAILED, "mmap PROT_READ page");
}

static int open_data(void)
{
	int fd = open(file8k, O_RDONLY);
	UT_CHECK(fd >= 0, "open %s: %s", file8k, strerror(errno));
	return fd;
}

static int marker_fn(int x)
{
	return x * 3 + 1;
}
static int (*volatile marker_ptr)(int) = marker_fn;

static void test_read_write(void)
{
	int fd = open_data();
	EF(syscall(SYS_read, fd, NULL, 10));
	EF(syscall(SYS_read, fd, ro_page, 10));
	UT_CHECK(ro_page[0] == 0, "read() wrote into a PROT_READ page");
	EF(syscall(SYS_read, fd, KTEXT, 10));
	EF(syscall(SYS_read, fd, KBAD, 1));
	EF(syscall(SYS_read, fd, (void *)0xBFFFFF00u, 0x200));	/* into the kernel */
	EF(syscall(SYS_read, fd, (void *)0xFFFFF000u, 0x2000));	/* wraps */
	/* The program's own code is mapped read-only. */
	EF(syscall(SYS_read, fd, (void *)(uintptr_t)marker_fn, 16));
	UT_CHECK(marker_ptr(4) == 13, "code changed by a failed read()");
	EF(syscall(SYS_pread64, fd, NULL, 10, 0, 0));
	close(fd);

	int p[2];
	UT_CHECK(pipe(p) == 0, "pipe");
	EF(syscall(SYS_write, p[1], KBAD, 10));
	EF(syscall(SYS_write, p[1], NULL, 10));
	EF(syscall(SYS_write, p[1], (void *)0xBFFFFF00u, 0x200));
	UT_CHECK(write(p[1], "ok", 2) == 2, "pipe still works");
	EF(syscall(SYS_read, p[0], NULL, 2));
	close(p[0]);
	close(p[1]);

	char path[300];
	snprintf(path, sizeof(path), "%s/out", dir);
	fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
	UT_CHECK(fd >= 0, "create %s", path);
	EF(syscall(SYS_write, fd, KBAD, 10));
	EF(syscall(SYS_write, fd, NULL, 10));
	EF(syscall(SYS_pwrite64, fd, KBAD, 10, 0, 0));
	struct iovec iov[2] = { { "abc", 3 }, { KBAD, 10 } };
	long r = syscall(SYS_writev, fd, iov, 2);
	UT_CHECK(r == 3 || (r == -1 && errno == EFAULT),
		 "writev with a bad second iovec: %ld (%s)", r, strerror(errno));
	EF(syscall(SYS_writev, fd, KBAD, 1));
	EF(syscall(SYS_readv, fd, NULL, 1));
	close(fd);
	unlink(path);
}

static void test_paths(void)
{
	char buf[200];
	EF(syscall(SYS_open, KBAD_PATH, O_RDONLY));
	EF(syscall(SYS_open, NULL, O_RDONLY));
	EF(syscall(SYS_openat, AT_FDCWD, KBAD_PATH, O_RDONLY));
	EF(syscall(SYS_stat64, KBAD_PATH, buf));
	EF(syscall(SYS_stat64, NULL, buf));
	EF(syscall(SYS_lstat64, KBAD_PATH, buf));
	EF(syscall(SYS_mkdir, KBAD_PATH, 0755));
	EF(syscall(SYS_mkdir, NULL, 0755));
	EF(syscall(SYS_chdir, KBAD_PATH));
	EF(syscall(SYS_unlink, NULL));
	EF(syscall(SYS_access, KBAD_PATH, F_OK));
	/* A path string running off the end of a mapping. */
	char *two = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (UT_CHECK(two != MAP_FAILED, "mmap 2 pages")) {
		munmap(two + 4096, 4096);
		memset(two, 'x', 4096);		/* no NUL before the hole */
		EF(syscall(SYS_open, two + 200, O_RDONLY));	/* < PATH_MAX, then the hole */
		EF(syscall(SYS_mkdir, two + 4000, 0755));
		munmap(two, 4096);
	}
	/* Bad result buffers. */
	EF(syscall(SYS_stat64, "/", KBAD));
	EF(syscall(SYS_stat64, "/", NULL));
	EF(syscall(SYS_stat64, "/", ro_page));
	int fd = open_data();
	EF(syscall(SYS_fstat64, fd, KBAD));
	close(fd);
	EF(syscall(SYS_getcwd, KBAD, 100));
	EF(syscall(SYS_getcwd, NULL, 100));
	EF(syscall(SYS_uname, KBAD));
	EF(syscall(SYS_uname, NULL));
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	UT_CHECK(fd >= 0, "open dir");
	EF(syscall(SYS_getdents64, fd, KBAD, 4096));
	close(fd);
}

static void test_fd_calls(void)
{
	int first = open_data();	/* lowest free descriptor */
	close(first);
	EF(syscall(SYS_pipe, NULL));
	EF(syscall(SYS_pipe, KBAD));
	EF(syscall(SYS_pipe, ro_page));
	EF(syscall(SYS_pipe2, KBAD, 0));
	int again = open_data();
	if (!UT_CHECK_EMU(again == first, "the emulator makes the pipe before it finds the "
			  "pointer bad", "pipe(bad) leaked descriptors: next fd %d, was %d",
			  again, first) && ut_emulated()) {
		for (int fd = first; fd < again; fd++)
			close(fd);	/* the emulator's, not ours */
	}
	close(again);
}

static void test_time(void)
{
	EF(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, KBAD));
	EF(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, NULL));
#ifdef SYS_clock_gettime64
	EF(syscall(SYS_clock_gettime64, CLOCK_MONOTONIC, KBAD));
#endif
	EF(syscall(SYS_gettimeofday, KBAD, NULL));
	if (!ut_emulated()) {
		EF(syscall(SYS_nanosleep, KBAD, NULL));
		EF(syscall(SYS_nanosleep, NULL, NULL));
	} else {
		/* It would sleep for whatever its own stack holds. */
		UT_SKIP("nanosleep(KBAD) gives EFAULT: %s ignores a request it cannot read",
			ut_emulator());
		UT_SKIP("nanosleep(NULL) gives EFAULT: %s ignores a request it cannot read",
			ut_emulator());
	}
	EF(syscall(SYS_getrandom, KBAD, 16, 0));
	EF(syscall(SYS_getrandom, ro_page, 16, 0));
}

static void test_signals(void)
{
	EF(syscall(SYS_rt_sigaction, SIGUSR1, KBAD, NULL, 8));
	EF(syscall(SYS_rt_sigaction, SIGUSR1, NULL, KBAD, 8));
	EF(syscall(SYS_rt_sigprocmask, SIG_BLOCK, KBAD, NULL, 8));
	EF(syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, KBAD, 8));
	EF(syscall(SYS_set_thread_area, KBAD));
}

static void test_exec(void)
{
	char *argv[] = { "x", NULL };
	char *envp[] = { NULL };
	char *bad_argv[] = { "x", KBAD, NULL };
	/* /bin/sh or anything: the path is never reached. */
	const char *valid = getenv("TESTS_BIN");
	if (!valid || access(valid, X_OK) < 0)
		valid = "/bin/true";
	EF(syscall(SYS_execve, KBAD_PATH, argv, envp));
	EF(syscall(SYS_execve, NULL, argv, envp));
	EF(syscall(SYS_execve, valid, KBAD, envp));
	EF(syscall(SYS_execve, valid, bad_argv, envp));
	EF(syscall(SYS_execve, valid, argv, KBAD));
	UT_CHECK(getpid() > 0, "still running after failed execve");
}

static void test_wait4(void)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		_exit(7);
	UT_CHECK(pid > 0, "fork");
	ut_sleep_ms(100);		/* let it become a zombie */
	errno = 0;
	long r = syscall(SYS_wait4, pid, KBAD, 0, NULL);
	int e = errno;
	UT_CHECK(r == pid || (r == -1 && e == EFAULT),
		 "wait4(bad status) = %ld (%s)", r, strerror(e));
	UT_NOTE("wait4 with a bad status pointer returned %s",
		r == pid ? "the child's pid" : "EFAULT");
	int st;
	pid_t w = waitpid(pid, &st, WNOHANG);
	UT_CHECK(w == pid || (w == -1 && errno == ECHILD),
		 "after wait4(bad): waitpid gives %d", (int)w);
	UT_CHECK(waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD, "no child left");
}

static void test_partial_buffer(void)
{
	char *two = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!UT_CHECK(two != MAP_FAILED, "mmap 2 pages"))
		return;
	UT_CHECK(munmap(two + 4096, 4096) == 0, "munmap second page");
	int fd = open_data();
	errno = 0;
	long r = syscall(SYS_read, fd, two, 8192);
	int e = errno;
	UT_CHECK(r == 4096 || (r == -1 && e == EFAULT),
		 "read 8 KiB into 4 KiB + hole: %ld (%s)", r, strerror(e));
	UT_NOTE("read into a buffer with an unmapped second page returned %s",
		r == 4096 ? "4096 (short count)" : "EFAULT");
	if (r == 4096)
		UT_CHECK(two[0] == 'a' && two[4095] == (char)('a' + 4095 % 26),
			 "data read before the hole");
	close(fd);

	char path[300];
	snprintf(path, sizeof(path), "%s/partial", dir);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	memset(two, 'q', 4096);
	errno = 0;
	r = syscall(SYS_write, fd, two, 8192);
	e = errno;
	UT_CHECK(r == 4096 || (r == -1 && e == EFAULT),
		 "write 8 KiB from 4 KiB + hole: %ld (%s)", r, strerror(e));
	close(fd);
	unlink(path);
	munmap(two, 4096);
}

static void cleanup(void)
{
	unlink(file8k);
	UT_CHECK(rmdir(dir) == 0, "rmdir %s: %s", dir, strerror(errno));
}

int main(void)
{
	setup();
	test_read_write();
	test_paths();
	test_fd_calls();
	test_time();
	test_signals();
	test_exec();
	test_wait4();
	test_partial_buffer();
	cleanup();
	/* Still alive and well. */
	char *m = malloc(1 << 20);
	UT_CHECK(m != NULL, "malloc after all that");
	if (m) {
		memset(m, 1, 1 << 20);
		free(m);
	}
	return ut_done("t_efault");
}
