/*
 * Word expansion: a raw word from the lexer -> zero or more fields.
 *
 * One pass over the word removes the quotes and substitutes parameters
 * ($NAME ${NAME} $? $$ $! $# $0-$9 $* $@), commands ($(...)) and a
 * leading ~ (HOME), building the text together with a class per byte:
 *
 *   LIT    unquoted text of the word itself: glob characters work
 *   EXP    the result of an unquoted substitution: also split at IFS
 *   QUOTE  quoted, or escaped by a backslash: taken literally
 *   BREAK  a field boundary, from "$@" (one field per parameter)
 *
 * Then field splitting cuts at EXP bytes that are in IFS (" \t\n" by
 * default), and each field holding an unquoted * ? or [ is matched with
 * glob(3); a pattern that matches nothing stays as it is.  A word that
 * was quoted but came out empty ("" or '') still gives one empty field;
 * an unquoted empty substitution gives none.
 */
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"
#include "ulib.h"

enum cls { LIT, EXP, QUOTE, BREAK };

struct xbuf {
	char *s;
	unsigned char *cls;
	size_t len, cap;
	int quoted;		/* the word had quotes */
	int empty_at;		/* "$@" with no parameters was there */
};

static void add(struct xbuf *x, char c, enum cls cls)
{
	if (x->len + 1 >= x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 64;
		char *s = sh_alloc(cap);
		unsigned char *k = sh_alloc(cap);

		memcpy(s, x->s, x->len);
		memcpy(k, x->cls, x->len);
		x->s = s;
		x->cls = k;
		x->cap = cap;
	}
	x->s[x->len] = c;
	x->cls[x->len] = (unsigned char)cls;
	x->len++;
	x->s[x->len] = '\0';
}

static void add_str(struct xbuf *x, const char *s, enum cls cls)
{
	while (s && *s)
		add(x, *s++, cls);
}

/* ---- substitutions -------------------------------------------------- */

static char *command_output(const char *cmd)
{
	struct sh_input in;
	char *out = NULL, *result, buf[4096];
	size_t len = 0;
	ssize_t n;
	int fds[2];
	pid_t pid;

	if (pipe(fds) < 0) {
		ul_warnerr("pipe");
		return sh_strdup("");
	}
	pid = sh_fork();
	if (pid < 0) {
		ul_warnerr("fork");
		close(fds[0]);
		close(fds[1]);
		return sh_strdup("");
	}
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], STDOUT_FILENO);
		close(fds[1]);
		sh_become_child();
		input_init_string(&in, cmd);
		exit(sh_run_input(&in));
	}
	close(fds[1]);
	while ((n = read(fds[0], buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		out = realloc(out, len + (size_t)n + 1);
		if (!out)
			ul_die(2, "out of memory");
		memcpy(out + len, buf, (size_t)n);
		len += (size_t)n;
	}
	close(fds[0]);
	sh.status = sh_waitpid(pid);
	while (len > 0 && out[len - 1] == '\n')
		len--;
	result = sh_strndup(out ? out : "", len);
	free(out);
	return result;
}

/* $1 .. $n joined by spaces, for $* (and $@ outside quotes). */
static char *all_params(void)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 1; i < sh.argc; i++)
		len += strlen(sh.argv[i]) + 1;
	s = sh_alloc(len);
	for (i = 1; i < sh.argc; i++) {
		if (i > 1)
			strcat(s, " ");
		strcat(s, sh.argv[i]);
	}
	return s;
}

static char *number(long v)
{
	char buf[24];

	snprintf(buf, sizeof buf, "%ld", v);
	return sh_strdup(buf);
}

/* The value of a one-character special parameter, or NULL. */
static const char *special_param(char c)
{
	switch (c) {
	case '?': return number(sh.status);
	case '$': return number(sh.pid);
	case '!': return sh.last_bg ? number(sh.last_bg) : "";
	case '#': return number(sh.argc - 1);
	case '*': return all_params();
	default:
		if (isdigit((unsigned char)c))
			return c - '0' < sh.argc ? sh.argv[c - '0'] : "";
		return NULL;
	}
}

/* "$@": each parameter its own field. */
static void add_params_fields(struct xbuf *x)
{
	int i;

	if (sh.argc <= 1)
		x->empty_at = 1;
	for (i = 1; i < sh.argc; i++) {
		if (i > 1)
			add(x, ' ', BREAK);
		add_str(x, sh.argv[i], QUOTE);
	}
}

static size_t name_len(const char *s)
{
	size_t n = 0;

	if (!isalpha((unsigned char)s[0]) && s[0] != '_')
		return 0;
	while (isalnum((unsigned char)s[n]) || s[n] == '_')
		n++;
	return n;
}

/* Named or special parameter spelled s[0..n), NULL if it is neither. */
static const char *param_value(const char *s, size_t n)
{
	if (n == 1 && special_param(s[0]))
		return special_param(s[0]);
	if (name_len(s) == n && n > 0)
		return var_get(sh_strndup(s, n));
	return NULL;
}

/* s[i] is '$': substitute and return the index after what was used. */
static size_t expand_dollar(struct xbuf *x, const char *s, size_t i, int in_quotes)
{
	enum cls cls = in_quotes ? QUOTE : EXP;
	const char *next = s + i + 1, *close, *v;
	size_t n, end;

	if (*next == '(') {
		end = lex_subst_end(s, i);
		if (end == 0) {
			add(x, '$', cls);
			return i + 1;
		}
		add_str(x, command_output(sh_strndup(next + 1, end - i - 3)), cls);
		return end;
	}
	if (*next == '{') {
		close = strchr(next, '}');
		v = close ? param_value(next + 1, (size_t)(close - next - 1)) : NULL;
		if (!close || (!v && name_len(next + 1) != (size_t)(close - next - 1))) {
			add(x, '$', cls);
			return i + 1;
		}
		add_str(x, v, cls);
		return (size_t)(close - s) + 1;
	}
	if (*next == '@') {
		if (in_quotes)
			add_params_fields(x);
		else
			add_str(x, all_params(), cls);
		return i + 2;
	}
	n = name_len(next);
	if (n > 0) {
		add_str(x, var_get(sh_strndup(next, n)), cls);
		return i + 1 + n;
	}
	if (*next && special_param(*next)) {
		add_str(x, special_param(*next), cls);
		return i + 2;
	}
	add(x, '$', cls);	/* a lone '$' is just a dollar sign */
	return i + 1;
}

/* ---- quote removal and substitution, one word -------------------- */

static size_t single_quoted(struct xbuf *x, const char *s, size_t i)
{
	for (i++; s[i] && s[i] != '\''; i++)
		add(x, s[i], QUOTE);
	return s[i] ? i + 1 : i;
}

static size_t double_quoted(struct xbuf *x, const char *s, size_t i)
{
	for (i++; s[i] && s[i] != '"';) {
		if (s[i] == '\\' && s[i + 1] == '\n') {
			i += 2;
		} else if (s[i] == '\\' && s[i + 1] && strchr("$`\"\\", s[i + 1])) {
			add(x, s[i + 1], QUOTE);
			i += 2;
		} else if (s[i] == '$') {
			i = expand_dollar(x, s, i, 1);
		} else {
			add(x, s[i++], QUOTE);
		}
	}
	return s[i] ? i + 1 : i;
}

/* ~ or ~/... at the start: HOME.  (~user would need the user database.) */
static size_t tilde(struct xbuf *x, const char *s)
{
	const char *home = var_get("HOME");

	if (s[0] != '~' || (s[1] != '\0' && s[1] != '/') || !home)
		return 0;
	add_str(x, home, QUOTE);
	return 1;
}

static void expand_raw(struct xbuf *x, const char *s)
{
	size_t i = tilde(x, s);

	while (s[i]) {
		switch (s[i]) {
		case '\'':
			x->quoted = 1;
			i = single_quoted(x, s, i);
			break;
		case '"':
			x->quoted = 1;
			i = double_quoted(x, s, i);
			break;
		case '\\':
			if (s[i + 1] == '\n') {
				i += 2;
			} else if (s[i + 1]) {
				add(x, s[i + 1], QUOTE);
				i += 2;
			} else {
				add(x, s[i++], LIT);
			}
			break;
		case '$':
			i = expand_dollar(x, s, i, 0);
			break;
		default:
			add(x, s[i++], LIT);
		}
	}
}

/* ---- fields -------------------------------------------------------- */

static int has_glob(const struct xbuf *f)
{
	size_t i;

	for (i = 0; i < f->len; i++)
		if (f->cls[i] != QUOTE && strchr("*?[", f->s[i]))
			return 1;
	return 0;
}

/* The field as a glob pattern: quoted glob characters escaped. */
static char *pattern_of(const struct xbuf *f)
{
	char *p = sh_alloc(2 * f->len + 1), *q = p;
	size_t i;

	for (i = 0; i < f->len; i++) {
		if ((f->cls[i] == QUOTE && strchr("*?[]\\", f->s[i])) || f->s[i] == '\\')
			*q++ = '\\';
		*q++ = f->s[i];
	}
	*q = '\0';
	return p;
}

static void emit_field(struct xbuf *f, struct strvec *out)
{
	glob_t g;
	size_t i;

	if (has_glob(f) && glob(pattern_of(f), 0, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc; i++)
			strvec_push(out, sh_strdup(g.gl_pathv[i]));
		globfree(&g);
		return;
	}
	strvec_push(out, sh_strndup(f->s ? f->s : "", f->len));
}

static void split_fields(const struct xbuf *x, struct strvec *out)
{
	const char *ifs = var_get("IFS");
	struct xbuf f = { NULL, NULL, 0, 0, 0, 0 };
	size_t i, before = out->n;
	int have = 0;

	if (!ifs)
		ifs = " \t\n";
	for (i = 0; i < x->len; i++) {
		if (x->cls[i] == BREAK || (x->cls[i] == EXP && x->s[i] && strchr(ifs, x->s[i]))) {
			if (have || x->cls[i] == BREAK)
				emit_field(&f, out);
			f.len = 0;
			have = 0;
			continue;
		}
		add(&f, x->s[i], (enum cls)x->cls[i]);
		have = 1;
	}
	if (have || (out->n == before && x->quoted && !x->empty_at))
		emit_field(&f, out);
}

void expand_words(char **words, struct strvec *out)
{
	for (; *words; words++) {
		struct xbuf x = { NULL, NULL, 0, 0, 0, 0 };

		expand_raw(&x, *words);
		split_fields(&x, out);
	}
}

char *expand_word(const char *word)
{
	struct xbuf x = { NULL, NULL, 0, 0, 0, 0 };
	size_t i;

	expand_raw(&x, word);
	for (i = 0; i < x.len; i++)
		if (x.cls[i] == BREAK)
			x.s[i] = ' ';
	return x.s ? x.s : sh_strdup("");
}

int is_assignment(const char *word)
{
	size_t n = name_len(word);

	return n > 0 && word[n] == '=';
}
