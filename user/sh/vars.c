/*
 * Shell variables: a table of NAME, value and an exported flag, filled
 * from the environment at start (all exported).  Child processes get the
 * exported ones as their environment (vars_environ), plus any NAME=value
 * words written before the command.  All of it is malloc'd: variables
 * outlive the commands that set them.  A read-only variable (readonly)
 * refuses var_set and var_unset_checked with a message.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"
#include "ulib.h"

struct var {
	char *name;
	char *value;
	int exported;
	int readonly;
};

static struct var *vars;
static size_t nvars, capvars;

int valid_name(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || (!isalpha((unsigned char)s[0]) && s[0] != '_'))
		return 0;
	for (i = 1; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return 0;
	return 1;
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		ul_die(2, "out of memory");
	return p;
}

static struct var *find(const char *name)
{
	size_t i;

	for (i = 0; i < nvars; i++)
		if (strcmp(vars[i].name, name) == 0)
			return &vars[i];
	return NULL;
}

const char *var_get(const char *name)
{
	struct var *v = find(name);

	return v ? v->value : NULL;
}

/* export: 1 to export, 0 to leave the flag as it is. */
int var_set(const char *name, const char *value, int export)
{
	struct var *v = find(name);

	if (!valid_name(name, strlen(name))) {
		ul_warn("%s: not a valid variable name", name);
		return -1;
	}
	if (v && v->readonly) {
		ul_warn("%s: is read only", name);
		return -1;
	}
	if (!v) {
		if (nvars == capvars) {
			capvars = capvars ? 2 * capvars : 32;
			vars = realloc(vars, capvars * sizeof *vars);
			if (!vars)
				ul_die(2, "out of memory");
		}
		v = &vars[nvars++];
		v->name = xstrdup(name);
		v->value = NULL;
		v->exported = 0;
		v->readonly = 0;
	}
	free(v->value);
	v->value = xstrdup(value);
	if (export)
		v->exported = 1;
	return 0;
}

void var_unset(const char *name)
{
	struct var *v = find(name);

	if (!v)
		return;
	free(v->name);
	free(v->value);
	*v = vars[--nvars];
}

int var_unset_checked(const char *name)
{
	if (var_is_readonly(name)) {
		ul_warn("%s: is read only", name);
		return -1;
	}
	var_unset(name);
	return 0;
}

int var_readonly(const char *name)
{
	struct var *v = find(name);

	if (!v) {
		var_set(name, "", 0);
		v = find(name);
	}
	if (v)
		v->readonly = 1;
	return 0;
}

int var_is_readonly(const char *name)
{
	struct var *v = find(name);

	return v && v->readonly;
}

void var_export(const char *name)
{
	struct var *v = find(name);

	if (v)
		v->exported = 1;
	else
		var_set(name, "", 1);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct var *)a)->name, ((const struct var *)b)->name);
}

/* The value in single quotes, as set and export -p print it. */
static void print_quoted(const char *s)
{
	putchar('\'');
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*s);
	}
	putchar('\'');
}

void vars_print(int which)
{
	static const char *const prefix[] = { "", "export ", "readonly " };
	size_t i;

	qsort(vars, nvars, sizeof *vars, by_name);
	for (i = 0; i < nvars; i++) {
		if ((which == 1 && !vars[i].exported) || (which == 2 && !vars[i].readonly))
			continue;
		printf("%s%s=", prefix[which], vars[i].name);
		print_quoted(vars[i].value);
		putchar('\n');
	}
}

void vars_init(char **env)
{
	for (; env && *env; env++) {
		char *eq = strchr(*env, '=');
		char *name;

		if (!eq || !valid_name(*env, (size_t)(eq - *env)))
			continue;
		name = xstrdup(*env);
		name[eq - *env] = '\0';
		var_set(name, eq + 1, 1);
		free(name);
	}
}

/* extra: "NAME=value" strings that override; the vector is in the arena. */
char **vars_environ(char **extra)
{
	struct strvec env = { NULL, 0, 0 };
	size_t i, len;
	char **e;

	for (i = 0; i < nvars; i++) {
		int overridden = 0;

		if (!vars[i].exported)
			continue;
		len = strlen(vars[i].name);
		for (e = extra; e && *e; e++)
			if (strncmp(*e, vars[i].name, len) == 0 && (*e)[len] == '=')
				overridden = 1;
		if (overridden)
			continue;
		len += strlen(vars[i].value) + 2;
		strvec_push(&env, sh_alloc(len));
		snprintf(env.v[env.n - 1], len, "%s=%s", vars[i].name, vars[i].value);
	}
	for (e = extra; e && *e; e++)
		strvec_push(&env, *e);
	if (env.n == 0)
		strvec_push(&env, NULL);
	return env.v;
}
