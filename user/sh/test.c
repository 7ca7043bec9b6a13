/*
 * test and [ : evaluate a condition, status 0 (true), 1 (false) or 2 (an
 * error, with a message).
 *
 * With up to four arguments the result follows POSIX's rules by count
 * (so `test -n`, `test ! -f`, `test "(" x ")"` mean what POSIX says they
 * mean, whatever the strings); beyond that, a recursive descent:
 *
 *   or      : and ('-o' and)*
 *   and     : not ('-a' not)*
 *   not     : '!' not | primary
 *   primary : '(' or ')' | UNARY ARG | ARG BINARY ARG | ARG
 *
 * Unary primaries: -b -c -d -e -f -g -h -L -n -p -r -S -s -t -u -w -x -z;
 * binary: = != < > -eq -ne -gt -ge -lt -le -nt -ot -ef.  Integers are
 * decimal with optional blanks and sign; anything else is an error.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sh.h"
#include "ulib.h"

#define TEST_ERROR 2

struct tst {
	char **argv;
	int argc, pos;
	int error;
};

static void error(struct tst *t, const char *fmt, const char *arg)
{
	if (!t->error)
		ul_warn(fmt, arg);
	t->error = 1;
}

static int is_unary(const char *s)
{
	return s[0] == '-' && s[1] && !s[2] && strchr("bcdefghLnprSstuwxz", s[1]);
}

static int is_binary(const char *s)
{
	static const char *const ops[] = {
		"=", "!=", "<", ">", "-eq", "-ne", "-gt", "-ge", "-lt", "-le",
		"-nt", "-ot", "-ef", NULL,
	};
	size_t i;

	for (i = 0; ops[i]; i++)
		if (strcmp(s, ops[i]) == 0)
			return 1;
	return 0;
}

static intmax_t integer(struct tst *t, const char *s)
{
	const char *p = s;
	char *end;
	intmax_t v;

	while (isspace((unsigned char)*p))
		p++;
	errno = 0;
	v = strtoimax(p, &end, 10);
	while (isspace((unsigned char)*end))
		end++;
	if (end == p || *end || errno)
		error(t, "test: %s: bad number", s);
	return v;
}

static int file_test(char op, const char *path)
{
	struct stat st;

	if (op == 'h' || op == 'L')
		return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
	if (op == 't')
		return isatty(atoi(path));
	if (stat(path, &st) != 0)
		return 0;
	switch (op) {
	case 'b': return S_ISBLK(st.st_mode);
	case 'c': return S_ISCHR(st.st_mode);
	case 'd': return S_ISDIR(st.st_mode);
	case 'e': return 1;
	case 'f': return S_ISREG(st.st_mode);
	case 'g': return (st.st_mode & S_ISGID) != 0;
	case 'p': return S_ISFIFO(st.st_mode);
	case 'r': return access(path, R_OK) == 0;
	case 'S': return S_ISSOCK(st.st_mode);
	case 's': return st.st_size > 0;
	case 'u': return (st.st_mode & S_ISUID) != 0;
	case 'w': return access(path, W_OK) == 0;
	case 'x': return access(path, X_OK) == 0;
	}
	return 0;
}

static int unary(const char *op, const char *arg)
{
	if (op[1] == 'n')
		return *arg != '\0';
	if (op[1] == 'z')
		return *arg == '\0';
	return file_test(op[1], arg);
}

static int compare_files(const char *op, const char *a, const char *b)
{
	struct stat sa, sb;
	int ha = stat(a, &sa) == 0, hb = stat(b, &sb) == 0;

	if (strcmp(op, "-ef") == 0)
		return ha && hb && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	if (strcmp(op, "-nt") == 0)
		return ha && (!hb || sa.st_mtime > sb.st_mtime);
	return hb && (!ha || sa.st_mtime < sb.st_mtime);
}

static int binary(struct tst *t, const char *a, const char *op, const char *b)
{
	intmax_t x, y;

	if (strcmp(op, "=") == 0)
		return strcmp(a, b) == 0;
	if (strcmp(op, "!=") == 0)
		return strcmp(a, b) != 0;
	if (strcmp(op, "<") == 0)
		return strcmp(a, b) < 0;
	if (strcmp(op, ">") == 0)
		return strcmp(a, b) > 0;
	if (strcmp(op, "-nt") == 0 || strcmp(op, "-ot") == 0 || strcmp(op, "-ef") == 0)
		return compare_files(op, a, b);
	x = integer(t, a);
	y = integer(t, b);
	if (strcmp(op, "-eq") == 0) return x == y;
	if (strcmp(op, "-ne") == 0) return x != y;
	if (strcmp(op, "-gt") == 0) return x > y;
	if (strcmp(op, "-ge") == 0) return x >= y;
	if (strcmp(op, "-lt") == 0) return x < y;
	return x <= y;
}

/* ---- the recursive descent, for more than four arguments -------------- */

static const char *arg(struct tst *t, int k)
{
	return t->pos + k < t->argc ? t->argv[t->pos + k] : NULL;
}

static int or_expr(struct tst *t);

static int primary(struct tst *t)
{
	const char *a = arg(t, 0), *b = arg(t, 1), *c = arg(t, 2);
	int v;

	if (!a) {
		error(t, "test: %s", "argument expected");
		return 0;
	}
	if (strcmp(a, "(") == 0) {
		t->pos++;
		v = or_expr(t);
		if (!arg(t, 0) || strcmp(arg(t, 0), ")") != 0)
			error(t, "test: %s", "')' expected");
		t->pos++;
		return v;
	}
	if (b && c && is_binary(b)) {
		t->pos += 3;
		return binary(t, a, b, c);
	}
	if (is_unary(a) && b) {
		t->pos += 2;
		return unary(a, b);
	}
	t->pos++;
	return *a != '\0';
}

static int not_expr(struct tst *t)
{
	if (arg(t, 0) && strcmp(arg(t, 0), "!") == 0) {
		t->pos++;
		return !not_expr(t);
	}
	return primary(t);
}

static int and_expr(struct tst *t)
{
	int v = not_expr(t);

	while (!t->error && arg(t, 0) && strcmp(arg(t, 0), "-a") == 0) {
		t->pos++;
		v = not_expr(t) && v;
	}
	return v;
}

static int or_expr(struct tst *t)
{
	int v = and_expr(t);

	while (!t->error && arg(t, 0) && strcmp(arg(t, 0), "-o") == 0) {
		t->pos++;
		v = and_expr(t) || v;
	}
	return v;
}

/* ---- POSIX's rules by argument count ---------------------------------- */

static int eval(struct tst *t, char **a, int n)
{
	switch (n) {
	case 0:
		return 0;
	case 1:
		return *a[0] != '\0';
	case 2:
		if (strcmp(a[0], "!") == 0)
			return !eval(t, a + 1, 1);
		if (is_unary(a[0]))
			return unary(a[0], a[1]);
		break;
	case 3:
		if (is_binary(a[1]))
			return binary(t, a[0], a[1], a[2]);
		if (strcmp(a[1], "-a") == 0)
			return *a[0] && *a[2];
		if (strcmp(a[1], "-o") == 0)
			return *a[0] || *a[2];
		if (strcmp(a[0], "!") == 0)
			return !eval(t, a + 1, 2);
		if (strcmp(a[0], "(") == 0 && strcmp(a[2], ")") == 0)
			return eval(t, a + 1, 1);
		break;
	case 4:
		if (strcmp(a[0], "!") == 0)
			return !eval(t, a + 1, 3);
		if (strcmp(a[0], "(") == 0 && strcmp(a[3], ")") == 0)
			return eval(t, a + 1, 2);
		break;
	}
	t->argv = a;
	t->argc = n;
	t->pos = 0;
	{
		int v = or_expr(t);

		if (!t->error && t->pos < n)
			error(t, "test: %s: unexpected operator", a[t->pos]);
		return v;
	}
}

int bi_test(int argc, char **argv)
{
	struct tst t = { NULL, 0, 0, 0 };
	int v;

	if (strcmp(argv[0], "[") == 0) {
		if (argc < 2 || strcmp(argv[argc - 1], "]") != 0) {
			ul_warn("[: missing ]");
			return TEST_ERROR;
		}
		argc--;
	}
	v = eval(&t, argv + 1, argc - 1);
	return t.error ? TEST_ERROR : !v;
}
