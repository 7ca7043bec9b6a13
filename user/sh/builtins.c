/*
 * Builtins: the commands that must run inside the shell because they
 * change it (cd, exit, export, unset, set, wait, exec, .) or report on it
 * (pwd, jobs), plus ':'; fg and bg are in jobs.c.  Each gets argc/argv after expansion and returns
 * an exit status; redirections were already applied by exec.c and are
 * undone after.  In a pipeline a builtin runs in the child, like any
 * other element, so `cd /tmp | cat` changes nothing here.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"
#include "ulib.h"

#define EXIT_STATUS_MASK 0xff

static int bi_colon(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 0;
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
			v = SH_STATUS_SYNTAX;
		}
		status = (int)(v & EXIT_STATUS_MASK);
	}
	sh.exiting = 1;
	sh.status = status;
	return status;
}

static int bi_export(int argc, char **argv)
{
	int i, status = 0;

	if (argc == 1) {
		vars_print(1);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (!eq) {
			if (!valid_name(argv[i], strlen(argv[i]))) {
				ul_warn("export: %s: not a valid name", argv[i]);
				status = 1;
			} else {
				var_export(argv[i]);
			}
			continue;
		}
		*eq = '\0';
		if (var_set(argv[i], eq + 1, 1) < 0)
			status = 1;
		*eq = '=';
	}
	return status;
}

static int bi_unset(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		var_unset(argv[i]);
	return 0;
}

static int bi_set(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		ul_warn("set: options are not supported");
		return SH_STATUS_SYNTAX;
	}
	vars_print(0);
	return 0;
}

static int bi_wait(int argc, char **argv)
{
	int i, status = 0;

	if (argc == 1)
		return jobs_wait(0);
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
	if (argc < 2) {
		ul_warn(".: file name required");
		return SH_STATUS_SYNTAX;
	}
	return sh_run_file(argv[1], NULL);
}

struct builtin {
	const char *name;
	builtin_fn fn;
};

static const struct builtin builtins[] = {
	{ ":", bi_colon }, { ".", bi_dot }, { "bg", jobs_bg }, { "cd", bi_cd },
	{ "exec", bi_exec }, { "exit", bi_exit }, { "export", bi_export },
	{ "fg", jobs_fg }, { "jobs", bi_jobs },
	{ "pwd", bi_pwd }, { "set", bi_set }, { "unset", bi_unset },
	{ "wait", bi_wait },
};

builtin_fn builtin_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
		if (strcmp(builtins[i].name, name) == 0)
			return builtins[i].fn;
	return NULL;
}

int builtin_is_exec(builtin_fn fn)
{
	return fn == bi_exec;
}
