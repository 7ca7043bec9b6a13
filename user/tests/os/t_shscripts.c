/*
 * t_shscripts: the shell's script suite (user/tests/sh/NAME.sh, on the
 * disk as /tests/sh) run by the shell of this system: on M-OS its own
 * sh, on a Linux host /bin/sh (dash on Debian), whose output made the
 * expectations.  The host test user/tests/sh/run.sh compares M-OS's sh
 * with dash on the host; this runs the same scripts on M-OS's kernel.
 *
 * Each NAME.sh with a NAME.expected beside it runs as `SHELL NAME.sh` in
 * an empty directory of its own, with standard input /dev/null, HOME=/,
 * standard error discarded, within 60 s; its standard output followed by
 * a line "[status N]" must equal NAME.expected byte for byte.
 * $SH_SCRIPTS names the directory (default /tests/sh), $SHELL_BIN the
 * shell (default /bin/sh).  The scripts use only the shell's builtins and
 * programs M-OS ships (cat ls rm mkdir chmod ln kill sh).
 */
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>

#include "utest.h"

#define SCRIPT_MS   60000
#define OUTPUT_MAX  65536
#define NFTW_FDS    16

static const char *sh_bin, *dir;

/* The whole file, NUL-terminated (static buffer, one at a time per slot). */
static const char *slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n, got = 0;

	if (fd < 0)
		return NULL;
	while ((size_t)got < size - 1 && (n = read(fd, buf + got, size - 1 - (size_t)got)) > 0)
		got += n;
	close(fd);
	buf[got] = '\0';
	return buf;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void run_one(const char *name, const char *scratch)
{
	static char want[OUTPUT_MAX], got[OUTPUT_MAX];
	char script[PATH_MAX], expected[PATH_MAX], work[PATH_MAX], out[PATH_MAX];
	int st = 0, len;
	pid_t pid;

	snprintf(script, sizeof script, "%s/%s.sh", dir, name);
	snprintf(expected, sizeof expected, "%s/%s.expected", dir, name);
	snprintf(work, sizeof work, "%s/%s.d", scratch, name);
	snprintf(out, sizeof out, "%s/%s.out", scratch, name);
	if (!slurp(expected, want, sizeof want))
		return;
	if (!UT_CHECK(mkdir(work, 0755) == 0, "mkdir %s: %s", work, strerror(errno)))
		return;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int e = open("/dev/null", O_WRONLY);

		if (chdir(work) < 0 || in < 0 || o < 0 || e < 0 || dup2(in, 0) < 0 ||
		    dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(120);
		setenv("HOME", "/", 1);
		execl(sh_bin, "sh", script, (char *)NULL);
		_exit(121);
	}
	if (!UT_CHECK(pid > 0, "fork: %s", strerror(errno)))
		return;
	if (!UT_CHECK(ut_wait(pid, &st, SCRIPT_MS) == pid && WIFEXITED(st),
		      "%s: %s", name, ut_status_str(st)))
		goto out;
	if (!slurp(out, got, sizeof got - 32))
		got[0] = '\0';
	len = (int)strlen(got);
	snprintf(got + len, sizeof got - (size_t)len, "[status %d]\n", WEXITSTATUS(st));
	UT_CHECK(strcmp(got, want) == 0, "%s: output\n%s\nexpected\n%s", name, got, want);
out:
	nftw(work, remove_one, NFTW_FDS, FTW_DEPTH | FTW_PHYS);
	unlink(out);
}

static int is_script(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return n > 3 && strcmp(e->d_name + n - 3, ".sh") == 0;
}

int main(void)
{
	struct dirent **list;
	const char *scratch;
	char name[NAME_MAX + 1];
	int n, i;

	sh_bin = getenv("SHELL_BIN");
	if (!sh_bin || !*sh_bin)
		sh_bin = "/bin/sh";
	dir = getenv("SH_SCRIPTS");
	if (!dir || !*dir)
		dir = "/tests/sh";
	UT_NOTE("shell: %s, scripts: %s", sh_bin, dir);
	scratch = ut_scratch_dir("t_shscripts");
	n = scandir(dir, &list, is_script, alphasort);
	if (!UT_CHECK(n > 0, "scripts in %s: %s", dir, n < 0 ? strerror(errno) : "none"))
		return ut_done("t_shscripts");
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "%.*s", (int)strlen(list[i]->d_name) - 3,
			 list[i]->d_name);
		run_one(name, scratch);
		free(list[i]);
	}
	free(list);
	UT_CHECK(rmdir(scratch) == 0, "remove %s: %s", scratch, strerror(errno));
	return ut_done("t_shscripts");
}
