/*
 * t_perms: users, groups and permissions, as Linux has them.  The parent
 * runs as root (runall on M-OS; on a Linux host only when host_run.sh is
 * run as root: as another user the checks that need root are skipped
 * with a note and the unprivileged ones still run).  It builds files and
 * directories under a fresh directory in /tmp, then forks children that
 * drop to user A (uid 1000) or B (2000) with setgroups/setresgid/setresuid
 * and check what each may do; a child reports a failed expectation on a
 * note line and through its exit status, which the parent checks.
 *
 *  - credentials: getres[ug]id after setres[ug]id; unprivileged set*id
 *    may only move among the real, effective and saved ids (EPERM
 *    otherwise), setreuid moves the saved id, setfsuid, setgroups needs
 *    privilege, getgroups' EINVAL; fork inherits the ids;
 *  - files: another user's 0600 file is EACCES to read and write, O_TRUNC
 *    needs write, a directory without x cannot be searched (and without
 *    r not listed), a root-owned 0755 directory (and /etc) refuses
 *    create, mkdir, unlink, rename, link, symlink, mknod (an existing
 *    name is EEXIST), device nodes need root (EPERM); in a sticky
 *    directory only the file's or the directory's owner unlinks or
 *    renames (EPERM);
 *  - exec needs x (EACCES, for root too) on a regular file; a set-user-id
 *    and set-group-id copy of this program runs with its owner's ids
 *    (M-OS; the host unless /tmp is nosuid or the emulator runs it);
 *  - access() answers for the real ids, AT_EACCESS for the effective;
 *    new files get the file-system ids, a set-group-id directory's group;
 *    umask applies; chmod only by the owner (S_ISGID dropped for a
 *    non-member), chown only by root, chgrp by the owner to its groups,
 *    chown and write by non-root drop set-user-id bits; utimes "now"
 *    needs write, explicit times ownership; kill needs matching ids.
 */
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/fsuid.h>

#include "utest.h"

#define UID_A 1000
#define UID_B 2000
#define GID_A 1000
#define GID_B 2000
#define GID_X 3000		/* a supplementary group A is given */
#define GID_Y 4000		/* a group A is not in */
#define IDS_ARG "--ids"

static char base[64];		/* /tmp/t_perms.XXXXXX, 0755 */
static const char *self;	/* this program's path */

/* ---- children -------------------------------------------------------- */

#define C_FAIL(fmt, ...) do { \
	printf("utest: note: child uid %u line %d: " fmt "\n", getuid(), __LINE__, ##__VA_ARGS__); \
	_exit(1); \
} while (0)
#define C_EXPECT(cond) do { if (!(cond)) C_FAIL("%s (errno %s)", #cond, ut_errname(errno)); } while (0)
#define C_ERRNO(call, err) do { \
	errno = 0; \
	long r_ = (long)(call); \
	if (r_ >= 0 || errno != (err)) \
		C_FAIL("%s: want %s, got %ld (errno %s)", #call, ut_errname(err), r_, \
		       ut_errname(errno)); \
} while (0)
#define C_OK(call) do { \
	errno = 0; \
	if ((long)(call) < 0) \
		C_FAIL("%s failed: %s", #call, ut_errname(errno)); \
} while (0)

typedef struct who {
	uid_t uid;
	gid_t gid;
	int ngroups;
	gid_t groups[4];
} who_t;

static const who_t user_a = { UID_A, GID_A, 0, { 0 } };
static const who_t user_a_x = { UID_A, GID_A, 1, { GID_X } };
static const who_t user_b = { UID_B, GID_B, 0, { 0 } };

static void drop_to(const who_t *w)
{
	if (setgroups(w->ngroups, w->groups) < 0 || setresgid(w->gid, w->gid, w->gid) < 0 ||
	    setresuid(w->uid, w->uid, w->uid) < 0) {
		printf("utest: note: cannot drop privileges: %s\n", ut_errname(errno));
		_exit(2);
	}
}

/* Runs fn in a child as w (NULL: as the parent is); true if it passed. */
static int as(const who_t *w, void (*fn)(void), const char *what)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return UT_CHECK(0, "%s: fork: %s", what, ut_errname(errno));
	if (pid == 0) {
		if (w)
			drop_to(w);
		fn();
		_exit(0);
	}
	int status;
	if (ut_wait(pid, &status, 20000) < 0)
		status = -1;
	return UT_CHECK(status == 0, "%s: %s", what, ut_status_str(status));
}

static const char *P(const char *name)
{
	static char bufs[4][PATH_MAX];
	static int next;
	char *b = bufs[next++ % 4];
	snprintf(b, PATH_MAX, "%s/%s", base, name);
	return b;
}

static mode_t mode_of(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? st.st_mode & 07777 : (mode_t)-1;
}

/* A file with this owner and mode (made by root). */
static void make_file(const char *name, uid_t uid, gid_t gid, mode_t mode)
{
	int fd = open(P(name), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0) {
		(void)!write(fd, "data", 4);
		close(fd);
	}
	UT_CHECK(fd >= 0 && chown(P(name), uid, gid) == 0 && chmod(P(name), mode) == 0,
		 "make %s: %s", name, ut_errname(errno));
}

static void make_dir(const char *name, uid_t uid, gid_t gid, mode_t mode)
{
	UT_CHECK(mkdir(P(name), 0700) == 0 && chown(P(name), uid, gid) == 0 &&
		 chmod(P(name), mode) == 0, "mkdir %s: %s", name, ut_errname(errno));
}

static int copy_file(const char *from, const char *to, mode_t mode)
{
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0700);
	char buf[4096];
	ssize_t n;
	int rc = in >= 0 && out >= 0 ? 0 : -1;
	while (rc == 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			rc = -1;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return rc == 0 ? chmod(to, mode) : rc;
}

/* ---- credentials ---------------------------------------------------------- */

static void child_setres(void)
{
	uid_t r, e, s;
	C_OK(setresuid(UID_A, UID_A, UID_A));
	C_OK(getresuid(&r, &e, &s));
	C_EXPECT(r == UID_A && e == UID_A && s == UID_A);
	C_EXPECT(getuid() == UID_A && geteuid() == UID_A);
	C_ERRNO(setuid(0), EPERM);
	C_ERRNO(setresuid(-1, 0, -1), EPERM);
	C_ERRNO(seteuid(UID_B), EPERM);
	C_ERRNO(setgid(GID_B), EPERM);
	gid_t g = 0;
	C_ERRNO(setgroups(1, &g), EPERM);
	C_ERRNO(setgroups(0, NULL), EPERM);
	C_OK(setuid(UID_A));		/* its own id: allowed */
	pid_t pid = fork();
	if (pid == 0)
		_exit(getuid() == UID_A && geteuid() == UID_A ? 0 : 1);
	int status;
	C_EXPECT(pid > 0 && waitpid(pid, &status, 0) == pid && status == 0);
}

static void child_saved_ids(void)
{
	uid_t r, e, s;
	/* Root keeps a saved 0 and may come back to it. */
	C_OK(setresuid(UID_A, UID_A, 0));
	C_OK(seteuid(0));
	C_EXPECT(geteuid() == 0 && getuid() == UID_A);
	/* setreuid with a real id sets the saved id to the new effective. */
	C_OK(setreuid(UID_A, UID_B));
	C_OK(getresuid(&r, &e, &s));
	C_EXPECT(r == UID_A && e == UID_B && s == UID_B);
	/* Unprivileged now: setuid sets only the effective id. */
	C_OK(setuid(UID_A));
	C_OK(getresuid(&r, &e, &s));
	C_EXPECT(r == UID_A && e == UID_A && s == UID_B);
	C_OK(seteuid(UID_B));		/* the saved id */
	C_ERRNO(seteuid(0), EPERM);
	C_ERRNO(setreuid(UID_B + 1, -1), EPERM);
	C_ERRNO(setresuid(-1, -1, 0), EPERM);
}

static void child_fsuid(void)
{
	/* Root's file-system uid decides new files' owner. */
	C_EXPECT(setfsuid(UID_A) == 0);
	C_EXPECT(setfsuid(-1) == UID_A);	/* an invalid id only asks */
	C_EXPECT(setfsgid(GID_X) == 0);
	/* (A file-system uid other than 0 loses root's overrides: the
	 * directory must let A write.) */
	int fd = open(P("open-dir/fsuid-file"), O_WRONLY | O_CREAT | O_EXCL, 0644);
	C_EXPECT(fd >= 0);
	close(fd);
	struct stat st;
	C_OK(stat(P("open-dir/fsuid-file"), &st));
	C_EXPECT(st.st_uid == UID_A && st.st_gid == GID_X);
	C_EXPECT(geteuid() == 0);
	C_ERRNO(open(P("b-private"), O_RDONLY), ENOENT);	/* not made yet */
	C_ERRNO(open(P("rootdir-new"), O_WRONLY | O_CREAT, 0644), EACCES);
	/* A change of the effective uid resets it. */
	C_OK(setresuid(-1, UID_B, -1));
	C_EXPECT(setfsuid(-1) == UID_B);
	C_OK(setresuid(-1, 0, -1));
	/* Unprivileged: setfsuid to an id not held changes nothing. */
	C_OK(setresuid(UID_A, UID_A, UID_A));
	C_EXPECT(setfsuid(UID_B) == UID_A);
	C_EXPECT(setfsuid(-1) == UID_A);
}

static void child_groups(void)
{
	gid_t set[] = { GID_X, GID_Y }, got[4];
	C_OK(setgroups(2, set));
	C_EXPECT(getgroups(0, NULL) == 2);
	C_ERRNO(getgroups(1, got), EINVAL);
	C_EXPECT(getgroups(4, got) == 2 && got[0] == GID_X && got[1] == GID_Y);
	C_OK(setgroups(0, NULL));
	C_EXPECT(getgroups(0, NULL) == 0);
}

static void test_credentials(void)
{
	uid_t r, e, s;
	UT_CHECK(getresuid(&r, &e, &s) == 0 && r == 0 && e == 0 && s == 0, "root's ids are 0");
	as(NULL, child_setres, "setresuid drops root for good; set*id EPERM; fork inherits");
	as(NULL, child_saved_ids, "saved ids: setreuid, setuid, seteuid rules");
	make_dir("open-dir", 0, 0, 0777);
	as(NULL, child_fsuid, "setfsuid/setfsgid own new files and drop root's overrides");
	as(NULL, child_groups, "setgroups/getgroups");
}

/* ---- reading, writing, searching --------------------------------------------- */

static void child_other_private(void)
{
	C_ERRNO(open(P("b-private"), O_RDONLY), EACCES);
	C_ERRNO(open(P("b-private"), O_WRONLY), EACCES);
	C_ERRNO(open(P("b-private"), O_RDWR), EACCES);
	C_ERRNO(truncate(P("b-private"), 0), EACCES);
	struct stat st;
	C_OK(stat(P("b-private"), &st));	/* the directory is searchable */
	C_OK(open(P("b-public"), O_RDONLY));
	C_ERRNO(open(P("b-public"), O_RDONLY | O_TRUNC), EACCES);
	C_ERRNO(open(P("b-public"), O_WRONLY | O_APPEND), EACCES);
	/* Group bits: 0640 with group X, readable only by members. */
	C_ERRNO(open(P("x-group"), O_RDONLY), EACCES);
}

static void child_group_member(void)
{
	C_OK(open(P("x-group"), O_RDONLY));
	C_ERRNO(open(P("x-group"), O_WRONLY), EACCES);
	/* The owner's bits decide for the owner, even if they say less. */
	C_ERRNO(open(P("a-noread"), O_RDONLY), EACCES);
}

static void child_owner_private(void)
{
	int fd = open(P("b-private"), O_RDWR);
	C_EXPECT(fd >= 0);
	char buf[4];
	C_EXPECT(read(fd, buf, 4) == 4 && memcmp(buf, "data", 4) == 0);
}

static void child_search(void)
{
	struct stat st;
	C_ERRNO(stat(P("b-closed/file"), &st), EACCES);
	C_ERRNO(open(P("b-closed/file"), O_RDONLY), EACCES);
	C_ERRNO(chdir(P("b-closed")), EACCES);
	C_ERRNO(open(P("b-closed"), O_RDONLY | O_DIRECTORY), EACCES);
	/* x without r: names can be used, the directory not listed. */
	C_OK(stat(P("b-xonly/file"), &st));
	C_OK(chdir(P("b-xonly")));
	C_ERRNO(open(".", O_RDONLY | O_DIRECTORY), EACCES);
	C_OK(open("file", O_RDONLY));
	C_ERRNO(stat(P("b-closed/../b-xonly"), &st), EACCES);	/* ".." is searched too */
}

static void test_access_files(void)
{
	make_file("b-private", UID_B, GID_B, 0600);
	make_file("b-public", UID_B, GID_B, 0644);
	make_file("x-group", 0, GID_X, 0640);
	make_file("a-noread", UID_A, GID_X, 0060);
	make_dir("b-closed", UID_B, GID_B, 0700);
	make_dir("b-xonly", UID_B, GID_B, 0711);
	make_file("b-closed/file", UID_B, GID_B, 0644);
	make_file("b-xonly/file", UID_B, GID_B, 0644);
	as(&user_a, child_other_private, "another user's 0600 file: EACCES; O_TRUNC needs write");
	as(&user_a_x, child_group_member, "group bits for a supplementary group; owner bits first");
	as(&user_b, child_owner_private, "the owner reads and writes its 0600 file");
	as(&user_a, child_search, "search permission on every directory of a path");
	int fd = open(P("b-private"), O_RDWR);
	UT_CHECK(fd >= 0, "root reads and writes any file: %s", ut_errname(errno));
	close(fd);
	make_file("zero-mode", UID_B, GID_B, 0);
	fd = open(P("zero-mode"), O_RDWR);
	UT_CHECK(fd >= 0, "root opens a mode-0 file: %s", ut_errname(errno));
	close(fd);
}

/* ---- names in directories --------------------------------------------------- */

static void child_root_dir(void)
{
	C_ERRNO(open(P("rootdir/new"), O_WRONLY | O_CREAT, 0644), EACCES);
	C_ERRNO(mkdir(P("rootdir/newdir"), 0755), EACCES);
	C_ERRNO(mkdir(P("rootdir/file"), 0755), EEXIST);	/* an existing name first */
	C_ERRNO(unlink(P("rootdir/file")), EACCES);
	C_ERRNO(rename(P("rootdir/file"), P("rootdir/other")), EACCES);
	C_ERRNO(rename(P("rootdir/file"), P("a-dir/stolen")), EACCES);
	C_ERRNO(symlink("file", P("rootdir/link")), EACCES);
	C_ERRNO(link(P("a-dir/mine"), P("rootdir/hard")), EACCES);
	C_ERRNO(mkfifo(P("rootdir/fifo"), 0644), EACCES);
	C_ERRNO(rmdir(P("rootdir/sub")), EACCES);
	C_ERRNO(open("/etc/t_perms-new", O_WRONLY | O_CREAT, 0644), EACCES);
	C_ERRNO(mkdir("/etc/t_perms-dir", 0755), EACCES);
	/* Its own directory: everything works; device nodes need root. */
	C_OK(mkfifo(P("a-dir/fifo"), 0644));
	C_OK(symlink("mine", P("a-dir/link")));
	C_OK(rename(P("a-dir/link"), P("a-dir/link2")));
	C_OK(unlink(P("a-dir/link2")));
	C_ERRNO(mknod(P("a-dir/null"), S_IFCHR | 0666, makedev(1, 3)), EPERM);
}

static void child_sticky_b(void)
{
	int fd = open(P("sticky/b-file"), O_WRONLY | O_CREAT | O_EXCL, 0666);
	C_EXPECT(fd >= 0);
	C_OK(fchmod(fd, 0666));		/* past the umask */
	close(fd);
}

static void child_sticky_a(void)
{
	C_ERRNO(unlink(P("sticky/b-file")), EPERM);
	C_ERRNO(rename(P("sticky/b-file"), P("sticky/a-took")), EPERM);
	C_ERRNO(rename(P("sticky/b-file"), P("a-dir/b-file")), EPERM);
	/* Writing is still a matter of the file's mode (0666). */
	C_OK(open(P("sticky/b-file"), O_WRONLY));
	/* Its own files are its own to remove. */
	int fd = open(P("sticky/a-file"), O_WRONLY | O_CREAT | O_EXCL, 0600);
	C_EXPECT(fd >= 0);
	close(fd);
	C_OK(rename(P("sticky/a-file"), P("sticky/a-file2")));
	C_OK(unlink(P("sticky/a-file2")));
	/* In a sticky directory A owns, B's file is A's to remove. */
	C_OK(unlink(P("a-sticky/b-file")));
}

static void test_directories(void)
{
	make_dir("rootdir", 0, 0, 0755);
	make_file("rootdir/file", 0, 0, 0666);
	make_dir("rootdir/sub", 0, 0, 0777);
	make_dir("a-dir", UID_A, GID_A, 0755);
	make_file("a-dir/mine", UID_A, GID_A, 0644);
	as(&user_a, child_root_dir, "a root-owned 0755 directory and /etc refuse every new or removed name");
	make_dir("sticky", 0, 0, 01777);
	make_dir("a-sticky", UID_A, GID_A, 01777);
	make_file("a-sticky/b-file", UID_B, GID_B, 0644);
	as(&user_b, child_sticky_b, "anyone creates in a 1777 directory");
	as(&user_a, child_sticky_a, "sticky directory: only the file's or directory's owner removes");
	UT_CHECK(unlink(P("sticky/b-file")) == 0, "root removes anything in a sticky directory: %s",
		 ut_errname(errno));
}

/* ---- exec, set-user-id -------------------------------------------------------- */

static void child_exec_noexec(void)
{
	char *argv[] = { "prog", NULL };
	C_ERRNO(execve(P("prog-rw"), argv, environ), EACCES);
	C_ERRNO(execve(P("prog-b-only"), argv, environ), EACCES);
	C_ERRNO(execve(base, argv, environ), EACCES);
	C_ERRNO(access(P("prog-rw"), X_OK), EACCES);
	C_OK(access(P("prog-x"), X_OK));
}

static void child_root_noexec(void)
{
	char *argv[] = { "prog", NULL };
	C_ERRNO(execve(P("prog-rw"), argv, environ), EACCES);
	C_ERRNO(access(P("prog-rw"), X_OK), EACCES);
	C_OK(access(P("prog-rw"), R_OK | W_OK));
}

static void child_run_suid(void)
{
	char *argv[] = { (char *)P("suid"), IDS_ARG, NULL };
	mos_execve(argv[0], argv, environ);
	C_FAIL("exec %s: %s", argv[0], ut_errname(errno));
}

/* Runs the set-user-id copy as B; its ids come back on a pipe. */
static void check_suid_exec(void)
{
	int pfd[2];
	if (!UT_CHECK(pipe(pfd) == 0, "pipe"))
		return;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		dup2(pfd[1], 1);
		drop_to(&user_b);
		child_run_suid();
	}
	close(pfd[1]);
	char buf[128] = "";
	ssize_t n = read(pfd[0], buf, sizeof(buf) - 1);
	close(pfd[0]);
	int status;
	ut_wait(pid, &status, 20000);
	buf[n > 0 ? n : 0] = '\0';
	unsigned ru, eu, rg, eg;
	int got = sscanf(buf, "%u %u %u %u", &ru, &eu, &rg, &eg);
	UT_CHECK(got == 4 && ru == UID_B && eu == UID_A && rg == GID_B && eg == GID_X,
		 "a 6755 file owned by %d:%d runs as B with euid %d, egid %d: got '%s' (%s)",
		 UID_A, GID_X, UID_A, GID_X, buf, ut_status_str(status));
}

static void test_exec(void)
{
	const char *prog = getenv("TESTS_BIN");
	if (!prog)
		prog = "/bin/true";
	UT_CHECK(copy_file(prog, P("prog-rw"), 0666) == 0 &&
		 copy_file(prog, P("prog-b-only"), 0744) == 0 && chown(P("prog-b-only"), UID_B, GID_B) == 0 &&
		 copy_file(prog, P("prog-x"), 0755) == 0, "copies of %s", prog);
	as(&user_a, child_exec_noexec, "exec needs x on a regular file (EACCES)");
	as(NULL, child_root_noexec, "root too needs an x bit to exec (EACCES)");

	if (copy_file(self, P("suid"), 0755) < 0 || chown(P("suid"), UID_A, GID_X) < 0 ||
	    chmod(P("suid"), 06755) < 0) {
		UT_CHECK(0, "set-user-id copy of %s: %s", self, ut_errname(errno));
		return;
	}
	UT_CHECK(mode_of(P("suid")) == 06755, "chmod 6755 after chown keeps the bits: %o",
		 mode_of(P("suid")));
	struct statvfs vfs;
	if (!ut_is_mos() && statvfs(base, &vfs) == 0 && (vfs.f_flag & ST_NOSUID))
		UT_NOTE("%s is on a nosuid file system: set-user-id exec not checked", base);
	else if (ut_emulated())
		UT_SKIP("set-user-id exec (the emulator, not the program, is exec'd)");
	else
		check_suid_exec();
}

/* ---- access, new files, umask --------------------------------------------------- */

static void child_access_real(void)
{
	/* Real uid A, effective root: access answers for A, open for root. */
	C_OK(setresuid(UID_A, 0, 0));
	C_ERRNO(access(P("b-private"), R_OK), EACCES);
	C_OK(access(P("b-private"), F_OK));
	C_OK(faccessat(AT_FDCWD, P("b-private"), R_OK | W_OK, AT_EACCESS));
	int fd = open(P("b-private"), O_RDONLY);
	C_EXPECT(fd >= 0);
	close(fd);
	/* And the other way round. */
	C_OK(setresuid(0, UID_A, 0));
	C_OK(access(P("b-private"), R_OK | W_OK));
	C_ERRNO(open(P("b-private"), O_RDONLY), EACCES);
	C_ERRNO(faccessat(AT_FDCWD, P("b-private"), R_OK, AT_EACCESS), EACCES);
}

static void child_new_files(void)
{
	umask(022);
	int fd = open(P("a-dir/new"), O_WRONLY | O_CREAT | O_EXCL, 0666);
	C_EXPECT(fd >= 0);
	close(fd);
	struct stat st;
	C_OK(stat(P("a-dir/new"), &st));
	C_EXPECT(st.st_uid == UID_A && st.st_gid == GID_A && (st.st_mode & 0777) == 0644);
	C_EXPECT(umask(027) == 022);
	C_OK(mkdir(P("a-dir/newdir"), 0777));
	C_OK(stat(P("a-dir/newdir"), &st));
	C_EXPECT((st.st_mode & 0777) == 0750);
	fd = open(P("a-dir/new2"), O_WRONLY | O_CREAT | O_EXCL, 0666);
	C_EXPECT(fd >= 0);
	close(fd);
	C_EXPECT(mode_of(P("a-dir/new2")) == 0640);
	/* A set-group-id directory gives its group, and the bit to subdirectories. */
	fd = open(P("sgid-dir/f"), O_WRONLY | O_CREAT | O_EXCL, 0644);
	C_EXPECT(fd >= 0);
	close(fd);
	C_OK(stat(P("sgid-dir/f"), &st));
	C_EXPECT(st.st_uid == UID_A && st.st_gid == GID_X);
	C_OK(mkdir(P("sgid-dir/d"), 0755));
	C_OK(stat(P("sgid-dir/d"), &st));
	C_EXPECT(st.st_gid == GID_X && (st.st_mode & S_ISGID));
}

static void test_access_and_creation(void)
{
	as(NULL, child_access_real, "access() uses the real ids, AT_EACCESS the effective");
	make_dir("sgid-dir", 0, GID_X, 02777);
	as(&user_a, child_new_files, "new files: fsuid/fsgid owners, umask, set-group-id directories");
}

/* ---- attributes -------------------------------------------------------------- */

static void child_attrs(void)
{
	C_ERRNO(chmod(P("b-public"), 0666), EPERM);
	C_OK(chmod(P("a-own"), 0600));
	C_ERRNO(chown(P("a-own"), UID_B, -1), EPERM);
	C_ERRNO(chown(P("b-public"), UID_A, -1), EPERM);
	C_ERRNO(chown(P("b-public"), -1, GID_A), EPERM);	/* not its file */
	C_OK(chown(P("a-own"), UID_A, -1));			/* no change */
	C_OK(chown(P("a-own"), -1, GID_X));			/* a group it is in */
	C_ERRNO(chown(P("a-own"), -1, GID_Y), EPERM);		/* one it is not in */
	/* chmod by the owner outside the file's group drops S_ISGID. */
	C_OK(chmod(P("a-othergroup"), 02755));
	C_EXPECT(mode_of(P("a-othergroup")) == 0755);
	C_OK(chmod(P("a-own"), 02755));				/* in group X: kept */
	C_EXPECT(mode_of(P("a-own")) == 02755);
	/* chgrp by the owner drops set-user-id and group-exec set-group-id. */
	C_OK(chown(P("a-suid"), -1, GID_X));
	C_EXPECT(mode_of(P("a-suid")) == 0755);
	/* Writing drops them too (a non-root writer). */
	int fd = open(P("b-suid-open"), O_WRONLY);
	C_EXPECT(fd >= 0);
	C_EXPECT(write(fd, "x", 1) == 1);
	close(fd);
	C_EXPECT(mode_of(P("b-suid-open")) == 0777);
	/* Times: "now" needs write permission, explicit times ownership. */
	C_OK(utimes(P("b-open"), NULL));
	struct timeval tv[2] = { { 1000000, 0 }, { 1000000, 0 } };
	C_ERRNO(utimes(P("b-open"), tv), EPERM);
	C_ERRNO(utimes(P("b-public"), NULL), EACCES);
	C_OK(utimes(P("a-own"), tv));
}

static void test_attributes(void)
{
	make_file("a-own", UID_A, GID_A, 0644);
	make_file("a-othergroup", UID_A, GID_Y, 0644);
	make_file("a-suid", UID_A, GID_A, 06755);
	make_file("b-suid-open", UID_B, GID_B, 06777);
	make_file("b-open", UID_B, GID_B, 0666);
	as(&user_a_x, child_attrs, "chmod/chown/utimes rules; chgrp and write drop set-user-id bits");
	UT_CHECK(chown(P("a-own"), UID_B, GID_Y) == 0, "root chowns anything: %s", ut_errname(errno));
	make_file("root-suid", 0, 0, 04755);
	int fd = open(P("root-suid"), O_WRONLY);
	UT_CHECK(fd >= 0 && write(fd, "x", 1) == 1, "root writes");
	close(fd);
	UT_CHECK(mode_of(P("root-suid")) == 04755, "a root writer keeps the set-user-id bit: %o",
		 mode_of(P("root-suid")));
}

/* ---- signals ------------------------------------------------------------------- */

static pid_t victim;

static void child_kill_other(void)
{
	C_ERRNO(kill(victim, 0), EPERM);
	C_ERRNO(kill(victim, SIGTERM), EPERM);
	C_ERRNO(kill(1, 0), EPERM);
	C_ERRNO(kill(-victim, SIGTERM), EPERM);	/* its group: nobody we may signal */
}

static void child_kill_same(void)
{
	C_OK(kill(victim, 0));
}

static void test_kill(void)
{
	int ready[2];
	if (!UT_CHECK(pipe(ready) == 0, "pipe"))
		return;
	fflush(NULL);
	victim = fork();
	if (victim == 0) {
		setpgid(0, 0);
		drop_to(&user_b);
		(void)!write(ready[1], "r", 1);
		pause();
		_exit(0);
	}
	setpgid(victim, victim);
	char c;
	close(ready[1]);
	UT_CHECK(read(ready[0], &c, 1) == 1, "the victim runs as B");
	close(ready[0]);
	as(&user_a, child_kill_other, "kill of another user's process: EPERM");
	as(&user_b, child_kill_same, "kill of one's own user's process");
	UT_CHECK(kill(victim, SIGKILL) == 0, "root kills anyone: %s", ut_errname(errno));
	int status;
	ut_wait(victim, &status, 5000);
	UT_CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "the victim died: %s",
		 ut_status_str(status));
}

/* ---- su, id, whoami (M-OS's image: /etc/passwd has user 1000) ---------- */

/* Runs argv with its standard output into out; the wait status. */
static int run_output(char *const argv[], const who_t *w, char *out, size_t size)
{
	int pfd[2];
	if (pipe(pfd) < 0)
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		if (w)
			drop_to(w);
		mos_execve(argv[0], argv, environ);
		_exit(127);
	}
	close(pfd[1]);
	size_t used = 0;
	ssize_t n;
	while (used < size - 1 && (n = read(pfd[0], out + used, size - 1 - used)) > 0)
		used += n;
	out[used] = '\0';
	close(pfd[0]);
	int status = -1;
	ut_wait(pid, &status, 20000);
	return status;
}

static void test_user_tools(void)
{
	if (!ut_is_mos()) {
		UT_NOTE("su, id, whoami: M-OS's own programs and users, checked there only");
		return;
	}
	char out[256];
	char *id_as_user[] = { "/bin/su", "user", "-c", "/bin/id; /bin/whoami; echo $HOME", NULL };
	int st = run_output(id_as_user, NULL, out, sizeof(out));
	UT_CHECK(st == 0 && strcmp(out, "uid=1000(user) gid=1000(user) groups=1000(user),10(wheel),"
				      "100(users)\nuser\n/home/user\n") == 0,
		 "su user -c id: %s, '%s'", ut_status_str(st), out);
	char *id_root[] = { "/bin/id", NULL };
	st = run_output(id_root, NULL, out, sizeof(out));
	UT_CHECK(st == 0 && strcmp(out, "uid=0(root) gid=0(root)\n") == 0, "id as root: '%s'", out);
	char *id_user[] = { "/bin/id", "-Gn", "user", NULL };
	st = run_output(id_user, NULL, out, sizeof(out));
	UT_CHECK(st == 0 && strcmp(out, "user wheel users\n") == 0, "id -Gn user: '%s'", out);
	char *su_denied[] = { "/bin/su", "root", "-c", "/bin/true", NULL };
	st = run_output(su_denied, &user_a, out, sizeof(out));
	UT_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1 && strstr(out, "permission denied"),
		 "su by a normal user is refused: %s, '%s'", ut_status_str(st), out);
	char *whoami_b[] = { "/bin/whoami", NULL };
	st = run_output(whoami_b, &user_b, out, sizeof(out));
	UT_CHECK(st == 0 && strcmp(out, "2000\n") == 0, "whoami without a passwd entry: '%s'", out);
	struct stat sb;
	UT_CHECK(stat("/home/user", &sb) == 0 && sb.st_uid == UID_A && sb.st_gid == GID_A,
		 "/home/user is the user's");
	UT_CHECK(stat("/tmp", &sb) == 0 && (sb.st_mode & 07777) == 01777, "/tmp is 1777");
	UT_CHECK(stat("/etc/passwd", &sb) == 0 && sb.st_uid == 0 && (sb.st_mode & 0777) == 0644,
		 "/etc/passwd is root's, 0644");
}

/* ---- not root -------------------------------------------------------------------- */

static void test_unprivileged(void)
{
	UT_NOTE("not root: the checks that need root are skipped");
	gid_t g = getgid();
	UT_EXPECT_ERRNO(setgroups(1, &g), EPERM);
	UT_EXPECT_ERRNO(setuid(0), EPERM);
	UT_EXPECT_ERRNO(kill(1, 0), EPERM);
	UT_EXPECT_ERRNO(open("/etc/t_perms-new", O_WRONLY | O_CREAT, 0644), EACCES);
	mode_t old = umask(077);
	int fd = open(P("umask"), O_WRONLY | O_CREAT | O_EXCL, 0666);
	close(fd);
	UT_CHECK(mode_of(P("umask")) == 0600, "umask 077 gives 0600: %o", mode_of(P("umask")));
	umask(old);
}

static void cleanup(void)
{
	/* Every file here is root's or removable by root: remove the tree. */
	static const char *const names[] = {
		"b-closed/file", "b-xonly/file", "rootdir/file", "a-dir/mine", "a-dir/fifo",
		"a-dir/new", "a-dir/new2", "sgid-dir/f", "a-sticky/b-file", "open-dir/fsuid-file",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlink(P(names[i]));
	static const char *const dirs[] = {
		"b-closed", "b-xonly", "rootdir/sub", "rootdir", "a-dir/newdir", "a-dir",
		"sgid-dir/d", "sgid-dir", "sticky", "a-sticky", "open-dir",
	};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		rmdir(P(dirs[i]));
	static const char *const files[] = {
		"b-private", "b-public", "x-group", "a-noread", "zero-mode",
		"prog-rw", "prog-b-only", "prog-x", "suid", "a-own", "a-othergroup", "a-suid",
		"b-suid-open", "b-open", "root-suid", "umask",
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		unlink(P(files[i]));
	UT_CHECK(rmdir(base) == 0, "the test directory is removed: %s", ut_errname(errno));
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], IDS_ARG) == 0) {
		printf("%u %u %u %u\n", getuid(), geteuid(), getgid(), getegid());
		return 0;
	}
	static char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	self = n > 0 && !ut_emulated() ? (exe[n] = '\0', exe) : argv[0];
	snprintf(base, sizeof(base), "/tmp/t_perms.XXXXXX");
	if (!UT_CHECK(mkdtemp(base) != NULL && chmod(base, 0755) == 0, "mkdtemp: %s",
		      ut_errname(errno)))
		return ut_done("t_perms");
	umask(022);
	if (geteuid() != 0) {
		test_unprivileged();
	} else {
		test_credentials();
		test_access_files();
		test_directories();
		test_exec();
		test_access_and_creation();
		test_attributes();
		test_kill();
		test_user_tools();
	}
	cleanup();
	return ut_done("t_perms");
}
