/*
 * sh: the M-OS shell.  Usage:
 *
 *   sh [-efux]             commands from standard input (interactive if
 *                          it is a terminal: prompt, job control, ^C)
 *   sh [-efux] FILE [ARG...]   run a script; $0 is FILE, $1... the ARGs
 *   sh [-efux] -c CMD [NAME [ARG...]]  run CMD; $0 is NAME
 *
 * This file holds the input side (reading lines, prompting), the
 * read-parse-run loop shared by all three (the jobs are in jobs.c).  The loop takes one complete command at a time, so a command can
 * change what the next is parsed against (cd, variables) and an
 * interactive shell runs each line as soon as it is typed.  A syntax
 * error ends a script (status 2); interactively it only drops the line.
 *
 * The prompt is the working directory followed by "$ " ("/home $ "), on
 * standard error; PS2 ("> ") asks for the rest of an unfinished command.
 * Leaving the shell goes through sh_exit, which runs the EXIT trap.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sh.h"
#include "ulib.h"

#define READ_SIZE 4096

struct sh_state sh;
extern char **environ;

/* ---- input ------------------------------------------------------------ */

void input_init_string(struct sh_input *in, const char *text)
{
	memset(in, 0, sizeof *in);
	in->buf = (char *)text;
	in->len = strlen(text);
	in->fd = -1;
}

static void input_init_fd(struct sh_input *in, int fd, int prompt)
{
	memset(in, 0, sizeof *in);
	in->fd = fd;
	in->prompt = prompt;
}

static void print_prompt(struct sh_input *in)
{
	char cwd[PATH_MAX];

	if (in->at_start) {
		jobs_reap();
		jobs_report();
		fprintf(stderr, "%s $ ", getcwd(cwd, sizeof cwd) ? cwd : "?");
	} else {
		const char *ps2 = var_get("PS2");

		fputs(ps2 ? ps2 : "> ", stderr);
	}
	fflush(stderr);
	in->at_start = 0;
}

static void reserve(struct sh_input *in, size_t more)
{
	if (in->len + more + 1 <= in->cap)
		return;
	in->cap = 2 * in->cap + more + 1;
	in->buf = realloc(in->buf, in->cap);
	if (!in->buf)
		ul_die(2, "out of memory");
}

/*
 * A terminal hands out a line per read; anything else is read a byte at a
 * time so that no input meant for the commands we run is swallowed.
 */
int input_more(struct sh_input *in)
{
	int tty;
	ssize_t n;

	if (in->fd < 0)
		return 0;
	if (in->prompt)
		print_prompt(in);
	tty = isatty(in->fd);
	for (;;) {
		reserve(in, READ_SIZE);
		n = read(in->fd, in->buf + in->len, tty ? READ_SIZE : 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		in->len += (size_t)n;
		in->buf[in->len] = '\0';
		if (tty || in->buf[in->len - 1] == '\n')
			return 1;
	}
	if (n == 0 && in->prompt)
		fputc('\n', stderr);	/* ^D: end the prompt's line */
	return 0;
}

/* ---- the loop ------------------------------------------------------- */

int sh_run_input(struct sh_input *in)
{
	struct list_item *list;
	enum parse_result r;

	while (!sh.exiting && sh.ctl == CTL_NONE) {
		struct sh_mark mark = sh_mark();

		if (in->fd >= 0 && in->pos == in->len)
			in->pos = in->len = 0;	/* all used: start afresh */
		list = NULL;
		r = parse_command(in, &list);
		if (r == PARSE_OK) {
			exec_list(list);
			jobs_reap();
		}
		sh_release(mark);
		if (r == PARSE_EOF)
			break;
		if (r == PARSE_ERROR) {
			sh.status = SH_STATUS_SYNTAX;
			if (!in->prompt)
				break;
			in->pos = in->len;	/* drop the rest of the line */
		}
	}
	return sh.status;
}

static char *read_file(const char *path)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	for (;;) {
		if (len + READ_SIZE + 1 > cap) {
			cap = 2 * cap + READ_SIZE + 1;
			buf = realloc(buf, cap);
			if (!buf)
				ul_die(2, "out of memory");
		}
		n = read(fd, buf + len, READ_SIZE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

int sh_run_file(const char *path, char **argv)
{
	struct sh_input in;
	char *text = read_file(path);
	int status;

	if (!text) {
		ul_warnerr("%s", path);
		return errno == ENOENT ? SH_STATUS_NOT_FOUND : SH_STATUS_NOT_EXEC;
	}
	if (argv) {
		int n;

		for (n = 0; argv[n]; n++)
			;
		params_set(argv + 1, n - 1);
		free(sh.argv[0]);
		sh.argv[0] = sh_xstrdup(argv[0]);
	}
	input_init_string(&in, text);
	status = sh_run_input(&in);
	free(text);
	return status;
}

/* ---- start ------------------------------------------------------------ */

/* Interactive: own the terminal if we can, and let ^C/^Z pass us by. */
static void setup_interactive(void)
{
	static const int ignored[] = { SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU };
	size_t i;

	for (i = 0; i < sizeof ignored / sizeof ignored[0]; i++)
		signal(ignored[i], SIG_IGN);
	sh.tty = STDIN_FILENO;
	sh.pgid = getpgid(0);
	if (sh.pgid != getpid() && setpgid(0, 0) == 0)
		sh.pgid = getpid();
	sh.jobctl = tcsetpgrp(sh.tty, sh.pgid) == 0;
}

void sh_exit(int status)
{
	sh.status = status;
	trap_run_exit();
	fflush(stdout);
	fflush(stderr);
	exit(sh.status);
}

static void usage(void)
{
	ul_die(SH_STATUS_SYNTAX, "usage: sh [-efux] [FILE [ARG...] | -c COMMAND [NAME [ARG...]]]");
}

/* -e -f -u -x (or +e ... to clear): 0, or -1 for an unknown letter. */
int sh_set_option(char letter, int on)
{
	switch (letter) {
	case 'e': sh.opt_e = on; return 0;
	case 'f': sh.opt_f = on; return 0;
	case 'u': sh.opt_u = on; return 0;
	case 'x': sh.opt_x = on; return 0;
	}
	return -1;
}

/* Options before the operands; returns the index of the first operand. */
static int parse_options(int argc, char **argv, int *command)
{
	int i;
	const char *o;

	for (i = 1; i < argc && (argv[i][0] == '-' || argv[i][0] == '+') && argv[i][1]; i++) {
		if (strcmp(argv[i], "--") == 0)
			return i + 1;
		for (o = argv[i] + 1; *o; o++) {
			if (*o == 'c' && argv[i][0] == '-')
				*command = 1;
			else if (sh_set_option(*o, argv[i][0] == '-') < 0)
				usage();
		}
	}
	return i;
}

int main(int argc, char **argv)
{
	char cwd[PATH_MAX];
	struct sh_input in;
	int command = 0, first;

	ul_setprogname("sh");
	sh.pid = getpid();
	vars_init(environ);
	if (!var_get("PATH"))
		var_set("PATH", SH_DEFAULT_PATH, 1);
	if (getcwd(cwd, sizeof cwd))
		var_set("PWD", cwd, 0);
	params_set(NULL, 0);
	first = parse_options(argc, argv, &command);

	if (command) {
		if (first >= argc)
			usage();
		if (first + 1 < argc) {
			params_set(argv + first + 2, argc - first - 2);
			free(sh.argv[0]);
			sh.argv[0] = sh_xstrdup(argv[first + 1]);
		}
		input_init_string(&in, argv[first]);
		sh_exit(sh_run_input(&in));
	}
	if (first < argc)
		sh_exit(sh_run_file(argv[first], argv + first));

	sh.interactive = isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
	if (sh.interactive)
		setup_interactive();
	input_init_fd(&in, STDIN_FILENO, sh.interactive);
	sh_run_input(&in);
	sh_exit(sh.status);
}
