/*
 * The user and group databases, read straight from /etc/passwd and
 * /etc/group (glibc's getpwnam and friends go through NSS, which a static
 * program cannot load on M-OS).  The formats are the usual colon-separated
 * lines: "name:password:uid:gid:gecos:home:shell" and
 * "name:password:gid:member,member...".  Lines that do not parse are
 * skipped.  Each lookup reads the file again; results live in a static
 * buffer until the next lookup of the same kind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ulib.h"

#define UL_LINE_MAX 512
#define PASSWD_FIELDS 7
#define GROUP_FIELDS 4

/* Splits line (no newline) at colons into exactly n fields. */
static int split(char *line, char **field, int n)
{
	int i = 0;

	field[i++] = line;
	for (char *p = line; *p; p++) {
		if (*p != ':')
			continue;
		if (i == n)
			return -1;
		*p = '\0';
		field[i++] = p + 1;
	}
	return i == n ? 0 : -1;
}

static int parse_id(const char *s, unsigned *out)
{
	char *end;

	if (!*s)
		return -1;
	*out = (unsigned)strtoul(s, &end, 10);
	return *end ? -1 : 0;
}

/* The next parsed line of f into line/field; 0 at the end. */
static int next_line(FILE *f, char *line, char **field, int n)
{
	while (fgets(line, UL_LINE_MAX, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (split(line, field, n) == 0)
			return 1;
	}
	return 0;
}

static const ul_user_t *find_user(const char *name, unsigned uid)
{
	static char line[UL_LINE_MAX];
	static ul_user_t u;
	char *field[PASSWD_FIELDS];
	FILE *f = fopen(UL_PASSWD_FILE, "r");
	const ul_user_t *found = NULL;

	if (!f)
		return NULL;
	while (!found && next_line(f, line, field, PASSWD_FIELDS)) {
		if (parse_id(field[2], &u.uid) < 0 || parse_id(field[3], &u.gid) < 0)
			continue;
		if (name ? strcmp(field[0], name) == 0 : u.uid == uid) {
			u.name = field[0];
			u.home = field[5];
			u.shell = field[6];
			found = &u;
		}
	}
	fclose(f);
	return found;
}

const ul_user_t *ul_user_by_name(const char *name)
{
	return find_user(name, 0);
}

const ul_user_t *ul_user_by_uid(unsigned uid)
{
	return find_user(NULL, uid);
}

const char *ul_group_name(unsigned gid)
{
	static char line[UL_LINE_MAX];
	char *field[GROUP_FIELDS];
	unsigned id;
	FILE *f = fopen(UL_GROUP_FILE, "r");
	const char *found = NULL;

	if (!f)
		return NULL;
	while (!found && next_line(f, line, field, GROUP_FIELDS))
		if (parse_id(field[2], &id) == 0 && id == gid)
			found = field[0];
	fclose(f);
	return found;
}

/* Whether name is in the comma-separated list. */
static int listed(char *list, const char *name)
{
	for (char *m = strtok(list, ","); m; m = strtok(NULL, ","))
		if (strcmp(m, name) == 0)
			return 1;
	return 0;
}

int ul_user_groups(const char *name, unsigned gid, unsigned *groups, int max)
{
	char line[UL_LINE_MAX];
	char *field[GROUP_FIELDS];
	unsigned id;
	int n = 0;
	FILE *f;

	if (max > 0)
		groups[n++] = gid;
	f = fopen(UL_GROUP_FILE, "r");
	if (!f)
		return n;
	while (n < max && next_line(f, line, field, GROUP_FIELDS))
		if (parse_id(field[2], &id) == 0 && id != gid && listed(field[3], name))
			groups[n++] = id;
	fclose(f);
	return n;
}
