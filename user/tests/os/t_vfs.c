/*
 * t_vfs: a user-level vfstest: file-system behaviour through the system
 * calls, in a fresh directory under $TMPDIR (default /tmp; on M-OS that
 * is the S5FS root).
 *
 *  - open: O_CREAT, O_EXCL (EEXIST, also on a dangling symlink), O_TRUNC,
 *    O_APPEND (every write goes to the end, even after lseek),
 *    O_DIRECTORY on a file (ENOTDIR), O_NOFOLLOW on a symlink (ELOOP), a
 *    directory for writing (EISDIR), a missing file (ENOENT);
 *  - read/write/lseek with SEEK_SET/CUR/END, reads at EOF, a negative
 *    offset (EINVAL); a write far past EOF makes a sparse file: the hole
 *    reads as zeros, st_size is right, and on M-OS's S5FS st_blocks is
 *    far below size/512 (on the host it is only printed: it depends on
 *    the file system); pread/pwrite leave the offset alone;
 *  - stat/fstat/lstat: type bits, nlink (files, directories and their
 *    subdirectories, symlinks), size, st_ino agreement;
 *  - mkdir (EEXIST), rmdir of a non-empty directory (ENOTEMPTY), of a
 *    file (ENOTDIR), of "." (EINVAL), unlink of a directory (EISDIR);
 *  - link: nlink counts, both names see writes, unlinking one keeps the
 *    data, EEXIST, a directory (EPERM);
 *  - rename: a file over a file replaces it (the old target's data is
 *    gone, but an fd open on it still reads it, with nlink 0), a
 *    directory into its own subdirectory (EINVAL), over a non-empty
 *    directory (ENOTEMPTY), over an empty one (fine, ".." follows), a
 *    file over a directory (EISDIR), a directory over a file (ENOTDIR),
 *    onto itself and onto another link of the same file (no-ops);
 *  - symlink + readlink (exact target, no NUL, truncation, EINVAL on a
 *    file), relative targets, symlinks in the middle of a path, dangling
 *    links, loops a->b->a and a->a (ELOOP);
 *  - an unlinked open file keeps working (nlink 0); EBADF for the wrong
 *    access mode or a closed fd; EISDIR for reading a directory; a write
 *    at 3 GiB (64-bit offsets); a removed working directory (getcwd and
 *    creating in it are ENOENT, it lists nothing);
 *  - ENAMETOOLONG for a 300-byte component, ENOENT for a missing middle
 *    component or "", ENOTDIR for a file in the middle and for a trailing
 *    slash after a file name;
 *  - readdir (getdents64) of a directory with 300 files lists each
 *    exactly once plus "." and "..", with the right d_ino; so does
 *    getdents64 with a 64-byte buffer; seekdir(telldir()) repeats names;
 *  - truncate/ftruncate shrink and grow, the grown part reads as zeros
 *    (also inside the page that was cut);
 *  - dup/dup2/F_DUPFD share the offset and status flags, a separate open
 *    does not; after fork parent and child share it both ways;
 *  - O_CLOEXEC, FD_CLOEXEC through fcntl, F_DUPFD_CLOEXEC, dup3, and an
 *    exec of this program that checks which descriptors survived;
 *  - a 5 MiB file (S5FS double-indirect blocks from 4 MiB + 64 KiB on)
 *    written in 64 KiB chunks and read back in odd-sized pieces, with a
 *    checksum and a byte-exact comparison;
 *  - chdir/getcwd across ".." and symlinks (getcwd gives the physical
 *    path; ".." after a symlink is the target's parent), and after the
 *    working directory is renamed;
 *  - at the end the directory is empty and rmdir removes it.
 *
 * Under qemu-i386 (a host that cannot execute i386 programs) the
 * seekdir(telldir()) check is skipped, with a note, when it fails and
 * getdents64 gave offsets wider than 32 bits: the host kernel gives the
 * 64-bit emulator the 64-bit offsets of ext4's hashed directories (an
 * i386 process gets 32-bit ones), which the 32-bit telldir() of glibc
 * cannot return.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>

#include "utest.h"

static char base[256];

/* base/NAME in one of 8 rotating buffers. */
__attribute__((format(printf, 1, 2)))
static const char *P(const char *fmt, ...)
{
	static char bufs[8][PATH_MAX];
	static int next;
	char *b = bufs[next++ % 8];
	char rel[PATH_MAX - 300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	snprintf(b, PATH_MAX, "%s/%s", base, rel);
	return b;
}

/* A path under base kept in a local buffer (P's are reused). */
#define HOLD(var, name) \
	char var[PATH_MAX]; \
	snprintf(var, sizeof(var), "%s/%s", base, name)

/* Creates (or truncates) path with the text; 0 on success. */
static int put_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* The whole file as a string (static buffer), or "<error>". */
static const char *get_file(const char *path)
{
	static char buf[4096];
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return "<open failed>";
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return "<read failed>";
	buf[n] = 0;
	return buf;
}

static int all_zero(const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

static off_t cur(int fd)
{
	return lseek(fd, 0, SEEK_CUR);
}

/* ---- open flags ---- */

static void test_open_flags(void)
{
	HOLD(f, "f");
	char buf[64];
	int fd = open(f, O_RDWR | O_CREAT | O_EXCL, 0644);
	UT_CHECK(fd >= 0, "O_CREAT|O_EXCL of a new file: %s", strerror(errno));
	UT_CHECK(write(fd, "12345", 5) == 5, "write");
	close(fd);
	UT_EXPECT_ERRNO(open(f, O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
	/* O_CREAT without O_EXCL opens the existing file as it is. */
	fd = open(f, O_RDWR | O_CREAT, 0644);
	UT_CHECK(fd >= 0 && read(fd, buf, sizeof(buf)) == 5,
		 "O_CREAT on an existing file keeps it");
	close(fd);

	/* O_APPEND: writes go to the end, also after lseek. */
	fd = open(f, O_WRONLY | O_APPEND);
	UT_CHECK(fd >= 0, "open O_APPEND");
	UT_CHECK(cur(fd) == 0, "O_APPEND: offset starts at 0: %lld", (long long)cur(fd));
	UT_CHECK(write(fd, "abc", 3) == 3, "append write 1");
	UT_CHECK(cur(fd) == 8, "offset after an append: %lld", (long long)cur(fd));
	UT_CHECK(lseek(fd, 0, SEEK_SET) == 0, "lseek 0");
	UT_CHECK(write(fd, "XY", 2) == 2, "append write 2");
	UT_CHECK(cur(fd) == 10, "offset after an append following lseek(0): %lld",
		 (long long)cur(fd));
	UT_CHECK((fcntl(fd, F_GETFL) & O_APPEND) != 0, "F_GETFL shows O_APPEND");
	close(fd);
	UT_CHECK(strcmp(get_file(f), "12345abcXY") == 0, "after appends: \"%s\"", get_file(f));

	/* O_TRUNC empties it. */
	fd = open(f, O_WRONLY | O_TRUNC);
	struct stat st;
	UT_CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0, "O_TRUNC: size %lld",
		 (long long)st.st_size);
	close(fd);
	UT_CHECK(strcmp(get_file(f), "") == 0, "O_TRUNC left \"%s\"", get_file(f));
	/* O_TRUNC on a read-only open of an empty file is harmless. */

	UT_EXPECT_ERRNO(open(f, O_RDONLY | O_DIRECTORY), ENOTDIR);
	fd = open(base, O_RDONLY | O_DIRECTORY);
	UT_CHECK(fd >= 0, "O_DIRECTORY on a directory: %s", strerror(errno));
	close(fd);
	UT_EXPECT_ERRNO(open(base, O_WRONLY), EISDIR);
	UT_EXPECT_ERRNO(open(base, O_RDWR), EISDIR);
	UT_EXPECT_ERRNO(open(P("missing"), O_RDONLY), ENOENT);

	HOLD(l, "f-link");
	UT_CHECK(symlink("f", l) == 0, "symlink");
	UT_EXPECT_ERRNO(open(l, O_RDONLY | O_NOFOLLOW), ELOOP);
	fd = open(f, O_RDONLY | O_NOFOLLOW);
	UT_CHECK(fd >= 0, "O_NOFOLLOW on a regular file: %s", strerror(errno));
	close(fd);
	fd = open(l, O_RDONLY);
	UT_CHECK(fd >= 0, "open through the symlink: %s", strerror(errno));
	close(fd);
	/* O_CREAT|O_EXCL does not follow a symlink, even a dangling one. */
	UT_EXPECT_ERRNO(open(l, O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
	HOLD(dl, "dangling");
	UT_CHECK(symlink("nowhere", dl) == 0, "symlink dangling");
	UT_EXPECT_ERRNO(open(dl, O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
	UT_EXPECT_ERRNO(open(dl, O_RDONLY), ENOENT);
	UT_CHECK(access(P("nowhere"), F_OK) < 0, "O_EXCL created the dangling link's target");
	UT_CHECK(unlink(dl) == 0 && unlink(l) == 0 && unlink(f) == 0, "cleanup");
}

/* ---- read, write, lseek, sparse files, pread/pwrite ---- */

static void test_rw_seek(void)
{
	HOLD(f, "rw");
	char buf[8192];
	int fd = open(f, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (!UT_CHECK(fd >= 0, "create rw"))
		return;
	UT_CHECK(write(fd, "hello world", 11) == 11, "write");
	UT_CHECK(cur(fd) == 11, "offset after write");
	UT_CHECK(lseek(fd, 6, SEEK_SET) == 6, "SEEK_SET");
	UT_CHECK(read(fd, buf, 5) == 5 && memcmp(buf, "world", 5) == 0, "read after SEEK_SET");
	UT_CHECK(read(fd, buf, sizeof(buf)) == 0, "read at EOF gives 0");
	UT_CHECK(lseek(fd, -5, SEEK_END) == 6, "SEEK_END -5");
	UT_CHECK(lseek(fd, -2, SEEK_CUR) == 4, "SEEK_CUR -2");
	UT_CHECK(read(fd, buf, 3) == 3 && memcmp(buf, "o w", 3) == 0, "read after SEEK_CUR");
	UT_CHECK(lseek(fd, 0, SEEK_END) == 11, "SEEK_END 0");
	UT_EXPECT_ERRNO(lseek(fd, -12, SEEK_END), EINVAL);
	UT_EXPECT_ERRNO(lseek(fd, -1, SEEK_SET), EINVAL);
	UT_EXPECT_ERRNO(lseek(fd, 0, 77), EINVAL);
	UT_CHECK(cur(fd) == 11, "failed lseeks left the offset: %lld", (long long)cur(fd));
	/* Past EOF: SEEK_END + 10 then a write leaves a 10-byte gap of zeros. */
	UT_CHECK(lseek(fd, 10, SEEK_END) == 21, "SEEK_END +10");
	UT_CHECK(write(fd, "!", 1) == 1, "write past EOF");
	UT_CHECK(pread(fd, buf, 64, 0) == 22 && memcmp(buf, "hello world", 11) == 0 &&
		 all_zero((unsigned char *)buf + 11, 10) && buf[21] == '!',
		 "small gap reads as zeros");

	/* pread/pwrite leave the offset alone. */
	UT_CHECK(lseek(fd, 3, SEEK_SET) == 3, "lseek 3");
	UT_CHECK(pread(fd, buf, 5, 6) == 5 && memcmp(buf, "world", 5) == 0, "pread");
	UT_CHECK(cur(fd) == 3, "pread moved the offset to %lld", (long long)cur(fd));
	UT_CHECK(pwrite(fd, "HE", 2, 0) == 2, "pwrite");
	UT_CHECK(cur(fd) == 3, "pwrite moved the offset to %lld", (long long)cur(fd));
	UT_CHECK(read(fd, buf, 2) == 2 && memcmp(buf, "lo", 2) == 0, "read continues at 3");
	UT_CHECK(pread(fd, buf, 5, 0) == 5 && memcmp(buf, "HEllo", 5) == 0, "pwrite's data");
	UT_CHECK(pread(fd, buf, 5, 1000) == 0, "pread past EOF gives 0");
	UT_EXPECT_ERRNO(pread(fd, buf, 5, -1), EINVAL);
	close(fd);

	/* A sparse file: 5 bytes, then 4 bytes 8 MiB + 3 further. */
	const off_t far = 8 * 1024 * 1024 + 3;
	fd = open(f, O_RDWR | O_TRUNC);
	UT_CHECK(fd >= 0 && write(fd, "start", 5) == 5, "sparse: write start");
	UT_CHECK(lseek(fd, far, SEEK_SET) == far && write(fd, "end!", 4) == 4,
		 "sparse: write far past EOF");
	struct stat st;
	UT_CHECK(fstat(fd, &st) == 0 && st.st_size == far + 4,
		 "sparse: st_size %lld, expected %lld",
		 (long long)st.st_size, (long long)(far + 4));
	int zeros = 1;
	static const off_t probes[] = { 5, 4096, 65536, 1 << 20, 4 << 20, 8 << 20 };
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		ssize_t want = probes[i] + 4096 <= far ? 4096 : far - probes[i];
		memset(buf, 0x55, sizeof(buf));
		if (pread(fd, buf, (size_t)want, probes[i]) != want ||
		    !all_zero((unsigned char *)buf, (size_t)want)) {
			UT_CHECK(0, "sparse: the hole at %lld does not read as zeros",
				 (long long)probes[i]);
			zeros = 0;
		}
	}
	UT_CHECK(zeros, "sparse: hole reads as zeros");
	UT_CHECK(pread(fd, buf, 16, far - 4) == 8 && all_zero((unsigned char *)buf, 4) &&
		 memcmp(buf + 4, "end!", 4) == 0, "sparse: the tail");
	UT_CHECK(pread(fd, buf, 5, 0) == 5 && memcmp(buf, "start", 5) == 0, "sparse: the head");
	/* Reading straight through the whole hole with read(). */
	UT_CHECK(lseek(fd, 5, SEEK_SET) == 5, "lseek");
	off_t pos = 5;
	int hole_ok = 1;
	while (pos < far) {
		off_t left = far - pos;
		size_t n = left < (off_t)sizeof(buf) ? (size_t)left : sizeof(buf);
		ssize_t r = read(fd, buf, n);
		if (r <= 0 || !all_zero((unsigned char *)buf, (size_t)r)) {
			hole_ok = 0;
			break;
		}
		pos += r;
	}
	UT_CHECK(hole_ok, "sparse: reading the hole sequentially stopped at %lld", (long long)pos);
	long long full = (long long)(st.st_size / 512);
	UT_NOTE("sparse file: st_size %lld, st_blocks %lld (a dense file would need %lld)",
		(long long)st.st_size, (long long)st.st_blocks, full);
	if (ut_is_mos())	/* S5FS stores holes; a host fs may not */
		UT_CHECK(st.st_blocks > 0 && st.st_blocks < full / 8,
			 "sparse on S5FS: st_blocks %lld for size %lld", (long long)st.st_blocks,
			 (long long)st.st_size);
	close(fd);
	UT_CHECK(unlink(f) == 0, "unlink rw");
}

/* ---- stat ---- */

static void test_stat(void)
{
	HOLD(f, "st-file");
	HOLD(d, "st-dir");
	HOLD(s, "st-link");
	struct stat st, fst, lst;
	UT_CHECK(put_file(f, "0123456789abc") == 0, "create");
	UT_CHECK(mkdir(d, 0755) == 0, "mkdir");
	UT_CHECK(symlink("st-file", s) == 0, "symlink");

	UT_CHECK(stat(f, &st) == 0, "stat file");
	UT_CHECK(S_ISREG(st.st_mode) && st.st_nlink == 1 && st.st_size == 13 && st.st_ino != 0,
		 "file: mode %o nlink %u size %lld ino %llu", st.st_mode, (unsigned)st.st_nlink,
		 (long long)st.st_size, (unsigned long long)st.st_ino);
	UT_CHECK((st.st_mode & 07777) == 0644, "file permissions %o (umask 022)",
		 st.st_mode & 07777);
	int fd = open(f, O_RDONLY);
	UT_CHECK(fd >= 0 && fstat(fd, &fst) == 0, "fstat");
	UT_CHECK(fst.st_ino == st.st_ino && fst.st_dev == st.st_dev && fst.st_size == 13 &&
		 S_ISREG(fst.st_mode), "fstat agrees with stat");
	close(fd);

	UT_CHECK(stat(d, &st) == 0 && S_ISDIR(st.st_mode) && st.st_nlink == 2,
		 "empty directory: mode %o nlink %u", st.st_mode, (unsigned)st.st_nlink);
	UT_CHECK(mkdir(P("st-dir/sub"), 0755) == 0 && stat(d, &st) == 0 && st.st_nlink == 3,
		 "directory with a subdirectory: nlink %u", (unsigned)st.st_nlink);
	UT_CHECK(put_file(P("st-dir/file"), "x") == 0 && stat(d, &st) == 0 && st.st_nlink == 3,
		 "a file does not count in the directory's nlink: %u", (unsigned)st.st_nlink);
	struct stat dot, sub_dotdot;
	UT_CHECK(stat(P("st-dir/."), &dot) == 0 && dot.st_ino == st.st_ino,
		 "\".\" is the directory");
	UT_CHECK(stat(P("st-dir/sub/.."), &sub_dotdot) == 0 && sub_dotdot.st_ino == st.st_ino,
		 "\"sub/..\" is the directory");
	fd = open(d, O_RDONLY | O_DIRECTORY);
	UT_CHECK(fd >= 0 && fstat(fd, &fst) == 0 && S_ISDIR(fst.st_mode) && fst.st_ino == st.st_ino,
		 "fstat of a directory");
	close(fd);

	UT_CHECK(lstat(s, &lst) == 0 && S_ISLNK(lst.st_mode) && lst.st_size == 7,
		 "lstat symlink: mode %o size %lld", lst.st_mode, (long long)lst.st_size);
	UT_CHECK(stat(s, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 13,
		 "stat follows the symlink: mode %o size %lld", st.st_mode, (long long)st.st_size);
	UT_CHECK(lst.st_ino != st.st_ino, "a symlink has its own inode");
	UT_CHECK(lstat(f, &lst) == 0 && lst.st_ino == st.st_ino, "lstat of a file is stat");
	UT_EXPECT_ERRNO(stat(P("st-missing"), &st), ENOENT);
	UT_EXPECT_ERRNO(fstat(-1, &st), EBADF);

	unlink(P("st-dir/file"));
	rmdir(P("st-dir/sub"));
	UT_CHECK(stat(d, &st) == 0 && st.st_nlink == 2, "nlink back to 2 after rmdir: %u",
		 (unsigned)st.st_nlink);
	UT_CHECK(rmdir(d) == 0 && unlink(s) == 0 && unlink(f) == 0, "cleanup");
}

/* ---- directories ---- */

static void test_dirs(void)
{
	HOLD(d, "dd");
	HOLD(f, "dd/file");
	UT_CHECK(mkdir(d, 0755) == 0, "mkdir");
	UT_EXPECT_ERRNO(mkdir(d, 0755), EEXIST);
	UT_CHECK(put_file(f, "data") == 0, "file in dd");
	UT_EXPECT_ERRNO(mkdir(f, 0755), EEXIST);
	UT_EXPECT_ERRNO(rmdir(d), ENOTEMPTY);
	UT_EXPECT_ERRNO(rmdir(f), ENOTDIR);
	UT_EXPECT_ERRNO(unlink(d), EISDIR);
	UT_EXPECT_ERRNO(rmdir(P("dd/nothing")), ENOENT);
	UT_EXPECT_ERRNO(rmdir(P("dd/.")), EINVAL);
	UT_EXPECT_ERRNO(mkdir(P("dd/no/deeper"), 0755), ENOENT);
	UT_CHECK(mkdir(P("dd/trailing/"), 0755) == 0, "mkdir with a trailing slash: %s",
		 strerror(errno));
	UT_CHECK(rmdir(P("dd/trailing/")) == 0, "rmdir with a trailing slash: %s", strerror(errno));
	UT_CHECK(unlink(f) == 0, "unlink");
	UT_EXPECT_ERRNO(unlink(f), ENOENT);
	UT_CHECK(rmdir(d) == 0, "rmdir of the now empty directory");
	struct stat st;
	UT_EXPECT_ERRNO(stat(d, &st), ENOENT);
}

/* ---- hard links ---- */

static void test_link(void)
{
	HOLD(a, "ln-a");
	HOLD(b, "ln-b");
	struct stat sa, sb;
	UT_CHECK(put_file(a, "first") == 0, "create");
	UT_CHECK(link(a, b) == 0, "link: %s", strerror(errno));
	UT_CHECK(stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_nlink == 2 && sb.st_nlink == 2 &&
		 sa.st_ino == sb.st_ino, "after link: nlink %u/%u, same inode %d",
		 (unsigned)sa.st_nlink, (unsigned)sb.st_nlink, sa.st_ino == sb.st_ino);
	int fd = open(b, O_WRONLY | O_APPEND);
	UT_CHECK(fd >= 0 && write(fd, "+second", 7) == 7, "write through b");
	close(fd);
	UT_CHECK(strcmp(get_file(a), "first+second") == 0, "a sees b's write: \"%s\"", get_file(a));
	UT_EXPECT_ERRNO(link(a, b), EEXIST);
	UT_EXPECT_ERRNO(link(P("ln-missing"), P("ln-c")), ENOENT);
	UT_CHECK(mkdir(P("ln-dir"), 0755) == 0, "mkdir");
	UT_EXPECT_ERRNO(link(P("ln-dir"), P("ln-dirlink")), EPERM);
	UT_CHECK(rmdir(P("ln-dir")) == 0, "rmdir");
	UT_CHECK(link(a, P("ln-c")) == 0 && stat(a, &sa) == 0 && sa.st_nlink == 3, "third link");
	UT_CHECK(unlink(P("ln-c")) == 0, "unlink c");
	UT_CHECK(unlink(a) == 0, "unlink a");
	UT_CHECK(stat(b, &sb) == 0 && sb.st_nlink == 1 && sb.st_size == 12,
		 "b after unlinking a: nlink %u size %lld", (unsigned)sb.st_nlink,
		 (long long)sb.st_size);
	UT_CHECK(strcmp(get_file(b), "first+second") == 0, "b keeps the data: \"%s\"", get_file(b));
	UT_CHECK(unlink(b) == 0, "unlink b");
}

/* ---- rename ---- */

static void test_rename(void)
{
	struct stat st, st2;
	HOLD(src, "rn-src");
	HOLD(dst, "rn-dst");
	UT_CHECK(put_file(src, "new contents") == 0 && put_file(dst, "old target") == 0, "create");
	int old = open(dst, O_RDONLY);
	UT_CHECK(old >= 0, "open the target");
	struct stat src_st;
	stat(src, &src_st);
	UT_CHECK(rename(src, dst) == 0, "rename file over file: %s", strerror(errno));
	UT_EXPECT_ERRNO(stat(src, &st), ENOENT);
	UT_CHECK(stat(dst, &st) == 0 && st.st_ino == src_st.st_ino,
		 "the target is the source's inode");
	UT_CHECK(strcmp(get_file(dst), "new contents") == 0, "target's data: \"%s\"",
		 get_file(dst));
	char buf[64];
	ssize_t n = pread(old, buf, sizeof(buf), 0);
	UT_CHECK(n == 10 && memcmp(buf, "old target", 10) == 0,
		 "an fd open on the replaced file still reads its data (%zd bytes)", n);
	UT_CHECK(fstat(old, &st) == 0 && st.st_nlink == 0,
		 "the replaced file has nlink %u, expected 0",
		 (unsigned)st.st_nlink);
	close(old);

	/* Onto itself, and onto another link of the same file: nothing. */
	UT_CHECK(rename(dst, dst) == 0, "rename onto itself: %s", strerror(errno));
	UT_CHECK(strcmp(get_file(dst), "new contents") == 0, "unchanged by rename onto itself");
	UT_CHECK(link(dst, src) == 0, "link");
	UT_CHECK(rename(src, dst) == 0, "rename onto another link of the same file");
	UT_CHECK(stat(src, &st) == 0 && stat(dst, &st2) == 0 && st.st_nlink == 2,
		 "both links still there, nlink %u", (unsigned)st.st_nlink);
	unlink(src);

	/* Directories. */
	UT_CHECK(mkdir(P("rn-d1"), 0755) == 0 && mkdir(P("rn-d1/d2"), 0755) == 0, "mkdir d1/d2");
	UT_EXPECT_ERRNO(rename(P("rn-d1"), P("rn-d1/d2/d3")), EINVAL);
	UT_EXPECT_ERRNO(rename(P("rn-d1"), P("rn-d1/d3")), EINVAL);
	UT_CHECK(mkdir(P("rn-full"), 0755) == 0 && put_file(P("rn-full/x"), "x") == 0,
		 "non-empty dir");
	UT_EXPECT_ERRNO(rename(P("rn-d1"), P("rn-full")), ENOTEMPTY);
	UT_EXPECT_ERRNO(rename(dst, P("rn-full")), EISDIR);
	UT_EXPECT_ERRNO(rename(P("rn-d1"), dst), ENOTDIR);
	UT_EXPECT_ERRNO(rename(P("rn-nothing"), P("rn-other")), ENOENT);
	UT_CHECK(strcmp(get_file(dst), "new contents") == 0 && access(P("rn-full/x"), F_OK) == 0 &&
		 access(P("rn-d1/d2"), F_OK) == 0, "failed renames changed nothing");

	/* A directory over an empty directory; ".." and the link counts follow. */
	UT_CHECK(mkdir(P("rn-empty"), 0755) == 0, "mkdir empty");
	UT_CHECK(rename(P("rn-d1"), P("rn-empty")) == 0, "directory over an empty directory: %s",
		 strerror(errno));
	UT_CHECK(access(P("rn-d1"), F_OK) < 0 && access(P("rn-empty/d2"), F_OK) == 0,
		 "the directory moved");
	struct stat base_before;
	stat(base, &base_before);
	UT_CHECK(rename(P("rn-empty"), P("rn-full/moved")) == 0, "move into another directory");
	UT_CHECK(stat(base, &st) == 0 && st.st_nlink == base_before.st_nlink - 1,
		 "the old parent's nlink %u, was %u", (unsigned)st.st_nlink,
		 (unsigned)base_before.st_nlink);
	UT_CHECK(stat(P("rn-full"), &st) == 0 && stat(P("rn-full/moved/.."), &st2) == 0 &&
		 st.st_ino == st2.st_ino && st.st_nlink == 3,
		 "moved directory's \"..\" is its new parent (nlink %u)", (unsigned)st.st_nlink);
	UT_CHECK(stat(base, &st) == 0 && stat(P("rn-full/moved/d2/../.."), &st2) == 0 &&
		 st2.st_ino != st.st_ino, "path through the moved directory");

	/* A file within a directory, to a new name in another. */
	UT_CHECK(rename(dst, P("rn-full/moved/d2/file")) == 0, "move a file");
	UT_CHECK(strcmp(get_file(P("rn-full/moved/d2/file")), "new contents") == 0, "moved file");

	UT_CHECK(unlink(P("rn-full/moved/d2/file")) == 0 && rmdir(P("rn-full/moved/d2")) == 0 &&
		 rmdir(P("rn-full/moved")) == 0 && unlink(P("rn-full/x")) == 0 &&
		 rmdir(P("rn-full")) == 0, "cleanup");
}

/* ---- symlinks ---- */

static void test_symlink(void)
{
	const char *target = "../some//odd target/./x";
	HOLD(s, "sl");
	char buf[256];
	UT_CHECK(symlink(target, s) == 0, "symlink: %s", strerror(errno));
	memset(buf, 'Z', sizeof(buf));
	ssize_t n = readlink(s, buf, sizeof(buf));
	UT_CHECK(n == (ssize_t)strlen(target) && memcmp(buf, target, (size_t)n) == 0 &&
		 buf[n] == 'Z', "readlink: %zd \"%.*s\" (no NUL added)", n, (int)(n > 0 ? n : 0),
		 buf);
	n = readlink(s, buf, 5);
	UT_CHECK(n == 5 && memcmp(buf, target, 5) == 0, "readlink truncates: %zd", n);
	UT_EXPECT_ERRNO(symlink("x", s), EEXIST);
	UT_CHECK(put_file(P("sl-file"), "through") == 0, "file");
	UT_EXPECT_ERRNO(readlink(P("sl-file"), buf, sizeof(buf)), EINVAL);
	UT_EXPECT_ERRNO(readlink(P("sl-none"), buf, sizeof(buf)), ENOENT);

	/* A relative target is resolved from the link's directory. */
	UT_CHECK(mkdir(P("sl-dir"), 0755) == 0, "mkdir");
	UT_CHECK(symlink("../sl-file", P("sl-dir/up")) == 0, "relative symlink");
	UT_CHECK(strcmp(get_file(P("sl-dir/up")), "through") == 0, "relative symlink reads \"%s\"",
		 get_file(P("sl-dir/up")));
	/* A symlink to a directory in the middle of a path. */
	UT_CHECK(symlink("sl-dir", P("sl-dirlink")) == 0, "symlink to dir");
	UT_CHECK(put_file(P("sl-dirlink/inside"), "in") == 0, "create through the dir link");
	UT_CHECK(strcmp(get_file(P("sl-dir/inside")), "in") == 0,
		 "file created through a dir link");
	UT_CHECK(strcmp(get_file(P("sl-dirlink/up")), "through") == 0, "two links in one path");
	struct stat st;
	UT_CHECK(lstat(P("sl-dirlink/"), &st) == 0 && S_ISDIR(st.st_mode),
		 "lstat with a trailing slash follows the link");
	/* Dangling. */
	UT_CHECK(symlink("sl-nothing", P("sl-dangle")) == 0, "dangling symlink");
	UT_CHECK(lstat(P("sl-dangle"), &st) == 0 && S_ISLNK(st.st_mode), "lstat dangling");
	UT_EXPECT_ERRNO(stat(P("sl-dangle"), &st), ENOENT);
	/* Loops. */
	UT_CHECK(symlink("sl-b", P("sl-a")) == 0 && symlink("sl-a", P("sl-b")) == 0, "a->b->a");
	UT_EXPECT_ERRNO(open(P("sl-a"), O_RDONLY), ELOOP);
	UT_EXPECT_ERRNO(stat(P("sl-b"), &st), ELOOP);
	UT_EXPECT_ERRNO(open(P("sl-a/x"), O_RDONLY), ELOOP);
	UT_EXPECT_ERRNO(open(P("sl-a"), O_WRONLY | O_CREAT, 0644), ELOOP);
	UT_CHECK(symlink("sl-self", P("sl-self")) == 0, "a->a");
	UT_EXPECT_ERRNO(open(P("sl-self"), O_RDONLY), ELOOP);
	UT_CHECK(lstat(P("sl-a"), &st) == 0 && S_ISLNK(st.st_mode), "lstat of a loop is fine");
	/* unlink removes the link, not the target. */
	UT_CHECK(unlink(P("sl-dirlink")) == 0 && access(P("sl-dir/inside"), F_OK) == 0,
		 "unlink a symlink keeps its target");

	static const char *names[] = { "sl", "sl-file", "sl-dir/up", "sl-dir/inside", "sl-dangle",
				       "sl-a", "sl-b", "sl-self" };
	int ok = 1;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ok &= unlink(P("%s", names[i])) == 0;
	UT_CHECK(ok && rmdir(P("sl-dir")) == 0, "cleanup");
}

/* ---- open files without names, access modes, large offsets ---- */

static void test_open_files(void)
{
	HOLD(f, "of");
	char buf[32];
	struct stat st;
	int fd = open(f, O_RDWR | O_CREAT | O_TRUNC, 0644);
	UT_CHECK(fd >= 0 && write(fd, "still here", 10) == 10, "create");
	UT_CHECK(unlink(f) == 0, "unlink an open file");
	UT_CHECK(access(f, F_OK) < 0 && errno == ENOENT, "the name is gone");
	UT_CHECK(fstat(fd, &st) == 0 && st.st_nlink == 0 && st.st_size == 10,
		 "unlinked open file: nlink %u size %lld", (unsigned)st.st_nlink,
		 (long long)st.st_size);
	UT_CHECK(pwrite(fd, "!", 1, 10) == 1 && pread(fd, buf, sizeof(buf), 0) == 11 &&
		 memcmp(buf, "still here!", 11) == 0, "read and write an unlinked file");
	/* A new file with the same name is a different file. */
	UT_CHECK(put_file(f, "new") == 0 && stat(f, &st) == 0 && st.st_size == 3,
		 "same name again");
	UT_CHECK(pread(fd, buf, sizeof(buf), 0) == 11, "the old one is unaffected");
	close(fd);

	/* Access modes. */
	fd = open(f, O_RDONLY);
	UT_EXPECT_ERRNO(write(fd, "x", 1), EBADF);
	UT_EXPECT_ERRNO(pwrite(fd, "x", 1, 0), EBADF);
	close(fd);
	fd = open(f, O_WRONLY);
	UT_EXPECT_ERRNO(read(fd, buf, 1), EBADF);
	close(fd);
	UT_EXPECT_ERRNO(read(fd, buf, 1), EBADF);
	UT_EXPECT_ERRNO(close(fd), EBADF);
	UT_EXPECT_ERRNO(lseek(fd, 0, SEEK_SET), EBADF);
	UT_EXPECT_ERRNO(open(base, O_RDONLY | O_CREAT, 0644), EISDIR);
	fd = open(base, O_RDONLY);
	UT_EXPECT_ERRNO(read(fd, buf, sizeof(buf)), EISDIR);
	close(fd);

	/* Offsets past 2 GiB (64-bit lseek on i386): 3 GiB into a sparse file. */
	const off_t big = 3LL << 30;
	fd = open(f, O_RDWR | O_TRUNC);
	UT_CHECK(fd >= 0 && lseek(fd, big, SEEK_SET) == big, "lseek to 3 GiB: %s", strerror(errno));
	UT_CHECK(write(fd, "far", 3) == 3, "write at 3 GiB: %s", strerror(errno));
	UT_CHECK(fstat(fd, &st) == 0 && st.st_size == big + 3, "size %lld, expected %lld",
		 (long long)st.st_size, (long long)(big + 3));
	UT_CHECK(lseek(fd, 0, SEEK_END) == big + 3, "SEEK_END past 2 GiB");
	memset(buf, 1, sizeof(buf));
	UT_CHECK(pread(fd, buf, 8, big - 5) == 8 && all_zero((unsigned char *)buf, 5) &&
		 memcmp(buf + 5, "far", 3) == 0, "pread at 3 GiB");
	UT_CHECK(ftruncate(fd, 0) == 0, "ftruncate 0");
	close(fd);

	/* The working directory removed under us. */
	char start[PATH_MAX], got[PATH_MAX];
	UT_CHECK(getcwd(start, sizeof(start)) != NULL, "getcwd");
	UT_CHECK(mkdir(P("gone"), 0755) == 0 && chdir(P("gone")) == 0, "chdir into gone");
	UT_CHECK(rmdir(P("gone")) == 0, "rmdir the working directory: %s", strerror(errno));
	UT_EXPECT_ERRNO(getcwd(got, sizeof(got)) ? 0 : -1, ENOENT);
	UT_EXPECT_ERRNO(open("new-file", O_WRONLY | O_CREAT, 0644), ENOENT);
	UT_EXPECT_ERRNO(mkdir("new-dir", 0755), ENOENT);
	DIR *dp = opendir(".");
	int n = 0;
	while (dp && readdir(dp))
		n++;
	UT_CHECK(dp != NULL && n == 0, "a removed directory lists %d entries", n);
	if (dp)
		closedir(dp);
	UT_CHECK(chdir(start) == 0, "chdir back");
	UT_CHECK(unlink(f) == 0, "unlink");
}

/* ---- path resolution errors ---- */

static void test_paths(void)
{
	char name[301];
	memset(name, 'n', 300);
	name[300] = 0;
	struct stat st;
	UT_EXPECT_ERRNO(open(P("%s", name), O_WRONLY | O_CREAT, 0644), ENAMETOOLONG);
	UT_EXPECT_ERRNO(stat(P("%s", name), &st), ENAMETOOLONG);
	UT_EXPECT_ERRNO(mkdir(P("%s", name), 0755), ENAMETOOLONG);
	UT_EXPECT_ERRNO(stat(P("%s/x", name), &st), ENAMETOOLONG);
	UT_EXPECT_ERRNO(open(P("missing/x"), O_RDONLY), ENOENT);
	UT_EXPECT_ERRNO(open(P("missing/x"), O_WRONLY | O_CREAT, 0644), ENOENT);
	UT_EXPECT_ERRNO(stat(P("missing/x/y"), &st), ENOENT);
	UT_EXPECT_ERRNO(open("", O_RDONLY), ENOENT);
	UT_CHECK(put_file(P("pf"), "f") == 0, "file");
	UT_EXPECT_ERRNO(open(P("pf/x"), O_RDONLY), ENOTDIR);
	UT_EXPECT_ERRNO(open(P("pf/x"), O_WRONLY | O_CREAT, 0644), ENOTDIR);
	UT_EXPECT_ERRNO(mkdir(P("pf/x"), 0755), ENOTDIR);
	UT_EXPECT_ERRNO(stat(P("pf/x/y"), &st), ENOTDIR);
	/* A trailing slash after a file name. */
	UT_EXPECT_ERRNO(open(P("pf/"), O_RDONLY), ENOTDIR);
	UT_EXPECT_ERRNO(stat(P("pf/"), &st), ENOTDIR);
	UT_EXPECT_ERRNO(lstat(P("pf/"), &st), ENOTDIR);
	UT_EXPECT_ERRNO(unlink(P("pf/")), ENOTDIR);
	/* Repeated slashes and "." are harmless. */
	UT_CHECK(stat(P(".//./pf"), &st) == 0 && S_ISREG(st.st_mode), "\"//./\" in a path");
	UT_CHECK(unlink(P("pf")) == 0, "cleanup");
}

/* ---- a directory of 300 files ---- */

/* Creates (create != 0) or unlinks base/DIR/PREFIXnnn for nnn < n;
 * returns how many succeeded. */
static int make_files(const char *dir, const char *prefix, int n, int create)
{
	int done = 0;
	for (int i = 0; i < n; i++) {
		const char *f = P("%s/%s%03d", dir, prefix, i);
		if (!create) {
			done += unlink(f) == 0;
			continue;
		}
		int fd = open(f, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd >= 0) {
			done++;
			close(fd);
		}
	}
	return done;
}

static void test_many_files(void)
{
	enum { N = 300 };
	HOLD(d, "many");
	if (!UT_CHECK(mkdir(d, 0755) == 0, "mkdir many"))
		return;
	int created = make_files("many", "file-", N, 1);
	UT_CHECK(created == N, "created %d of %d files", created, N);
	static int seen[N];
	memset(seen, 0, sizeof(seen));
	int dots = 0, dotdots = 0, strange = 0, bad_ino = 0, total = 0;
	DIR *dp = opendir(d);
	if (!UT_CHECK(dp != NULL, "opendir"))
		return;
	struct dirent *e;
	while ((e = readdir(dp)) != NULL) {
		total++;
		int idx;
		char extra;
		if (strcmp(e->d_name, ".") == 0) {
			dots++;
		} else if (strcmp(e->d_name, "..") == 0) {
			dotdots++;
		} else if (sscanf(e->d_name, "file-%3d%c", &idx,
				  &extra) == 1 && idx >= 0 && idx < N &&
			   strlen(e->d_name) == 8) {
			seen[idx]++;
			struct stat st;
			if (lstat(P("many/%s", e->d_name), &st) < 0 || st.st_ino != e->d_ino ||
			    (e->d_type != DT_UNKNOWN && e->d_type != DT_REG))
				bad_ino++;
		} else {
			if (strange++ < 5)
				UT_NOTE("unexpected entry \"%s\"", e->d_name);
		}
	}
	closedir(dp);
	int missing = 0, twice = 0;
	for (int i = 0; i < N; i++) {
		if (seen[i] == 0)
			missing++;
		if (seen[i] > 1)
			twice++;
	}
	UT_CHECK(dots == 1 && dotdots == 1, "\".\" listed %d times, \"..\" %d times", dots,
		 dotdots);
	UT_CHECK(missing == 0 && twice == 0 && strange == 0,
		 "readdir of %d files: %d missing, %d listed more than once, %d unexpected "
		 "(%d entries)", N, missing, twice, strange, total);
	UT_CHECK(bad_ino == 0, "%d entries with a d_ino or d_type that stat disagrees with",
		 bad_ino);
	UT_CHECK(total == N + 2, "%d entries, expected %d", total, N + 2);

	/* getdents64 with a buffer for about one record at a time. */
	memset(seen, 0, sizeof(seen));
	int fd = open(d, O_RDONLY | O_DIRECTORY);
	_Alignas(8) char small[64];
	long r;
	int recs = 0, calls = 0, bad = 0;
	int64_t max_doff = 0;
	while ((r = syscall(SYS_getdents64, fd, small, sizeof(small))) > 0 && calls < 5 * N) {
		calls++;
		for (long off = 0; off < r;) {
			/* struct linux_dirent64: u64 ino, s64 off, u16 reclen,
			 * u8 type, char name[] */
			unsigned short reclen;
			int64_t doff;
			memcpy(&reclen, small + off + 16, sizeof(reclen));
			int idx;
			if (reclen < 20 || off + reclen > r) {
				bad++;
				break;
			}
			memcpy(&doff, small + off + 8, sizeof(doff));
			if (doff > max_doff)
				max_doff = doff;
			if (sscanf(small + off + 19, "file-%3d", &idx) == 1 && idx >= 0 && idx < N)
				seen[idx]++;
			recs++;
			off += reclen;
		}
	}
	close(fd);
	missing = twice = 0;
	for (int i = 0; i < N; i++) {
		missing += seen[i] == 0;
		twice += seen[i] > 1;
	}
	UT_CHECK(r == 0 && bad == 0 && recs == N + 2 && missing == 0 && twice == 0,
		 "getdents64 with a 64-byte buffer: last %ld, %d records in %d calls, %d bad, "
		 "%d missing, %d twice", r, recs, calls, bad, missing, twice);

	/* telldir/seekdir: going back gives the same names again. */
	dp = opendir(d);
	char again[10][256], first[10][256];
	int got = 0;
	for (int i = 0; dp && i < 100 && readdir(dp); i++)
		;
	long pos = dp ? telldir(dp) : -1;
	for (int i = 0; dp && i < 10 && (e = readdir(dp)) != NULL; i++, got++)
		snprintf(first[i], sizeof(first[i]), "%s", e->d_name);
	int same = got == 10;
	if (dp && pos >= 0) {
		seekdir(dp, pos);
		for (int i = 0; i < got; i++) {
			e = readdir(dp);
			snprintf(again[i], sizeof(again[i]), "%s", e ? e->d_name : "<end>");
			same &= strcmp(again[i], first[i]) == 0;
		}
	}
	if (!(dp && pos >= 0 && same) && ut_emulated() && max_doff > INT32_MAX)
		UT_SKIP("seekdir(telldir()) after 100 entries: %d names, different: the "
			"emulator gets 64-bit directory offsets (up to %#llx), which telldir "
			"cannot return", got, (unsigned long long)max_doff);
	else
		UT_CHECK(dp && pos >= 0 && same, "seekdir(telldir()) after 100 entries: %d "
			 "names, %s", got, same ? "the same" : "different");
	if (dp)
		closedir(dp);

	int removed = make_files("many", "file-", N, 0);
	UT_CHECK(removed == N, "removed %d of %d", removed, N);
	dp = opendir(d);
	total = 0;
	while (dp && (e = readdir(dp)) != NULL)
		total++;
	if (dp)
		closedir(dp);
	UT_CHECK(total == 2, "emptied directory lists %d entries", total);
	UT_CHECK(rmdir(d) == 0, "rmdir many: %s", strerror(errno));
}

/* ---- a new directory pushed out of the vnode cache ---- */

/* Entries of dir (without "." and ".."), sorted by name, joined by
 * spaces into out; the count of "." and ".." entries in *dots. */
static int list_dir(const char *dir, char *out, size_t size, int *dots)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort), len = 0;
	*dots = 0;
	out[0] = 0;
	for (int i = 0; i < n; i++) {
		if (!strcmp(names[i]->d_name, ".") || !strcmp(names[i]->d_name, ".."))
			++*dots;
		else
			len += snprintf(out + len, size - (size_t)len, "%s%s", len ? " " : "",
					names[i]->d_name);
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return n;
}

/* A directory made and left alone while 400 other files are created
 * (more than the kernel keeps unreferenced vnodes: 128) is read in anew
 * before any sync: its entries must be there.  Regression: S5FS let go of
 * a directory whose block still waited in the journal, and the new vnode
 * read the block from the disk, empty; the commit then lost it. */
static void test_evicted_dir(void)
{
	enum { N = 400 };
	HOLD(d, "ev");
	HOLD(many, "ev-many");
	if (!UT_CHECK(mkdir(d, 0755) == 0 && mkdir(P("ev/sub"), 0755) == 0 &&
		      put_file(P("ev/f"), "kept") == 0 && mkdir(many, 0755) == 0,
		      "mkdir ev, ev/sub, ev-many and create ev/f"))
		return;
	int created = make_files("ev-many", "", N, 1);
	UT_CHECK(created == N, "created %d of %d files", created, N);
	char names[256];
	int dots, n = list_dir(d, names, sizeof(names), &dots);
	UT_CHECK(n == 4 && dots == 2 && strcmp(names, "f sub") == 0,
		 "the directory read in again lists %d entries (%d dots): \"%s\"", n, dots, names);
	struct stat st;
	UT_CHECK(stat(P("ev/sub"), &st) == 0 && S_ISDIR(st.st_mode) && st.st_nlink == 2,
		 "ev/sub is a directory with 2 links");
	UT_CHECK(stat(P("ev/sub/.."), &st) == 0 && S_ISDIR(st.st_mode), "ev/sub/.. resolves");
	UT_CHECK(strcmp(get_file(P("ev/f")), "kept") == 0, "ev/f reads \"%s\"", get_file(P("ev/f")));
	int removed = make_files("ev-many", "", N, 0);
	UT_CHECK(removed == N && rmdir(many) == 0 && unlink(P("ev/f")) == 0 &&
		 rmdir(P("ev/sub")) == 0 && rmdir(d) == 0, "cleanup: %d removed", removed);
}

/* ---- truncate ---- */

static void test_truncate(void)
{
	HOLD(f, "tr");
	static unsigned char buf[12000];
	int fd = open(f, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (!UT_CHECK(fd >= 0, "create"))
		return;
	memset(buf, 'A', 10000);
	UT_CHECK(write(fd, buf, 10000) == 10000, "write 10000");
	struct stat st;
	UT_CHECK(truncate(f, 100) == 0 && stat(f, &st) == 0 && st.st_size == 100,
		 "truncate to 100: size %lld", (long long)st.st_size);
	UT_CHECK(truncate(f, 9000) == 0 && stat(f, &st) == 0 && st.st_size == 9000,
		 "truncate up to 9000: size %lld", (long long)st.st_size);
	memset(buf, 0x77, sizeof(buf));
	ssize_t n = pread(fd, buf, sizeof(buf), 0);
	int a_ok = 1;
	for (int i = 0; i < 100; i++)
		a_ok &= buf[i] == 'A';
	UT_CHECK(n == 9000 && a_ok && all_zero(buf + 100, 8900),
		 "after shrink+grow: %zd bytes, first 100 kept %d, the rest zeros %d", n, a_ok,
		 n == 9000 && all_zero(buf + 100, 8900));

	UT_CHECK(ftruncate(fd, 10) == 0 && fstat(fd, &st) == 0 && st.st_size == 10,
		 "ftruncate to 10: %lld", (long long)st.st_size);
	UT_CHECK(ftruncate(fd, 5000) == 0 && fstat(fd, &st) == 0 && st.st_size == 5000,
		 "ftruncate to 5000: %lld", (long long)st.st_size);
	memset(buf, 0x77, sizeof(buf));
	n = pread(fd, buf, sizeof(buf), 0);
	UT_CHECK(n == 5000 && memcmp(buf, "AAAAAAAAAA", 10) == 0 && all_zero(buf + 10, 4990),
		 "after ftruncate shrink+grow: %zd bytes", n);
	/* The offset is not moved by ftruncate; a write past the new end
	 * leaves a hole. */
	UT_CHECK(cur(fd) == 10000, "offset after ftruncate: %lld", (long long)cur(fd));
	UT_CHECK(write(fd, "Z", 1) == 1 && fstat(fd, &st) == 0 && st.st_size == 10001,
		 "write at 10000");
	n = pread(fd, buf, sizeof(buf), 0);
	UT_CHECK(n == 10001 && all_zero(buf + 10, 9990) && buf[10000] == 'Z',
		 "hole after ftruncate");
	UT_CHECK(ftruncate(fd, 0) == 0 && fstat(fd, &st) == 0 && st.st_size == 0, "ftruncate to 0");
	UT_CHECK(pread(fd, buf, 10, 0) == 0, "empty after ftruncate 0");
	UT_EXPECT_ERRNO(ftruncate(fd, -1), EINVAL);
	UT_EXPECT_ERRNO(truncate(f, -1), EINVAL);
	UT_EXPECT_ERRNO(truncate(base, 0), EISDIR);
	UT_EXPECT_ERRNO(truncate(P("tr-missing"), 0), ENOENT);
	close(fd);
	fd = open(f, O_RDONLY);
	errno = 0;
	int r = ftruncate(fd, 0);
	UT_CHECK(r < 0 && (errno == EINVAL || errno == EBADF),
		 "ftruncate on a read-only fd: %d/%s", r, ut_errname(errno));
	close(fd);
	UT_CHECK(unlink(f) == 0, "unlink");
}

/* ---- dup, fork: shared offsets ---- */

static void test_dup_fork(void)
{
	HOLD(f, "dup");
	UT_CHECK(put_file(f, "0123456789abcdefghij") == 0, "create");
	int fd = open(f, O_RDWR);
	int fd2 = dup(fd);
	UT_CHECK(fd >= 0 && fd2 >= 0 && fd2 != fd, "dup");
	char buf[32];
	UT_CHECK(read(fd, buf, 3) == 3, "read 3");
	UT_CHECK(cur(fd2) == 3, "dup'd fd's offset %lld, expected 3", (long long)cur(fd2));
	UT_CHECK(lseek(fd2, 7, SEEK_SET) == 7 && cur(fd) == 7,
		 "lseek on the dup moves the original");
	int fd3 = dup2(fd, 50);
	UT_CHECK(fd3 == 50 && cur(fd3) == 7, "dup2 to 50");
	int fd4 = fcntl(fd, F_DUPFD, 20);
	UT_CHECK(fd4 >= 20 && cur(fd4) == 7, "F_DUPFD >= 20: %d", fd4);
	UT_CHECK(dup2(fd, fd) == fd, "dup2 onto itself");
	/* Status flags are shared too. */
	UT_CHECK(fcntl(fd2, F_SETFL, O_APPEND) == 0 && (fcntl(fd, F_GETFL) & O_APPEND),
		 "O_APPEND set through a dup shows on the original");
	fcntl(fd2, F_SETFL, 0);
	/* An independent open has its own offset. */
	int other = open(f, O_RDONLY);
	UT_CHECK(other >= 0 && cur(other) == 0 && read(other, buf, 2) == 2 && cur(fd) == 7,
		 "separate open: own offset");
	close(other);
	close(fd2);
	close(fd3);
	close(fd4);
	UT_CHECK(read(fd, buf, 1) == 1 && buf[0] == '7', "original still works after closing dups");

	/* fork: the child reads 2 bytes and seeks; the parent sees both. */
	UT_CHECK(lseek(fd, 2, SEEK_SET) == 2, "lseek 2");
	int p[2], q[2];	/* p: child -> parent, q: parent -> child */
	UT_CHECK(pipe(p) == 0 && pipe(q) == 0, "pipes");
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		char c[2];
		int bad = 0;
		if (read(fd, c, 2) != 2 || c[0] != '2' || c[1] != '3')
			bad |= 1;
		char go;
		/* Wait for the parent's seek, then check it is seen here. */
		if (write(p[1], "r", 1) != 1 || read(q[0], &go, 1) != 1)
			bad |= 2;
		if (lseek(fd, 0, SEEK_CUR) != 15)
			bad |= 4;
		if (read(fd, c, 1) != 1 || c[0] != 'f')
			bad |= 8;
		_exit(bad);
	}
	char c;
	UT_CHECK(pid > 0 && read(p[0], &c, 1) == 1, "child read");
	UT_CHECK(cur(fd) == 4, "the child's read moved the parent's offset to %lld, expected 4",
		 (long long)cur(fd));
	UT_CHECK(lseek(fd, 15, SEEK_SET) == 15, "parent seeks to 15");
	UT_CHECK(write(q[1], "g", 1) == 1, "go");
	int st;
	ut_wait(pid, &st, 20000);
	UT_CHECK_EXITED(st, 0, "fork offsets child (1 read, 2 sync, 4 parent's seek, 8 data)");
	UT_CHECK(cur(fd) == 16, "after the child's last read: %lld, expected 16",
		 (long long)cur(fd));
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
	close(fd);
	UT_CHECK(unlink(f) == 0, "unlink");
}

/* ---- close-on-exec ---- */

static const char *self_path;

/* In the exec'd copy: fd a must be closed, fd b open and reading "cloexec". */
static int cloexec_child(int a, int b)
{
	char buf[16];
	errno = 0;
	if (fcntl(a, F_GETFD) != -1 || errno != EBADF)
		return 1;
	if (fcntl(b, F_GETFD) != 0)
		return 2;
	if (pread(b, buf, 7, 0) != 7 || memcmp(buf, "cloexec", 7) != 0)
		return 3;
	return 0;
}

static void test_cloexec(void)
{
	HOLD(f, "cx");
	UT_CHECK(put_file(f, "cloexec") == 0, "create");
	int a = open(f, O_RDONLY | O_CLOEXEC);
	int b = open(f, O_RDONLY);
	UT_CHECK(a >= 0 && b >= 0, "open");
	UT_CHECK(fcntl(a, F_GETFD) == FD_CLOEXEC, "O_CLOEXEC: F_GETFD %d", fcntl(a, F_GETFD));
	UT_CHECK(fcntl(b, F_GETFD) == 0, "no O_CLOEXEC: F_GETFD %d", fcntl(b, F_GETFD));
	int d = dup(a);
	UT_CHECK(d >= 0 && fcntl(d, F_GETFD) == 0, "dup clears FD_CLOEXEC");
	UT_CHECK(fcntl(d, F_SETFD, FD_CLOEXEC) == 0 && fcntl(d, F_GETFD) == FD_CLOEXEC &&
		 fcntl(a, F_GETFD) == FD_CLOEXEC, "F_SETFD FD_CLOEXEC");
	UT_CHECK(fcntl(d, F_SETFD, 0) == 0 && fcntl(d, F_GETFD) == 0 &&
		 fcntl(a, F_GETFD) == FD_CLOEXEC, "F_SETFD 0 (the flag is per descriptor)");
	close(d);
	d = fcntl(b, F_DUPFD_CLOEXEC, 0);
	UT_CHECK(d >= 0 && fcntl(d, F_GETFD) == FD_CLOEXEC, "F_DUPFD_CLOEXEC");
	close(d);
	d = dup3(b, 60, O_CLOEXEC);
	UT_CHECK(d == 60 && fcntl(d, F_GETFD) == FD_CLOEXEC, "dup3 O_CLOEXEC");
	close(d);
	UT_EXPECT_ERRNO(dup3(b, b, O_CLOEXEC), EINVAL);

	if (!self_path || !strchr(self_path, '/')) {
		UT_NOTE("no path to this program: exec check skipped");
	} else {
		fflush(NULL);
		pid_t pid = fork();
		if (pid == 0) {
			char sa[16], sb[16];
			snprintf(sa, sizeof(sa), "%d", a);
			snprintf(sb, sizeof(sb), "%d", b);
			char *argv[] = { (char *)self_path, "--cloexec-child", sa, sb, NULL };
			mos_execve(self_path, argv, environ);
			_exit(100);
		}
		int st;
		ut_wait(pid, &st, 20000);
		UT_CHECK_EXITED(st, 0, "after exec (1 O_CLOEXEC fd still open, 2 the other one's "
				"flags, 3 its data, 100 exec failed)");
	}
	close(a);
	close(b);
	UT_CHECK(unlink(f) == 0, "unlink");
}

/* ---- a 5 MiB file ---- */

static uint32_t word_at(uint32_t pos)
{
	uint32_t x = pos * 2654435761u + 0x9e3779b9u;
	x ^= x >> 15;
	x *= 0x85ebca6bu;
	x ^= x >> 13;
	return x;
}

static void fill(unsigned char *b, uint32_t off, size_t n)
{
	/* Byte i of the file is byte (i % 4) of word_at(i / 4). */
	for (size_t i = 0; i < n; i++) {
		uint32_t p = off + (uint32_t)i;
		b[i] = (unsigned char)(word_at(p / 4) >> (8 * (p % 4)));
	}
}

static uint64_t sum_bytes(uint64_t h, const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static void test_big_file(void)
{
	enum { SIZE = 5 << 20, CHUNK = 64 << 10, RCHUNK = 40000 };
	HOLD(f, "big");
	unsigned char *buf = malloc(CHUNK), *want = malloc(CHUNK);
	if (!UT_CHECK(buf && want, "malloc"))
		return;
	long long t0 = ut_now_ms();
	int fd = open(f, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	UT_CHECK(fd >= 0, "create big");
	uint64_t wsum = 0xcbf29ce484222325ull;
	int wok = 1;
	for (uint32_t off = 0; off < SIZE && wok; off += CHUNK) {
		fill(buf, off, CHUNK);
		wsum = sum_bytes(wsum, buf, CHUNK);
		ssize_t w = write(fd, buf, CHUNK);
		wok = UT_CHECK(w == CHUNK, "write at %u: %zd (%s)", off, w,
			       w < 0 ? strerror(errno) : "");
	}
	UT_CHECK(fsync(fd) == 0, "fsync");
	close(fd);
	struct stat st;
	UT_CHECK(stat(f, &st) == 0 && st.st_size == SIZE, "size %lld", (long long)st.st_size);
	UT_CHECK(st.st_blocks >= SIZE / 512, "st_blocks %lld for a dense %d-byte file",
		 (long long)st.st_blocks, SIZE);

	fd = open(f, O_RDONLY);
	uint64_t rsum = 0xcbf29ce484222325ull;
	uint32_t off = 0;
	int mismatch = -1;
	while (fd >= 0) {
		ssize_t r = read(fd, buf, RCHUNK);
		if (r <= 0)
			break;
		rsum = sum_bytes(rsum, buf, (size_t)r);
		if (mismatch < 0) {
			fill(want, off, (size_t)r);
			for (ssize_t i = 0; i < r; i++)
				if (buf[i] != want[i]) {
					mismatch = (int)(off + (uint32_t)i);
					break;
				}
		}
		off += (uint32_t)r;
	}
	UT_CHECK(off == SIZE, "read back %u bytes", off);
	UT_CHECK(rsum == wsum, "checksum %016llx, written %016llx", (unsigned long long)rsum,
		 (unsigned long long)wsum);
	UT_CHECK(mismatch < 0, "first wrong byte at %d", mismatch);
	/* Around the start of the double-indirect range (file block 1040). */
	static const uint32_t spots[] = { 16 * 4096 - 2, 1040 * 4096 - 3, 1040 * 4096,
					  1041 * 4096 + 7, SIZE - 9 };
	int spot_ok = 1;
	for (size_t i = 0; i < sizeof(spots) / sizeof(spots[0]); i++) {
		fill(want, spots[i], 9);
		if (pread(fd, buf, 9, spots[i]) != 9 || memcmp(buf, want, 9) != 0)
			spot_ok = UT_CHECK(0, "pread at %u", spots[i]);
	}
	UT_CHECK(spot_ok, "preads at block-map boundaries");
	close(fd);
	UT_NOTE("5 MiB file written and read back in %lld ms", ut_now_ms() - t0);
	UT_CHECK(unlink(f) == 0, "unlink big");
	free(buf);
	free(want);
}

/* ---- chdir/getcwd ---- */

static void test_cwd(void)
{
	char start[PATH_MAX], basecwd[PATH_MAX], got[PATH_MAX], want[PATH_MAX + 16];
	UT_CHECK(getcwd(start, sizeof(start)) != NULL, "getcwd");
	UT_CHECK(chdir(base) == 0 && getcwd(basecwd, sizeof(basecwd)) != NULL, "chdir base");
	UT_CHECK(mkdir("cw-a", 0755) == 0 && mkdir("cw-a/b", 0755) == 0 && mkdir("cw-c", 0755) == 0,
		 "mkdirs");
	UT_CHECK(symlink("cw-a/b", "cw-lnk") == 0, "symlink");

	UT_CHECK(chdir("cw-a/b/../../cw-c") == 0 && getcwd(got, sizeof(got)), "chdir a/b/../../c");
	snprintf(want, sizeof(want), "%s/cw-c", basecwd);
	UT_CHECK(strcmp(got, want) == 0, "getcwd \"%s\", expected \"%s\"", got, want);
	UT_CHECK(chdir("../cw-lnk") == 0 && getcwd(got, sizeof(got)), "chdir through the symlink");
	snprintf(want, sizeof(want), "%s/cw-a/b", basecwd);
	UT_CHECK(strcmp(got, want) == 0,
		 "getcwd after a symlink is physical: \"%s\", expected \"%s\"",
		 got, want);
	UT_CHECK(chdir("..") == 0 && getcwd(got, sizeof(got)), "chdir ..");
	snprintf(want, sizeof(want), "%s/cw-a", basecwd);
	UT_CHECK(strcmp(got, want) == 0, "\"..\" from the link's target: \"%s\", expected \"%s\"",
		 got,
		 want);
	UT_CHECK(chdir(basecwd) == 0 && chdir("cw-lnk/..") == 0 && getcwd(got, sizeof(got)) &&
		 strcmp(got, want) == 0, "\"lnk/..\" is the target's parent: \"%s\"", got);
	UT_CHECK(chdir("b/.") == 0 && put_file("here", "h") == 0 &&
		 strcmp(get_file(P("cw-a/b/here")), "h") == 0, "relative create in the new cwd");
	UT_CHECK(chdir("../../..") == 0 && getcwd(got, sizeof(got)), "chdir ../../..");
	/* basecwd's parent */
	snprintf(want, sizeof(want), "%s", basecwd);
	*strrchr(want, '/') = 0;
	if (!want[0])
		strcpy(want, "/");
	UT_CHECK(strcmp(got, want) == 0, "getcwd \"%s\", expected \"%s\"", got, want);
	/* Renaming the directory we are in: getcwd follows. */
	UT_CHECK(chdir(P("cw-c")) == 0 && rename(P("cw-c"), P("cw-d")) == 0, "rename the cwd");
	snprintf(want, sizeof(want), "%s/cw-d", basecwd);
	UT_CHECK(getcwd(got, sizeof(got)) && strcmp(got, want) == 0,
		 "getcwd after the cwd was renamed: \"%s\", expected \"%s\"", got, want);
	UT_CHECK(rename(P("cw-d"), P("cw-c")) == 0, "rename back");
	UT_EXPECT_ERRNO(chdir(P("cw-a/b/here")), ENOTDIR);
	UT_EXPECT_ERRNO(chdir(P("cw-none")), ENOENT);
	UT_CHECK(chdir(start) == 0, "chdir back");
	UT_CHECK(unlink(P("cw-a/b/here")) == 0 && unlink(P("cw-lnk")) == 0 &&
		 rmdir(P("cw-a/b")) == 0 && rmdir(P("cw-a")) == 0 && rmdir(P("cw-c")) == 0,
		 "cleanup");
}

/* ---- the end: nothing left ---- */

static void remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *dp = opendir(path);
		struct dirent *e;
		while (dp && (e = readdir(dp)) != NULL) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			char sub[PATH_MAX];
			snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
			remove_tree(sub);
		}
		if (dp)
			closedir(dp);
		rmdir(path);
	} else {
		unlink(path);
	}
}

static void test_cleanup(void)
{
	DIR *dp = opendir(base);
	struct dirent *e;
	int left = 0;
	while (dp && (e = readdir(dp)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (left++ < 10)
			UT_NOTE("left behind: %s", e->d_name);
	}
	if (dp)
		closedir(dp);
	UT_CHECK(dp != NULL && left == 0, "%d entries left in the test directory", left);
	if (left)
		remove_tree(base);
	UT_CHECK(rmdir(base) == 0, "rmdir the test directory: %s", strerror(errno));
	struct stat st;
	UT_EXPECT_ERRNO(stat(base, &st), ENOENT);
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "--cloexec-child") == 0)
		return cloexec_child(atoi(argv[2]), atoi(argv[3]));
	self_path = argc > 0 ? argv[0] : NULL;
	umask(022);
	snprintf(base, sizeof(base), "%s", ut_scratch_dir("t_vfs"));
	test_open_flags();
	test_rw_seek();
	test_stat();
	test_dirs();
	test_link();
	test_rename();
	test_symlink();
	test_paths();
	test_open_files();
	test_many_files();
	test_evicted_dir();
	test_truncate();
	test_dup_fork();
	test_cloexec();
	test_big_file();
	test_cwd();
	test_cleanup();
	return ut_done("t_vfs");
}
