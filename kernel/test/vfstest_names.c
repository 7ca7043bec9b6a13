/* vfstest, names: path resolution (".", "..", slashes, mount crossing,
 * ENAMETOOLONG, ENOTDIR), symlinks (relative, absolute, chains, loops,
 * the 40-link limit), working directories and getcwd, deep paths, and
 * thousands of files in one directory. */
#include "vfstest.h"
#include "fs/namev.h"
#include "fs/vfs.h"
#include "mm/kmalloc.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "util/errno.h"
#include "util/printf.h"
#include "util/string.h"

#define VT_CWD_BUF 512

void vt_test_paths(const char *base)
{
	struct stat64 a, b;
	KT_EQ(do_mkdir(vt_path(base, "p"), 0755), 0);
	KT_EQ(do_mkdir(vt_path(base, "p/q"), 0755), 0);
	KT_EQ(vt_write_file(vt_path(base, "p/q/f"), "f", 1), 0);
	KT_EQ(do_stat(vt_path(base, "p/q/f"), &a), 0);
	KT_EQ(do_stat(vt_path(base, "p//q///f"), &b), 0);
	KT_EQ(a.st_ino, b.st_ino);
	KT_EQ(do_stat(vt_path(base, "p/./q/../q/./f"), &b), 0);
	KT_EQ(a.st_ino, b.st_ino);
	KT_EQ(do_stat(vt_path(base, "p/q/f/"), &b), -ENOTDIR);
	KT_EQ(do_stat(vt_path(base, "p/q/f/."), &b), -ENOTDIR);
	KT_EQ(do_stat(vt_path(base, "p/q/f/.."), &b), -ENOTDIR);
	KT_EQ(do_stat(vt_path(base, "p/nothing/f"), &b), -ENOENT);
	KT_EQ(do_stat(vt_path(base, "p/q/"), &b), 0);
	/* ".." of the root is the root; ".." of a mount's root leaves it */
	KT_EQ(do_stat("/", &a), 0);
	KT_EQ(do_stat("/../../..", &b), 0);
	KT_EQ(a.st_ino, b.st_ino);
	KT_EQ(do_stat("//", &b), 0);
	KT_EQ(a.st_ino, b.st_ino);
	KT_EQ(do_stat(vt_path(base, ".."), &b), 0);
	KT_EQ(a.st_ino, b.st_ino);
	KT_EQ(a.st_dev, b.st_dev);
	KT_EQ(do_stat("/dev/..", &b), 0);
	KT_EQ(a.st_ino, b.st_ino);

	/* name lengths: NAME_MAX per component, PATH_MAX in all, and the
	 * file system's own limit (S5FS: 59) */
	char *longp = kmalloc(PATH_MAX + 16);
	char *name = kmalloc(NAME_MAX + 2);
	memset(name, 'n', NAME_MAX + 1);
	name[NAME_MAX + 1] = '\0';
	KT_EQ(do_stat(vt_path(base, "%s", name), &b), -ENAMETOOLONG);
	KT_EQ(do_mkdir(vt_path(base, "%s", name), 0755), -ENAMETOOLONG);
	name[NAME_MAX] = '\0';
	KT_EQ(do_stat(vt_path(base, "%s", name), &b),
	      vt_name_max < NAME_MAX ? -ENAMETOOLONG : -ENOENT);
	name[vt_name_max] = '\0';
	KT_EQ(vt_write_file(vt_path(base, "%s", name), "", 0), 0);
	KT_EQ(do_stat(vt_path(base, "%s", name), &b), 0);
	KT_EQ(do_unlink(vt_path(base, "%s", name)), 0);
	if (vt_name_max < NAME_MAX) {
		name[vt_name_max] = 'n';
		name[vt_name_max + 1] = '\0';
		KT_EQ(vt_write_file(vt_path(base, "%s", name), "", 0), -ENAMETOOLONG);
		KT_EQ(do_mkdir(vt_path(base, "%s", name), 0755), -ENAMETOOLONG);
		KT_EQ(do_symlink("x", vt_path(base, "%s", name)), -ENAMETOOLONG);
	}
	for (int i = 0; i < PATH_MAX; i += 2) {
		longp[i] = 'x';
		longp[i + 1] = '/';
	}
	longp[PATH_MAX] = '\0';
	KT_EQ(do_stat(longp, &b), -ENAMETOOLONG);
	longp[PATH_MAX - 1] = '\0';
	KT_EQ(do_stat(longp, &b), -ENOENT);	/* 4095 bytes are allowed */
	kfree(longp);
	kfree(name);
	KT_EQ(vt_remove_tree(vt_path(base, "p")), 0);
}

void vt_test_symlinks(const char *base)
{
	char buf[64];
	struct stat64 st;
	KT_EQ(do_mkdir(vt_path(base, "s"), 0755), 0);
	KT_EQ(vt_write_file(vt_path(base, "s/target"), "T", 1), 0);
	KT_EQ(do_symlink("target", vt_path(base, "s/rel")), 0);
	KT_EQ(do_symlink(vt_path(base, "s/target"), vt_path(base, "s/abs")), 0);
	KT_EQ(do_symlink(".", vt_path(base, "s/self")), 0);
	KT_EQ(do_symlink("../s", vt_path(base, "s/up")), 0);
	KT_EQ(do_symlink("nowhere", vt_path(base, "s/dangling")), 0);
	KT_EQ(do_symlink("x", vt_path(base, "s/rel")), -EEXIST);
	KT_EQ(do_symlink("", vt_path(base, "s/empty")), -ENOENT);
	KT_EQ(vt_read_file(vt_path(base, "s/rel"), buf, sizeof(buf)), 1);
	KT_EQ(vt_read_file(vt_path(base, "s/abs"), buf, sizeof(buf)), 1);
	KT_EQ(vt_read_file(vt_path(base, "s/self/self/up/self/target"), buf, sizeof(buf)), 1);
	KT_EQ(do_stat(vt_path(base, "s/dangling"), &st), -ENOENT);
	KT_EQ(do_lstat(vt_path(base, "s/dangling"), &st), 0);
	KT_ASSERT(S_ISLNK(st.st_mode), "lstat sees the link");
	KT_EQ(st.st_size, 7);
	KT_EQ(do_readlink(vt_path(base, "s/rel"), buf, sizeof(buf)), 6);
	KT_ASSERT(memcmp(buf, "target", 6) == 0, "readlink");
	KT_EQ(do_readlink(vt_path(base, "s/rel"), buf, 3), 3);	/* truncated, no NUL */
	KT_EQ(do_readlink(vt_path(base, "s/target"), buf, sizeof(buf)), -EINVAL);
	KT_EQ(do_readlink(vt_path(base, "s/rel"), buf, 0), -EINVAL);
	KT_EQ(do_readlink(vt_path(base, "s/none"), buf, sizeof(buf)), -ENOENT);
	/* a link to a directory, followed by a trailing slash */
	KT_EQ(do_symlink("../s", vt_path(base, "s/dirlink")), 0);
	KT_EQ(do_lstat(vt_path(base, "s/dirlink/"), &st), 0);
	KT_ASSERT(S_ISDIR(st.st_mode), "a trailing slash follows the link");
	KT_EQ(do_stat(vt_path(base, "s/rel/"), &st), -ENOTDIR);

	/* loops and the MAXSYMLINKS limit */
	KT_EQ(do_symlink("loop2", vt_path(base, "s/loop1")), 0);
	KT_EQ(do_symlink("loop1", vt_path(base, "s/loop2")), 0);
	KT_EQ(do_stat(vt_path(base, "s/loop1"), &st), -ELOOP);
	KT_EQ(do_open(vt_path(base, "s/loop1/x"), O_RDONLY, 0), -ELOOP);
	KT_EQ(do_lstat(vt_path(base, "s/loop1"), &st), 0);
	/* a chain of exactly MAXSYMLINKS links works; one more is too many */
	KT_EQ(do_symlink("target", vt_path(base, "s/c0")), 0);
	for (int i = 1; i <= MAXSYMLINKS; i++)
		KT_EQ(do_symlink(vt_path("", "c%d", i - 1) + 1, vt_path(base, "s/c%d", i)), 0);
	KT_EQ(do_stat(vt_path(base, "s/c%d", MAXSYMLINKS - 1), &st), 0);
	KT_EQ(do_stat(vt_path(base, "s/c%d", MAXSYMLINKS), &st), -ELOOP);
	KT_EQ(vt_remove_tree(vt_path(base, "s")), 0);
}

/* In a child process: "x/rel" resolves in the inherited directory, and
 * the child has its own (empty) descriptor table. */
static void *child_stat_rel(long arg1, void *arg2)
{
	struct stat64 st;
	if (do_stat("x/rel", &st) != 0 || do_close(0) != -EBADF)
		return (void *)1;
	int fd = do_open("x/rel", O_RDONLY, 0);
	return (void *)(intptr_t)(fd == 0 ? 0 : 2);	/* the lowest free slot */
}

void vt_test_cwd(const char *base)
{
	char *buf = kmalloc(VT_CWD_BUF);
	char *want = kmalloc(VT_CWD_BUF);
	struct stat64 st;
	KT_EQ(do_getcwd(buf, VT_CWD_BUF), 2);
	KT_ASSERT(!strcmp(buf, "/"), "cwd starts at /: %s", buf);
	KT_EQ(do_mkdir(vt_path(base, "w"), 0755), 0);
	KT_EQ(do_mkdir(vt_path(base, "w/x"), 0755), 0);
	KT_EQ(do_chdir(vt_path(base, "w/x")), 0);
	int len = do_getcwd(buf, VT_CWD_BUF);
	snprintf(want, VT_CWD_BUF, "%s/w/x", base);
	KT_EQ(len, (int)strlen(want) + 1);
	KT_ASSERT(!strcmp(buf, want), "getcwd across the mount: %s, expected %s", buf, want);
	KT_EQ(do_getcwd(buf, 3), -ERANGE);
	KT_EQ(vt_write_file("rel", "r", 1), 0);
	KT_EQ(do_stat(vt_path(base, "w/x/rel"), &st), 0);
	KT_EQ(do_stat("../x/./rel", &st), 0);
	KT_EQ(do_chdir(".."), 0);
	KT_EQ(do_stat("x/rel", &st), 0);
	KT_EQ(do_chdir("x/rel"), -ENOTDIR);
	KT_EQ(do_chdir("nothing"), -ENOENT);

	/* a new process starts in its parent's working directory */
	int err, status = -1;
	proc_t *child = proc_create("vt-cwd", &err);
	KT_ASSERT(child != NULL, "proc_create: %d", err);
	if (child) {
		kthread_t *t = kthread_create(child, child_stat_rel, 0, NULL);
		sched_make_runnable(t);
		KT_EQ(proc_waitpid(child->pid, &status, 0) > 0, 1);
		KT_EQ(status, W_EXITCODE(0, 0));
	}

	/* fchdir, and a removed working directory */
	int fd = do_open("x", O_RDONLY | O_DIRECTORY, 0);
	KT_EQ(do_fchdir(fd), 0);
	do_close(fd);
	fd = do_open("rel", O_RDONLY, 0);
	KT_EQ(do_fchdir(fd), -ENOTDIR);
	do_close(fd);
	KT_EQ(do_unlink("rel"), 0);
	KT_EQ(do_rmdir(vt_path(base, "w/x")), 0);
	KT_EQ(do_getcwd(buf, VT_CWD_BUF), -ENOENT);
	KT_EQ(do_open("new", O_RDWR | O_CREAT, 0644), -ENOENT);
	KT_EQ(do_stat(".", &st), 0);
	KT_EQ(st.st_nlink, 0);
	KT_EQ(do_chdir("/"), 0);
	KT_EQ(do_rmdir(vt_path(base, "w")), 0);
	kfree(buf);
	kfree(want);
}

void vt_test_deep(const char *base, int depth)
{
	char *p = kmalloc(PATH_MAX);
	size_t len = strlcpy(p, base, PATH_MAX);
	bool ok = true;
	for (int i = 0; i < depth && ok; i++) {
		len += snprintf(p + len, PATH_MAX - len, "/level%d", i);
		ok = do_mkdir(p, 0755) == 0;
	}
	KT_ASSERT(ok, "mkdir %d levels deep", depth);
	snprintf(p + len, PATH_MAX - len, "/leaf");
	KT_EQ(vt_write_file(p, "deep", 4), 0);
	char buf[8];
	KT_EQ(vt_read_file(p, buf, sizeof(buf)), 4);
	/* climb back with ".." from the bottom */
	p[len] = '\0';
	KT_EQ(do_chdir(p), 0);
	len = 0;
	for (int i = 0; i < depth; i++)
		len += snprintf(p + len, PATH_MAX - len, "../");
	snprintf(p + len, PATH_MAX - len, "level0/level1");
	struct stat64 st;
	KT_EQ(do_stat(p, &st), 0);
	KT_ASSERT(S_ISDIR(st.st_mode), "climbed back down");
	KT_EQ(do_chdir("/"), 0);
	KT_EQ(vt_remove_tree(vt_path(base, "level0")), 0);
	kfree(p);
}

void vt_test_many_files(const char *base, int n)
{
	VT_LOCAL_PATH(d, base, "many");
	KT_EQ(do_mkdir(d, 0755), 0);
	int created = 0;
	for (int i = 0; i < n; i++) {
		int fd = do_open(vt_path(d, "file-with-a-longish-name-%05d", i),
				 O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0)
			break;
		do_write(fd, &i, sizeof(i));
		do_close(fd);
		created++;
	}
	KT_EQ(created, n);
	KT_EQ(vt_dir_count(d), n);
	int bad = 0;
	for (int i = 0; i < n; i += 7) {
		int v = -1;
		bad += vt_read_file(vt_path(d, "file-with-a-longish-name-%05d", i), &v, sizeof(v)) !=
			       sizeof(v) || v != i;
	}
	KT_EQ(bad, 0);
	for (int i = 0; i < n; i += 2)
		bad += do_unlink(vt_path(d, "file-with-a-longish-name-%05d", i)) != 0;
	KT_EQ(bad, 0);
	KT_EQ(vt_dir_count(d), n / 2);
	KT_EQ(do_rmdir(d), -ENOTEMPTY);
	KT_EQ(vt_remove_tree(d), 0);
}
