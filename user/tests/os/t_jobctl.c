/*
 * t_jobctl: job control as Linux does it.
 *
 * Stop and continue: SIGSTOP and a default SIGTSTP stop a child, which
 * waitpid(WUNTRACED) reports as 0x137f / 0x147f (WIFSTOPPED, WSTOPSIG),
 * SIGCONT continues it, reported with WCONTINUED as 0xffff; a caught
 * SIGTSTP only runs its handler; a SIGCONT handler runs once continued;
 * SIGCONT discards a pending (blocked) stop signal; a stopped process
 * still dies of SIGKILL; a stopped process of two threads runs neither
 * (both counters in shared memory stand still).  SIGCHLD tells the parent
 * with si_code CLD_STOPPED, CLD_CONTINUED, CLD_KILLED and CLD_EXITED
 * (and si_pid, si_status); SA_NOCLDSTOP spares the first two.  waitid:
 * WSTOPPED, WCONTINUED, WEXITED, WNOWAIT, WNOHANG with nothing to report,
 * EINVAL.  Process groups and sessions: setpgid's EINVAL, ESRCH, EPERM
 * (another session, a session leader, a group that does not exist) and
 * EACCES (a child that has exec'd); setsid's EPERM for a group leader;
 * getpgid/getsid ESRCH.  The terminal: a background process reading its
 * controlling terminal is stopped by SIGTTIN (EIO when it ignores it),
 * tcsetpgrp from the background stops it with SIGTTOU, and ^Z typed
 * stops the foreground group with SIGTSTP (M-OS: /dev/tty1 typed on with
 * TIOCSTI; Linux: a pseudo-terminal, as t_tty).  The shell on that
 * terminal: ^Z stops a job, `jobs` says so, `bg` runs it on, `wait`
 * waits for it.
 */
#include "utest.h"

#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <termios.h>

#define WAIT_MS 5000
#define SETTLE_MS 150
#define MOS_TERMINAL "/dev/tty1"
#define CTRL_Z '\032'

static char self[4096];

/* waitpid(pid, options | WNOHANG) until it reports, at most ms; the pid
 * or 0 on a timeout, -1 on error. */
static pid_t wait_for(pid_t pid, int *status, int options, long ms)
{
	long long end = ut_now_ms() + ms;
	for (;;) {
		pid_t r = waitpid(pid, status, options | WNOHANG);
		if (r != 0 || ut_now_ms() >= end)
			return r;
		ut_sleep_ms(5);
	}
}

static void reap(pid_t pid)
{
	int st;
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
}

/* A child that waits for signals for ever, in a group of its own whose
 * link to the session is us: not orphaned, so SIGTSTP may stop it. */
static pid_t start_pauser(void)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		for (;;)
			pause();
	}
	setpgid(pid, pid);
	return pid;
}

static void test_sigstop_sigcont_status(void)
{
	pid_t pid = start_pauser();
	int st = 0;
	UT_CHECK(waitpid(pid, &st, WNOHANG | WUNTRACED) == 0, "a running child reports nothing");
	kill(pid, SIGSTOP);
	UT_CHECK(wait_for(pid, &st, WUNTRACED, WAIT_MS) == pid, "WUNTRACED reports the stop");
	UT_CHECK(st == 0x137f && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP,
		 "stopped status %#x, expected 0x137f", st);
	UT_CHECK(waitpid(pid, &st, WNOHANG | WUNTRACED) == 0, "a stop is reported once");
	UT_CHECK(waitpid(pid, &st, WNOHANG) == 0, "without WUNTRACED a stop is not reported");
	kill(pid, SIGCONT);
	UT_CHECK(wait_for(pid, &st, WCONTINUED, WAIT_MS) == pid, "WCONTINUED reports the continue");
	UT_CHECK(st == 0xffff && WIFCONTINUED(st), "continued status %#x, expected 0xffff", st);
	UT_CHECK(waitpid(pid, &st, WNOHANG | WCONTINUED | WUNTRACED) == 0,
		 "a continue is reported once");
	kill(pid, SIGKILL);
	UT_CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		 "then SIGKILL: %s", ut_status_str(st));
}

static void test_sigtstp_default_stops(void)
{
	pid_t pid = start_pauser();
	int st = 0;
	kill(pid, SIGTSTP);
	UT_CHECK(wait_for(pid, &st, WUNTRACED, WAIT_MS) == pid && st == 0x147f,
		 "SIGTSTP stops: status %#x, expected 0x147f", st);
	kill(pid, SIGTTIN);	/* pending while stopped ... */
	kill(pid, SIGCONT);	/* ... and discarded by the continue */
	UT_CHECK(wait_for(pid, &st, WCONTINUED, WAIT_MS) == pid && WIFCONTINUED(st),
		 "continued: %#x", st);
	UT_CHECK(wait_for(pid, &st, WUNTRACED, 300) == 0,
		 "a stop signal sent while stopped is discarded by SIGCONT (status %#x)", st);
	reap(pid);
}

/* The stopped child was killed while stopped. */
static void test_sigkill_stopped(void)
{
	pid_t pid = start_pauser();
	int st = 0;
	kill(pid, SIGSTOP);
	wait_for(pid, &st, WUNTRACED, WAIT_MS);
	kill(pid, SIGTERM);	/* waits: a stopped process runs no action */
	ut_sleep_ms(SETTLE_MS);
	UT_CHECK(waitpid(pid, &st, WNOHANG) == 0, "SIGTERM waits while stopped");
	kill(pid, SIGKILL);
	UT_CHECK(wait_for(pid, &st, 0, WAIT_MS) == pid && WIFSIGNALED(st) &&
		 WTERMSIG(st) == SIGKILL, "a stopped process dies of SIGKILL: %s",
		 ut_status_str(st));
}

static int notify_fd = -1;

static void on_signal_note(int sig)
{
	char c = (char)sig;
	if (write(notify_fd, &c, 1) < 0)
		_exit(9);
}

/* A child with handlers for SIGTSTP and SIGCONT that write the signal
 * number to a pipe the parent reads. */
static pid_t start_noting_child(int *rd)
{
	int p[2];
	if (pipe(p) < 0)
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		close(p[0]);
		notify_fd = p[1];
		signal(SIGTSTP, on_signal_note);
		signal(SIGCONT, on_signal_note);
		char c = 'R';
		if (write(p[1], &c, 1) != 1)
			_exit(8);
		for (;;)
			pause();
	}
	close(p[1]);
	char c;
	UT_CHECK(read(p[0], &c, 1) == 1 && c == 'R', "the child got ready");
	*rd = p[0];
	return pid;
}

static int read_byte(int fd, long ms)
{
	long long end = ut_now_ms() + ms;
	int fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	for (;;) {
		char c;
		if (read(fd, &c, 1) == 1)
			return (unsigned char)c;
		if (ut_now_ms() >= end)
			return -1;
		ut_sleep_ms(5);
	}
}

static void test_caught_tstp_and_cont_handler(void)
{
	int rd = -1, st = 0;
	pid_t pid = start_noting_child(&rd);
	kill(pid, SIGTSTP);
	UT_CHECK(read_byte(rd, WAIT_MS) == SIGTSTP, "a caught SIGTSTP runs its handler");
	UT_CHECK(wait_for(pid, &st, WUNTRACED, SETTLE_MS) == 0, "and does not stop (%#x)", st);
	kill(pid, SIGSTOP);
	UT_CHECK(wait_for(pid, &st, WUNTRACED, WAIT_MS) == pid && WIFSTOPPED(st), "SIGSTOP stops");
	UT_CHECK(read_byte(rd, SETTLE_MS) == -1, "no handler runs while stopped");
	kill(pid, SIGCONT);
	UT_CHECK(read_byte(rd, WAIT_MS) == SIGCONT, "the SIGCONT handler runs once continued");
	reap(pid);
	close(rd);
}

/* SIGCONT discards a stop signal that the child blocks. */
static void test_cont_discards_pending_stop(void)
{
	int p[2], q[2];
	if (pipe(p) < 0 || pipe(q) < 0)
		return;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		sigset_t set, pend;
		sigemptyset(&set);
		sigaddset(&set, SIGTSTP);
		sigprocmask(SIG_BLOCK, &set, NULL);
		char c = 'R';
		if (write(p[1], &c, 1) != 1 || read(q[0], &c, 1) != 1)
			_exit(8);
		sigpending(&pend);
		_exit(sigismember(&pend, SIGTSTP) ? 1 : 0);
	}
	char c;
	UT_CHECK(read(p[0], &c, 1) == 1, "child ready");
	kill(pid, SIGTSTP);
	kill(pid, SIGCONT);
	if (write(q[1], &c, 1) != 1)
		UT_CHECK(0, "write");
	int st = 0;
	UT_CHECK(ut_wait(pid, &st, WAIT_MS) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		 "a blocked SIGTSTP is discarded by SIGCONT: %s", ut_status_str(st));
	close(p[0]); close(p[1]); close(q[0]); close(q[1]);
}

/* Two threads of the child count in shared memory; stopped, neither
 * counter moves. */
static volatile unsigned *counters;

static void *count_thread(void *arg)
{
	(void)arg;
	for (;;)
		__atomic_add_fetch(&counters[1], 1, __ATOMIC_RELAXED);
	return NULL;
}

static void test_stop_all_threads(void)
{
	counters = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!UT_CHECK(counters != MAP_FAILED, "mmap"))
		return;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		pthread_t th;
		if (pthread_create(&th, NULL, count_thread, NULL) != 0)
			_exit(2);
		for (;;)
			__atomic_add_fetch(&counters[0], 1, __ATOMIC_RELAXED);
	}
	long long end = ut_now_ms() + WAIT_MS;
	while ((counters[0] == 0 || counters[1] == 0) && ut_now_ms() < end)
		ut_sleep_ms(10);
	UT_CHECK(counters[0] && counters[1], "both threads count");
	int st = 0;
	kill(pid, SIGSTOP);
	UT_CHECK(wait_for(pid, &st, WUNTRACED, WAIT_MS) == pid && WIFSTOPPED(st),
		 "the two-thread process stops");
	unsigned a = counters[0], b = counters[1];
	ut_sleep_ms(SETTLE_MS);
	UT_CHECK(counters[0] == a && counters[1] == b,
		 "stopped: main %u -> %u, thread %u -> %u", a, counters[0], b, counters[1]);
	kill(pid, SIGCONT);
	end = ut_now_ms() + WAIT_MS;
	while ((counters[0] == a || counters[1] == b) && ut_now_ms() < end)
		ut_sleep_ms(10);
	UT_CHECK(counters[0] != a && counters[1] != b, "both threads run again after SIGCONT");
	reap(pid);
	munmap((void *)counters, 4096);
}

static void test_sigchld_codes(void)
{
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);
	struct timespec ts = { 2, 0 };
	siginfo_t si;
	pid_t pid = start_pauser();
	int st;

	kill(pid, SIGSTOP);
	memset(&si, 0, sizeof(si));
	UT_CHECK(sigtimedwait(&set, &si, &ts) == SIGCHLD && si.si_code == CLD_STOPPED &&
		 si.si_pid == pid && si.si_status == SIGSTOP,
		 "stop: SIGCHLD code %d pid %d status %d", si.si_code, si.si_pid, si.si_status);
	waitpid(pid, &st, WUNTRACED);
	kill(pid, SIGCONT);
	memset(&si, 0, sizeof(si));
	UT_CHECK(sigtimedwait(&set, &si, &ts) == SIGCHLD && si.si_code == CLD_CONTINUED &&
		 si.si_pid == pid && si.si_status == SIGCONT,
		 "continue: SIGCHLD code %d pid %d status %d", si.si_code, si.si_pid, si.si_status);
	kill(pid, SIGKILL);
	memset(&si, 0, sizeof(si));
	UT_CHECK(sigtimedwait(&set, &si, &ts) == SIGCHLD && si.si_code == CLD_KILLED &&
		 si.si_pid == pid && si.si_status == SIGKILL,
		 "death: SIGCHLD code %d pid %d status %d", si.si_code, si.si_pid, si.si_status);
	waitpid(pid, &st, 0);

	fflush(NULL);
	pid = fork();
	if (pid == 0)
		_exit(7);
	memset(&si, 0, sizeof(si));
	UT_CHECK(sigtimedwait(&set, &si, &ts) == SIGCHLD && si.si_code == CLD_EXITED &&
		 si.si_pid == pid && si.si_status == 7,
		 "exit: SIGCHLD code %d pid %d status %d", si.si_code, si.si_pid, si.si_status);
	waitpid(pid, &st, 0);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

#define NOCLDSTOP_EMU "the emulator's own SIGCHLD handler drops SA_NOCLDSTOP"

static void on_chld(int sig)
{
	(void)sig;
}

static void test_sa_nocldstop(void)
{
	struct sigaction sa, old_sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_chld;
	sa.sa_flags = SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, &old_sa);
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);
	struct timespec short_ts = { 0, 200000000 }, ts = { 2, 0 };
	siginfo_t si;
	int st;
	pid_t pid = start_pauser();
	kill(pid, SIGSTOP);
	UT_CHECK(wait_for(pid, &st, WUNTRACED, WAIT_MS) == pid, "stopped");
	UT_EXPECT_ERRNO_EMU(sigtimedwait(&set, &si, &short_ts), EAGAIN, NOCLDSTOP_EMU);
	kill(pid, SIGCONT);
	UT_CHECK(wait_for(pid, &st, WCONTINUED, WAIT_MS) == pid, "continued");
	UT_EXPECT_ERRNO_EMU(sigtimedwait(&set, &si, &short_ts), EAGAIN, NOCLDSTOP_EMU);
	kill(pid, SIGKILL);
	UT_CHECK(sigtimedwait(&set, &si, &ts) == SIGCHLD && si.si_code == CLD_KILLED,
		 "SA_NOCLDSTOP still reports the death (code %d)", si.si_code);
	waitpid(pid, &st, 0);
	sigprocmask(SIG_SETMASK, &old, NULL);
	sigaction(SIGCHLD, &old_sa, NULL);
}

static void test_waitid(void)
{
	siginfo_t si;
	pid_t pid = start_pauser();
	memset(&si, 0xff, sizeof(si));
	UT_CHECK(waitid(P_PID, pid, &si, WEXITED | WSTOPPED | WNOHANG) == 0 && si.si_pid == 0,
		 "WNOHANG with nothing to report: 0, si_pid %d", si.si_pid);
	UT_EXPECT_ERRNO(waitid(P_PID, pid, &si, WNOHANG), EINVAL);
	UT_EXPECT_ERRNO(waitid(P_PID, 0, &si, WEXITED), EINVAL);
	kill(pid, SIGSTOP);
	memset(&si, 0, sizeof(si));
	UT_CHECK(waitid(P_PID, pid, &si, WSTOPPED | WNOWAIT) == 0 && si.si_code == CLD_STOPPED &&
		 si.si_status == SIGSTOP && si.si_pid == pid && si.si_signo == SIGCHLD,
		 "WSTOPPED|WNOWAIT: code %d status %d", si.si_code, si.si_status);
	memset(&si, 0, sizeof(si));
	UT_CHECK(waitid(P_PID, pid, &si, WSTOPPED) == 0 && si.si_code == CLD_STOPPED,
		 "WNOWAIT left it waitable (code %d)", si.si_code);
	memset(&si, 0, sizeof(si));
	UT_CHECK(waitid(P_PID, pid, &si, WSTOPPED | WNOHANG) == 0 && si.si_pid == 0,
		 "then consumed (pid %d)", si.si_pid);
	kill(pid, SIGCONT);
	memset(&si, 0, sizeof(si));
	UT_CHECK(waitid(P_PID, pid, &si, WCONTINUED) == 0 && si.si_code == CLD_CONTINUED &&
		 si.si_status == SIGCONT, "WCONTINUED: code %d status %d", si.si_code, si.si_status);
	kill(pid, SIGTERM);
	memset(&si, 0, sizeof(si));
	UT_CHECK(waitid(P_ALL, 0, &si, WEXITED | WNOWAIT) == 0 && si.si_code == CLD_KILLED &&
		 si.si_status == SIGTERM && si.si_pid == pid,
		 "WEXITED|WNOWAIT: code %d status %d", si.si_code, si.si_status);
	int st;
	UT_CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st), "still reapable");
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		_exit(3);
	memset(&si, 0, sizeof(si));
	UT_CHECK(waitid(P_PGID, 0, &si, WEXITED) == 0 && si.si_code == CLD_EXITED &&
		 si.si_status == 3 && si.si_pid == pid, "P_PGID 0: code %d status %d",
		 si.si_code, si.si_status);
}

/* ---- process groups and sessions ---------------------------------- */

static pid_t fork_waiting(int *go)
{
	int p[2];
	if (pipe(p) < 0)
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[1]);
		char c;
		_exit(read(p[0], &c, 1) == 1 ? 0 : 1);
	}
	close(p[0]);
	*go = p[1];
	return pid;
}

static void release(pid_t pid, int go)
{
	int st;
	close(go);
	waitpid(pid, &st, 0);
}

static void test_setpgid_errors(void)
{
	int go;
	UT_EXPECT_ERRNO(setpgid(0, -1), EINVAL);
	UT_EXPECT_ERRNO(setpgid(1, 1), ESRCH);	/* init: not our child */
	UT_EXPECT_ERRNO(getpgid(999999), ESRCH);
	UT_EXPECT_ERRNO(getsid(999999), ESRCH);

	pid_t pid = fork_waiting(&go);
	UT_CHECK(setpgid(pid, pid) == 0 && getpgid(pid) == pid, "setpgid of a child: %s",
		 strerror(errno));
	UT_CHECK(setpgid(pid, getpgrp()) == 0 && getpgid(pid) == getpgrp(),
		 "and back into our group");
	release(pid, go);
	/* pid is gone, and so is any group of that id. */
	pid_t other = fork_waiting(&go);
	UT_EXPECT_ERRNO(setpgid(other, pid), EPERM);
	release(other, go);

	/* A child in a session of its own. */
	int p[2], q[2];
	if (pipe(p) < 0 || pipe(q) < 0)
		return;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		close(q[1]);
		int rc = setsid() == getpid() && getsid(0) == getpid() && getpgrp() == getpid();
		int leader_err = setpgid(0, 0) < 0 && errno == EPERM;
		int again = setsid() < 0 && errno == EPERM;
		char c = (char)(rc | leader_err << 1 | again << 2);
		if (write(p[1], &c, 1) != 1 || read(q[0], &c, 1) != 1)
			_exit(1);
		_exit(0);
	}
	char c = 0;
	UT_CHECK(read(p[0], &c, 1) == 1, "session child");
	UT_CHECK(c & 1, "setsid makes a session and group of its own");
	UT_CHECK(c & 2, "a session leader's setpgid is EPERM");
	UT_CHECK(c & 4, "a group leader's setsid is EPERM");
	UT_EXPECT_ERRNO(setpgid(pid, pid), EPERM);	/* another session */
	close(q[1]);
	int st;
	waitpid(pid, &st, 0);
	close(p[0]); close(p[1]); close(q[0]);

	/* A child that has exec'd. */
	if (pipe(p) < 0)
		return;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		char *argv[] = { self, "--pause", NULL };
		close(p[0]);
		fcntl(p[1], F_SETFD, FD_CLOEXEC);
		mos_execve(self, argv, environ);
		_exit(127);
	}
	close(p[1]);
	UT_CHECK(read(p[0], &c, 1) == 0, "the child exec'd");	/* close-on-exec: EOF */
	ut_sleep_ms(SETTLE_MS);	/* under qemu-i386 the exec'd image starts later */
	UT_EXPECT_ERRNO(setpgid(pid, pid), EACCES);
	close(p[0]);
	reap(pid);
}

/* ---- the terminal --------------------------------------------------- */

typedef struct terminal {
	char path[64];	/* what the session leader opens */
	int typer;	/* where the parent types */
	int pty_master;	/* Linux only */
} terminal_t;

static int open_terminal(terminal_t *t)
{
	t->pty_master = -1;
	if (ut_is_mos()) {
		strcpy(t->path, MOS_TERMINAL);
		t->typer = open(t->path, O_RDWR | O_NOCTTY);
		return t->typer;
	}
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0 || !ptsname(m))
		return -1;
	snprintf(t->path, sizeof(t->path), "%s", ptsname(m));
	t->typer = t->pty_master = m;
	return m;
}

static void type_char(terminal_t *t, char c)
{
	if (t->pty_master >= 0)
		UT_CHECK(write(t->pty_master, &c, 1) == 1, "write to the pty master");
	else
		UT_CHECK(ioctl(t->typer, TIOCSTI, &c) == 0, "TIOCSTI: %s", strerror(errno));
}

enum bg_action { BG_READ, BG_READ_IGNORED, BG_TCSETPGRP, FG_READ };

/* In the session leader: a child in a group of its own does `what` on
 * the terminal; the leader reports in its exit code what happened:
 * 10 stopped by the expected signal, 11 read failed with EIO, 12 the
 * child read what was typed ... */
static void leader(const terminal_t *t, enum bg_action what, int ready)
{
	if (setsid() < 0)
		_exit(2);
	int fd = open(t->path, O_RDWR);
	if (fd < 0 || ioctl(fd, TIOCSCTTY, 0) < 0)
		_exit(3);
	signal(SIGTTOU, SIG_IGN);
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		if (what == BG_READ_IGNORED)
			signal(SIGTTIN, SIG_IGN);
		if (what == BG_TCSETPGRP)
			signal(SIGTTOU, SIG_DFL);
		if (what == FG_READ)
			tcsetpgrp(fd, getpid());
		char buf[16];
		if (what == BG_TCSETPGRP) {
			tcsetpgrp(fd, getpid());
			_exit(4);
		}
		ssize_t n = read(fd, buf, sizeof(buf));
		_exit(n < 0 && errno == EIO ? 11 : 5);
	}
	setpgid(pid, pid);
	if (what == FG_READ)
		tcsetpgrp(fd, pid);
	char c = 'R';
	if (write(ready, &c, 1) != 1)
		_exit(6);
	int st;
	if (waitpid(pid, &st, WUNTRACED) != pid)
		_exit(7);
	int want = what == BG_TCSETPGRP ? SIGTTOU : what == FG_READ ? SIGTSTP : SIGTTIN;
	if (WIFSTOPPED(st) && WSTOPSIG(st) == want) {
		tcsetpgrp(fd, getpgrp());
		kill(pid, SIGKILL);
		_exit(10);
	}
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 8);
}

static int run_leader(terminal_t *t, enum bg_action what)
{
	int p[2];
	if (pipe(p) < 0)
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		leader(t, what, p[1]);
	}
	close(p[1]);
	char c;
	UT_CHECK(read(p[0], &c, 1) == 1, "the session leader got ready");
	close(p[0]);
	if (what == FG_READ) {
		ut_sleep_ms(SETTLE_MS);	/* the reader blocks */
		type_char(t, CTRL_Z);
	}
	int st = -1;
	if (ut_wait(pid, &st, WAIT_MS * 2) < 0)
		return -1;
	return st;
}

static void test_terminal(void)
{
	terminal_t t;
	if (open_terminal(&t) < 0) {
		UT_NOTE("no terminal to test on (%s): skipped", strerror(errno));
		return;
	}
	int st = run_leader(&t, BG_READ);
	UT_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 10,
		 "a background reader is stopped by SIGTTIN: leader %s", ut_status_str(st));
	st = run_leader(&t, BG_READ_IGNORED);
	UT_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 11,
		 "a background reader ignoring SIGTTIN gets EIO: leader %s", ut_status_str(st));
	st = run_leader(&t, BG_TCSETPGRP);
	UT_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 10,
		 "tcsetpgrp from the background is stopped by SIGTTOU: leader %s",
		 ut_status_str(st));
	st = run_leader(&t, FG_READ);
	UT_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 10,
		 "^Z stops the foreground reader with SIGTSTP: leader %s", ut_status_str(st));
	close(t.typer);
}

/* Types a line; one check for all of it. */
static void type_line(terminal_t *t, const char *s)
{
	int ok = 1;
	for (; *s; s++)
		ok &= t->pty_master >= 0 ? write(t->pty_master, s, 1) == 1
			: ioctl(t->typer, TIOCSTI, s) == 0;
	UT_CHECK(ok, "typing a line: %s", strerror(errno));
}

/* Reads a whole small file into buf ("" if it cannot). */
static void slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, size - 1) : -1;
	buf[n > 0 ? n : 0] = 0;
	if (fd >= 0)
		close(fd);
}

/* The shell on a terminal: ^Z stops `sleep 2`, jobs shows it stopped,
 * bg runs it on, jobs shows it running, wait returns once it is done. */
static void test_shell_job_control(void)
{
	terminal_t t;
	char dir[200], sh[4096], j1[256], j2[256], done[256], buf[1024];
	if (open_terminal(&t) < 0)
		return;
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s", tmp && *tmp ? tmp : "/tmp");
	snprintf(j1, sizeof(j1), "%s/jc_j1.%d", dir, getpid());
	snprintf(j2, sizeof(j2), "%s/jc_j2.%d", dir, getpid());
	snprintf(done, sizeof(done), "%s/jc_done.%d", dir, getpid());
	snprintf(sh, sizeof(sh), "%s", self);
	char *slash = strrchr(sh, '/');
	snprintf(slash ? slash + 1 : sh, sizeof(sh) - (size_t)(slash ? slash + 1 - sh : 0),
		 "../bin/sh");
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		if (setsid() < 0)
			_exit(2);
		int fd = open(t.path, O_RDWR);
		if (fd < 0 || ioctl(fd, TIOCSCTTY, 0) < 0)
			_exit(3);
		dup2(fd, 0); dup2(fd, 1); dup2(fd, 2);
		char *argv[] = { "sh", NULL };
		mos_execve(sh, argv, environ);
		_exit(127);
	}
	ut_sleep_ms(500);	/* the shell starts and prompts */
	type_line(&t, "sleep 2\n");
	ut_sleep_ms(500);
	type_char(&t, CTRL_Z);
	ut_sleep_ms(300);
	snprintf(buf, sizeof(buf), "jobs 2>%s\nbg\njobs 2>%s\nwait\necho $? >%s\nexit\n",
		 j1, j2, done);
	type_line(&t, buf);
	int st = 0;
	pid_t r = 0;
	if (t.pty_master >= 0) {	/* drain what the shell writes */
		long long end = ut_now_ms() + WAIT_MS;
		fcntl(t.pty_master, F_SETFL, O_NONBLOCK);
		while ((r = waitpid(pid, &st, WNOHANG)) == 0 && ut_now_ms() < end) {
			while (read(t.pty_master, buf, sizeof(buf)) > 0)
				;
			ut_sleep_ms(20);
		}
	}
	if (r == 0)
		r = ut_wait(pid, &st, WAIT_MS);
	UT_CHECK(r == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		 "the shell on a terminal: %s", ut_status_str(st));
	slurp(j1, buf, sizeof(buf));
	UT_CHECK(strstr(buf, "Stopped") && strstr(buf, "sleep 2"),
		 "^Z stopped the job: jobs said \"%s\"", buf);
	slurp(j2, buf, sizeof(buf));
	UT_CHECK(strstr(buf, "Running") && strstr(buf, "sleep 2"),
		 "bg ran it on: jobs said \"%s\"", buf);
	slurp(done, buf, sizeof(buf));
	UT_CHECK(strcmp(buf, "0\n") == 0, "wait returned its status 0: \"%s\"", buf);
	unlink(j1);
	unlink(j2);
	unlink(done);
	close(t.typer);
}

/* tcsetpgrp on a terminal that is not ours, and to a group that is not
 * in our session. */
static void test_tcsetpgrp_errors(void)
{
	terminal_t t;
	if (open_terminal(&t) < 0)
		return;
	int fd = open(t.path, O_RDWR | O_NOCTTY);
	if (fd >= 0) {
		UT_EXPECT_ERRNO(tcsetpgrp(fd, getpgrp()), ENOTTY);
		close(fd);
	}
	close(t.typer);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--pause") == 0) {
		for (;;)
			pause();
	}
	if (!realpath(argv[0], self))
		snprintf(self, sizeof(self), "%s", argv[0]);
	test_sigstop_sigcont_status();
	test_sigtstp_default_stops();
	test_sigkill_stopped();
	test_caught_tstp_and_cont_handler();
	test_cont_discards_pending_stop();
	test_stop_all_threads();
	test_sigchld_codes();
	test_sa_nocldstop();
	test_waitid();
	test_setpgid_errors();
	test_terminal();
	test_tcsetpgrp_errors();
	test_shell_job_control();
	return ut_done("t_jobctl");
}
