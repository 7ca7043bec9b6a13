/*
 * id [-u | -g | -G] [-n] [USER]: print user and group ids with their
 * names from /etc/passwd and /etc/group, as "uid=1000(user) gid=1000(user)
 * groups=1000(user),10(wheel)".  Without USER it describes the calling
 * process (real ids, the effective ones too when they differ, and its
 * supplementary groups); with USER, that user's entry and the groups
 * that list it.  -u, -g, -G print only the effective uid, gid, or every
 * group, as numbers, or names with -n.
 */
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ulib.h"

#define ID_GROUPS_MAX 64

static void put_name(unsigned id, const char *name, int names)
{
	if (names && name)
		fputs(name, stdout);
	else
		printf("%u", id);
}

static const char *user_name(unsigned uid)
{
	const ul_user_t *u = ul_user_by_uid(uid);
	return u ? u->name : NULL;
}

/* "label=id(name)", or without "label=" when label is NULL. */
static void put_id(const char *label, unsigned id, const char *name)
{
	if (label)
		printf("%s=", label);
	printf("%u", id);
	if (name)
		printf("(%s)", name);
}

int main(int argc, char **argv)
{
	int opt, only = 0, names = 0, n;
	unsigned uid, gid, euid, egid, groups[ID_GROUPS_MAX];

	ul_setprogname(argv[0]);
	while ((opt = getopt(argc, argv, "ugGn")) != -1) {
		if (opt == 'n')
			names = 1;
		else if (opt == '?')
			ul_die(2, "usage: id [-u | -g | -G] [-n] [USER]");
		else
			only = opt;
	}
	if (argc - optind > 1)
		ul_die(2, "usage: id [-u | -g | -G] [-n] [USER]");
	if (optind < argc) {
		const ul_user_t *u = ul_user_by_name(argv[optind]);
		if (!u)
			ul_die(1, "%s: no such user", argv[optind]);
		uid = euid = u->uid;
		gid = egid = u->gid;
		n = ul_user_groups(argv[optind], gid, groups, ID_GROUPS_MAX);
	} else {
		gid_t list[ID_GROUPS_MAX];
		uid = getuid();
		euid = geteuid();
		gid = getgid();
		egid = getegid();
		n = getgroups(ID_GROUPS_MAX, list);
		if (n < 0)
			ul_dieerr(1, "getgroups");
		for (int i = 0; i < n; i++)
			groups[i] = list[i];
	}
	if (only == 'u') {
		put_name(euid, user_name(euid), names);
	} else if (only == 'g') {
		put_name(egid, ul_group_name(egid), names);
	} else if (only == 'G') {
		put_name(egid, ul_group_name(egid), names);
		for (int i = 0; i < n; i++)
			if (groups[i] != egid) {
				putchar(' ');
				put_name(groups[i], ul_group_name(groups[i]), names);
			}
	} else {
		put_id("uid", uid, user_name(uid));
		put_id(" gid", gid, ul_group_name(gid));
		if (euid != uid)
			put_id(" euid", euid, user_name(euid));
		if (egid != gid)
			put_id(" egid", egid, ul_group_name(egid));
		if (n > 0)
			fputs(" groups=", stdout);
		for (int i = 0; i < n; i++) {
			if (i)
				putchar(',');
			put_id(NULL, groups[i], ul_group_name(groups[i]));
		}
	}
	putchar('\n');
	return 0;
}
