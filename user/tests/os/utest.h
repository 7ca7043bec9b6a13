/*
 * utest: the header-only framework of the user-level test programs
 * (user/tests/os/t_*.c).  Each program is a static i386 glibc binary that
 * runs unchanged on M-OS and on Linux; /tests/runall runs them all.
 *
 *   UT_CHECK(cond, fmt, ...)   count a pass, or print
 *                              "utest: FAIL file:line: message" and count
 *                              a failure
 *   UT_EXPECT_ERRNO(call, err) the call returned -1 with errno == err
 *   UT_NOTE(fmt, ...)          an informational line ("utest: note: ...")
 *   ut_done(name)              print "utest: NAME: P passed, F failed";
 *                              returns the exit status (0 iff no failure)
 *   ut_is_mos()                uname().sysname is "M-OS": where M-OS
 *                              deliberately differs from Linux, the test
 *                              checks the M-OS rule only there
 *   ut_emulated()              this program runs under a user-mode
 *                              emulator (qemu-i386 on a host that cannot
 *                              execute i386 programs; never on M-OS);
 *                              ut_emulator() is its name
 *   UT_CHECK_EMU(cond, why, fmt, ...)
 *   UT_EXPECT_ERRNO_EMU(call, err, why)
 *                              as UT_CHECK and UT_EXPECT_ERRNO, for
 *                              behaviour qemu-i386 does not reproduce:
 *                              failing under an emulator (and only
 *                              there), the check is skipped, printing
 *                              "utest: note: SKIP file:line: message:
 *                              why (impossible under qemu-i386)"
 *   UT_SKIP(fmt, ...)          the same for a check that cannot even be
 *                              tried under the emulator (call it only
 *                              when ut_emulated()); runall totals skips
 *   ut_run_child(fn, arg)      run fn(arg) in a forked child (exit status
 *                              0 if it returns); the wait status, or -1
 *   ut_wait(pid, &status, ms)  waitpid with a time limit (SIGKILL after)
 *   mos_execve(path, argv, envp), mos_execvp(file, argv)  (mos/exec.h)
 *                              how the tests exec a program that must
 *                              run, so that it also runs where i386
 *                              programs go through qemu-i386; tests of
 *                              exec failures call execve itself
 *
 * Output is unbuffered, so a forked child never repeats the parent's
 * pending lines and a crash loses nothing; children leave with _exit().
 * Checks in a forked child are not counted: a child reports through its
 * exit status (or a pipe) and the parent checks that.
 */
#ifndef UTEST_H
#define UTEST_H

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mos/exec.h"

static int ut_passed, ut_failed, ut_skipped;

__attribute__((constructor)) static void ut_init_(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	setvbuf(stderr, NULL, _IONBF, 0);
}

static void ut_vfail_(const char *file, int line, const char *fmt, va_list ap)
{
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	const char *base = strrchr(file, '/');
	printf("utest: FAIL %s:%d: %s\n", base ? base + 1 : file, line, msg);
	ut_failed++;
}

__attribute__((format(printf, 4, 5), unused))
static int ut_check_(int ok, const char *file, int line, const char *fmt, ...)
{
	if (ok) {
		ut_passed++;
		return 1;
	}
	va_list ap;
	va_start(ap, fmt);
	ut_vfail_(file, line, fmt, ap);
	va_end(ap);
	return 0;
}

/* Evaluates to 1 if the check passed, 0 if it failed.  The condition is
 * evaluated before the message's arguments (C leaves the order of a
 * call's arguments open: gcc on i386 went right to left, so a message
 * printed a stat field before the stat in the condition had filled it). */
#define UT_CHECK(cond, fmt, ...) ({ \
	int ut_ok_ = !!(cond); \
	ut_check_(ut_ok_, __FILE__, __LINE__, fmt, ##__VA_ARGS__); })

/* The call must return -1 (or any negative value) with errno == err. */
#define UT_EXPECT_ERRNO(call, err) ({ \
	errno = 0; \
	long ut_r_ = (long)(call); \
	int ut_e_ = errno; \
	UT_CHECK(ut_r_ < 0 && ut_e_ == (err), "%s: expected -1/%s, got %ld/%s", \
		 #call, ut_errname(err), ut_r_, ut_r_ < 0 ? ut_errname(ut_e_) : "no error"); })

/* "EINVAL", or "errno 512" for a number glibc has no name for. */
__attribute__((unused))
static const char *ut_errname(int e)
{
	static char bufs[4][24];
	static int next;
	const char *n = strerrorname_np(e);
	if (n)
		return n;
	char *b = bufs[next++ % 4];
	snprintf(b, sizeof(bufs[0]), "errno %d", e);
	return b;
}

#define UT_NOTE(fmt, ...) printf("utest: note: " fmt "\n", ##__VA_ARGS__)

__attribute__((unused))
static int ut_is_mos(void)
{
	static int cached = -1;
	if (cached < 0) {
		struct utsname u;
		cached = uname(&u) == 0 && strcmp(u.sysname, "M-OS") == 0;
	}
	return cached;
}

/*
 * Under a user-mode emulator the host kernel runs the emulator, not this
 * program: /proc/self/exe, opened through a directory descriptor (which
 * qemu-i386 does not intercept, unlike the path "/proc/self/exe"), is then
 * a program for the host's own machine instead of an i386 one.  Never on
 * M-OS (which has no /proc); 0 wherever /proc cannot tell.
 */
static char ut_emulator_name_[64];

__attribute__((unused))
static int ut_emulated(void)
{
	static int cached = -1;
	if (cached >= 0)
		return cached;
	cached = 0;
	if (ut_is_mos())
		return cached;
	int dir = open("/proc/self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return cached;
	Elf32_Ehdr eh;
	int fd = openat(dir, "exe", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, &eh, sizeof(eh)) == (ssize_t)sizeof(eh) &&
		    memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 && eh.e_machine != EM_386)
			cached = 1;
		close(fd);
	}
	char path[256];
	ssize_t n = readlinkat(dir, "exe", path, sizeof(path) - 1);
	close(dir);
	if (cached) {
		path[n > 0 ? n : 0] = 0;
		const char *base = strrchr(path, '/');
		snprintf(ut_emulator_name_, sizeof(ut_emulator_name_), "%.63s",
			 n > 0 ? (base ? base + 1 : path) : "an emulator");
	}
	return cached;
}

/* "qemu-i386": the emulator's program name, when ut_emulated(). */
__attribute__((unused))
static const char *ut_emulator(void)
{
	return ut_emulated() ? ut_emulator_name_ : "no emulator";
}

static void ut_vskip_(const char *file, int line, const char *why, const char *fmt,
		      va_list ap)
{
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	const char *base = strrchr(file, '/');
	printf("utest: note: SKIP %s:%d: %s%s%s (impossible under %s)\n",
	       base ? base + 1 : file, line, msg, why ? ": " : "", why ? why : "",
	       ut_emulator());
	ut_skipped++;
}

__attribute__((format(printf, 3, 4), unused))
static void ut_skip_(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ut_vskip_(file, line, NULL, fmt, ap);
	va_end(ap);
}

#define UT_SKIP(fmt, ...) ut_skip_(__FILE__, __LINE__, fmt, ##__VA_ARGS__)

__attribute__((format(printf, 5, 6), unused))
static int ut_check_emu_(int ok, const char *why, const char *file, int line,
			 const char *fmt, ...)
{
	if (ok) {
		ut_passed++;
		return 1;
	}
	va_list ap;
	va_start(ap, fmt);
	if (ut_emulated())
		ut_vskip_(file, line, why, fmt, ap);
	else
		ut_vfail_(file, line, fmt, ap);
	va_end(ap);
	return 0;
}

#define UT_CHECK_EMU(cond, why, fmt, ...) \
	({ int ut_ok_ = !!(cond); \
	   ut_check_emu_(ut_ok_, why, __FILE__, __LINE__, fmt, ##__VA_ARGS__); })

#define UT_EXPECT_ERRNO_EMU(call, err, why) ({ \
	errno = 0; \
	long ut_r_ = (long)(call); \
	int ut_e_ = errno; \
	UT_CHECK_EMU(ut_r_ < 0 && ut_e_ == (err), why, "%s: expected -1/%s, got %ld/%s", \
		     #call, ut_errname(err), ut_r_, ut_r_ < 0 ? ut_errname(ut_e_) : "no error"); })

__attribute__((unused))
static int ut_done(const char *name)
{
	if (ut_skipped)
		printf("utest: note: %s: %d checks skipped under %s\n", name, ut_skipped,
		       ut_emulator());
	printf("utest: %s: %d passed, %d failed\n", name, ut_passed, ut_failed);
	fflush(stdout);
	return ut_failed ? 1 : 0;
}

/* kill(getpid(), sig): glibc's raise() uses tgkill, which a young kernel
 * may lack; for a single-threaded process the two are the same. */
__attribute__((unused))
static int ut_raise(int sig)
{
	return kill(getpid(), sig);
}

__attribute__((unused))
static void ut_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

__attribute__((unused))
static long long ut_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* waitpid(pid) for at most ms milliseconds; then SIGKILL and reap.
 * Returns the pid (status filled), or -1 (errno from waitpid, or
 * ETIMEDOUT after the kill; status then holds the SIGKILL status). */
__attribute__((unused))
static pid_t ut_wait(pid_t pid, int *status, long ms)
{
	long long end = ut_now_ms() + ms;
	long nap = 1;
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r != 0)
			return r;
		if (ut_now_ms() >= end) {
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			errno = ETIMEDOUT;
			return -1;
		}
		ut_sleep_ms(nap);
		if (nap < 20)
			nap *= 2;
	}
}

/* Runs fn(arg) in a forked child that exits 0 when fn returns; returns
 * its wait status, or -1 if fork failed or it ran for more than 60 s. */
__attribute__((unused))
static int ut_run_child(void (*fn)(void *), void *arg)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	int status = 0;
	if (ut_wait(pid, &status, 60000) < 0)
		return -1;
	return status;
}

/* "exited 3", "killed by signal 11 (SIGSEGV)", for messages. */
__attribute__((unused))
static const char *ut_status_str(int status)
{
	static char buf[64];
	if (status == -1)
		snprintf(buf, sizeof(buf), "not run or timed out");
	else if (WIFEXITED(status))
		snprintf(buf, sizeof(buf), "exited %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, sizeof(buf), "killed by signal %d (SIG%s)",
			 WTERMSIG(status), sigabbrev_np(WTERMSIG(status)) ?
			 sigabbrev_np(WTERMSIG(status)) : "?");
	else
		snprintf(buf, sizeof(buf), "status %#x", status);
	return buf;
}

/* The child died of signal sig. */
#define UT_CHECK_SIGNALED(status, sig, what) \
	UT_CHECK((status) != -1 && WIFSIGNALED(status) && WTERMSIG(status) == (sig), \
		 "%s: expected death by signal %d, got %s", what, sig, \
		 ut_status_str(status))

/* The child exited with code. */
#define UT_CHECK_EXITED(status, code, what) \
	UT_CHECK((status) != -1 && WIFEXITED(status) && WEXITSTATUS(status) == (code), \
		 "%s: expected exit %d, got %s", what, code, ut_status_str(status))

/* A scratch directory: $TMPDIR (default /tmp, created if missing) /
 * NAME.PID, made fresh.  Returns a static path. */
__attribute__((unused))
static const char *ut_scratch_dir(const char *name)
{
	static char path[256];
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp)
		tmp = "/tmp";
	mkdir(tmp, 01777);
	snprintf(path, sizeof(path), "%s/%s.%d", tmp, name, (int)getpid());
	if (mkdir(path, 0755) < 0 && errno != EEXIST) {
		printf("utest: FAIL cannot create scratch directory %s: %s\n",
		       path, strerror(errno));
		ut_failed++;
	}
	return path;
}

#endif /* UTEST_H */
