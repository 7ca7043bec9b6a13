/*
 * Builtins: the commands that must run inside the shell because they
 * change it (cd, exit, export, readonly, unset, set, shift, read, wait,
 * exec, ., eval, return, break, continue, trap) or report on it (pwd,
 * jobs, type, command -v), and the cheap ones every script uses (:,
 * true, false, echo, printf, test, [).  Each gets argc/argv after
 * expansion and returns an exit status; redirections were already
 * applied by exec.c and are undone after.  In a pipeline a builtin runs
 * in the child, like any other element, so `cd /tmp | cat` changes
 * nothing here.  POSIX's special builtins keep the assignments written
 * before them, and their errors end a shell that is not interactive
 * (special_error).  test is test.c's, echo and printf printf.c's, trap
 * trap.c's; fg and bg are jobs.c's.
 */
#include <errno.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"
#include "ulib.h"

#define EXIT_STATUS_MASK 0xff
#define READ_MAX_LINE    (1 << 20)

/* A special builtin failed: a script ends (status 2). */
static int special_error(void)
{
	if (!sh.interactive)
		sh.exiting = 1;
	sh.status = SH_STATUS_SYNTAX;
	return SH_STATUS_SYNTAX;
}

static int parse_count(const char *what, const char *arg, long *n)
{
	char *end;

	*n = strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || *n < 0) {
		ul_warn("%s: %s: bad number", what, arg);
		return -1;
	}
	return 0;
}

static int bi_colon(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static int bi_false(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 1;
}

static int bi_cd(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : var_get("HOME");
	char cwd[PATH_MAX], old[PATH_MAX];
	int print = 0;

	if (!dir || !*dir)
		dir = "/";
	if (strcmp(dir, "-") == 0) {
		dir = var_get("OLDPWD");
		if (!dir) {
			ul_warn("cd: OLDPWD not set");
			return 1;
		}
		print = 1;
	}
	if (!getcwd(old, sizeof old))
		old[0] = '\0';
	if (chdir(dir) < 0) {
		ul_warnerr("cd: %s", dir);
		return 1;
	}
	if (old[0])
		var_set("OLDPWD", old, 0);
	if (getcwd(cwd, sizeof cwd)) {
		var_set("PWD", cwd, 0);
		if (print)
			puts(cwd);
	}
	return 0;
}

static int bi_pwd(int argc, char **argv)
{
	char cwd[PATH_MAX];

	(void)argc;
	(void)argv;
	if (!getcwd(cwd, sizeof cwd)) {
		ul_warnerr("pwd");
		return 1;
	}
	puts(cwd);
	return 0;
}

static int bi_exit(int argc, char **argv)
{
	int status = sh.status;
	char *end;

	if (argc > 1) {
		long v = strtol(argv[1], &end, 10);

		if (*argv[1] == '\0' || *end != '\0') {
			ul_warn("exit: %s: numeric argument required", argv[1]);
			return special_error();
		}
		status = (int)(v & EXIT_STATUS_MASK);
	}
	sh.exiting = 1;
	sh.status = status;
	return status;
}

/* export and readonly: NAME[=value]... or -p (or nothing) to list. */
static int declare(int argc, char **argv, int readonly)
{
	int i, status = 0;

	if (argc == 1 || (argc == 2 && strcmp(argv[1], "-p") == 0)) {
		vars_print(readonly ? 2 : 1);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		size_t n = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		char *name = sh_strndup(argv[i], n);

		if (!valid_name(name, n)) {
			ul_warn("%s: %s: bad variable name", argv[0], name);
			return special_error();
		}
		if (eq && var_set(name, eq + 1, !readonly) < 0)
			return special_error();
		if (readonly)
			var_readonly(name);
		else
			var_export(name);
	}
	return status;
}

static int bi_export(int argc, char **argv)
{
	return declare(argc, argv, 0);
}

static int bi_readonly(int argc, char **argv)
{
	return declare(argc, argv, 1);
}

static int bi_unset(int argc, char **argv)
{
	int i = 1, funcs = 0, status = 0;

	if (i < argc && (strcmp(argv[i], "-f") == 0 || strcmp(argv[i], "-v") == 0))
		funcs = argv[i++][1] == 'f';
	for (; i < argc; i++) {
		if (funcs)
			func_unset(argv[i]);
		else if (var_unset_checked(argv[i]) < 0)
			status = 1;
	}
	return status;
}

static int bi_set(int argc, char **argv)
{
	int i;
	const char *o;

	if (argc == 1) {
		vars_print(0);
		return 0;
	}
	for (i = 1; i < argc && (argv[i][0] == '-' || argv[i][0] == '+'); i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			params_set(argv + i, argc - i);
			return 0;
		}
		if (strcmp(argv[i], "-") == 0) {
			sh.opt_x = 0;
			continue;
		}
		for (o = argv[i] + 1; *o; o++) {
			if (sh_set_option(*o, argv[i][0] == '-') < 0) {
				ul_warn("set: -%c: unknown option", *o);
				return special_error();
			}
		}
	}
	if (i < argc)
		params_set(argv + i, argc - i);
	return 0;
}

static int bi_shift(int argc, char **argv)
{
	long n = 1;
	int i;

	if (argc > 1 && parse_count("shift", argv[1], &n) < 0)
		return special_error();
	if (n > sh.argc - 1) {
		ul_warn("shift: can't shift that many");
		return special_error();
	}
	for (i = 1; i <= n; i++)
		free(sh.argv[i]);
	memmove(sh.argv + 1, sh.argv + 1 + n, (size_t)(sh.argc - n) * sizeof *sh.argv);
	sh.argc -= (int)n;
	return 0;
}

/* break and continue: leave (or restart) the n innermost loops. */
static int loop_ctl(int argc, char **argv, enum sh_ctl ctl)
{
	long n = 1;

	if (argc > 1 && (parse_count(argv[0], argv[1], &n) < 0 || n == 0)) {
		return special_error();
	}
	if (sh.loop_depth == 0)
		return 0;
	sh.ctl = ctl;
	sh.ctl_count = n > sh.loop_depth ? sh.loop_depth : (int)n;
	return 0;
}

static int bi_break(int argc, char **argv)
{
	return loop_ctl(argc, argv, CTL_BREAK);
}

static int bi_continue(int argc, char **argv)
{
	return loop_ctl(argc, argv, CTL_CONTINUE);
}

static int bi_return(int argc, char **argv)
{
	long n = sh.status;
	char *end;

	if (argc > 1) {
		n = strtol(argv[1], &end, 10);
		if (*argv[1] == '\0' || *end != '\0') {
			ul_warn("return: %s: bad number", argv[1]);
			return special_error();
		}
	}
	sh.ctl = CTL_RETURN;
	sh.status = (int)(n & EXIT_STATUS_MASK);
	return sh.status;
}

static int bi_eval(int argc, char **argv)
{
	size_t len = 1;
	char *text;
	int i;

	for (i = 1; i < argc; i++)
		len += strlen(argv[i]) + 1;
	text = sh_alloc(len);
	for (i = 1; i < argc; i++) {
		if (i > 1)
			strcat(text, " ");
		strcat(text, argv[i]);
	}
	sh.status = 0;
	return exec_string(text);
}

/*
 * One line of standard input, a byte at a time (what follows is left for
 * the next reader); without -r a backslash quotes the next character and
 * a backslash-newline joins lines.  1 at end of input, 0 after a newline.
 */
static int read_line(int raw, char **line)
{
	size_t n = 0, cap = 128;
	char *l = sh_alloc(cap), c;
	int escaped = 0;
	ssize_t r;

	for (;;) {
		r = read(STDIN_FILENO, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (escaped) {
			escaped = 0;
			if (c == '\n')
				continue;
		} else if (c == '\n') {
			*line = l;
			return 0;
		} else if (c == '\\' && !raw) {
			escaped = 1;
			continue;
		}
		if (n + 2 > cap) {
			char *bigger;

			if (cap >= READ_MAX_LINE)
				break;
			bigger = sh_alloc(2 * cap);
			memcpy(bigger, l, n);
			l = bigger;
			cap *= 2;
		}
		l[n++] = c;
	}
	*line = l;
	return 1;
}

static int is_ifs(const char *ifs, char c)
{
	return c && strchr(ifs, c) != NULL;
}

static int is_white(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

static int bi_read(int argc, char **argv)
{
	const char *ifs = var_get("IFS");
	char *line, *p, *end;
	int i = 1, raw = 0, rc;

	if (!ifs)
		ifs = " \t\n";
	if (i < argc && strcmp(argv[i], "-r") == 0) {
		raw = 1;
		i++;
	}
	rc = read_line(raw, &line);
	p = line;
	if (i == argc) {
		var_set("REPLY", line, 0);
		return rc != 0;
	}
	for (; i < argc; i++) {
		while (*p && is_ifs(ifs, *p) && is_white(*p))
			p++;
		if (i == argc - 1) {
			end = p + strlen(p);
			while (end > p && is_ifs(ifs, end[-1]) && is_white(end[-1]))
				end--;
			*end = '\0';
			if (var_set(argv[i], p, 0) < 0)
				return 2;
			break;
		}
		end = p;
		while (*end && !is_ifs(ifs, *end))
			end++;
		if (var_set(argv[i], sh_strndup(p, (size_t)(end - p)), 0) < 0)
			return 2;
		p = end;
		while (*p && is_ifs(ifs, *p) && is_white(*p))
			p++;
		if (*p && is_ifs(ifs, *p))
			p++;
	}
	return rc != 0;
}

static int bi_wait(int argc, char **argv)
{
	int i, status = 0;

	if (argc == 1) {
		jobs_wait(0);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		char *end;
		long pid = strtol(argv[i], &end, 10);

		if (*argv[i] == '\0' || *end != '\0' || pid <= 0) {
			ul_warn("wait: %s: not a process id", argv[i]);
			status = SH_STATUS_SYNTAX;
			continue;
		}
		status = jobs_wait((pid_t)pid);
	}
	return status;
}
static int bi_jobs(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	jobs_reap();
	jobs_print();
	return 0;
}

/* exec CMD ARGS: replace the shell.  (`exec` alone: see exec.c.) */
static int bi_exec(int argc, char **argv)
{
	(void)argc;
	exec_external(argv + 1, vars_environ(NULL));
}

static int bi_dot(int argc, char **argv)
{
	int status;

	if (argc < 2) {
		ul_warn(".: file name required");
		return special_error();
	}
	status = sh_run_file(argv[1], NULL);
	if (sh.ctl == CTL_RETURN) {
		sh.ctl = CTL_NONE;
		status = sh.status;
	}
	return status;
}

static const char *const keywords[] = {
	"if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while",
	"until", "for", "{", "}", "!", "in", NULL,
};

static int is_keyword(const char *name)
{
	size_t i;

	for (i = 0; keywords[i]; i++)
		if (strcmp(keywords[i], name) == 0)
			return 1;
	return 0;
}

/* What name runs as, printed the way type (verbose) or command -v says it. */
static int describe(const char *name, int verbose)
{
	char *path;

	if (is_keyword(name)) {
		printf(verbose ? "%s is a shell keyword\n" : "%s\n", name);
		return 0;
	}
	if (func_defined(name)) {
		printf(verbose ? "%s is a shell function\n" : "%s\n", name);
		return 0;
	}
	if (builtin_lookup(name)) {
		if (verbose)
			printf("%s is a %sshell builtin\n", name,
			       builtin_is_special(name) ? "special " : "");
		else
			printf("%s\n", name);
		return 0;
	}
	path = exec_find_path(name);
	if (path) {
		printf(verbose ? "%s is %s\n" : "%s%s\n", verbose ? name : "", path);
		free(path);
		return 0;
	}
	if (verbose)
		printf("%s: not found\n", name);
	return SH_STATUS_NOT_FOUND;
}

static int bi_type(int argc, char **argv)
{
	int i, status = 0;

	for (i = 1; i < argc; i++)
		if (describe(argv[i], 1) != 0)
			status = SH_STATUS_NOT_FOUND;
	return status;
}

/* command -v NAME, or command NAME ARGS: run it, passing over functions. */
static int bi_command(int argc, char **argv)
{
	builtin_fn fn;
	pid_t pid;

	if (argc > 2 && strcmp(argv[1], "-v") == 0)
		return describe(argv[2], 0);
	if (argc < 2)
		return 0;
	fn = builtin_lookup(argv[1]);
	if (fn)
		return fn(argc - 1, argv + 1);
	pid = sh_fork();
	if (pid < 0) {
		ul_warnerr("fork");
		return 1;
	}
	if (pid == 0) {
		sh_become_child();
		exec_external(argv + 1, vars_environ(NULL));
	}
	return sh_waitpid(pid);
}

struct builtin {
	const char *name;
	builtin_fn fn;
	int special;
};

static const struct builtin builtins[] = {
	{ ":", bi_colon, 1 }, { ".", bi_dot, 1 }, { "[", bi_test, 0 },
	{ "bg", jobs_bg, 0 },
	{ "break", bi_break, 1 }, { "cd", bi_cd, 0 }, { "command", bi_command, 0 },
	{ "continue", bi_continue, 1 }, { "echo", bi_echo, 0 },
	{ "eval", bi_eval, 1 }, { "exec", bi_exec, 1 }, { "exit", bi_exit, 1 },
	{ "export", bi_export, 1 }, { "false", bi_false, 0 }, { "fg", jobs_fg, 0 },
	{ "jobs", bi_jobs, 0 },
	{ "printf", bi_printf, 0 }, { "pwd", bi_pwd, 0 }, { "read", bi_read, 0 },
	{ "readonly", bi_readonly, 1 }, { "return", bi_return, 1 },
	{ "set", bi_set, 1 }, { "shift", bi_shift, 1 }, { "test", bi_test, 0 },
	{ "trap", bi_trap, 1 }, { "true", bi_colon, 0 }, { "type", bi_type, 0 },
	{ "unset", bi_unset, 1 }, { "wait", bi_wait, 0 },
};

static const struct builtin *lookup(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
		if (strcmp(builtins[i].name, name) == 0)
			return &builtins[i];
	return NULL;
}

builtin_fn builtin_lookup(const char *name)
{
	const struct builtin *b = lookup(name);

	return b ? b->fn : NULL;
}

int builtin_is_special(const char *name)
{
	const struct builtin *b = lookup(name);

	return b && b->special;
}

int builtin_is_exec(builtin_fn fn)
{
	return fn == bi_exec;
}
