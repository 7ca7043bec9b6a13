/*
 * su USER [-c CMD]: run a shell (or `sh -c CMD`) as USER, whose entry in
 * /etc/passwd gives the uid, gid, home directory and shell; the groups
 * are USER's gid and every group of /etc/group that lists USER.
 *
 * M-OS has no logins and no passwords, so su does not ask for one: it is
 * not set-user-id and works only for root (effective uid 0: the console
 * shell init starts), like Linux's su run by root.  Anyone else gets
 * "permission denied" and status 1.  The new program gets HOME, USER,
 * LOGNAME and SHELL for USER and starts in USER's home directory (or /
 * if that cannot be entered).  The ids change in the order that cannot
 * leave a half-privileged process: groups, then gids, then uids.
 */
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mos/exec.h"
#include "ulib.h"

#define SU_GROUPS_MAX 32
#define SU_DEFAULT_SHELL "/bin/sh"

static void usage(void)
{
	ul_die(2, "usage: su USER [-c COMMAND]");
}

static void become(const ul_user_t *u)
{
	unsigned list[SU_GROUPS_MAX];
	gid_t groups[SU_GROUPS_MAX];
	int n = ul_user_groups(u->name, u->gid, list, SU_GROUPS_MAX);

	for (int i = 0; i < n; i++)
		groups[i] = list[i];
	if (setgroups(n, groups) < 0)
		ul_dieerr(1, "setgroups");
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		ul_dieerr(1, "setresgid");
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		ul_dieerr(1, "setresuid");
}

int main(int argc, char **argv)
{
	const char *cmd = NULL;

	ul_setprogname(argv[0]);
	if (argc != 2 && argc != 4)
		usage();
	if (argc == 4) {
		if (strcmp(argv[2], "-c") != 0)
			usage();
		cmd = argv[3];
	}
	if (geteuid() != 0)
		ul_die(1, "permission denied (M-OS has no passwords: only root may switch users)");
	const ul_user_t *u = ul_user_by_name(argv[1]);
	if (!u)
		ul_die(1, "%s: no such user", argv[1]);
	const char *shell = *u->shell ? u->shell : SU_DEFAULT_SHELL;
	/* The entry lives in a static buffer: copy what outlives become(). */
	char name[64], home[256], sh[256];
	snprintf(name, sizeof(name), "%s", u->name);
	snprintf(home, sizeof(home), "%s", *u->home ? u->home : "/");
	snprintf(sh, sizeof(sh), "%s", shell);
	become(u);
	if (chdir(home) < 0 && chdir("/") < 0)
		ul_dieerr(1, "chdir /");
	setenv("HOME", home, 1);
	setenv("USER", name, 1);
	setenv("LOGNAME", name, 1);
	setenv("SHELL", sh, 1);
	char *sh_argv[] = { sh, cmd ? "-c" : NULL, (char *)cmd, NULL };
	extern char **environ;
	mos_execve(sh, sh_argv, environ);
	ul_dieerr(127, "%s", sh);
}
