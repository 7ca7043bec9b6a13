/* Suite "vfstest": the file system calls on ramfs and on S5FS, error
 * cases with their exact errno values (Linux's), big and sparse files,
 * thousands of files in one directory, deep paths, rename corner cases,
 * symlink loops, /dev.  Each generic test (vt_test_*) runs in a directory
 * of the file system under test; the suite runs them on a ramfs mounted
 * at /vfstest-ram and, when the root is an S5FS, in /vfstest-s5.  After
 * each file system's run the caches are dropped and the vnode, open-file
 * and page counts must be back where they started.  This file holds the
 * data-path tests and the suite itself; vfstest_names.c and
 * vfstest_rename.c hold the rest. */
#include "vfstest.h"
#include "drivers/blockdev.h"
#include "fs/file.h"
#include "fs/s5fs_disk.h"
#include "fs/vfs.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "proc/proc.h"
#include "util/errno.h"
#include "util/printf.h"
#include "util/string.h"

#define VT_RAM_MOUNT "/vfstest-ram"
#define VT_S5_DIR "/vfstest-s5"
#define VT_MANY_FILES_S5 2000
#define VT_MANY_FILES_RAM 2000
#define VT_BIG_FILE (6u << 20)		/* past the single-indirect blocks */
#define VT_DEEP 60

void vt_test_basic_io(const char *base)
{
	const char *p = vt_path(base, "io");
	char buf[64];
	int fd = do_open(p, O_RDWR | O_CREAT | O_EXCL, 0644);
	KT_ASSERT(fd >= 0, "create %s: %d", p, fd);
	KT_EQ(do_write(fd, "hello, world", 12), 12);
	KT_EQ(do_lseek(fd, 0, SEEK_CUR), 12);
	KT_EQ(do_lseek(fd, 7, SEEK_SET), 7);
	KT_EQ(do_read(fd, buf, sizeof(buf)), 5);
	KT_ASSERT(memcmp(buf, "world", 5) == 0, "read back 'world'");
	KT_EQ(do_read(fd, buf, sizeof(buf)), 0);
	KT_EQ(do_lseek(fd, -5, SEEK_END), 7);
	KT_EQ(do_write(fd, "WORLD!", 6), 6);
	KT_EQ(do_lseek(fd, 0, SEEK_END), 13);
	KT_EQ(do_lseek(fd, -14, SEEK_END), -EINVAL);
	KT_EQ(do_lseek(fd, 0, 3), -EINVAL);
	KT_EQ(do_pread(fd, buf, 5, 0), 5);
	KT_ASSERT(memcmp(buf, "hello", 5) == 0, "pread");
	KT_EQ(do_pwrite(fd, "J", 1, 0), 1);
	KT_EQ(do_lseek(fd, 0, SEEK_CUR), 13);	/* pread/pwrite keep the offset */
	KT_EQ(do_pread(fd, buf, 1, -1), -EINVAL);
	KT_EQ(do_close(fd), 0);
	KT_EQ(do_close(fd), -EBADF);
	KT_EQ(vt_read_file(p, buf, sizeof(buf)), 13);
	KT_ASSERT(memcmp(buf, "Jello, WORLD!", 13) == 0, "whole file");

	fd = do_open(p, O_RDONLY, 0);
	KT_EQ(do_write(fd, "x", 1), -EBADF);
	do_close(fd);
	fd = do_open(p, O_WRONLY, 0);
	KT_EQ(do_read(fd, buf, 1), -EBADF);
	do_close(fd);
	KT_EQ(do_read(-1, buf, 1), -EBADF);
	KT_EQ(do_read(VFS_NFILES, buf, 1), -EBADF);
	KT_EQ(do_write(1000, buf, 1), -EBADF);
	KT_EQ(do_unlink(p), 0);
}

void vt_test_open_flags(const char *base)
{
	const char *f = vt_path(base, "flags"), *d = vt_path(base, "flagsdir");
	char buf[16];
	KT_EQ(do_open(f, O_RDONLY, 0), -ENOENT);
	KT_EQ(vt_write_file(f, "abcdef", 6), 0);
	KT_EQ(do_open(f, O_RDONLY | O_CREAT | O_EXCL, 0644), -EEXIST);
	KT_EQ(do_open(f, O_RDONLY | O_DIRECTORY, 0), -ENOTDIR);
	KT_EQ(do_open(vt_path(base, "flags/"), O_RDONLY, 0), -ENOTDIR);
	KT_EQ(do_open(vt_path(base, "flags/x"), O_RDONLY, 0), -ENOTDIR);
	KT_EQ(do_open(vt_path(base, "newfile/"), O_RDWR | O_CREAT, 0644), -EISDIR);
	KT_EQ(do_open(f, O_ACCMODE, 0), -EINVAL);
	KT_EQ(do_mkdir(d, 0755), 0);
	KT_EQ(do_open(d, O_WRONLY, 0), -EISDIR);
	KT_EQ(do_open(d, O_RDWR, 0), -EISDIR);
	KT_EQ(do_open(d, O_RDONLY | O_CREAT, 0644), -EISDIR);
	KT_EQ(do_open(d, O_RDONLY | O_TRUNC, 0), -EISDIR);
	int fd = do_open(d, O_RDONLY | O_DIRECTORY, 0);
	KT_ASSERT(fd >= 0, "open a directory read-only: %d", fd);
	KT_EQ(do_read(fd, buf, 1), -EISDIR);
	do_close(fd);

	/* O_APPEND writes at the end whatever the offset */
	fd = do_open(f, O_WRONLY | O_APPEND, 0);
	KT_EQ(do_lseek(fd, 0, SEEK_SET), 0);
	KT_EQ(do_write(fd, "gh", 2), 2);
	KT_EQ(do_lseek(fd, 0, SEEK_CUR), 8);
	do_close(fd);
	KT_EQ(vt_read_file(f, buf, sizeof(buf)), 8);
	KT_ASSERT(memcmp(buf, "abcdefgh", 8) == 0, "appended");

	/* O_TRUNC empties; O_CREAT on an existing file keeps it */
	fd = do_open(f, O_RDWR | O_CREAT, 0644);
	KT_ASSERT(fd >= 0, "O_CREAT of an existing file");
	do_close(fd);
	KT_EQ(vt_file_size(f), 8);
	fd = do_open(f, O_RDWR | O_TRUNC, 0);
	do_close(fd);
	KT_EQ(vt_file_size(f), 0);

	/* symlinks: O_NOFOLLOW and O_CREAT|O_EXCL do not follow */
	const char *l = vt_path(base, "flagslink");
	KT_EQ(do_symlink("flags", l), 0);
	KT_EQ(do_open(l, O_RDONLY | O_NOFOLLOW, 0), -ELOOP);
	KT_EQ(do_open(l, O_RDWR | O_CREAT | O_EXCL, 0644), -EEXIST);
	fd = do_open(l, O_RDONLY, 0);
	KT_ASSERT(fd >= 0, "open through a symlink: %d", fd);
	do_close(fd);
	/* O_CREAT through a dangling symlink creates its target */
	const char *dl = vt_path(base, "dangling");
	KT_EQ(do_symlink("made-by-link", dl), 0);
	fd = do_open(dl, O_WRONLY | O_CREAT, 0644);
	KT_ASSERT(fd >= 0, "create through a dangling link: %d", fd);
	do_close(fd);
	KT_EQ(vt_file_size(vt_path(base, "made-by-link")), 0);
	KT_EQ(do_unlink(vt_path(base, "made-by-link")), 0);
	KT_EQ(do_unlink(dl), 0);
	KT_EQ(do_unlink(l), 0);
	KT_EQ(do_unlink(f), 0);
	KT_EQ(do_rmdir(d), 0);
}

void vt_test_dup(const char *base)
{
	const char *p = vt_path(base, "dup");
	char buf[8];
	KT_EQ(vt_write_file(p, "0123456789", 10), 0);
	int fd = do_open(p, O_RDONLY, 0);
	int fd2 = do_dup(fd);
	KT_ASSERT(fd2 >= 0 && fd2 != fd, "dup: %d", fd2);
	KT_EQ(do_read(fd, buf, 3), 3);
	KT_EQ(do_lseek(fd2, 0, SEEK_CUR), 3);	/* the offset is shared */
	KT_EQ(do_read(fd2, buf, 2), 2);
	KT_ASSERT(memcmp(buf, "34", 2) == 0, "read after dup continues");
	int fd3 = do_open(p, O_RDONLY, 0);
	KT_EQ(do_lseek(fd3, 0, SEEK_CUR), 0);	/* a new open has its own */

	KT_EQ(do_dup2(fd, fd), fd);
	KT_EQ(do_dup2(VFS_NFILES - 1, VFS_NFILES - 1), -EBADF);
	KT_EQ(do_dup2(fd, VFS_NFILES), -EBADF);
	KT_EQ(do_dup3(fd, fd, 0), -EINVAL);
	KT_EQ(do_dup3(fd, fd3, O_APPEND), -EINVAL);
	KT_EQ(do_dup2(fd, fd3), fd3);		/* closes what fd3 was */
	KT_EQ(do_lseek(fd3, 0, SEEK_CUR), 5);
	KT_EQ(do_dup3(fd, fd3, O_CLOEXEC), fd3);
	KT_EQ(do_fcntl(fd3, F_GETFD, 0), FD_CLOEXEC);
	KT_EQ(do_fcntl(fd, F_GETFD, 0), 0);
	KT_EQ(do_fcntl(fd, F_SETFD, FD_CLOEXEC), 0);
	KT_EQ(do_fcntl(fd, F_GETFD, 0), FD_CLOEXEC);
	int fd4 = do_fcntl(fd, F_DUPFD, 20);
	KT_ASSERT(fd4 >= 20, "F_DUPFD >= 20: %d", fd4);
	KT_EQ(do_fcntl(fd4, F_GETFD, 0), 0);	/* the copy is not close-on-exec */
	KT_EQ(do_fcntl(fd, F_GETFL, 0) & O_ACCMODE, O_RDONLY);
	KT_EQ(do_fcntl(fd, F_SETFL, O_APPEND), 0);
	KT_ASSERT(do_fcntl(fd2, F_GETFL, 0) & O_APPEND, "status flags are shared");
	KT_EQ(do_fcntl(fd, 12345, 0), -EINVAL);
	KT_EQ(do_fcntl(-3, F_GETFD, 0), -EBADF);

	/* close-on-exec closes only the marked slots */
	fdtable_close_on_exec(curproc->files);
	KT_EQ(do_close(fd), -EBADF);
	KT_EQ(do_close(fd3), -EBADF);
	KT_EQ(do_close(fd2), 0);
	KT_EQ(do_close(fd4), 0);

	/* running out of descriptors */
	int fds[VFS_NFILES + 1];
	int n = 0, last = 0;
	while (n <= VFS_NFILES && (last = do_open(p, O_RDONLY, 0)) >= 0)
		fds[n++] = last;
	KT_EQ(last, -EMFILE);
	KT_EQ(do_dup(fds[0]), -EMFILE);
	for (int i = 0; i < n; i++)
		do_close(fds[i]);
	KT_EQ(do_unlink(p), 0);
}

/* fork's descriptor copy: the child shares the open files (and so their
 * offsets) but has its own slots. */
static void vt_test_fork_files(const char *base)
{
	const char *p = vt_path(base, "forked");
	KT_EQ(vt_write_file(p, "abcdef", 6), 0);
	int fd = do_open(p, O_RDONLY, 0);
	fdtable_t *copy = fdtable_copy(curproc->files);
	KT_ASSERT(copy != NULL, "fdtable_copy");
	file_t *mine = fd_get(curproc->files, fd), *theirs = fd_get(copy, fd);
	KT_ASSERT(mine == theirs, "the copy points at the same open file");
	fput(mine);
	fput(theirs);
	char c;
	KT_EQ(do_read(fd, &c, 1), 1);
	theirs = fd_get(copy, fd);
	KT_EQ(theirs->f_pos, 1);
	fput(theirs);
	do_close(fd);
	theirs = fd_get(copy, fd);
	KT_ASSERT(theirs != NULL, "closing ours leaves the copy's slot open");
	if (theirs)
		fput(theirs);
	fdtable_destroy(copy);
	KT_EQ(do_unlink(p), 0);
}

void vt_test_stat(const char *base)
{
	const char *p = vt_path(base, "st"), *d = vt_path(base, "stdir");
	struct stat64 st, st2;
	KT_EQ(vt_write_file(p, "12345", 5), 0);
	KT_EQ(do_stat(p, &st), 0);
	KT_ASSERT(S_ISREG(st.st_mode), "regular file mode %o", st.st_mode);
	KT_EQ(st.st_size, 5);
	KT_EQ(st.st_nlink, 1);
	KT_EQ(st.__st_ino, (uint32_t)st.st_ino);
	int fd = do_open(p, O_RDONLY, 0);
	KT_EQ(do_fstat(fd, &st2), 0);
	KT_EQ(st2.st_ino, st.st_ino);
	KT_EQ(st2.st_dev, st.st_dev);
	do_close(fd);
	KT_EQ(do_fstat(fd, &st2), -EBADF);
	KT_EQ(do_mkdir(d, 0700), 0);
	KT_EQ(do_stat(d, &st), 0);
	KT_ASSERT(S_ISDIR(st.st_mode), "directory mode %o", st.st_mode);
	KT_EQ(st.st_mode & S_IALLUGO, 0700);
	KT_EQ(st.st_nlink, 2);
	KT_EQ(do_stat(vt_path(base, "nothing"), &st), -ENOENT);
	KT_EQ(do_stat("", &st), -ENOENT);
	KT_EQ(do_fstatat(AT_FDCWD, p, &st, 0x8000), -EINVAL);
	KT_EQ(do_unlink(p), 0);
	KT_EQ(do_rmdir(d), 0);
}

void vt_test_dirs(const char *base)
{
	const char *d = vt_path(base, "d"), *sub = vt_path(base, "d/sub");
	struct stat64 st;
	KT_EQ(do_mkdir(d, 0755), 0);
	KT_EQ(do_mkdir(d, 0755), -EEXIST);
	KT_EQ(do_mkdir(vt_path(base, "d/"), 0755), -EEXIST);
	KT_EQ(do_mkdir(vt_path(base, "missing/x"), 0755), -ENOENT);
	KT_EQ(do_mkdir(vt_path(base, "d/."), 0755), -EEXIST);
	KT_EQ(do_mkdir(vt_path(base, "d/.."), 0755), -EEXIST);
	KT_EQ(do_mkdir("/", 0755), -EEXIST);
	KT_EQ(do_mkdir(vt_path(base, "d/sub/"), 0755), 0);	/* a slash is fine */
	KT_EQ(do_stat(d, &st), 0);
	KT_EQ(st.st_nlink, 3);				/* ".", its entry, sub's ".." */
	KT_EQ(vt_write_file(vt_path(base, "d/file"), "x", 1), 0);
	KT_EQ(do_mkdir(vt_path(base, "d/file/x"), 0755), -ENOTDIR);
	KT_EQ(do_rmdir(d), -ENOTEMPTY);
	KT_EQ(do_rmdir(vt_path(base, "d/file")), -ENOTDIR);
	KT_EQ(do_rmdir(vt_path(base, "d/sub/.")), -EINVAL);
	KT_EQ(do_rmdir(vt_path(base, "d/sub/..")), -ENOTEMPTY);
	KT_EQ(do_rmdir("/"), -EBUSY);
	KT_EQ(do_rmdir(vt_path(base, "d/nothing")), -ENOENT);
	KT_EQ(do_rmdir(sub), 0);
	KT_EQ(do_stat(d, &st), 0);
	KT_EQ(st.st_nlink, 2);
	KT_EQ(do_rmdir(sub), -ENOENT);
	KT_EQ(do_unlink(vt_path(base, "d/file")), 0);
	KT_EQ(do_rmdir(vt_path(base, "d/")), 0);
	KT_EQ(do_stat(d, &st), -ENOENT);
}

void vt_test_unlink_link(const char *base)
{
	const char *a = vt_path(base, "a"), *b = vt_path(base, "b");
	const char *d = vt_path(base, "ld");
	struct stat64 st;
	char buf[8];
	KT_EQ(vt_write_file(a, "data", 4), 0);
	KT_EQ(do_link(a, b), 0);
	KT_EQ(do_stat(a, &st), 0);
	KT_EQ(st.st_nlink, 2);
	KT_EQ(do_link(a, b), -EEXIST);
	KT_EQ(do_link(vt_path(base, "none"), vt_path(base, "c")), -ENOENT);
	KT_EQ(do_link(a, vt_path(base, "c/")), -ENOENT);
	KT_EQ(do_link(a, vt_path(base, "b/")), -EEXIST);
	KT_EQ(do_link(a, vt_path(base, ".")), -EEXIST);
	KT_EQ(do_mkdir(d, 0755), 0);
	KT_EQ(do_link(d, vt_path(base, "ld2")), -EPERM);
	KT_EQ(do_unlink(d), -EISDIR);
	KT_EQ(do_unlink(vt_path(base, "ld/")), -EISDIR);
	KT_EQ(do_unlink(vt_path(base, "a/")), -ENOTDIR);
	KT_EQ(do_unlink(vt_path(base, "ld/..")), -EISDIR);
	KT_EQ(do_unlink(vt_path(base, "none")), -ENOENT);
	KT_EQ(do_rmdir(d), 0);

	/* an open file outlives its last name */
	int fd = do_open(b, O_RDWR, 0);
	KT_EQ(do_unlink(a), 0);
	KT_EQ(do_unlink(b), 0);
	KT_EQ(do_stat(b, &st), -ENOENT);
	KT_EQ(do_fstat(fd, &st), 0);
	KT_EQ(st.st_nlink, 0);
	KT_EQ(do_pwrite(fd, "more", 4, 4), 4);
	KT_EQ(do_pread(fd, buf, 8, 0), 8);
	KT_ASSERT(memcmp(buf, "datamore", 8) == 0, "unlinked file still readable");
	KT_EQ(do_close(fd), 0);
}

/* getdents: every entry once, "." and "..", records Linux's way, small
 * buffers, and positions that survive. */
void vt_test_getdents(const char *base)
{
	VT_LOCAL_PATH(d, base, "gd");
	const int n = 40;
	KT_EQ(do_mkdir(d, 0755), 0);
	for (int i = 0; i < n; i++)
		KT_EQ(vt_write_file(vt_path(d, "entry-%02d", i), "", 0), 0);
	KT_EQ(do_mkdir(vt_path(d, "subdir"), 0755), 0);
	KT_EQ(vt_dir_count(d), n + 1);
	KT_ASSERT(vt_dir_has(d, "."), "lists .");
	KT_ASSERT(vt_dir_has(d, ".."), "lists ..");
	KT_ASSERT(vt_dir_has(d, "entry-17"), "lists entry-17");

	int fd = do_open(d, O_RDONLY | O_DIRECTORY, 0);
	uint8_t buf[64];
	KT_EQ(do_getdents(fd, buf, 8), -EINVAL);	/* no room for one record */
	int got = do_getdents(fd, buf, sizeof(buf));
	KT_ASSERT(got > 0, "getdents with a small buffer: %d", got);
	struct linux_dirent64 *e = (struct linux_dirent64 *)buf;
	KT_EQ(e->d_reclen % DIRENT64_ALIGN, 0);
	KT_ASSERT(!strcmp(e->d_name, "."), "first entry is '.': %s", e->d_name);
	KT_EQ(e->d_type, DT_DIR);
	/* resume from the first record's d_off: the second entry again */
	off64_t second = e->d_off;
	int total = 0, dirs = 0;
	KT_EQ(do_lseek(fd, 0, SEEK_SET), 0);
	while ((got = do_getdents(fd, buf, sizeof(buf))) > 0) {
		for (int off = 0; off < got; off += ((struct linux_dirent64 *)(buf + off))->d_reclen) {
			struct linux_dirent64 *r = (struct linux_dirent64 *)(buf + off);
			total++;
			dirs += r->d_type == DT_DIR;
		}
	}
	KT_EQ(got, 0);
	KT_EQ(total, n + 3);
	KT_EQ(dirs, 3);
	KT_EQ(do_lseek(fd, second, SEEK_SET), second);
	got = do_getdents(fd, buf, sizeof(buf));
	KT_ASSERT(got > 0 && !strcmp(((struct linux_dirent64 *)buf)->d_name, ".."),
		  "seeking to d_off resumes at '..'");
	do_close(fd);
	fd = do_open(vt_path(d, "entry-00"), O_RDONLY, 0);
	KT_EQ(do_getdents(fd, buf, sizeof(buf)), -ENOTDIR);
	do_close(fd);
	KT_EQ(do_getdents(-1, buf, sizeof(buf)), -EBADF);
	KT_EQ(vt_remove_tree(d), 0);
}

void vt_test_truncate(const char *base)
{
	const char *p = vt_path(base, "tr");
	char buf[PAGE_SIZE + 16];
	memset(buf, 'a', sizeof(buf));
	KT_EQ(vt_write_file(p, buf, sizeof(buf)), 0);
	KT_EQ(do_truncate(p, 10), 0);
	KT_EQ(vt_file_size(p), 10);
	KT_EQ(do_truncate(p, PAGE_SIZE + 16), 0);	/* grow: the rest reads zero */
	memset(buf, 'x', sizeof(buf));
	KT_EQ(vt_read_file(p, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	bool ok = true;
	for (size_t i = 0; i < sizeof(buf); i++)
		ok &= buf[i] == (i < 10 ? 'a' : 0);
	KT_ASSERT(ok, "truncate then grow reads the old bytes, then zeros");
	KT_EQ(do_truncate(p, -1), -EINVAL);
	KT_EQ(do_truncate(base, 0), -EISDIR);
	KT_EQ(do_truncate(vt_path(base, "none"), 0), -ENOENT);
	int fd = do_open(p, O_RDONLY, 0);
	KT_EQ(do_ftruncate(fd, 0), -EINVAL);		/* not open for writing */
	do_close(fd);
	fd = do_open(p, O_RDWR, 0);
	KT_EQ(do_ftruncate(fd, -5), -EINVAL);
	KT_EQ(do_ftruncate(fd, 3), 0);
	KT_EQ(vt_file_size(p), 3);
	do_close(fd);
	fd = do_open(base, O_RDONLY, 0);
	KT_EQ(do_ftruncate(fd, 0), -EINVAL);
	do_close(fd);
	KT_EQ(do_unlink(p), 0);
}

void vt_test_sparse(const char *base)
{
	const char *p = vt_path(base, "sparse");
	const uint32_t far = 40u * PAGE_SIZE + 123;
	uint8_t buf[64];
	int fd = do_open(p, O_RDWR | O_CREAT | O_TRUNC, 0644);
	KT_EQ(do_pwrite(fd, "end", 3, far), 3);
	KT_EQ(vt_file_size(p), far + 3);
	KT_EQ(do_pread(fd, buf, sizeof(buf), PAGE_SIZE * 7), (ssize_t)sizeof(buf));
	bool zero = true;
	for (size_t i = 0; i < sizeof(buf); i++)
		zero &= buf[i] == 0;
	KT_ASSERT(zero, "a hole reads as zeros");
	KT_EQ(do_pread(fd, buf, 8, far), 3);
	KT_ASSERT(memcmp(buf, "end", 3) == 0, "data after the hole");
	struct stat64 st;
	KT_EQ(do_fstat(fd, &st), 0);
	KT_ASSERT(st.st_blocks <= 2 * (PAGE_SIZE / STAT_BLOCK_UNIT),
		  "a sparse file takes few blocks: %u", (unsigned)st.st_blocks);
	do_close(fd);
	KT_EQ(do_unlink(p), 0);
}

void vt_test_big_file(const char *base, uint32_t bytes)
{
	const char *p = vt_path(base, "big");
	const size_t chunk = 3 * PAGE_SIZE + 100;	/* unaligned on purpose */
	uint8_t *buf = kmalloc(chunk);
	KT_ASSERT(buf != NULL, "buffer");
	if (!buf)
		return;
	int fd = do_open(p, O_RDWR | O_CREAT | O_TRUNC, 0644);
	bool ok = true;
	for (uint32_t off = 0; off < bytes && ok; off += chunk) {
		size_t n = MIN(chunk, (size_t)(bytes - off));
		vt_pattern(buf, n, off, bytes);
		ok = do_write(fd, buf, n) == (ssize_t)n;
	}
	KT_ASSERT(ok, "writing %u bytes", bytes);
	KT_EQ(do_fsync(fd), 0);
	KT_EQ(do_lseek(fd, 0, SEEK_SET), 0);
	for (uint32_t off = 0; off < bytes && ok; off += chunk) {
		size_t n = MIN(chunk, (size_t)(bytes - off));
		ok = do_read(fd, buf, n) == (ssize_t)n && vt_pattern_ok(buf, n, off, bytes);
	}
	KT_ASSERT(ok, "reading %u bytes back", bytes);
	do_close(fd);
	kfree(buf);
	KT_EQ(vt_file_size(p), bytes);
	KT_EQ(do_unlink(p), 0);
}

void vt_test_mknod(const char *base)
{
	const char *n = vt_path(base, "nullnode"), *z = vt_path(base, "zeronode");
	struct stat64 st;
	char buf[8] = "abc";
	KT_EQ(do_mknod(n, S_IFCHR | 0666, MKDEV(MEM_MAJOR, MEM_NULL_MINOR)), 0);
	KT_EQ(do_mknod(z, S_IFCHR | 0666, MKDEV(MEM_MAJOR, MEM_ZERO_MINOR)), 0);
	KT_EQ(do_mknod(n, S_IFCHR | 0666, 0), -EEXIST);
	KT_EQ(do_mknod(vt_path(base, "dirnode"), S_IFDIR | 0755, 0), -EPERM);
	KT_EQ(do_mknod(vt_path(base, "badnode"), 0170000, 0), -EINVAL);
	KT_EQ(do_stat(n, &st), 0);
	KT_ASSERT(S_ISCHR(st.st_mode), "character device mode %o", st.st_mode);
	KT_EQ(st.st_rdev, MKDEV(MEM_MAJOR, MEM_NULL_MINOR));
	KT_EQ(st.st_size, 0);
	int fd = do_open(n, O_RDWR, 0);
	KT_EQ(do_write(fd, buf, 3), 3);
	KT_EQ(do_read(fd, buf, sizeof(buf)), 0);
	do_close(fd);
	fd = do_open(z, O_RDONLY, 0);
	KT_EQ(do_read(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	KT_ASSERT(buf[0] == 0 && buf[7] == 0, "zero reads zeros");
	do_close(fd);
	const char *x = vt_path(base, "nodevice");
	KT_EQ(do_mknod(x, S_IFCHR | 0600, MKDEV(DEV_MAJOR_MAX, 1)), 0);
	KT_EQ(do_open(x, O_RDONLY, 0), -ENXIO);
	const char *r = vt_path(base, "plainnode");
	KT_EQ(do_mknod(r, 0644, 0), 0);
	KT_EQ(do_stat(r, &st), 0);
	KT_ASSERT(S_ISREG(st.st_mode), "mknod with no type makes a regular file");
	KT_EQ(do_unlink(r), 0);
	KT_EQ(do_unlink(x), 0);
	KT_EQ(do_unlink(n), 0);
	KT_EQ(do_unlink(z), 0);
}

size_t vt_name_max;

void vt_test_attrs(const char *base)
{
	const char *p = vt_path(base, "attr"), *l = vt_path(base, "attrlink");
	struct stat64 st;
	KT_EQ(vt_write_file(p, "a", 1), 0);
	KT_EQ(do_symlink("attr", l), 0);
	KT_EQ(do_chmod(p, 0600), 0);
	KT_EQ(do_stat(p, &st), 0);
	KT_EQ(st.st_mode, S_IFREG | 0600);
	KT_EQ(do_chmod(l, S_IFDIR | 04755), 0);	/* through the link; type bits ignored */
	KT_EQ(do_stat(p, &st), 0);
	KT_EQ(st.st_mode, S_IFREG | 04755);
	int fd = do_open(p, O_RDONLY, 0);
	KT_EQ(do_fchmod(fd, 0444), 0);
	KT_EQ(do_fstat(fd, &st), 0);
	KT_EQ(st.st_mode & S_IALLUGO, 0444);
	KT_EQ(do_fchown(fd, 12, 34), 0);
	KT_EQ(do_chown(p, (uint32_t)-1, 56), 0);
	KT_EQ(do_stat(p, &st), 0);
	KT_EQ(st.st_uid, 12);
	KT_EQ(st.st_gid, 56);
	KT_EQ(do_lchown(l, 7, 7), 0);
	KT_EQ(do_lstat(l, &st), 0);
	KT_EQ(st.st_uid, 7);
	KT_EQ(do_stat(p, &st), 0);
	KT_EQ(st.st_uid, 12);			/* the target kept its owner */
	vfs_timespec_t ts[2] = { { 1000000, 0 }, { 2000000, 0 } };
	KT_EQ(do_utimensat(AT_FDCWD, p, ts, 0), 0);
	KT_EQ(do_stat(p, &st), 0);
	KT_EQ(st.st_atime, 1000000);
	KT_EQ(st.st_mtime, 2000000);
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_sec = 3000000;
	KT_EQ(do_utimensat(fd, NULL, ts, 0), 0);	/* futimens */
	KT_EQ(do_fstat(fd, &st), 0);
	KT_EQ(st.st_atime, 1000000);
	KT_EQ(st.st_mtime, 3000000);
	uint32_t then = vfs_time_now();
	KT_EQ(do_utimensat(AT_FDCWD, p, NULL, 0), 0);
	KT_EQ(do_stat(p, &st), 0);
	KT_ASSERT(st.st_mtime >= then && st.st_mtime <= vfs_time_now(), "UTIME_NOW: %u",
		  (unsigned)st.st_mtime);
	ts[0].tv_nsec = -1;
	KT_EQ(do_utimensat(AT_FDCWD, p, ts, 0), -EINVAL);
	KT_EQ(do_utimensat(AT_FDCWD, p, ts, 0x8000), -EINVAL);
	KT_EQ(do_chmod(vt_path(base, "none"), 0644), -ENOENT);
	KT_EQ(do_fchmod(-1, 0644), -EBADF);
	do_close(fd);
	KT_EQ(do_unlink(l), 0);
	KT_EQ(do_unlink(p), 0);
}

/* Runs every generic test in base; counts must come back. */
static void run_all(const char *base, int many, size_t name_max)
{
	vt_name_max = name_max;
	vt_counts_t before;
	vt_counts_take(&before);
	vt_test_basic_io(base);
	vt_test_open_flags(base);
	vt_test_dup(base);
	vt_test_fork_files(base);
	vt_test_stat(base);
	vt_test_attrs(base);
	vt_test_dirs(base);
	vt_test_unlink_link(base);
	vt_test_getdents(base);
	vt_test_truncate(base);
	vt_test_sparse(base);
	vt_test_mknod(base);
	vt_test_paths(base);
	vt_test_symlinks(base);
	vt_test_cwd(base);
	vt_test_rename(base);
	vt_test_deep(base, VT_DEEP);
	vt_test_many_files(base, many);
	vt_test_big_file(base, VT_BIG_FILE);
	KT_EQ(vt_dir_count(base), 0);
	vt_counts_check(&before, base);
}

static void test_dev(void)
{
	struct stat64 st;
	char buf[4];
	KT_EQ(do_stat("/dev/null", &st), 0);
	KT_EQ(st.st_rdev, MKDEV(MEM_MAJOR, MEM_NULL_MINOR));
	KT_EQ(do_stat("/dev/zero", &st), 0);
	KT_EQ(st.st_rdev, MKDEV(MEM_MAJOR, MEM_ZERO_MINOR));
	KT_EQ(do_stat("/dev/tty0", &st), 0);
	KT_ASSERT(S_ISCHR(st.st_mode), "/dev/tty0 is a character device");
	KT_EQ(do_stat("/dev/shm", &st), 0);
	KT_ASSERT(S_ISDIR(st.st_mode), "/dev/shm is a directory");
	struct stat64 dev;
	KT_EQ(do_stat("/dev", &dev), 0);
	KT_ASSERT(dev.st_dev != st.st_dev, "/dev/shm is a separate file system");
	int fd = do_open("/dev/zero", O_RDONLY, 0);
	KT_EQ(do_read(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	do_close(fd);
	KT_EQ(do_rmdir("/dev"), -EBUSY);
	KT_EQ(do_rmdir("/dev/shm"), -EBUSY);

	/* a block device file: the root disk read raw, its end */
	if (strcmp(vfs_root_type(), "s5fs") == 0) {
		uint32_t magic = 0;
		fd = do_open("/dev/hda", O_RDONLY, 0);
		KT_EQ(do_pread(fd, &magic, sizeof(magic), 0), (ssize_t)sizeof(magic));
		KT_EQ(magic, S5_MAGIC);
		blockdev_t *bd = blockdev_lookup_name("hda");
		off64_t end = (off64_t)blockdev_nblocks(bd) * bd->block_size;
		KT_EQ(do_lseek(fd, 0, SEEK_END), 0);	/* a device has no size */
		KT_EQ(do_pread(fd, &magic, sizeof(magic), end - 2), 2);
		KT_EQ(do_close(fd), 0);
	}
}

static void vfstest_main(void)
{
	test_dev();
	KT_EQ(do_mkdir(VT_RAM_MOUNT, 0755), 0);
	KT_EQ(vfs_mount("ramfs", NULL, VT_RAM_MOUNT), 0);
	KT_EQ(vfs_mount("ramfs", NULL, VT_RAM_MOUNT), -EBUSY);
	KT_EQ(vfs_mount("nofs", NULL, VT_RAM_MOUNT), -ENODEV);
	run_all(VT_RAM_MOUNT, VT_MANY_FILES_RAM, NAME_MAX);
	int fd = do_open(VT_RAM_MOUNT, O_RDONLY, 0);
	KT_EQ(vfs_unmount(VT_RAM_MOUNT), -EBUSY);	/* an open file inside */
	do_close(fd);
	KT_EQ(vfs_unmount(VT_RAM_MOUNT), 0);
	KT_EQ(vfs_unmount(VT_RAM_MOUNT), -EINVAL);
	KT_EQ(do_rmdir(VT_RAM_MOUNT), 0);

	if (strcmp(vfs_root_type(), "s5fs") == 0) {
		KT_EQ(do_mkdir(VT_S5_DIR, 0755), 0);
		run_all(VT_S5_DIR, VT_MANY_FILES_S5, S5_NAME_LEN);
		KT_EQ(do_rmdir(VT_S5_DIR), 0);
	} else {
		kprintf("vfstest: root is %s, not s5fs: S5FS part skipped\n", vfs_root_type());
	}
	vfs_drop_caches();
}
KTEST_SUITE("vfstest", vfstest_main);
