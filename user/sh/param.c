/*
 * Parameters: named variables (vars.c), the positional parameters $1..
 * (sh.argv, malloc'd, replaced by `set --`, `shift` and function calls)
 * and the special ones $? $$ $! $# $- $0 $@ $*, and the ${...} forms:
 *
 *   ${P}  ${#P}  ${P-w} ${P:-w}  ${P=w} ${P:=w}  ${P?w} ${P:?w}
 *   ${P+w} ${P:+w}  ${P%pat} ${P%%pat} ${P#pat} ${P##pat}
 *
 * (with ':' an empty value counts as unset).  The word w is expanded
 * only when it is used, in the quoting context of the whole: inside
 * "..." it is quoted too.  "$@" gives one field per parameter (X_BREAK
 * between them); unquoted $@ and $* give them as separately split fields
 * (X_SOFT); "$*" joins them with IFS's first character.  set -u makes a
 * reference to an unset parameter (not $@ or $*) an expansion error.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"
#include "ulib.h"

/* ---- positional parameters ------------------------------------------ */

void params_set(char **args, int n)
{
	char **v = sh_xmalloc((size_t)(n + 2) * sizeof *v);
	int i;

	v[0] = sh_xstrdup(sh.argv && sh.argv[0] ? sh.argv[0] : "sh");
	for (i = 0; i < n; i++)
		v[i + 1] = sh_xstrdup(args[i]);
	v[n + 1] = NULL;
	if (sh.argv) {
		for (i = 0; i < sh.argc; i++)
			free(sh.argv[i]);
		free(sh.argv);
	}
	sh.argv = v;
	sh.argc = n + 1;
}

struct params params_save(void)
{
	struct params p = { sh.argc, sh.argv };

	sh.argv = NULL;
	sh.argc = 0;
	return p;
}

void params_restore(struct params saved)
{
	int i;

	for (i = 0; sh.argv && i < sh.argc; i++)
		free(sh.argv[i]);
	free(sh.argv);
	sh.argc = saved.argc;
	sh.argv = saved.argv;
}

/* ---- values --------------------------------------------------------- */

static char *number(long v)
{
	char buf[24];

	snprintf(buf, sizeof buf, "%ld", v);
	return sh_strdup(buf);
}

static char *option_letters(void)
{
	char *s = sh_alloc(8), *q = s;

	if (sh.opt_e)
		*q++ = 'e';
	if (sh.opt_f)
		*q++ = 'f';
	if (sh.opt_u)
		*q++ = 'u';
	if (sh.opt_x)
		*q++ = 'x';
	return s;
}

/* $1 .. $n joined by sep (0: no separator). */
static char *joined_params(char sep)
{
	size_t len = 1;
	char *s, *q;
	int i;

	for (i = 1; i < sh.argc; i++)
		len += strlen(sh.argv[i]) + 1;
	s = q = sh_alloc(len);
	for (i = 1; i < sh.argc; i++) {
		if (i > 1 && sep)
			*q++ = sep;
		q = stpcpy(q, sh.argv[i]);
	}
	return s;
}

/* The value of the parameter spelled s[0..n), or NULL when unset. */
static const char *param_get(const char *s, size_t n)
{
	if (n == 0)
		return NULL;
	if (isdigit((unsigned char)s[0])) {
		long k = strtol(sh_strndup(s, n), NULL, 10);

		return k < sh.argc ? sh.argv[k] : NULL;
	}
	if (n == 1) {
		switch (s[0]) {
		case '?': return number(sh.status);
		case '$': return number(sh.pid);
		case '!': return sh.last_bg ? number(sh.last_bg) : NULL;
		case '#': return number(sh.argc - 1);
		case '-': return option_letters();
		case '@':
		case '*': return joined_params(' ');
		}
	}
	return var_get(sh_strndup(s, n));
}

/* Length of a parameter name at s: a name, digits, or one special char. */
static size_t param_name_len(const char *s, int braced)
{
	size_t n = 0;

	if (isalpha((unsigned char)s[0]) || s[0] == '_') {
		while (isalnum((unsigned char)s[n]) || s[n] == '_')
			n++;
		return n;
	}
	if (isdigit((unsigned char)s[0])) {
		if (!braced)
			return 1;
		while (isdigit((unsigned char)s[n]))
			n++;
		return n;
	}
	return s[0] && strchr("@*#?-$!", s[0]) ? 1 : 0;
}

/* $@ and $* (name is '@' or '*'). */
static void add_all_params(struct xbuf *x, char name, int in_quotes)
{
	const char *ifs = var_get("IFS");
	int i;

	if (in_quotes && name == '*') {
		xbuf_add_str(x, joined_params(ifs ? ifs[0] : ' '), X_QUOTE);
		return;
	}
	if (in_quotes && sh.argc <= 1)
		x->empty_at = 1;
	for (i = 1; i < sh.argc; i++) {
		if (i > 1)
			xbuf_add(x, ' ', in_quotes ? X_BREAK : X_SOFT);
		xbuf_add_str(x, sh.argv[i], in_quotes ? X_QUOTE : X_EXP);
	}
}

static void unset_error(const char *name, size_t n)
{
	sh_expand_error("%.*s: parameter not set", (int)n, name);
}

/* ---- ${...} ---------------------------------------------------------- */

/* The word of ${P op word} expanded to a string (for = ? and patterns). */
static char *word_text(const char *s, size_t from, size_t to)
{
	struct xbuf w = { NULL, NULL, 0, 0, 0, 0 };

	expand_part(&w, s, from, to, 0);
	return w.s ? w.s : sh_strdup("");
}

static char *word_pattern(const char *s, size_t from, size_t to)
{
	return expand_pattern(sh_strndup(s + from, to - from));
}

static void assign_default(const char *name, size_t n, const char *value)
{
	char *nm = sh_strndup(name, n);

	if (!valid_name(nm, n)) {
		sh_expand_error("%s: cannot assign in this way", nm);
		return;
	}
	var_set(nm, value, 0);
}

/* s[b..e) is the inside of ${...}. */
static void brace_expand(struct xbuf *x, const char *s, size_t b, size_t e, int in_quotes)
{
	enum xcls cls = in_quotes ? X_QUOTE : X_EXP;
	int length = 0, colon = 0, unset;
	const char *v;
	size_t n, w;
	char op;

	if (s[b] == '#' && e - b > 1 && param_name_len(s + b + 1, 1) == e - b - 1) {
		length = 1;
		b++;
	}
	n = param_name_len(s + b, 1);
	if (n == 0) {
		sh_expand_error("${%.*s}: bad substitution", (int)(e - b), s + b);
		return;
	}
	v = param_get(s + b, n);
	unset = v == NULL;
	if (!unset && n == 1 && (s[b] == '@' || s[b] == '*'))
		unset = sh.argc <= 1;
	w = b + n;
	if (length || w == e) {
		if (unset && sh.opt_u && !(n == 1 && strchr("@*", s[b]))) {
			unset_error(s + b, n);
			return;
		}
		if (length) {
			char buf[24];

			snprintf(buf, sizeof buf, "%zu", v ? strlen(v) : 0);
			xbuf_add_str(x, buf, cls);
		} else if (n == 1 && (s[b] == '@' || s[b] == '*')) {
			add_all_params(x, s[b], in_quotes);
		} else {
			xbuf_add_str(x, v, cls);
		}
		return;
	}
	if (s[w] == ':') {
		colon = 1;
		w++;
	}
	op = s[w++];
	if (colon && v && !*v)
		unset = 1;
	switch (op) {
	case '-':
		if (unset)
			expand_part(x, s, w, e, in_quotes);
		else
			xbuf_add_str(x, v, cls);
		return;
	case '+':
		if (!unset)
			expand_part(x, s, w, e, in_quotes);
		return;
	case '=':
		if (unset) {
			v = word_text(s, w, e);
			assign_default(s + b, n, v);
		}
		xbuf_add_str(x, v, cls);
		return;
	case '?':
		if (unset) {
			const char *msg = word_text(s, w, e);

			sh_expand_error("%.*s: %s", (int)n, s + b,
					*msg ? msg : "parameter null or not set");
			return;
		}
		xbuf_add_str(x, v, cls);
		return;
	case '%':
	case '#':
		if (colon)
			break;
		if (unset && sh.opt_u) {
			unset_error(s + b, n);
			return;
		}
		{
			int longest = s[w] == op;

			xbuf_add_str(x, pattern_trim(v ? v : "",
						     word_pattern(s, w + (size_t)longest, e),
						     op, longest), cls);
		}
		return;
	}
	sh_expand_error("${%.*s}: bad substitution", (int)(e - b), s + b);
}

size_t param_expand(struct xbuf *x, const char *s, size_t i, int in_quotes)
{
	enum xcls cls = in_quotes ? X_QUOTE : X_EXP;
	size_t n, end;
	const char *v;

	if (s[i + 1] == '{') {
		end = lex_subst_end(s, i);
		if (end == 0) {
			xbuf_add(x, '$', cls);
			return i + 1;
		}
		brace_expand(x, s, i + 2, end - 1, in_quotes);
		return end;
	}
	n = param_name_len(s + i + 1, 0);
	if (n == 0) {
		xbuf_add(x, '$', cls);	/* a lone '$' is just a dollar sign */
		return i + 1;
	}
	if (n == 1 && (s[i + 1] == '@' || s[i + 1] == '*')) {
		add_all_params(x, s[i + 1], in_quotes);
		return i + 2;
	}
	v = param_get(s + i + 1, n);
	if (!v && sh.opt_u)
		unset_error(s + i + 1, n);
	xbuf_add_str(x, v, cls);
	return i + 1 + n;
}
