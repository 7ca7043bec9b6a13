/*
 * Interpreter scripts: a file whose first line is "#!INTERPRETER [ARG]"
 * runs as INTERPRETER [ARG] FILE ARGV[1]..., with Linux's rules: the line
 * is read from the first EXEC_SCRIPT_LINE bytes, blanks after "#!" are
 * skipped, the interpreter ends at a blank, and everything after it (with
 * the blanks at both ends removed) is one argument.  FILE is the name the
 * caller gave execve.  The interpreter may itself be a script, up to
 * EXEC_SCRIPT_DEPTH levels (then ELOOP, as Linux); no interpreter named,
 * or a first line longer than the buffer, is ENOEXEC.
 *
 * No locks: the vnode is the caller's reference, the arguments the
 * caller's own.
 */
#include "api/exec.h"
#include "fs/vnode.h"
#include "mm/kmalloc.h"
#include "util/errno.h"
#include "util/string.h"

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Replaces argv[0] of a by the strings in front[0..nfront) (argv[0] is
 * kept if there is none: execve with an empty argv), in place: the
 * strings buffer holds EXEC_ARG_MAX bytes, and no front string is in it. */
static int replace_argv0(exec_args_t *a, const char *const *front, int nfront)
{
	size_t drop = a->argc > 0 ? strlen(a->strings) + 1 : 0, add = 0;
	for (int i = 0; i < nfront; i++)
		add += strlen(front[i]) + 1;
	if (a->used - drop + add > EXEC_ARG_MAX)
		return -E2BIG;
	memmove(a->strings + add, a->strings + drop, a->used - drop);
	char *s = a->strings;
	for (int i = 0; i < nfront; i++) {
		size_t n = strlen(front[i]) + 1;
		memcpy(s, front[i], n);
		s += n;
	}
	a->used += add - drop;
	a->argc += nfront - (drop ? 1 : 0);
	return 0;
}

int exec_script(vnode_t *vn, const char *file, exec_args_t *args, char **interp)
{
	char line[EXEC_SCRIPT_LINE + 1];
	off64_t pos = 0;
	ssize_t got = vnode_read(vn, &pos, line, EXEC_SCRIPT_LINE, 0);
	if (got < 0)
		return (int)got;
	if (got < 2 || line[0] != '#' || line[1] != '!')
		return 0;
	line[got] = '\0';
	char *end = line;
	while (end < line + got && *end != '\n')
		end++;
	if (end == line + got && got == EXEC_SCRIPT_LINE)
		return -ENOEXEC;	/* the line does not fit */
	*end = '\0';
	char *name = line + 2;
	while (blank(*name))
		name++;
	char *arg = name;
	while (*arg && !blank(*arg))
		arg++;
	if (arg == name)
		return -ENOEXEC;
	if (*arg) {
		*arg++ = '\0';
		while (blank(*arg))
			arg++;
		char *tail = arg + strlen(arg);
		while (tail > arg && (blank(tail[-1]) || tail[-1] == '\r'))
			*--tail = '\0';
	}
	const char *front[3];
	int nfront = 0;
	front[nfront++] = name;
	if (*arg)
		front[nfront++] = arg;
	front[nfront++] = file;
	int rc = replace_argv0(args, front, nfront);
	if (rc < 0)
		return rc;
	size_t n = strlen(name) + 1;
	if (!(*interp = kmalloc(n)))
		return -ENOMEM;
	memcpy(*interp, name, n);
	return 1;
}
