/*
 * echo and printf, the shell's output builtins.
 *
 * echo [-n] ARG...: the arguments, separated by spaces, then a newline
 * (not with -n); backslash escapes in them work as in XSI and dash:
 * \a \b \c (stop here, no newline) \f \n \r \t \v \\ \0NNN.
 *
 * printf FORMAT [ARG...]: C's printf conversions d i o u x X e f g c s b %%
 * with flags (- + space # 0), width and precision (also *), and the
 * escapes \" \\ \a \b \f \n \r \t \v \NNN in the format.  The format is
 * used again while arguments remain; missing ones are "" or 0.  %b
 * expands escapes in its argument (\0NNN octal), where \c ends all output.
 * A numeric argument may be 'c (the code of c); one that is not a number
 * is reported, counted as what its digits gave, and makes the status 1.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"
#include "ulib.h"

#define SPEC_MAX  32		/* a conversion specification, flags and all */
#define OCTAL_MAX 3		/* digits of \NNN */

/* ---- escapes ----------------------------------------------------------- */

/*
 * The escape at s (just past the backslash) -> *out; returns the number
 * of characters used.  zero_prefix: \0NNN (echo, %b) rather than \NNN.
 * *stop is set for \c.
 */
static size_t escape(const char *s, char *out, int zero_prefix, int *stop)
{
	static const char from[] = "abfnrtv\\\"", to[] = "\a\b\f\n\r\t\v\\\"";
	const char *k = *s ? strchr(from, *s) : NULL;
	size_t n = 0;
	int v = 0;

	if (k) {
		*out = to[k - from];
		return 1;
	}
	if (*s == 'c') {
		*stop = 1;
		return 1;
	}
	if (zero_prefix ? *s == '0' : (*s >= '0' && *s <= '7')) {
		if (zero_prefix)
			n = 1;
		while (n < OCTAL_MAX + (size_t)zero_prefix && s[n] >= '0' && s[n] <= '7')
			v = v * 8 + (s[n++] - '0');
		*out = (char)v;
		return n;
	}
	*out = '\\';
	return 0;
}

/* Print s with escapes expanded; 1 if \c stopped it. */
static int put_escaped(const char *s, int zero_prefix)
{
	int stop = 0;
	char c;

	for (; *s && !stop; s++) {
		if (*s != '\\' || !s[1]) {
			putchar(*s);
			continue;
		}
		s += escape(s + 1, &c, zero_prefix, &stop);
		if (!stop)
			putchar(c);
	}
	return stop;
}

int bi_echo(int argc, char **argv)
{
	int i = 1, newline = 1;

	if (argc > 1 && strcmp(argv[1], "-n") == 0) {
		newline = 0;
		i++;
	}
	for (; i < argc; i++) {
		if (put_escaped(argv[i], 1))
			return 0;
		if (i < argc - 1)
			putchar(' ');
	}
	if (newline)
		putchar('\n');
	return 0;
}

/* ---- printf ------------------------------------------------------------ */

struct pf {
	char **args;
	int nargs, next;
	int status;
	int stop;		/* \c in %b */
};

static const char *next_arg(struct pf *p)
{
	return p->next < p->nargs ? p->args[p->next++] : NULL;
}

static intmax_t num_arg(struct pf *p, int is_unsigned)
{
	const char *s = next_arg(p);
	char *end;
	intmax_t v;

	if (!s || !*s)
		return 0;
	if (*s == '\'' || *s == '"')
		return (unsigned char)s[1];
	errno = 0;
	v = is_unsigned && *s != '-' ? (intmax_t)strtoumax(s, &end, 0) : strtoimax(s, &end, 0);
	if (*end || errno) {
		ul_warn("printf: %s: %s", s, errno ? strerror(errno) : "not completely converted");
		p->status = 1;
	}
	return v;
}

/* One conversion at f (just past '%'); returns the characters used. */
static size_t convert(struct pf *p, const char *f)
{
	char spec[SPEC_MAX], *q = spec, conv;
	const char *start = f;
	int star[2], nstar = 0, i;

	*q++ = '%';
	while (*f && strchr("-+ #0", *f) && q < spec + SPEC_MAX / 2)
		*q++ = *f++;
	for (i = 0; i < 2; i++) {
		if (i == 1) {
			if (*f != '.')
				break;
			*q++ = *f++;
		}
		if (*f == '*') {
			star[nstar++] = (int)num_arg(p, 0);
			*q++ = *f++;
		} else {
			while (isdigit((unsigned char)*f) && q < spec + SPEC_MAX - 4)
				*q++ = *f++;
		}
	}
	conv = *f;
	if (!conv || !strchr("diouxXeEfFgGcsb%", conv)) {
		ul_warn("printf: %%%c: invalid conversion", conv ? conv : ' ');
		p->status = 1;
		p->stop = 1;
		return (size_t)(f - start) + (conv != 0);
	}
	f++;
	if (conv == '%') {
		putchar('%');
		return (size_t)(f - start);
	}
	if (strchr("diouxX", conv)) {
		*q++ = 'j';
		*q++ = conv;
		*q = '\0';
		intmax_t v = num_arg(p, conv != 'd' && conv != 'i');

		if (nstar == 2)
			printf(spec, star[0], star[1], v);
		else if (nstar == 1)
			printf(spec, star[0], v);
		else
			printf(spec, v);
		return (size_t)(f - start);
	}
	if (strchr("eEfFgG", conv)) {
		const char *a = next_arg(p);
		double v = a ? strtod(a, NULL) : 0;

		*q++ = conv;
		*q = '\0';
		if (nstar == 2)
			printf(spec, star[0], star[1], v);
		else if (nstar == 1)
			printf(spec, star[0], v);
		else
			printf(spec, v);
		return (size_t)(f - start);
	}
	const char *s = next_arg(p);

	if (!s)
		s = "";
	if (conv == 'c') {
		*q++ = 'c';
		*q = '\0';
		if (nstar)
			printf(spec, star[0], *s);
		else
			printf(spec, *s);
		return (size_t)(f - start);
	}
	if (conv == 'b') {
		p->stop = put_escaped(s, 1);
		return (size_t)(f - start);
	}
	*q++ = 's';
	*q = '\0';
	if (nstar == 2)
		printf(spec, star[0], star[1], s);
	else if (nstar == 1)
		printf(spec, star[0], s);
	else
		printf(spec, s);
	return (size_t)(f - start);
}

/* The format once; returns how many conversions took arguments. */
static int format_once(struct pf *p, const char *f)
{
	int before = p->next, stop = 0;
	char c;

	while (*f && !p->stop) {
		if (*f == '\\' && f[1]) {
			f += 1 + escape(f + 1, &c, 0, &stop);
			if (stop) {
				p->stop = 1;
				break;
			}
			putchar(c);
		} else if (*f == '%' && f[1]) {
			f += 1 + convert(p, f + 1);
		} else {
			putchar(*f++);
		}
	}
	return p->next - before;
}

int bi_printf(int argc, char **argv)
{
	struct pf p = { argv + 2, argc - 2, 0, 0, 0 };

	if (argc < 2) {
		ul_warn("printf: usage: printf FORMAT [ARG...]");
		return SH_STATUS_SYNTAX;
	}
	do {
		if (format_once(&p, argv[1]) == 0)
			break;
	} while (p.next < p.nargs && !p.stop);
	return p.status;
}
