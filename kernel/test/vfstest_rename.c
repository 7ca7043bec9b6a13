/* vfstest, rename: within and across directories, atomic replacement,
 * and the POSIX corner cases with Linux's errors: onto itself (or another
 * link to the same file), a directory onto a non-empty directory
 * (ENOTEMPTY), into its own subtree (EINVAL), a file onto a directory
 * (EISDIR), a directory onto a file (ENOTDIR), "." and ".." (EBUSY),
 * mount points (EBUSY), other file systems (EXDEV). */
#include "vfstest.h"
#include "util/errno.h"
#include "util/string.h"

static void rename_files(const char *base)
{
	const char *a = vt_path(base, "r/a"), *b = vt_path(base, "r/b");
	struct stat64 st, st2;
	char buf[8];
	KT_EQ(vt_write_file(a, "A", 1), 0);
	KT_EQ(do_stat(a, &st), 0);
	KT_EQ(do_rename(a, b), 0);
	KT_EQ(do_stat(a, &st2), -ENOENT);
	KT_EQ(do_stat(b, &st2), 0);
	KT_EQ(st.st_ino, st2.st_ino);
	KT_EQ(do_rename(a, b), -ENOENT);

	/* atomic replace: the target's old file goes, an open one survives */
	KT_EQ(vt_write_file(a, "new", 3), 0);
	int fd = do_open(b, O_RDONLY, 0);
	KT_EQ(do_rename(a, b), 0);
	KT_EQ(vt_read_file(b, buf, sizeof(buf)), 3);
	KT_ASSERT(memcmp(buf, "new", 3) == 0, "replaced contents");
	KT_EQ(do_read(fd, buf, sizeof(buf)), 1);
	KT_ASSERT(buf[0] == 'A', "the replaced file lives on while open");
	KT_EQ(do_fstat(fd, &st), 0);
	KT_EQ(st.st_nlink, 0);
	do_close(fd);

	/* onto itself and onto another link of the same file: nothing */
	KT_EQ(do_rename(b, b), 0);
	KT_EQ(do_link(b, a), 0);
	KT_EQ(do_rename(a, b), 0);
	KT_EQ(do_stat(a, &st), 0);		/* both names are still there */
	KT_EQ(st.st_nlink, 2);
	KT_EQ(do_unlink(a), 0);

	/* across directories */
	const char *c = vt_path(base, "r/sub/c");
	KT_EQ(do_rename(b, c), 0);
	KT_EQ(vt_read_file(c, buf, sizeof(buf)), 3);
	KT_EQ(do_rename(c, vt_path(base, "r/nothing/c")), -ENOENT);
	KT_EQ(do_rename(c, vt_path(base, "r/b/")), -ENOTDIR);
	KT_EQ(do_rename(vt_path(base, "r/sub/c/"), b), -ENOTDIR);
	KT_EQ(do_unlink(c), 0);
}

static void rename_dirs(const char *base)
{
	const char *d1 = vt_path(base, "r/d1"), *d2 = vt_path(base, "r/d2");
	struct stat64 st;
	KT_EQ(do_mkdir(d1, 0755), 0);
	KT_EQ(do_mkdir(vt_path(base, "r/d1/inner"), 0755), 0);
	KT_EQ(vt_write_file(vt_path(base, "r/d1/inner/f"), "f", 1), 0);
	KT_EQ(do_rename(d1, d2), 0);
	KT_EQ(do_stat(vt_path(base, "r/d2/inner/f"), &st), 0);

	/* into another directory: ".." and link counts follow */
	KT_EQ(do_stat(vt_path(base, "r/sub"), &st), 0);
	uint32_t sub_links = st.st_nlink;
	KT_EQ(do_rename(d2, vt_path(base, "r/sub/moved/")), 0);
	KT_EQ(do_stat(vt_path(base, "r/sub"), &st), 0);
	KT_EQ(st.st_nlink, sub_links + 1);
	struct stat64 up, sub;
	KT_EQ(do_stat(vt_path(base, "r/sub/moved/.."), &up), 0);
	KT_EQ(do_stat(vt_path(base, "r/sub"), &sub), 0);
	KT_EQ(up.st_ino, sub.st_ino);
	KT_ASSERT(vt_dir_has(vt_path(base, "r/sub"), "moved"), "listed in the new directory");

	/* the corner cases */
	const char *m = vt_path(base, "r/sub/moved");
	KT_EQ(do_rename(m, vt_path(base, "r/sub/moved/inner/x")), -EINVAL);
	KT_EQ(do_rename(m, vt_path(base, "r/sub/moved/x")), -EINVAL);
	KT_EQ(do_rename(vt_path(base, "r/sub/moved/inner"), m), -ENOTEMPTY);
	KT_EQ(do_mkdir(vt_path(base, "r/full"), 0755), 0);
	KT_EQ(vt_write_file(vt_path(base, "r/full/x"), "x", 1), 0);
	KT_EQ(do_rename(m, vt_path(base, "r/full")), -ENOTEMPTY);
	KT_EQ(vt_write_file(vt_path(base, "r/file"), "x", 1), 0);
	KT_EQ(do_rename(m, vt_path(base, "r/file")), -ENOTDIR);
	KT_EQ(do_rename(vt_path(base, "r/file"), m), -EISDIR);
	KT_EQ(do_rename(vt_path(base, "r/sub/."), vt_path(base, "r/x")), -EBUSY);
	KT_EQ(do_rename(vt_path(base, "r/sub/.."), vt_path(base, "r/x")), -EBUSY);
	KT_EQ(do_rename(m, vt_path(base, "r/sub/..")), -EBUSY);
	KT_EQ(do_rename(vt_path(base, "r/file"), "/dev/file"), -EXDEV);

	/* a directory onto an empty directory replaces it */
	KT_EQ(do_mkdir(vt_path(base, "r/empty"), 0755), 0);
	KT_EQ(do_stat(vt_path(base, "r"), &st), 0);
	uint32_t r_links = st.st_nlink;
	KT_EQ(do_rename(m, vt_path(base, "r/empty")), 0);
	KT_EQ(do_stat(vt_path(base, "r/empty/inner/f"), &st), 0);
	KT_EQ(do_stat(vt_path(base, "r"), &st), 0);
	KT_EQ(st.st_nlink, r_links);	/* one directory in, one out */
	KT_EQ(do_stat(vt_path(base, "r/sub"), &st), 0);
	KT_EQ(st.st_nlink, sub_links);
	/* a directory onto itself */
	KT_EQ(do_rename(vt_path(base, "r/empty"), vt_path(base, "r/empty")), 0);
	KT_EQ(do_rename(vt_path(base, "r/empty"), vt_path(base, "r/empty/")), 0);
}

void vt_test_rename(const char *base)
{
	KT_EQ(do_mkdir(vt_path(base, "r"), 0755), 0);
	KT_EQ(do_mkdir(vt_path(base, "r/sub"), 0755), 0);
	rename_files(base);
	rename_dirs(base);
	KT_EQ(do_rename("/dev", "/devmoved"), -EBUSY);	/* a mount point */
	KT_EQ(vt_remove_tree(vt_path(base, "r")), 0);
}
