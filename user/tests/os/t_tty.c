/*
 * t_tty: ^C typed on a terminal ends the foreground job.
 *
 * A child makes itself a session leader with the terminal as its
 * controlling tty and its own process group in the foreground, then
 * blocks reading a line.  The parent types ^C: the line discipline turns
 * it into SIGINT for the foreground group.  By default that kills the
 * reader; with a handler installed (no SA_RESTART) the read fails with
 * EINTR instead; a process in another group is not touched.
 *
 * The terminal: on M-OS the second virtual terminal /dev/tty1, typed on
 * with TIOCSTI (M-OS has no pseudo-terminals); on Linux a pseudo-terminal
 * pair, typed on by writing to the master (TIOCSTI is often disabled).
 */
#include "utest.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#define MOS_TERMINAL "/dev/tty1"
#define CTRL_C '\003'
#define WAIT_MS 10000

typedef struct terminal {
	char path[64];	/* what the child opens */
	int typer;	/* where the parent types */
	int pty_master;	/* Linux only, -1 on M-OS */
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
		UT_CHECK(write(t->pty_master, &c, 1) == 1, "write to the pty master: %s",
			 strerror(errno));
	else
		UT_CHECK(ioctl(t->typer, TIOCSTI, &c) == 0, "TIOCSTI: %s", strerror(errno));
}

static volatile sig_atomic_t got_sigint;

static void on_sigint(int sig)
{
	got_sigint = sig;
}

/* The child: session leader, terminal in the foreground, then a read
 * that only a signal ends.  Tells the parent it is ready through `ready`;
 * exits 10 if the read failed with EINTR after the handler ran. */
static void reader(const terminal_t *t, int ready, int with_handler)
{
	if (setsid() < 0)
		_exit(2);
	int fd = open(t->path, O_RDWR);
	if (fd < 0)
		_exit(3);
	if (ioctl(fd, TIOCSCTTY, 0) < 0)
		_exit(4);
	if (tcsetpgrp(fd, getpid()) < 0)
		_exit(5);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	/* With a handler, no SA_RESTART: the read must fail.  Without, the
	 * default action, whatever the parent had installed. */
	sa.sa_handler = with_handler ? on_sigint : SIG_DFL;
	sigaction(SIGINT, &sa, NULL);
	char c = 'R';
	if (write(ready, &c, 1) != 1)
		_exit(6);
	char buf[64];
	ssize_t n = read(fd, buf, sizeof(buf));
	if (n < 0 && errno == EINTR && got_sigint == SIGINT)
		_exit(10);
	_exit(7);
}

/* Starts a reader, types ^C, returns its wait status (-1: it hung). */
static int run_reader(terminal_t *t, int with_handler)
{
	int p[2];
	if (pipe(p) < 0)
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		reader(t, p[1], with_handler);
	}
	close(p[1]);
	char c = 0;
	ssize_t n = read(p[0], &c, 1);
	close(p[0]);
	UT_CHECK(n == 1 && c == 'R', "the reader did not get ready (child %s)",
		 n == 0 ? "exited early" : "failed");
	ut_sleep_ms(100);	/* let it block in read() */
	type_char(t, CTRL_C);
	int status = -1;
	if (ut_wait(pid, &status, WAIT_MS) < 0)
		return -1;
	return status;
}

static void test_ctrl_c_kills_the_foreground_job(terminal_t *t)
{
	int status = run_reader(t, 0);
	UT_CHECK_SIGNALED(status, SIGINT, "^C on a blocked reader");
}

static void test_ctrl_c_interrupts_a_handler_read(terminal_t *t)
{
	int status = run_reader(t, 1);
	UT_CHECK_EXITED(status, 10, "^C with a SIGINT handler: read fails with EINTR");
}

/* We are not in the terminal's foreground group: ^C must leave us be. */
static void test_background_untouched(terminal_t *t)
{
	got_sigint = 0;
	signal(SIGINT, on_sigint);
	int status = run_reader(t, 0);
	UT_CHECK_SIGNALED(status, SIGINT, "^C again");
	ut_sleep_ms(50);
	UT_CHECK(got_sigint == 0, "a process outside the foreground group got SIGINT");
	signal(SIGINT, SIG_DFL);
}

int main(void)
{
	terminal_t t;
	if (open_terminal(&t) < 0) {
		UT_NOTE("no terminal to test on (%s): skipped", strerror(errno));
		return ut_done("t_tty");
	}
	test_ctrl_c_kills_the_foreground_job(&t);
	test_ctrl_c_interrupts_a_handler_read(&t);
	test_background_untouched(&t);
	close(t.typer);
	return ut_done("t_tty");
}
