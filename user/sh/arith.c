/*
 * Arithmetic expansion: $((expr)) after its parameters and commands have
 * been substituted.  The expression language is C's on intmax_t:
 *
 *   primary : NUMBER (decimal, 0octal, 0xhex) | NAME | '(' expr ')'
 *   unary   : ('+' | '-' | '!' | '~') unary | primary
 *   binary  : * / %  >  + -  >  << >>  >  < <= > >=  >  == !=  >  &  >  ^
 *             >  |  >  &&  >  ||     (by precedence climbing, left to right)
 *   cond    : binary ['?' expr ':' cond]
 *   expr    : NAME ('=' | '*=' | '/=' | '%=' | '+=' | '-=' | '<<=' | '>>='
 *             | '&=' | '^=' | '|=') expr  |  cond
 *
 * A NAME is a shell variable: unset or empty is 0, anything else must be
 * a number.  && || and ?: do not evaluate the side not taken (no
 * assignments, no division errors there: `noeval`).  Errors (division by
 * zero, a syntax error, a variable that is no number) are reported and
 * make arith_eval return -1; the caller treats that as a failed expansion.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"

#define ASSIGN_OPS_MAX 4	/* longest assignment operator, "<<=", plus one */

struct arith {
	const char *expr;
	const char *p;
	int error;
	int noeval;		/* > 0: in a branch not taken */
};

static void fail(struct arith *a, const char *what)
{
	if (!a->error)
		sh_expand_error("arithmetic: %s in \"%s\"", what, a->expr);
	a->error = 1;
}

static void blanks(struct arith *a)
{
	while (isspace((unsigned char)*a->p))
		a->p++;
}

/* Every operator, longest first: the next one is the longest that fits. */
static const char *const all_ops[] = {
	"<<=", ">>=", "&&", "||", "==", "!=", "<=", ">=", "<<", ">>", "*=", "/=",
	"%=", "+=", "-=", "&=", "^=", "|=", "+", "-", "*", "/", "%", "<", ">",
	"&", "|", "^", "!", "~", "?", ":", "(", ")", "=", NULL,
};

/* The operator op is next (and not the start of a longer one). */
static int next_is(struct arith *a, const char *op)
{
	size_t i;

	blanks(a);
	for (i = 0; all_ops[i]; i++)
		if (strncmp(a->p, all_ops[i], strlen(all_ops[i])) == 0)
			return strcmp(all_ops[i], op) == 0;
	return 0;
}

static int parse_number(struct arith *a, const char *s, intmax_t *v, const char **end)
{
	char *e;

	*v = strtoimax(s, &e, 0);
	if (e == s) {
		fail(a, "a number expected");
		return -1;
	}
	*end = e;
	return 0;
}

static intmax_t var_value(struct arith *a, const char *name)
{
	const char *s = var_get(name), *end;
	intmax_t v;

	if (!s || !*s) {
		if (sh.opt_u && !s && !a->noeval)
			fail(a, "unset variable");
		return 0;
	}
	while (isspace((unsigned char)*s))
		s++;
	if (parse_number(a, s, &v, &end) < 0)
		return 0;
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		fail(a, "a variable is not a number");
	return v;
}

static intmax_t expr(struct arith *a);

static char *name_at(struct arith *a)
{
	const char *s = a->p;

	if (!isalpha((unsigned char)*s) && *s != '_')
		return NULL;
	while (isalnum((unsigned char)*s) || *s == '_')
		s++;
	return sh_strndup(a->p, (size_t)(s - a->p));
}

static intmax_t primary(struct arith *a)
{
	intmax_t v;
	char *name;

	blanks(a);
	if (*a->p == '(') {
		a->p++;
		v = expr(a);
		if (!next_is(a, ")"))
			fail(a, "')' expected");
		else
			a->p++;
		return v;
	}
	if (isdigit((unsigned char)*a->p)) {
		if (parse_number(a, a->p, &v, &a->p) < 0)
			return 0;
		if (isalnum((unsigned char)*a->p) || *a->p == '_')
			fail(a, "bad number");
		return v;
	}
	name = name_at(a);
	if (!name) {
		fail(a, *a->p ? "syntax error" : "an operand expected");
		return 0;
	}
	a->p += strlen(name);
	return var_value(a, name);
}

static intmax_t unary(struct arith *a)
{
	blanks(a);
	if (next_is(a, "+")) {
		a->p++;
		return unary(a);
	}
	if (next_is(a, "-")) {
		a->p++;
		return -unary(a);
	}
	if (next_is(a, "!")) {
		a->p++;
		return !unary(a);
	}
	if (next_is(a, "~")) {
		a->p++;
		return ~unary(a);
	}
	return primary(a);
}

struct binop {
	const char *op;
	int prec;
};

/* Higher binds tighter; && and || are handled here too (short cut). */
static const struct binop binops[] = {
	{ "||", 1 }, { "&&", 2 }, { "|", 3 }, { "^", 4 }, { "&", 5 },
	{ "==", 6 }, { "!=", 6 }, { "<=", 7 }, { ">=", 7 }, { "<<", 8 },
	{ ">>", 8 }, { "<", 7 }, { ">", 7 }, { "+", 9 }, { "-", 9 },
	{ "*", 10 }, { "/", 10 }, { "%", 10 },
};

static const struct binop *next_binop(struct arith *a)
{
	size_t i;

	for (i = 0; i < sizeof binops / sizeof binops[0]; i++)
		if (next_is(a, binops[i].op))
			return &binops[i];
	return NULL;
}

static intmax_t apply(struct arith *a, const char *op, intmax_t l, intmax_t r)
{
	if ((op[0] == '/' || op[0] == '%') && !op[1]) {
		if (r == 0) {
			if (!a->noeval)
				fail(a, "division by zero");
			return 0;
		}
		if (r == -1)
			return op[0] == '/' ? -l : 0;	/* INTMAX_MIN / -1 overflows */
		return op[0] == '/' ? l / r : l % r;
	}
	switch (op[0]) {
	case '*': return l * r;
	case '+': return l + r;
	case '-': return l - r;
	case '^': return l ^ r;
	case '=': return l == r;
	case '!': return l != r;
	case '|': return l | r;
	case '&': return l & r;
	case '<':
		if (op[1] == '<')
			return (intmax_t)((uintmax_t)l << (r & 63));
		return op[1] == '=' ? l <= r : l < r;
	case '>':
		if (op[1] == '>')
			return l >> (r & 63);
		return op[1] == '=' ? l >= r : l > r;
	}
	return 0;
}

static intmax_t binary(struct arith *a, int min_prec)
{
	intmax_t l = unary(a), r;
	const struct binop *b;

	while (!a->error && (b = next_binop(a)) != NULL && b->prec >= min_prec) {
		a->p += strlen(b->op);
		if (b->prec <= 2) {	/* && || : the right side only if needed */
			int skip = b->prec == 1 ? l != 0 : l == 0;

			a->noeval += skip;
			r = binary(a, b->prec + 1);
			a->noeval -= skip;
			l = b->prec == 1 ? (l || r) : (l && r);
			continue;
		}
		r = binary(a, b->prec + 1);
		l = apply(a, b->op, l, r);
	}
	return l;
}

static intmax_t cond(struct arith *a)
{
	intmax_t c = binary(a, 1), t, f;

	if (!next_is(a, "?"))
		return c;
	a->p++;
	a->noeval += !c;
	t = expr(a);
	a->noeval -= !c;
	if (!next_is(a, ":")) {
		fail(a, "':' expected");
		return 0;
	}
	a->p++;
	a->noeval += !!c;
	f = cond(a);
	a->noeval -= !!c;
	return c ? t : f;
}

/* NAME op= expr, if that is what comes next. */
static int assignment(struct arith *a, intmax_t *v)
{
	static const char *const ops[] = {
		"<<=", ">>=", "*=", "/=", "%=", "+=", "-=", "&=", "^=", "|=", "=", NULL,
	};
	const char *save = a->p, *after;
	char *name, op[ASSIGN_OPS_MAX];
	size_t i;

	blanks(a);
	name = name_at(a);
	if (!name)
		goto no;
	after = a->p + strlen(name);
	while (isspace((unsigned char)*after))
		after++;
	for (i = 0; ops[i]; i++)
		if (strncmp(after, ops[i], strlen(ops[i])) == 0)
			break;
	if (!ops[i] || (ops[i][0] == '=' && after[1] == '='))
		goto no;
	a->p = after + strlen(ops[i]);
	*v = expr(a);
	if (ops[i][0] != '=') {
		snprintf(op, sizeof op, "%.*s", (int)strlen(ops[i]) - 1, ops[i]);
		*v = apply(a, op, var_value(a, name), *v);
	}
	if (!a->error && !a->noeval) {
		char buf[32];

		snprintf(buf, sizeof buf, "%jd", *v);
		var_set(name, buf, 0);
	}
	return 1;
no:
	a->p = save;
	return 0;
}

static intmax_t expr(struct arith *a)
{
	intmax_t v;

	if (assignment(a, &v))
		return v;
	return cond(a);
}

int arith_eval(const char *text, intmax_t *result)
{
	struct arith a = { text, text, 0, 0 };

	blanks(&a);
	if (!*a.p) {
		*result = 0;
		return 0;
	}
	*result = expr(&a);
	blanks(&a);
	if (!a.error && *a.p)
		fail(&a, "syntax error");
	return a.error ? -1 : 0;
}
