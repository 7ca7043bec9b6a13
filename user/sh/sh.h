/*
 * sh: the M-OS shell.  Shared declarations for its parts:
 *
 *   main.c      options, input (tty, pipe, script file, -c string), the
 *               read-parse-run loop, prompt, background-job table
 *   lexer.c     input characters -> tokens (words keep their quotes)
 *   parser.c    tokens -> a tree: list of and-or lists of pipelines of
 *               commands (simple commands and ( subshells ))
 *   expand.c    a word -> fields: $VAR ${VAR} $? $$ $! $# $0-$9 $@ $*,
 *               $(command), ~, quote removal, field splitting, globbing
 *   exec.c      running the tree: fork/exec, pipes, redirections,
 *               process groups and the terminal (job control), waiting
 *   builtins.c  cd pwd exit export unset wait exec jobs fg bg : (in the shell)
 *   jobs.c      the job table and job control: stopped jobs, fg, bg
 *   vars.c      shell variables and the environment built from them
 *   arena.c     the allocator for everything a command's tree needs
 *
 * Memory: a command's tokens, tree and expansions live in the arena and
 * are released together (sh_release) once it has run; anything that must
 * outlive it (variables, job texts) is malloc'd.
 */
#ifndef SH_H
#define SH_H

#include <stddef.h>
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

/* A growable array of strings in the arena, NULL-terminated. */
struct strvec {
	char **v;
	size_t n, cap;
};
void strvec_push(struct strvec *sv, char *s);

/* ---- main.c: input ---------------------------------------------------- */
struct sh_input {
	char *buf;		/* malloc'd; text read so far */
	size_t len, cap;
	size_t pos;		/* next character for the lexer */
	int fd;			/* where more lines come from; -1: none */
	int prompt;		/* print prompts before reading */
	int at_start;		/* the next line starts a command (PS1) */
};
/* Append the next line of input; 0 at end of input. */
int input_more(struct sh_input *in);
void input_init_string(struct sh_input *in, const char *text);

/* ---- lexer.c ---------------------------------------------------------- */
enum tok_type {
	TK_WORD, TK_NEWLINE, TK_EOF, TK_ERROR,
	TK_SEMI, TK_AMP, TK_PIPE, TK_AND_IF, TK_OR_IF, TK_LPAREN, TK_RPAREN,
	TK_LESS, TK_GREAT, TK_DGREAT, TK_LESSAND, TK_GREATAND,
};
struct token {
	enum tok_type type;
	char *text;		/* TK_WORD: raw, quotes kept; others: spelling */
	int fd;			/* redirections: explicit fd ("2>"), or -1 */
	size_t start, end;	/* in the input buffer */
};
void lex_next(struct sh_input *in, struct token *tok);
/* s[i] is the '$' of "$(": index just past the matching ')', or 0. */
size_t lex_subst_end(const char *s, size_t i);

/* ---- parser.c --------------------------------------------------------- */
enum redir_type { R_IN, R_OUT, R_APPEND, R_DUP_IN, R_DUP_OUT };
struct redir {
	enum redir_type type;
	int fd;			/* the descriptor redirected */
	char *word;		/* file name, or fd number / "-" for dups */
	struct redir *next;
};
struct list_item;
struct command {
	char **words;		/* raw words, NULL-terminated */
	struct list_item *subshell;	/* ( list ), instead of words */
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
int is_assignment(const char *word);

/* ---- exec.c ----------------------------------------------------------- */
int exec_list(struct list_item *list);
/* Fork with stdio flushed first (so no output is written twice). */
pid_t sh_fork(void);
/* In a child: forget the parent shell's job control and interactivity. */
void sh_become_child(void);
/* Decode a wait status into an exit status; report deaths by signal. */
int sh_wait_status(int st, int report);
int sh_waitpid(pid_t pid);
/* Redirections: apply (saving the old fds in *saved when non-NULL). */
struct saved_fd;
int apply_redirs(struct redir *r, struct saved_fd **saved);
void restore_fds(struct saved_fd *saved);
void exec_external(char **argv, char **envp) __attribute__((noreturn));

/* ---- builtins.c ------------------------------------------------------- */
typedef int (*builtin_fn)(int argc, char **argv);
builtin_fn builtin_lookup(const char *name);
/* `exec` with no command keeps its redirections: exec.c asks this. */
int builtin_is_exec(builtin_fn fn);

/* ---- vars.c ----------------------------------------------------------- */
void vars_init(char **environ);
const char *var_get(const char *name);
int var_set(const char *name, const char *value, int export);
void var_unset(const char *name);
void var_export(const char *name);
void vars_print(int exported_only);
/* The environment for a child: exported vars plus "NAME=value" extras. */
char **vars_environ(char **extra);
int valid_name(const char *s, size_t len);

/* ---- main.c: state ---------------------------------------------------- */
struct sh_state {
	int status;		/* $? */
	pid_t pid;		/* $$: the shell's own pid, even in subshells */
	pid_t last_bg;		/* $!, 0 if none */
	int argc;		/* $#, with argv[0] as $0 */
	char **argv;
	int interactive;	/* prompts, reports, ignores ^C */
	int jobctl;		/* process groups and the terminal work */
	int tty;		/* the terminal's fd when jobctl */
	pid_t pgid;		/* the shell's own process group */
	int exiting;		/* `exit` ran: leave the loop */
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

#endif /* SH_H */
