/*
 * Shell patterns (POSIX "Pattern Matching Notation"): * ? and bracket
 * expressions [abc] [a-z] [!x] [[:alpha:]], where a backslash makes the
 * next character literal.  expand.c builds patterns from words with every
 * quoted character escaped, so quoting works as POSIX asks ("*" matches a
 * star only).  Used by case, by ${x%pat} and its family, and by pathname
 * expansion, which also keeps a leading '.' and every '/' explicit and
 * sorts its matches.  The matching itself is fnmatch(3) and glob(3) of
 * the C library (whose rules are these); this file is the shell's
 * interface to them.
 */
#include <fnmatch.h>
#include <glob.h>
#include <string.h>

#include "sh.h"

int pattern_match(const char *pattern, const char *s)
{
	return fnmatch(pattern, s, 0) == 0;
}

int pattern_has_magic(const char *p)
{
	for (; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '*' || *p == '?' || (*p == '[' && strchr(p + 1, ']')))
			return 1;	/* a '[' without a ']' is an ordinary character */
	}
	return 0;
}

int pattern_glob(const char *pattern, struct strvec *out)
{
	glob_t g;
	size_t i, n;

	if (glob(pattern, 0, NULL, &g) != 0)
		return 0;
	for (i = 0; i < g.gl_pathc; i++)
		strvec_push(out, sh_strdup(g.gl_pathv[i]));
	n = g.gl_pathc;
	globfree(&g);
	return (int)n;
}

/*
 * '%': remove the shortest (longest) suffix that matches; '#': the
 * shortest (longest) prefix.  Nothing matches: the value unchanged.
 */
char *pattern_trim(const char *value, const char *pattern, char op, int longest)
{
	size_t len = strlen(value), k, cut;

	for (k = 0; k <= len; k++) {
		if (op == '%') {
			cut = longest ? k : len - k;	/* where the suffix starts */
			if (pattern_match(pattern, value + cut))
				return sh_strndup(value, cut);
		} else {
			cut = longest ? len - k : k;	/* where the prefix ends */
			if (pattern_match(pattern, sh_strndup(value, cut)))
				return sh_strdup(value + cut);
		}
	}
	return sh_strdup(value);
}
