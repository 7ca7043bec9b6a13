/*
 * sh: the M-OS shell, a POSIX shell.  Shared declarations for its parts:
 *
 *   main.c      options, input (tty, pipe, script file, -c string), the
 *               read-parse-run loop, prompts (PS2), background-job table
 *   lexer.c     input characters -> tokens (words keep their quotes)
 *   heredoc.c   here-document bodies: read after the line, expanded late
 *   parser.c    tokens -> a tree: lists of and-or lists of pipelines of
 *               commands (simple, ( ), { }, if, while, until, for, case,
 *               function definitions)
 *   expand.c    a word -> fields: quote removal, substitutions, tilde,
 *               field splitting, globbing
 *   param.c     parameters: $NAME $1 $@ ... and the ${...} forms
 *   arith.c     $((...)): C integer expressions
 *   pattern.c   shell patterns: case, ${x%pat}, pathname expansion
 *   exec.c      running the tree: fork/exec, pipes, process groups and
 *               the terminal (job control), waiting
 *   redir.c     redirections, applied and undone
 *   compound.c  if/while/until/for/case, groups, functions
 *   builtins.c  the builtin table and the shell's own commands
 *   test.c      test and [;  printf.c: echo and printf;  trap.c: trap
 *   jobs.c      the job table and job control: stopped jobs, fg, bg
 *   vars.c      shell variables and the environment built from them
 *   arena.c     the allocator for everything a command's tree needs
 *
 * Memory: a command's tokens, tree and expansions live in the arena and
 * are released together once it has run; anything that must outlive it
 * (variables, functions, positional parameters, job texts) is malloc'd.
 */
#ifndef SH_H
#define SH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SH_DEFAULT_PATH "/bin:/sbin:/usr/bin"
#define SH_STATUS_NOT_FOUND 127
#define SH_STATUS_NOT_EXEC  126
#define SH_STATUS_SYNTAX    2
#define SH_STATUS_SIGNAL    128	/* + the signal number */

/* ---- arena.c ---------------------------------------------------------- */
struct sh_mark {
	void *chunk;
	size_t used;
};
void *sh_alloc(size_t size);
char *sh_strdup(const char *s);
char *sh_strndup(const char *s, size_t n);
struct sh_mark sh_mark(void);
void sh_release(struct sh_mark mark);
void *sh_xmalloc(size_t size);		/* malloc or die */
char *sh_xstrdup(const char *s);

/* A growable array of strings in the arena, NULL-terminated. */
struct strvec {
	char **v;
	size_t n, cap;
};
void strvec_push(struct strvec *sv, char *s);

/* ---- main.c: input ---------------------------------------------------- */
struct redir;
struct sh_input {
	char *buf;		/* malloc'd; text read so far */
	size_t len, cap;
	size_t pos;		/* next character for the lexer */
	int fd;			/* where more lines come from; -1: none */
	int prompt;		/* print prompts before reading */
	int at_start;		/* the next line starts a command (PS1) */
	struct redir *heredocs;	/* here-documents whose bodies follow the line */
};
/* Append the next line of input; 0 at end of input. */
int input_more(struct sh_input *in);
void input_init_string(struct sh_input *in, const char *text);

/* ---- lexer.c ---------------------------------------------------------- */
enum tok_type {
	TK_WORD, TK_NEWLINE, TK_EOF, TK_ERROR,
	TK_SEMI, TK_DSEMI, TK_AMP, TK_PIPE, TK_AND_IF, TK_OR_IF,
	TK_LPAREN, TK_RPAREN,
	TK_LESS, TK_GREAT, TK_DGREAT, TK_LESSAND, TK_GREATAND, TK_LESSGREAT,
	TK_CLOBBER, TK_DLESS, TK_DLESSDASH,
};
struct token {
	enum tok_type type;
	char *text;		/* TK_WORD: raw, quotes kept; others: spelling */
	int fd;			/* redirections: explicit fd ("2>"), or -1 */
	size_t start, end;	/* in the input buffer */
};
void lex_next(struct sh_input *in, struct token *tok);
/* s[i] is the '$' of "$(" or "${", or a '`': index just past its end, or 0. */
size_t lex_subst_end(const char *s, size_t i);

/* ---- heredoc.c -------------------------------------------------------- */
/* After a newline token: read the bodies of the pending here-documents. */
void heredoc_read_pending(struct sh_input *in);
/* The body to feed the command: expanded unless the delimiter was quoted. */
char *heredoc_text(struct redir *r);

/* ---- parser.c --------------------------------------------------------- */
enum redir_type {
	R_IN, R_OUT, R_APPEND, R_DUP_IN, R_DUP_OUT, R_RDWR, R_HEREDOC,
};
struct redir {
	enum redir_type type;
	int fd;			/* the descriptor redirected */
	char *word;		/* file name, fd number / "-", or delimiter */
	char *body;		/* R_HEREDOC: the text, once read */
	int quoted;		/* R_HEREDOC: delimiter quoted, no expansion */
	int strip_tabs;		/* R_HEREDOC: <<- */
	struct redir *next;
	struct redir *next_pending;	/* in sh_input.heredocs */
};
struct list_item;
enum cmd_type {
	C_SIMPLE, C_SUBSHELL, C_GROUP, C_IF, C_WHILE, C_UNTIL, C_FOR, C_CASE,
	C_FUNCDEF,
};
struct case_item {
	char **patterns;	/* raw words */
	struct list_item *body;
	struct case_item *next;
};
struct command {
	enum cmd_type type;
	char **words;		/* C_SIMPLE: raw words; C_FOR: the list or NULL */
	struct list_item *subshell;	/* ( list ), { list }, loop/if bodies */
	struct list_item *cond;		/* if, while, until */
	struct list_item *els;		/* if: else part (elif: an if inside) */
	char *name;		/* C_FOR variable, C_FUNCDEF name, C_CASE word */
	char *text;		/* C_FUNCDEF: the body's source */
	struct case_item *cases;
	struct redir *redirs;
};
struct pipeline {
	struct command **cmds;
	int ncmds;
	int negate;		/* ! pipeline */
};
enum andor_op { AO_FIRST, AO_AND, AO_OR };
struct andor {
	enum andor_op op;	/* how this one joins the previous */
	struct pipeline *pipeline;
	struct andor *next;
};
struct list_item {
	struct andor *andor;
	int background;
	char *text;		/* its source, for job messages */
	struct list_item *next;
};
enum parse_result { PARSE_OK, PARSE_EOF, PARSE_ERROR };
/* One complete command (up to a newline) from in, into *list. */
enum parse_result parse_command(struct sh_input *in, struct list_item **list);

/* ---- expand.c --------------------------------------------------------- */
/* Full expansion of words (split, globbed), appended to out. */
void expand_words(char **words, struct strvec *out);
/* One word, no splitting or globbing (assignments, redirection targets). */
char *expand_word(const char *word);
/* A case pattern or ${x%pat} word: a pattern for pattern.c (quotes kept). */
char *expand_pattern(const char *word);
/* Here-document text: $ ` and \ work, quotes are literal. */
char *expand_heredoc(const char *text);
int is_assignment(const char *word);
/* Raw word -> text with quotes removed, nothing expanded (delimiters). */
char *unquote(const char *word);

/* The expander's buffer: text plus a class per byte (expand.c's story). */
enum xcls { X_LIT, X_EXP, X_QUOTE, X_BREAK, X_SOFT };
struct xbuf {
	char *s;
	unsigned char *cls;
	size_t len, cap;
	int quoted;		/* the word had quotes */
	int empty_at;		/* "$@" with no parameters was there */
};
void xbuf_add(struct xbuf *x, char c, enum xcls cls);
void xbuf_add_str(struct xbuf *x, const char *s, enum xcls cls);
/* Expand s[i..end) into x; in_quotes: inside "..." (or a here-document). */
void expand_part(struct xbuf *x, const char *s, size_t i, size_t end, int in_quotes);
/* Output of a command substitution, trailing newlines removed. */
char *expand_command(const char *cmd);
/* An expansion failed: the command does not run (main.c's story). */
void sh_expand_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- param.c ---------------------------------------------------------- */
/* s[i] is '$' (not "$(" ): substitute into x, return the index after. */
size_t param_expand(struct xbuf *x, const char *s, size_t i, int in_quotes);
/* Positional parameters: replace $1.. (copies them); $0 is kept. */
void params_set(char **args, int n);
struct params {
	int argc;		/* with argv[0] as $0 */
	char **argv;		/* malloc'd, NULL-terminated */
};
struct params params_save(void);
void params_restore(struct params saved);

/* ---- arith.c ---------------------------------------------------------- */
/* Evaluate an (already expanded) expression; -1 on error (reported). */
int arith_eval(const char *expr, intmax_t *result);

/* ---- pattern.c -------------------------------------------------------- */
/* Pattern chars: * ? [...] active, a backslash quotes the next char. */
int pattern_match(const char *pattern, const char *s);
int pattern_has_magic(const char *pattern);
/* Pathname expansion: matches appended to out sorted; 0 if none. */
int pattern_glob(const char *pattern, struct strvec *out);
/* ${x%pat} family: op is '%' or '#', longest for %% and ##. */
char *pattern_trim(const char *value, const char *pattern, char op, int longest);

/* ---- exec.c ----------------------------------------------------------- */
int exec_list(struct list_item *list);
/* Fork with stdio flushed first (so no output is written twice). */
pid_t sh_fork(void);
/* In a child: forget the parent shell's job control and interactivity. */
void sh_become_child(void);
/* Decode a wait status into an exit status; report deaths by signal. */
int sh_wait_status(int st, int report);
int sh_waitpid(pid_t pid);
void exec_external(char **argv, char **envp) __attribute__((noreturn));
/* Look a command up in PATH: a malloc'd path, or NULL. */
char *exec_find_path(const char *name);
/* Run a string as shell commands in this shell (eval, traps). */
int exec_string(const char *text);

/* ---- redir.c ---------------------------------------------------------- */
struct saved_fd;
/* Apply (saving the old fds in *saved when non-NULL); -1 on failure. */
int apply_redirs(struct redir *r, struct saved_fd **saved);
void restore_fds(struct saved_fd *saved);

/* ---- compound.c ------------------------------------------------------- */
/* Run a compound command (not C_SIMPLE); redirections included. */
int compound_run(struct command *cmd);
/* Functions: defined by C_FUNCDEF, called by name. */
int func_defined(const char *name);
int func_call(const char *name, int argc, char **argv);
void func_unset(const char *name);

/* ---- builtins.c ------------------------------------------------------- */
typedef int (*builtin_fn)(int argc, char **argv);
builtin_fn builtin_lookup(const char *name);
/* Special builtins: their assignments stay, their errors end a script. */
int builtin_is_special(const char *name);
/* `exec` with no command keeps its redirections: exec.c asks this. */
int builtin_is_exec(builtin_fn fn);
int bi_test(int argc, char **argv);	/* test.c */
int bi_echo(int argc, char **argv);	/* printf.c */
int bi_printf(int argc, char **argv);
int bi_trap(int argc, char **argv);	/* trap.c */

/* ---- trap.c ----------------------------------------------------------- */
void trap_check(void);		/* run the actions of caught signals */
void trap_run_exit(void);	/* the EXIT action, once */
void trap_reset_child(void);	/* a subshell: caught signals to default */

/* ---- vars.c ----------------------------------------------------------- */
void vars_init(char **environ);
const char *var_get(const char *name);
int var_set(const char *name, const char *value, int export);
void var_unset(const char *name);	/* -1: it is read-only */
int var_unset_checked(const char *name);
void var_export(const char *name);
int var_readonly(const char *name);	/* mark; returns 0 */
int var_is_readonly(const char *name);
void vars_print(int which);		/* 0 all (set), 1 export -p, 2 readonly -p */
/* The environment for a child: exported vars plus "NAME=value" extras. */
char **vars_environ(char **extra);
int valid_name(const char *s, size_t len);

/* ---- main.c: state ---------------------------------------------------- */
enum sh_ctl { CTL_NONE, CTL_BREAK, CTL_CONTINUE, CTL_RETURN };
struct sh_state {
	int status;		/* $? */
	pid_t pid;		/* $$: the shell's own pid, even in subshells */
	pid_t last_bg;		/* $!, 0 if none */
	int argc;		/* $#, with argv[0] as $0 */
	char **argv;		/* malloc'd (param.c) */
	int interactive;	/* prompts, reports, ignores ^C */
	int jobctl;		/* process groups and the terminal work */
	int tty;		/* the terminal's fd when jobctl */
	pid_t pgid;		/* the shell's own process group */
	int exiting;		/* `exit` ran (or set -e, an error): leave */
	enum sh_ctl ctl;	/* break/continue/return unwinding */
	int ctl_count;		/* levels of loops break/continue still leaves */
	int loop_depth;		/* loops running (in this function) */
	int noerrexit;		/* > 0: set -e does not apply here */
	int xerror;		/* an expansion failed in this command */
	int subst_status;	/* the last command substitution's status */
	int opt_e, opt_x, opt_u, opt_f;	/* set -e -x -u -f */
	const char *cur_text;	/* the list item running: a stopped job's text */
};
extern struct sh_state sh;

/* ---- jobs.c ----------------------------------------------------------- */
void jobs_add(pid_t pid, const char *text);	/* a background job started */
void jobs_reap(void);		/* collect finished jobs, without blocking */
void jobs_report(void);		/* print and forget the finished ones */
int jobs_wait(pid_t pid);	/* pid 0: all; returns the (last) status */
void jobs_print(void);
/* Wait for a foreground pipeline (its group is pids[0]'s); a stopped
 * one becomes a job.  Returns its status (128+SIGTSTP if stopped). */
int jobs_wait_fg(const pid_t *pids, int n);
int jobs_fg(int argc, char **argv);	/* the builtins */
int jobs_bg(int argc, char **argv);
/* Run a whole script/string in this process; returns the last status. */
int sh_run_input(struct sh_input *in);
/* Run the script at path; argv (if not NULL) becomes $0, $1, ... */
int sh_run_file(const char *path, char **argv);
/* Leave the shell: the EXIT trap, then exit(status). */
void sh_exit(int status) __attribute__((noreturn));
/* set -e -f -u -x (on) or +e ... (off): 0, or -1 for an unknown letter. */
int sh_set_option(char letter, int on);

#endif /* SH_H */
