/*
 * Running the command tree.
 *
 * exec_list runs items in order; an item ending in '&' runs in a forked
 * subshell and becomes a job.  and-or lists run their pipelines while
 * && and || allow.  A pipeline forks one child per command joined by
 * pipes; a lone simple command runs a builtin in the shell itself (with
 * its redirections undone afterwards) or forks and execs a program found
 * through PATH.
 *
 * Programs are started with mos_execve (mos/exec.h): execve, except
 * where i386 programs must go through qemu-i386 (host tests).
 *
 * "nofork" means the caller is already a child that will exit when this
 * returns, so the last command may replace it with execve instead of
 * forking again (a pipeline's elements, background jobs, subshells).
 *
 * Job control (sh.jobctl, interactive shells whose terminal accepts
 * tcsetpgrp): every pipeline gets its own process group, set by both
 * parent and child to close the race, and a foreground one the terminal
 * while it runs, so ^C and ^Z reach the job and not the shell; the shell
 * takes the terminal back when the job is done or stopped (jobs.c).
 * Background jobs get their own group but not the terminal.  Children
 * get the default actions of SIGTSTP, SIGTTIN and SIGTTOU back (the
 * shell ignores them).  Without job control the children stay in the
 * shell's group; the interactive shell ignores SIGINT, so ^C still ends
 * only the job, and background jobs ignore it; the stop signals stay
 * ignored there, since nothing could resume a stopped job.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mos/exec.h"
#include "sh.h"
#include "ulib.h"

#define FILE_MODE    0666	/* for files created by > and >> (less umask) */
#define SAVED_FD_MIN 10		/* the shell keeps its saved fds above this */

struct saved_fd {
	int fd;
	int saved;		/* copy of the old fd, or -1 if it was closed */
	struct saved_fd *next;
};

/* ---- processes ----------------------------------------------------- */

pid_t sh_fork(void)
{
	fflush(stdout);
	fflush(stderr);
	return ul_fork();
}

void sh_become_child(void)
{
	sh.jobctl = 0;
	sh.interactive = 0;
}

/*
 * In a freshly forked child of a foreground (fg) or background job whose
 * group is pgid (0: this child starts it).
 */
static void child_setup(pid_t pgid, int fg)
{
	if (sh.jobctl) {
		setpgid(0, pgid);
		if (fg)
			tcsetpgrp(sh.tty, getpgid(0));
		signal(SIGTSTP, SIG_DFL);
		signal(SIGTTIN, SIG_DFL);
		signal(SIGTTOU, SIG_DFL);
	}
	if (sh.interactive || (!fg && !sh.jobctl)) {
		/* Jobs without a group of their own must not die of ^C. */
		void (*handler)(int) = (!fg && !sh.jobctl) ? SIG_IGN : SIG_DFL;

		signal(SIGINT, handler);
		signal(SIGQUIT, handler);
	}
	sh_become_child();
}

/* In the parent, the same as child_setup did (whichever runs first). */
static void parent_setup(pid_t pid, pid_t pgid, int fg)
{
	if (!sh.jobctl)
		return;
	setpgid(pid, pgid ? pgid : pid);
	if (fg)
		tcsetpgrp(sh.tty, pgid ? pgid : pid);
}

int sh_wait_status(int st, int report)
{
	int sig;

	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (!WIFSIGNALED(st))
		return SH_STATUS_SIGNAL;
	sig = WTERMSIG(st);
	if (report && sig == SIGINT && sh.interactive)
		fputc('\n', stderr);
	else if (report && sig != SIGINT && sig != SIGPIPE)
		fprintf(stderr, "%s%s\n", strsignal(sig), WCOREDUMP(st) ? " (core dumped)" : "");
	return SH_STATUS_SIGNAL + sig;
}

static int wait_one(pid_t pid, int report)
{
	int st;

	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return SH_STATUS_NOT_FOUND;
	}
	return sh_wait_status(st, report);
}

int sh_waitpid(pid_t pid)
{
	return wait_one(pid, 1);
}

/*
 * Wait for a foreground job's processes (jobs.c).  The status, and any
 * report of a death by signal, is the last one's (^C kills them all: one
 * newline); a stopped job is put aside.
 */
static int wait_fg(const pid_t *pids, int n)
{
	return jobs_wait_fg(pids, n);
}

/* ---- redirections --------------------------------------------------- */

static int save_fd(int fd, struct saved_fd **saved)
{
	struct saved_fd *s = sh_alloc(sizeof *s);

	s->fd = fd;
	s->saved = fcntl(fd, F_DUPFD, SAVED_FD_MIN);
	if (s->saved >= 0)
		fcntl(s->saved, F_SETFD, FD_CLOEXEC);
	else if (errno != EBADF)
		return -1;
	s->next = *saved;
	*saved = s;
	return 0;
}

static int dup_redir(struct redir *r, const char *target)
{
	char *end;
	long from;

	if (strcmp(target, "-") == 0) {
		close(r->fd);
		return 0;
	}
	from = strtol(target, &end, 10);
	if (*target == '\0' || *end != '\0' || from < 0) {
		ul_warn("%s: bad file descriptor", target);
		return -1;
	}
	if (from != r->fd && dup2((int)from, r->fd) < 0) {
		ul_warnerr("%s", target);
		return -1;
	}
	return 0;
}

static int open_redir(struct redir *r, const char *target)
{
	int flags, fd;

	switch (r->type) {
	case R_IN:     flags = O_RDONLY; break;
	case R_APPEND: flags = O_WRONLY | O_CREAT | O_APPEND; break;
	default:       flags = O_WRONLY | O_CREAT | O_TRUNC; break;
	}
	fd = open(target, flags, FILE_MODE);
	if (fd < 0) {
		ul_warnerr("%s", target);
		return -1;
	}
	if (fd != r->fd) {
		if (dup2(fd, r->fd) < 0) {
			ul_warnerr("%s", target);
			close(fd);
			return -1;
		}
		close(fd);
	}
	return 0;
}

int apply_redirs(struct redir *r, struct saved_fd **saved)
{
	for (; r; r = r->next) {
		const char *target = expand_word(r->word);

		if (saved && save_fd(r->fd, saved) < 0) {
			ul_warnerr("%d", r->fd);
			return -1;
		}
		if (r->type == R_DUP_IN || r->type == R_DUP_OUT) {
			if (dup_redir(r, target) < 0)
				return -1;
		} else if (open_redir(r, target) < 0) {
			return -1;
		}
	}
	return 0;
}

void restore_fds(struct saved_fd *s)
{
	for (; s; s = s->next) {
		if (s->saved >= 0) {
			dup2(s->saved, s->fd);
			close(s->saved);
		} else {
			close(s->fd);
		}
	}
}

/* ---- programs ------------------------------------------------------- */

static void __attribute__((noreturn)) exec_error(const char *name, int err)
{
	if (err == ENOENT && !strchr(name, '/')) {
		ul_warn("%s: command not found", name);
		exit(SH_STATUS_NOT_FOUND);
	}
	errno = err;
	ul_warnerr("%s", name);
	exit(err == ENOENT ? SH_STATUS_NOT_FOUND : SH_STATUS_NOT_EXEC);
}

/* A file the kernel would not run: a script without #!; run it here. */
static void __attribute__((noreturn))
exec_script(const char *path, char **argv, char **envp)
{
	vars_init(envp);
	argv[0] = (char *)path;
	exit(sh_run_file(path, argv));
}

static void try_exec(const char *path, char **argv, char **envp)
{
	mos_execve(path, argv, envp);
	if (errno == ENOEXEC)
		exec_script(path, argv, envp);
}

void exec_external(char **argv, char **envp)
{
	const char *path = var_get("PATH");
	const char *p, *colon;
	int err = ENOENT;
	char *full;
	size_t dirlen;

	if (strchr(argv[0], '/')) {
		try_exec(argv[0], argv, envp);
		exec_error(argv[0], errno);
	}
	if (!path)
		path = SH_DEFAULT_PATH;
	for (p = path; ; p = colon + 1) {
		colon = strchr(p, ':');
		dirlen = colon ? (size_t)(colon - p) : strlen(p);
		full = sh_alloc(dirlen + strlen(argv[0]) + 2);
		if (dirlen == 0)
			strcpy(full, argv[0]);	/* an empty entry is "." */
		else
			sprintf(full, "%.*s/%s", (int)dirlen, p, argv[0]);
		try_exec(full, argv, envp);
		if (errno == EACCES)
			err = EACCES;
		else if (errno != ENOENT && errno != ENOTDIR)
			exec_error(full, errno);
		if (!colon)
			break;
	}
	exec_error(argv[0], err);
}

/* ---- simple commands, subshells, pipelines -------------------------- */

static int run_builtin(builtin_fn fn, struct strvec *argv, struct command *cmd, int nofork)
{
	struct saved_fd *saved = NULL;
	int status;

	if (builtin_is_exec(fn) && argv->n == 1)
		return apply_redirs(cmd->redirs, NULL) < 0;	/* exec >file */
	if (apply_redirs(cmd->redirs, nofork ? NULL : &saved) < 0) {
		restore_fds(saved);
		return 1;
	}
	status = fn((int)argv->n, argv->v);
	fflush(stdout);
	fflush(stderr);
	restore_fds(saved);
	return status;
}

static void set_assignments(char **assigns)
{
	char **a;

	for (a = assigns; a && *a; a++) {
		char *eq = strchr(*a, '=');

		*eq = '\0';
		var_set(*a, eq + 1, 0);
		*eq = '=';
	}
}

/* Assignments alone: set shell variables; redirections still happen. */
static int run_assignments(char **assigns, struct command *cmd)
{
	struct saved_fd *saved = NULL;
	int status = 0;

	set_assignments(assigns);
	if (cmd->redirs) {
		status = apply_redirs(cmd->redirs, &saved) < 0;
		restore_fds(saved);
	}
	return status;
}

static int run_subshell(struct command *cmd, int nofork)
{
	pid_t pid;

	if (!nofork) {
		pid = sh_fork();
		if (pid < 0) {
			ul_warnerr("fork");
			return 1;
		}
		if (pid > 0) {
			parent_setup(pid, 0, 1);
			return wait_fg(&pid, 1);
		}
		child_setup(0, 1);
	}
	if (apply_redirs(cmd->redirs, NULL) < 0)
		exit(1);
	exit(exec_list(cmd->subshell));
}

static int run_simple(struct command *cmd, int nofork)
{
	struct strvec argv = { NULL, 0, 0 }, assigns = { NULL, 0, 0 };
	char **w = cmd->words;
	builtin_fn fn;
	char **envp;
	pid_t pid;

	if (cmd->subshell)
		return run_subshell(cmd, nofork);
	for (; *w && is_assignment(*w); w++) {
		char *eq = strchr(*w, '=');
		char *name = sh_strndup(*w, (size_t)(eq - *w));
		char *value = expand_word(eq + 1);
		char *a = sh_alloc(strlen(name) + strlen(value) + 2);

		sprintf(a, "%s=%s", name, value);
		strvec_push(&assigns, a);
	}
	expand_words(w, &argv);
	if (argv.n == 0)
		return run_assignments(assigns.v, cmd);
	fn = builtin_lookup(argv.v[0]);
	if (fn) {
		set_assignments(assigns.v);	/* kept, as for special builtins */
		return run_builtin(fn, &argv, cmd, nofork);
	}
	envp = vars_environ(assigns.v);
	if (nofork) {
		if (apply_redirs(cmd->redirs, NULL) < 0)
			exit(1);
		exec_external(argv.v, envp);
	}
	pid = sh_fork();
	if (pid < 0) {
		ul_warnerr("fork");
		return 1;
	}
	if (pid == 0) {
		child_setup(0, 1);
		if (apply_redirs(cmd->redirs, NULL) < 0)
			exit(1);
		exec_external(argv.v, envp);
	}
	parent_setup(pid, 0, 1);
	return wait_fg(&pid, 1);
}

/* In the child for element i of n: stdin from in_fd, stdout to out_fd. */
static void pipe_child(struct command *cmd, pid_t pgid, int in_fd, int out_fd, int other_fd)
{
	child_setup(pgid, 1);
	if (other_fd >= 0)
		close(other_fd);
	if (in_fd >= 0) {
		dup2(in_fd, STDIN_FILENO);
		close(in_fd);
	}
	if (out_fd >= 0) {
		dup2(out_fd, STDOUT_FILENO);
		close(out_fd);
	}
	exit(run_simple(cmd, 1));
}

static int run_pipe(struct pipeline *pl)
{
	pid_t *pids = sh_alloc((size_t)pl->ncmds * sizeof *pids), pgid = 0;
	int i, n = 0, in_fd = -1, fds[2];

	for (i = 0; i < pl->ncmds; i++) {
		int last = i == pl->ncmds - 1;

		fds[0] = fds[1] = -1;
		if (!last && pipe(fds) < 0) {
			ul_warnerr("pipe");
			break;
		}
		pids[n] = sh_fork();
		if (pids[n] < 0) {
			ul_warnerr("fork");
			close(fds[0]);
			close(fds[1]);
			break;
		}
		if (pids[n] == 0)
			pipe_child(pl->cmds[i], pgid, in_fd, fds[1], fds[0]);
		parent_setup(pids[n], pgid, 1);
		if (pgid == 0)
			pgid = pids[n];
		n++;
		if (in_fd >= 0)
			close(in_fd);
		if (fds[1] >= 0)
			close(fds[1]);
		in_fd = fds[0];
	}
	if (in_fd >= 0)
		close(in_fd);
	if (n < pl->ncmds) {
		wait_fg(pids, n);
		return 1;
	}
	return wait_fg(pids, n);
}

static int run_pipeline(struct pipeline *pl, int nofork)
{
	int status;

	if (pl->ncmds == 1)
		status = run_simple(pl->cmds[0], nofork && !pl->negate);
	else
		status = run_pipe(pl);
	return pl->negate ? !status : status;
}

static int run_andor(struct andor *ao, int nofork)
{
	int status = 0;

	for (; ao && !sh.exiting; ao = ao->next) {
		if ((ao->op == AO_AND && status != 0) || (ao->op == AO_OR && status == 0))
			continue;
		status = run_pipeline(ao->pipeline, nofork && !ao->next);
		sh.status = status;
	}
	return status;
}

static int run_background(struct list_item *item)
{
	pid_t pid = sh_fork();
	int fd;

	if (pid < 0) {
		ul_warnerr("fork");
		return 1;
	}
	if (pid == 0) {
		int jobctl = sh.jobctl;

		child_setup(0, 0);
		if (!jobctl && (fd = open("/dev/null", O_RDONLY)) >= 0) {
			dup2(fd, STDIN_FILENO);
			if (fd != STDIN_FILENO)
				close(fd);
		}
		exit(run_andor(item->andor, 1));
	}
	parent_setup(pid, 0, 0);
	sh.last_bg = pid;
	jobs_add(pid, item->text);
	if (sh.interactive)
		fprintf(stderr, "[%d]\n", (int)pid);
	return 0;
}

int exec_list(struct list_item *item)
{
	for (; item && !sh.exiting; item = item->next) {
		if (item->background)
			sh.status = run_background(item);
		else {
			sh.cur_text = item->text;
			sh.status = run_andor(item->andor, 0);
		}
	}
	return sh.status;
}
