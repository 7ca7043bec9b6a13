/*
 * Running the command tree.
 *
 * exec_list runs items in order; an item ending in '&' runs in a forked
 * subshell and becomes a job.  and-or lists run their pipelines while
 * && and || allow.  A pipeline forks one child per command joined by
 * pipes; a lone simple command runs a function or a builtin in the shell
 * itself (with its redirections undone afterwards: redir.c) or forks and
 * execs a program found through PATH; compound commands other than
 * ( subshells ) run in the shell too (compound.c).  What an item
 * allocates in the arena is released once it has run, so loops do not
 * grow the arena.
 *
 * set -e: a pipeline that fails ends the shell, unless it is negated
 * with !, not the last of an and-or list, or (sh.noerrexit) part of one,
 * or of an if/while/until condition.  An expansion error (sh.xerror)
 * stops the command; a shell that is not interactive then exits with
 * status 2.  Trapped signals are acted on between commands (trap.c).
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mos/exec.h"
#include "sh.h"
#include "ulib.h"

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
	trap_reset_child();
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
	(void)envp;
	argv[0] = (char *)path;
	sh_exit(sh_run_file(path, argv));
}

static void try_exec(const char *path, char **argv, char **envp)
{
	mos_execve(path, argv, envp);
	if (errno == ENOEXEC)
		exec_script(path, argv, envp);
}

/* Each PATH directory/name in turn: fn(full) until it returns non-zero. */
static int path_walk(const char *name, int (*fn)(const char *full, void *arg), void *arg)
{
	const char *path = var_get("PATH"), *p, *colon;
	size_t dirlen;
	char *full;

	if (!path)
		path = SH_DEFAULT_PATH;
	for (p = path; ; p = colon + 1) {
		colon = strchr(p, ':');
		dirlen = colon ? (size_t)(colon - p) : strlen(p);
		full = sh_alloc(dirlen + strlen(name) + 2);
		if (dirlen == 0)
			strcpy(full, name);	/* an empty entry is "." */
		else
			sprintf(full, "%.*s/%s", (int)dirlen, p, name);
		if (fn(full, arg))
			return 1;
		if (!colon)
			return 0;
	}
}

struct exec_try {
	char **argv, **envp;
	int err;
};

static int exec_in(const char *full, void *arg)
{
	struct exec_try *t = arg;

	try_exec(full, t->argv, t->envp);
	if (errno == EACCES)
		t->err = EACCES;
	else if (errno != ENOENT && errno != ENOTDIR)
		exec_error(full, errno);
	return 0;
}

void exec_external(char **argv, char **envp)
{
	struct exec_try t = { argv, envp, ENOENT };

	if (strchr(argv[0], '/')) {
		try_exec(argv[0], argv, envp);
		exec_error(argv[0], errno);
	}
	path_walk(argv[0], exec_in, &t);
	exec_error(argv[0], t.err);
}

static int found_in(const char *full, void *arg)
{
	struct stat st;

	if (access(full, X_OK) != 0 || stat(full, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	*(char **)arg = sh_xstrdup(full);
	return 1;
}

char *exec_find_path(const char *name)
{
	char *found = NULL;

	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? sh_xstrdup(name) : NULL;
	path_walk(name, found_in, &found);
	return found;
}

/* ---- simple commands, subshells, pipelines -------------------------- */

/* Assignments as NAME=value strings, expanded; *rest: the words after. */
static char **expand_assignments(char **w, char ***rest)
{
	struct strvec assigns = { NULL, 0, 0 };

	for (; *w && is_assignment(*w); w++) {
		char *eq = strchr(*w, '=');
		char *name = sh_strndup(*w, (size_t)(eq - *w));
		char *value = expand_word(eq + 1);
		char *a = sh_alloc(strlen(name) + strlen(value) + 2);

		sprintf(a, "%s=%s", name, value);
		strvec_push(&assigns, a);
	}
	*rest = w;
	return assigns.v;
}

/* Set the assignments; with saved, remember the old values first. */
static int set_assignments(char **assigns, struct strvec *saved)
{
	char **a;
	int status = 0;

	for (a = assigns; a && *a; a++) {
		char *eq = strchr(*a, '=');
		const char *old;

		*eq = '\0';
		if (saved) {
			old = var_get(*a);
			strvec_push(saved, sh_strdup(*a));
			strvec_push(saved, old ? sh_strdup(old) : NULL);
		}
		if (var_set(*a, eq + 1, 0) < 0)
			status = 1;
		*eq = '=';
	}
	return status;
}

static void restore_assignments(struct strvec *saved)
{
	size_t i;

	for (i = 0; i < saved->n; i += 2) {
		if (saved->v[i + 1])
			var_set(saved->v[i], saved->v[i + 1], 0);
		else
			var_unset(saved->v[i]);
	}
}

static void xtrace(char **assigns, struct strvec *argv)
{
	const char *ps4 = var_get("PS4");
	size_t i;

	fputs(ps4 ? ps4 : "+ ", stderr);
	for (i = 0; assigns && assigns[i]; i++)
		fprintf(stderr, "%s%s", i ? " " : "", assigns[i]);
	for (i = 0; i < argv->n; i++)
		fprintf(stderr, "%s%s", (i || (assigns && assigns[0])) ? " " : "", argv->v[i]);
	fputc('\n', stderr);
	fflush(stderr);
}

/* An expansion failed: the command does not run; a script ends. */
static int expansion_failed(void)
{
	sh.xerror = 0;
	if (!sh.interactive)
		sh.exiting = 1;
	sh.status = SH_STATUS_SYNTAX;
	return SH_STATUS_SYNTAX;
}

/* Functions and builtins run here, redirections undone after. */
static int run_in_shell(builtin_fn fn, struct strvec *argv, struct command *cmd, int nofork)
{
	struct saved_fd *saved = NULL;
	int status;

	if (fn && builtin_is_exec(fn) && argv->n == 1)
		return apply_redirs(cmd->redirs, NULL) < 0;	/* exec >file */
	if (apply_redirs(cmd->redirs, nofork ? NULL : &saved) < 0) {
		restore_fds(saved);
		if (sh.xerror)
			return expansion_failed();
		return 1;
	}
	if (fn)
		status = fn((int)argv->n, argv->v);
	else
		status = func_call(argv->v[0], (int)argv->n, argv->v);
	fflush(stdout);
	fflush(stderr);
	restore_fds(saved);
	return status;
}

/* No command: the redirections are still made (and undone). */
static int redirs_only(struct command *cmd, int status)
{
	struct saved_fd *saved = NULL;

	if (cmd->redirs) {
		if (apply_redirs(cmd->redirs, &saved) < 0)
			status = 1;
		restore_fds(saved);
		if (sh.xerror)
			return expansion_failed();
	}
	return status ? status : sh.subst_status;
}

/*
 * Assignments alone: set shell variables, each before the next expands;
 * redirections still happen.  The status is the last command
 * substitution's, or 0.
 */
static int run_assignments(struct command *cmd)
{
	int status = 0;
	char **w;

	for (w = cmd->words; *w; w++) {
		char *eq = strchr(*w, '=');
		char *name = sh_strndup(*w, (size_t)(eq - *w));
		char *value = expand_word(eq + 1);

		if (sh.xerror)
			return expansion_failed();
		if (sh.opt_x)
			fprintf(stderr, "%s%s=%s\n", var_get("PS4") ? var_get("PS4") : "+ ", name, value);
		if (var_set(name, value, 0) < 0)
			status = 1;
	}
	return redirs_only(cmd, status);
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
		sh_exit(1);
	sh_exit(exec_list(cmd->subshell));
}

static int run_simple(struct command *cmd, int nofork)
{
	struct strvec argv = { NULL, 0, 0 }, saved = { NULL, 0, 0 };
	char **assigns, **w;
	builtin_fn fn;
	char **envp;
	pid_t pid;
	int status;

	if (cmd->type == C_SUBSHELL)
		return run_subshell(cmd, nofork);
	if (cmd->type != C_SIMPLE)
		return compound_run(cmd);
	sh.subst_status = 0;
	for (w = cmd->words; *w && is_assignment(*w); w++)
		;
	if (!*w)
		return run_assignments(cmd);
	assigns = expand_assignments(cmd->words, &w);
	expand_words(w, &argv);
	if (sh.xerror)
		return expansion_failed();
	if (sh.opt_x && (argv.n || assigns))
		xtrace(assigns, &argv);
	if (argv.n == 0)	/* `X=1 $empty`: no command after all */
		return redirs_only(cmd, set_assignments(assigns, NULL));
	if (builtin_is_special(argv.v[0])) {
		set_assignments(assigns, NULL);	/* kept, as POSIX says */
		return run_in_shell(builtin_lookup(argv.v[0]), &argv, cmd, nofork);
	}
	fn = func_defined(argv.v[0]) ? NULL : builtin_lookup(argv.v[0]);
	if (fn || func_defined(argv.v[0])) {
		set_assignments(assigns, &saved);
		status = run_in_shell(fn, &argv, cmd, nofork);
		restore_assignments(&saved);
		return status;
	}
	envp = vars_environ(assigns);
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

	sh.noerrexit += pl->negate;
	if (pl->ncmds == 1)
		status = run_simple(pl->cmds[0], nofork && !pl->negate);
	else
		status = run_pipe(pl);
	sh.noerrexit -= pl->negate;
	return pl->negate ? !status : status;
}

static int run_andor(struct andor *ao, int nofork)
{
	int status = 0;

	for (; ao && !sh.exiting && sh.ctl == CTL_NONE; ao = ao->next) {
		if ((ao->op == AO_AND && status != 0) || (ao->op == AO_OR && status == 0))
			continue;
		sh.noerrexit += ao->next != NULL;
		status = run_pipeline(ao->pipeline, nofork && !ao->next);
		sh.noerrexit -= ao->next != NULL;
		sh.status = status;
		if (!ao->next && status != 0 && sh.opt_e && !sh.noerrexit && !ao->pipeline->negate)
			sh.exiting = 1;
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
	for (; item && !sh.exiting && sh.ctl == CTL_NONE; item = item->next) {
		struct sh_mark mark = sh_mark();

		if (item->background)
			sh.status = run_background(item);
		else {
			sh.cur_text = item->text;
			sh.status = run_andor(item->andor, 0);
		}
		sh_release(mark);
		trap_check();
	}
	return sh.status;
}

int exec_string(const char *text)
{
	struct sh_input in;
	int status;

	input_init_string(&in, text);
	status = sh_run_input(&in);
	return status;
}
