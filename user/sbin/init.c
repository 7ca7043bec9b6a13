/*
 * init: the first user process (pid 1), started by the kernel with the
 * console open as file descriptors 0, 1 and 2.
 *
 * Normal mode (`init`): mount ramfs on /dev and /dev/shm unless they are
 * there already, and the message queues' file system on /dev/mqueue (as
 * Linux distributions do), then run a shell on every terminal that opens: the
 * serial console /dev/ttyS0 and the VGA terminals /dev/tty0.. (or the
 * ones listed in INIT_TTYS="/dev/ttyS0 /dev/tty1"); failing all of them,
 * on the console init was given.  The shell is /bin/sh, or INIT_SHELL.  Each shell is a session
 * leader with its terminal as controlling tty and as fds 0-2.  init then
 * waits forever: it reaps orphans that the kernel hands it and restarts
 * each shell that exits (after a pause if it keeps dying at once).
 *
 * Run-once mode (`init -t PROG [ARG...]`, or INIT_RUN="PROG ARG..." in
 * the environment): run PROG on the console, reap everything until PROG
 * ends, print "init: PROG exited with status N" (128+signal if killed),
 * and power off with reboot(RB_POWER_OFF).  The test runner uses it.
 *
 * Mounting and powering off happen only when init really is process 1,
 * so either mode can be tried safely on a Linux host (normal mode then
 * refuses to start).  Programs are started with mos_execve and mos_execvp
 * (mos/exec.h), so that they also run where i386 programs go through
 * qemu-i386.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mos/exec.h"
#include "ulib.h"

#define SHELL_PATH      "/bin/sh"
#define DEFAULT_PATH    "/bin:/sbin:/usr/bin"
#define SERIAL_TTY      "/dev/ttyS0"
#define MAX_VTS         16	/* /dev/tty0 .. tty15 are probed */
#define MAX_TERMS       (MAX_VTS + 2)
#define MAX_RUN_ARGS    64
#define QUICK_EXIT_SECS 2	/* a shell that dies sooner "failed" */
#define RETRY_SECS      1	/* pause before restarting a failed shell */
#define SLOW_RETRY_SECS 10	/* ... once it has failed this often: */
#define SLOW_RETRY_AFTER 5

struct term {
	char path[32];		/* "" for the inherited console */
	pid_t pid;		/* its shell, 0 if none */
	time_t started;
	int quick_exits;	/* in a row */
};

static struct term terms[MAX_TERMS];
static int nterms;
static const char *shell = SHELL_PATH;	/* or INIT_SHELL */

static int is_pid1(void)
{
	return getpid() == 1;
}

static void mount_ramfs(const char *dir)
{
	if (mount("ramfs", dir, "ramfs", 0, NULL) < 0)
		ul_warnerr("mount %s", dir);
}

/* The POSIX message queues on /dev/mqueue (EBUSY: there already). */
static void mount_mqueue(void)
{
	if (mkdir("/dev/mqueue", 01777) < 0 && errno != EEXIST)
		ul_warnerr("mkdir /dev/mqueue");
	else if (mount("mqueue", "/dev/mqueue", "mqueue", 0, NULL) < 0 && errno != EBUSY)
		ul_warnerr("mount /dev/mqueue");
}

/* /dev unless it already has devices; /dev/shm unless a mount point;
 * /dev/mqueue. */
static void mount_filesystems(void)
{
	struct stat dev, shm;

	if (access("/dev/null", F_OK) < 0)
		mount_ramfs("/dev");
	mount_mqueue();
	if (mkdir("/dev/shm", 01777) < 0 && errno != EEXIST) {
		ul_warnerr("mkdir /dev/shm");
		return;
	}
	if (stat("/dev", &dev) == 0 && stat("/dev/shm", &shm) == 0 &&
	    dev.st_dev == shm.st_dev)
		mount_ramfs("/dev/shm");
}

/*
 * The kernel starts us with the console as fds 0-2; should any be closed,
 * fill it from the first console device that opens, so that neither our
 * messages nor a run-once program's output get lost.
 */
static void ensure_console(void)
{
	static const char *const consoles[] = {
		SERIAL_TTY, "/dev/console", "/dev/tty0", "/dev/null",
	};
	size_t i;
	int fd = -1;

	for (i = 0; i < sizeof consoles / sizeof consoles[0] && fd < 0; i++)
		fd = open(consoles[i], O_RDWR | O_NOCTTY);
	while (fd >= 0 && fd <= STDERR_FILENO)	/* it filled a gap */
		fd = dup(fd);
	for (i = STDIN_FILENO; i <= STDERR_FILENO; i++)
		if (fcntl((int)i, F_GETFD) < 0 && fd >= 0)
			dup2(fd, (int)i);
	if (fd > STDERR_FILENO)
		close(fd);
}

static void pause_secs(int secs)
{
	struct timespec ts = { secs, 0 };

	while (ul_nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void default_env(void)
{
	setenv("PATH", DEFAULT_PATH, 0);
	setenv("HOME", "/", 0);
}

/* ---- normal mode: a shell per terminal ---------------------------- */

static void add_term(const char *path)
{
	snprintf(terms[nterms].path, sizeof terms[nterms].path, "%s", path);
	terms[nterms].pid = 0;
	terms[nterms].quick_exits = 0;
	nterms++;
}

static int tty_opens(const char *path)
{
	int fd = open(path, O_RDWR | O_NOCTTY);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static void find_terminals(void)
{
	char path[32], *list = getenv("INIT_TTYS"), *tty;
	int i;

	if (list) {
		list = strdup(list);
		for (tty = strtok(list, " \t"); tty && nterms < MAX_TERMS; tty = strtok(NULL, " \t"))
			if (tty_opens(tty))
				add_term(tty);
		unsetenv("INIT_TTYS");
		if (nterms > 0)
			return;
	}
	if (tty_opens(SERIAL_TTY))
		add_term(SERIAL_TTY);
	else if (tty_opens("/dev/console"))
		add_term("/dev/console");
	for (i = 0; i < MAX_VTS; i++) {
		snprintf(path, sizeof path, "/dev/tty%d", i);
		if (tty_opens(path))
			add_term(path);
	}
	if (nterms == 0)
		add_term("");
}

/* In the child: make t's tty our controlling terminal and fds 0-2. */
static void attach_terminal(const struct term *t)
{
	int fd;

	if (setsid() < 0)
		ul_warnerr("setsid");
	if (t->path[0] == '\0')
		return;		/* keep the inherited console */
	fd = open(t->path, O_RDWR);
	if (fd < 0)
		ul_dieerr(1, "%s", t->path);
	/*
	 * Linux made it our controlling tty on open; the ioctl asks again for
	 * kernels that only do it on request.  Its failure (EPERM, ENOTTY,
	 * ENOSYS) is harmless.
	 */
	(void)ioctl(fd, TIOCSCTTY, 0);
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
}

static void start_shell(struct term *t)
{
	char *sh_argv[] = { "-sh", NULL };	/* a login shell */
	pid_t pid;

	t->started = time(NULL);
	fflush(stdout);
	pid = ul_fork();
	if (pid < 0) {
		ul_warnerr("fork for %s", t->path[0] ? t->path : "console");
		t->pid = 0;
		return;
	}
	if (pid > 0) {
		t->pid = pid;
		return;
	}
	attach_terminal(t);
	tcsetpgrp(STDIN_FILENO, getpid());	/* may fail; sh copes */
	if (t->quick_exits > 0)
		pause_secs(t->quick_exits >= SLOW_RETRY_AFTER ? SLOW_RETRY_SECS : RETRY_SECS);
	printf("\nM-OS: shell on %s\n", t->path[0] ? t->path : "console");
	fflush(stdout);
	mos_execve(shell, sh_argv, environ);
	ul_dieerr(127, "%s", shell);
}

static struct term *term_of(pid_t pid)
{
	int i;

	for (i = 0; i < nterms; i++)
		if (terms[i].pid == pid)
			return &terms[i];
	return NULL;
}

static void supervise(void)
{
	struct term *t;
	pid_t pid;
	int i, st;

	for (i = 0; i < nterms; i++)
		start_shell(&terms[i]);
	for (;;) {
		pid = wait(&st);
		if (pid < 0) {
			if (errno != EINTR)
				pause_secs(RETRY_SECS);	/* ECHILD: forks failed */
			for (i = 0; i < nterms; i++)
				if (terms[i].pid == 0)
					start_shell(&terms[i]);
			continue;
		}
		t = term_of(pid);
		if (!t)
			continue;	/* an orphan, now reaped */
		if (time(NULL) - t->started < QUICK_EXIT_SECS)
			t->quick_exits++;
		else
			t->quick_exits = 0;
		start_shell(t);
	}
}

/* ---- run-once mode ------------------------------------------------- */

static int status_code(int st, const char *prog)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st)) {
		const char *name = ul_signame(WTERMSIG(st));

		printf("init: %s killed by signal %d (%s)\n", prog,
		       WTERMSIG(st), name ? name : "?");
		return 128 + WTERMSIG(st);
	}
	return 255;
}

static int run_once(char **argv)
{
	pid_t pid, child;
	int st, code;

	fflush(stdout);
	child = ul_fork();
	if (child < 0)
		ul_dieerr(1, "fork");
	if (child == 0) {
		mos_execvp(argv[0], argv);
		ul_warnerr("%s", argv[0]);
		_exit(errno == ENOENT ? 127 : 126);
	}
	do {
		pid = wait(&st);
	} while (pid != child && !(pid < 0 && errno == ECHILD));
	code = pid == child ? status_code(st, argv[0]) : 255;
	printf("init: %s exited with status %d\n", argv[0], code);
	fflush(stdout);
	return code;
}

static void power_off(int code)
{
	if (!is_pid1())
		exit(code);
	sync();
	reboot(RB_POWER_OFF);
	ul_warnerr("reboot");
	exit(code);		/* the kernel's halt_on_init_exit takes over */
}

/* INIT_RUN's words, split at spaces, as an argv. */
static char **split_run_var(char *s)
{
	static char *argv[MAX_RUN_ARGS + 1];
	int n = 0;
	char *word;

	for (word = strtok(s, " \t"); word && n < MAX_RUN_ARGS; word = strtok(NULL, " \t"))
		argv[n++] = word;
	argv[n] = NULL;
	return n > 0 ? argv : NULL;
}

int main(int argc, char **argv)
{
	char **run = NULL;
	char *var = getenv("INIT_RUN");

	ul_setprogname("init");
	if (is_pid1())
		ensure_console();
	if (argc >= 3 && strcmp(argv[1], "-t") == 0)
		run = argv + 2;
	else if (argc > 1)
		ul_die(1, "usage: init [-t PROG [ARG...]]");
	else if (var) {
		run = split_run_var(strdup(var));
		unsetenv("INIT_RUN");	/* not for the program's children */
	}

	umask(022);
	default_env();
	if (is_pid1()) {
		if (chdir("/") < 0)
			ul_warnerr("chdir /");
		mount_filesystems();
	}
	if (run)
		power_off(run_once(run));
	if (!is_pid1())
		ul_die(1, "not process 1 (use init -t PROG to run one program)");
	if (getenv("INIT_SHELL"))
		shell = strdup(getenv("INIT_SHELL"));
	unsetenv("INIT_SHELL");
	find_terminals();
	supervise();
	return 0;
}
