/*
 * Compound commands that run in the shell itself: { list }, if, while,
 * until, for, case, and functions (definitions and calls).  ( list ) is
 * exec.c's, since it forks.
 *
 * Redirections after a compound command hold for its whole body and are
 * undone after it (redir.c).  The conditions of if/while/until run with
 * set -e suspended (sh.noerrexit).  break and continue unwind through
 * sh.ctl: a loop that sees CTL_BREAK or CTL_CONTINUE counts one level off
 * sh.ctl_count and stops unwinding when it reaches zero; CTL_RETURN is
 * caught by the function call (or `.`), so every list on the way stops.
 *
 * Functions are kept as the source text of their body (malloc'd; parsed
 * again at each call into the arena of the caller, so a definition
 * outlives the command that made it).  A call gets its own positional
 * parameters; $0 and everything else are shared with the caller.
 */
#include <stdlib.h>
#include <string.h>

#include "sh.h"
#include "ulib.h"

struct func {
	char *name;
	char *text;
	struct func *next;
};

static struct func *funcs;

/* ---- loops ------------------------------------------------------------ */

/* After a loop's body (or condition) ran: 1 if the loop must stop. */
static int loop_done(void)
{
	if (sh.ctl == CTL_BREAK) {
		if (--sh.ctl_count == 0)
			sh.ctl = CTL_NONE;
		return 1;
	}
	if (sh.ctl == CTL_CONTINUE) {
		if (--sh.ctl_count > 0)
			return 1;
		sh.ctl = CTL_NONE;
		return 0;
	}
	return sh.exiting || sh.ctl != CTL_NONE;
}

static int run_condition(struct list_item *cond)
{
	int status;

	sh.noerrexit++;
	status = exec_list(cond);
	sh.noerrexit--;
	return status;
}

static int run_while(struct command *cmd)
{
	int status = 0, c;

	sh.loop_depth++;
	for (;;) {
		c = run_condition(cmd->cond);
		if (sh.exiting || sh.ctl != CTL_NONE) {
			if (loop_done())
				break;
			continue;
		}
		if ((c == 0) == (cmd->type == C_UNTIL))
			break;
		status = exec_list(cmd->subshell);
		if (loop_done())
			break;
	}
	sh.loop_depth--;
	return status;
}

static int run_for(struct command *cmd)
{
	struct strvec words = { NULL, 0, 0 };
	int status = 0, i;
	size_t k;

	if (cmd->words) {
		expand_words(cmd->words, &words);
		if (sh.xerror)
			return SH_STATUS_SYNTAX;
	} else {
		for (i = 1; i < sh.argc; i++)
			strvec_push(&words, sh_strdup(sh.argv[i]));
	}
	sh.loop_depth++;
	for (k = 0; k < words.n; k++) {
		if (var_set(cmd->name, words.v[k], 0) < 0) {
			status = 1;
			break;
		}
		status = exec_list(cmd->subshell);
		if (loop_done())
			break;
	}
	sh.loop_depth--;
	return status;
}

/* ---- if, case ----------------------------------------------------------- */

static int run_if(struct command *cmd)
{
	int c = run_condition(cmd->cond);

	if (sh.exiting || sh.ctl != CTL_NONE)
		return c;
	if (c == 0)
		return exec_list(cmd->subshell);
	return cmd->els ? exec_list(cmd->els) : 0;
}

static int run_case(struct command *cmd)
{
	const char *word = expand_word(cmd->name);
	struct case_item *ci;
	char **p;

	for (ci = cmd->cases; ci && !sh.xerror; ci = ci->next) {
		for (p = ci->patterns; *p; p++) {
			const char *pat = expand_pattern(*p);

			if (sh.xerror)
				break;
			if (pattern_match(pat, word))
				return ci->body ? exec_list(ci->body) : 0;
		}
	}
	return sh.xerror ? SH_STATUS_SYNTAX : 0;
}

/* ---- functions ---------------------------------------------------------- */

static struct func **find(const char *name)
{
	struct func **f;

	for (f = &funcs; *f; f = &(*f)->next)
		if (strcmp((*f)->name, name) == 0)
			return f;
	return f;
}

int func_defined(const char *name)
{
	return *find(name) != NULL;
}

void func_unset(const char *name)
{
	struct func **f = find(name), *dead = *f;

	if (!dead)
		return;
	*f = dead->next;
	free(dead->name);
	free(dead->text);
	free(dead);
}

static int define(struct command *cmd)
{
	struct func *f;

	func_unset(cmd->name);
	f = sh_xmalloc(sizeof *f);
	f->name = sh_xstrdup(cmd->name);
	f->text = sh_xstrdup(cmd->text);
	f->next = funcs;
	funcs = f;
	return 0;
}

int func_call(const char *name, int argc, char **argv)
{
	struct func *f = *find(name);
	struct list_item *body = NULL;
	struct sh_input in;
	struct params saved;
	int loops = sh.loop_depth, status;

	if (!f)
		return SH_STATUS_NOT_FOUND;
	input_init_string(&in, f->text);
	if (parse_command(&in, &body) != PARSE_OK)
		return SH_STATUS_SYNTAX;
	saved = params_save();
	sh.argv = sh_xmalloc(sizeof *sh.argv);
	sh.argv[0] = sh_xstrdup(saved.argv[0]);
	sh.argc = 1;
	params_set(argv + 1, argc - 1);
	sh.loop_depth = 0;
	status = exec_list(body);
	if (sh.ctl == CTL_RETURN) {
		sh.ctl = CTL_NONE;
		status = sh.status;
	}
	sh.loop_depth = loops;
	params_restore(saved);
	return status;
}

/* ---- dispatch ----------------------------------------------------------- */

static int run_body(struct command *cmd)
{
	switch (cmd->type) {
	case C_GROUP:   return exec_list(cmd->subshell);
	case C_IF:      return run_if(cmd);
	case C_WHILE:
	case C_UNTIL:   return run_while(cmd);
	case C_FOR:     return run_for(cmd);
	case C_CASE:    return run_case(cmd);
	case C_FUNCDEF: return define(cmd);
	default:        return 1;
	}
}

int compound_run(struct command *cmd)
{
	struct saved_fd *saved = NULL;
	int status;

	if (apply_redirs(cmd->redirs, &saved) < 0) {
		restore_fds(saved);
		return 1;
	}
	status = run_body(cmd);
	restore_fds(saved);
	if (sh.xerror) {
		sh.xerror = 0;
		if (!sh.interactive)
			sh.exiting = 1;
	}
	return status;
}
