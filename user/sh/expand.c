/*
 * Word expansion: a raw word from the lexer -> zero or more fields.
 *
 * One pass over the word removes the quotes and substitutes parameters
 * (param.c), commands ($(...) and `...`), arithmetic ($((...)), arith.c)
 * and a leading ~, building the text together with a class per byte:
 *
 *   X_LIT    unquoted text of the word itself: glob characters work
 *   X_EXP    the result of an unquoted substitution: also split at IFS
 *   X_QUOTE  quoted, or escaped by a backslash: taken literally
 *   X_BREAK  a field boundary that always ends a field ("$@")
 *   X_SOFT   a boundary like IFS white space (unquoted $@ and $*)
 *
 * Then field splitting cuts at X_EXP bytes that are in IFS, as POSIX
 * says: runs of IFS white space are one separator and vanish at the ends,
 * every other IFS character ends a field (possibly empty).  Each field
 * holding an unquoted * ? or [ is a pathname pattern (pattern.c), unless
 * set -f; one that matches nothing stays as it is.  A word that was
 * quoted but came out empty ("" or '') still gives one empty field; an
 * unquoted empty substitution gives none.  The same pass, without
 * splitting, serves assignments, redirection targets, case patterns
 * (where quoted characters are escaped for pattern.c) and here-documents.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"
#include "ulib.h"

#define READ_CHUNK 4096

void xbuf_add(struct xbuf *x, char c, enum xcls cls)
{
	if (x->len + 1 >= x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 64;
		char *s = sh_alloc(cap);
		unsigned char *k = sh_alloc(cap);

		if (x->len) {
			memcpy(s, x->s, x->len);
			memcpy(k, x->cls, x->len);
		}
		x->s = s;
		x->cls = k;
		x->cap = cap;
	}
	x->s[x->len] = c;
	x->cls[x->len] = (unsigned char)cls;
	x->len++;
	x->s[x->len] = '\0';
}

void xbuf_add_str(struct xbuf *x, const char *s, enum xcls cls)
{
	while (s && *s)
		xbuf_add(x, *s++, cls);
}

void sh_expand_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "sh: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	sh.xerror = 1;
}

/* ---- command substitution ------------------------------------------ */

char *expand_command(const char *cmd)
{
	char *out = NULL, *result, buf[READ_CHUNK];
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
		sh_exit(exec_string(cmd));
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
	sh.subst_status = sh_waitpid(pid);
	while (len > 0 && out[len - 1] == '\n')
		len--;
	result = sh_strndup(out ? out : "", len);
	free(out);
	return result;
}

/* The text between backquotes with its backslashes undone. */
static char *backquote_text(const char *s, size_t n, int in_quotes)
{
	char *t = sh_alloc(n + 1), *q = t;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n &&
		    (strchr("$`\\", s[i + 1]) || (in_quotes && s[i + 1] == '"')))
			i++;
		*q++ = s[i];
	}
	*q = '\0';
	return t;
}

static char *arith_text(const char *s, size_t n)
{
	struct xbuf x = { NULL, NULL, 0, 0, 0, 0 };
	intmax_t v;
	char buf[32];

	expand_part(&x, s, 0, n, 1);
	if (sh.xerror)
		return "";
	if (arith_eval(x.s ? x.s : "", &v) < 0) {
		sh.xerror = 1;
		return "";
	}
	snprintf(buf, sizeof buf, "%jd", v);
	return sh_strdup(buf);
}

/* s[i] is '$' or '`': substitute and return the index after what was used. */
static size_t expand_dollar(struct xbuf *x, const char *s, size_t i, int in_quotes)
{
	enum xcls cls = in_quotes ? X_QUOTE : X_EXP;
	size_t end;

	if (s[i] == '$' && s[i + 1] != '(')
		return param_expand(x, s, i, in_quotes);
	end = lex_subst_end(s, i);
	if (end == 0) {
		xbuf_add(x, s[i], cls);
		return i + 1;
	}
	if (s[i] == '`')
		xbuf_add_str(x, expand_command(backquote_text(s + i + 1, end - i - 2, in_quotes)), cls);
	else if (s[i + 2] == '(' && s[end - 2] == ')')
		xbuf_add_str(x, arith_text(s + i + 3, end - i - 5), cls);
	else
		xbuf_add_str(x, expand_command(sh_strndup(s + i + 2, end - i - 3)), cls);
	return end;
}

/* ---- quote removal and substitution, one word -------------------- */

static size_t single_quoted(struct xbuf *x, const char *s, size_t i, size_t end)
{
	for (i++; i < end && s[i] != '\''; i++)
		xbuf_add(x, s[i], X_QUOTE);
	return i < end ? i + 1 : i;
}

static size_t double_quoted(struct xbuf *x, const char *s, size_t i, size_t end)
{
	for (i++; i < end && s[i] != '"';) {
		if (s[i] == '\\' && s[i + 1] == '\n') {
			i += 2;
		} else if (s[i] == '\\' && i + 1 < end && strchr("$`\"\\", s[i + 1])) {
			xbuf_add(x, s[i + 1], X_QUOTE);
			i += 2;
		} else if (s[i] == '$' || s[i] == '`') {
			i = expand_dollar(x, s, i, 1);
		} else {
			xbuf_add(x, s[i++], X_QUOTE);
		}
	}
	return i < end ? i + 1 : i;
}

/* ~ or ~/... at the start: HOME.  (~user would need the user database.) */
static size_t tilde(struct xbuf *x, const char *s, size_t end)
{
	const char *home = var_get("HOME");

	if (end == 0 || s[0] != '~' || (end > 1 && s[1] != '/') || !home)
		return 0;
	xbuf_add_str(x, home, X_QUOTE);
	return 1;
}

/*
 * in_quotes 0: a word; 1: inside "..." (quotes nested there still work);
 * 2: a here-document (a double quote is an ordinary character).
 */
void expand_part(struct xbuf *x, const char *s, size_t i, size_t end, int in_quotes)
{
	enum xcls lit = in_quotes ? X_QUOTE : X_LIT;

	while (i < end && s[i]) {
		switch (s[i]) {
		case '\'':
			if (in_quotes) {
				xbuf_add(x, s[i++], X_QUOTE);
				break;
			}
			x->quoted = 1;
			i = single_quoted(x, s, i, end);
			break;
		case '"':
			if (in_quotes == 2) {
				xbuf_add(x, s[i++], X_QUOTE);
				break;
			}
			x->quoted = 1;
			i = double_quoted(x, s, i, end);
			break;
		case '\\':
			if (s[i + 1] == '\n') {
				i += 2;
			} else if (in_quotes && i + 1 < end &&
				   !strchr(in_quotes == 1 ? "$`\"\\" : "$`\\", s[i + 1])) {
				xbuf_add(x, s[i++], X_QUOTE);
			} else if (i + 1 < end) {
				xbuf_add(x, s[i + 1], X_QUOTE);
				i += 2;
			} else {
				xbuf_add(x, s[i++], lit);
			}
			break;
		case '$':
		case '`':
			i = expand_dollar(x, s, i, in_quotes != 0);
			break;
		default:
			xbuf_add(x, s[i++], lit);
		}
	}
}

static void expand_raw(struct xbuf *x, const char *s)
{
	size_t end = strlen(s);

	expand_part(x, s, tilde(x, s, end), end, 0);
}

/* ---- fields -------------------------------------------------------- */

/* The field as a pattern: quoted pattern characters escaped. */
static char *pattern_of(const struct xbuf *f)
{
	char *p = sh_alloc(2 * f->len + 1), *q = p;
	size_t i;

	for (i = 0; i < f->len; i++) {
		if ((f->cls[i] == X_QUOTE && strchr("*?[]\\", f->s[i])) || f->s[i] == '\\')
			*q++ = '\\';
		*q++ = f->s[i];
	}
	*q = '\0';
	return p;
}

static void emit_field(struct xbuf *f, struct strvec *out)
{
	char *pat;

	if (!sh.opt_f && f->len) {
		pat = pattern_of(f);
		if (pattern_has_magic(pat) && pattern_glob(pat, out) > 0)
			return;
	}
	strvec_push(out, sh_strndup(f->s ? f->s : "", f->len));
}

static int is_ifs_white(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

static void split_fields(const struct xbuf *x, struct strvec *out)
{
	const char *ifs = var_get("IFS");
	struct xbuf f = { NULL, NULL, 0, 0, 0, 0 };
	size_t i, before = out->n;
	int have = 0, after_white = 0;

	if (!ifs)
		ifs = " \t\n";
	for (i = 0; i < x->len; i++) {
		char c = x->s[i];
		int cls = x->cls[i];

		if (cls == X_BREAK) {
			emit_field(&f, out);
			f.len = 0;
			have = after_white = 0;
		} else if (cls == X_SOFT || (cls == X_EXP && c && strchr(ifs, c) && is_ifs_white(c))) {
			if (have)
				emit_field(&f, out);
			f.len = 0;
			after_white = have || after_white;
			have = 0;
		} else if (cls == X_EXP && c && strchr(ifs, c)) {
			if (have || !after_white)
				emit_field(&f, out);
			f.len = 0;
			have = after_white = 0;
		} else {
			xbuf_add(&f, c, (enum xcls)cls);
			have = 1;
			after_white = 0;
		}
	}
	if (have || (out->n == before && x->quoted && !x->empty_at))
		emit_field(&f, out);
}

void expand_words(char **words, struct strvec *out)
{
	for (; *words && !sh.xerror; words++) {
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
		if (x.cls[i] == X_BREAK || x.cls[i] == X_SOFT)
			x.s[i] = ' ';
	return x.s ? x.s : sh_strdup("");
}

char *expand_pattern(const char *word)
{
	struct xbuf x = { NULL, NULL, 0, 0, 0, 0 };

	expand_raw(&x, word);
	return pattern_of(&x);
}

char *expand_heredoc(const char *text)
{
	struct xbuf x = { NULL, NULL, 0, 0, 0, 0 };

	expand_part(&x, text, 0, strlen(text), 2);
	return x.s ? x.s : sh_strdup("");
}

char *unquote(const char *word)
{
	char *t = sh_alloc(strlen(word) + 1), *q = t;
	char quote = 0;

	for (; *word; word++) {
		if (quote && *word == quote) {
			quote = 0;
		} else if (!quote && (*word == '\'' || *word == '"')) {
			quote = *word;
		} else if (*word == '\\' && quote != '\'' && word[1]) {
			*q++ = *++word;
		} else {
			*q++ = *word;
		}
	}
	*q = '\0';
	return t;
}

int is_assignment(const char *word)
{
	size_t n = 0;

	if (!isalpha((unsigned char)word[0]) && word[0] != '_')
		return 0;
	while (isalnum((unsigned char)word[n]) || word[n] == '_')
		n++;
	return word[n] == '=';
}
