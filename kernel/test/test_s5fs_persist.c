/* Suites run by tools/run-tests.sh's persistence and corrupt-root steps,
 * which pass a flag on the kernel command line; without it (test=all, a
 * plain boot) they say so and check nothing.
 *
 *  s5fs_persist_write  (s5fs_persist=1) builds /persist on the S5FS root:
 *                      small, big (double-indirect), sparse and truncated
 *                      files, directories, a symlink, a hard link, a
 *                      device node, renamed and deleted files; then
 *                      vfs_shutdown (sync, state CLEAN) as at power-off.
 *  s5fs_persist_check  (s5fs_persist=1), on the next boot of the same
 *                      image, finds all of it, removes part of it and
 *                      syncs; the power-off after the suites writes the
 *                      rest back and marks it clean.  The runner then
 *                      runs fsck.s5fs.
 *  s5fs_corrupt_root   (s5fs_corrupt=1) boots on an image whose superblock
 *                      was damaged: the root must be a ramfs, and mounting
 *                      the disk by hand must fail with EINVAL, not panic. */
#include "vfstest.h"
#include "fs/s5fs_disk.h"
#include "fs/vfs.h"
#include "main/cmdline.h"
#include "mm/kmalloc.h"
#include "util/errno.h"
#include "util/printf.h"
#include "util/string.h"

#define P "/persist"
#define BIG_SIZE (5u << 20)
#define BIG_SEED 21
#define SPARSE_AT ((off64_t)(S5_DIND_FIRST + 3000) * S5_BLOCK_SIZE)
#define TRUNC_FROM (100u << 10)
#define TRUNC_TO 5000u
#define MANY 200
#define CHUNK (16u << 10)

static bool flag_set(const char *name)
{
	const char *v = cmdline_get(name);
	if (!v || strcmp(v, "1") != 0) {
		kprintf("ktest: %s=1 is not on the command line: nothing to check "
			"(tools/run-tests.sh sets it)\n", name);
		return false;
	}
	return true;
}

static void write_pattern_file(const char *path, uint32_t size, uint32_t seed)
{
	uint8_t *buf = kmalloc(CHUNK);
	int fd = do_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	bool ok = fd >= 0;
	for (uint32_t off = 0; off < size && ok; off += CHUNK) {
		size_t n = MIN(CHUNK, size - off);
		vt_pattern(buf, n, off, seed);
		ok = do_write(fd, buf, n) == (ssize_t)n;
	}
	KT_ASSERT(ok, "writing %s", path);
	do_close(fd);
	kfree(buf);
}

static bool pattern_file_ok(const char *path, uint32_t size, uint32_t seed)
{
	uint8_t *buf = kmalloc(CHUNK);
	int fd = do_open(path, O_RDONLY, 0);
	bool ok = fd >= 0 && vt_file_size(path) == size;
	for (uint32_t off = 0; off < size && ok; off += CHUNK) {
		size_t n = MIN(CHUNK, size - off);
		ok = do_read(fd, buf, n) == (ssize_t)n && vt_pattern_ok(buf, n, off, seed);
	}
	do_close(fd);
	kfree(buf);
	return ok;
}

static void persist_write(void)
{
	if (!flag_set("s5fs_persist"))
		return;
	KT_ASSERT(strcmp(vfs_root_type(), "s5fs") == 0, "root is %s, not s5fs", vfs_root_type());
	KT_EQ(do_mkdir(P, 0755), 0);
	KT_EQ(vt_write_file(P "/small", "hello persistence", 17), 0);
	write_pattern_file(P "/big", BIG_SIZE, BIG_SEED);
	int fd = do_open(P "/sparse", O_WRONLY | O_CREAT, 0600);
	KT_EQ(do_pwrite(fd, "tail", 4, SPARSE_AT), 4);
	do_close(fd);
	write_pattern_file(P "/truncated", TRUNC_FROM, 5);
	KT_EQ(do_truncate(P "/truncated", TRUNC_TO), 0);
	KT_EQ(do_mkdir(P "/dir", 0700), 0);
	KT_EQ(do_mkdir(P "/dir/sub", 0755), 0);
	KT_EQ(vt_write_file(P "/dir/sub/deep", "deep", 4), 0);
	KT_EQ(do_symlink("dir/sub/deep", P "/link"), 0);
	KT_EQ(do_link(P "/small", P "/hard"), 0);
	KT_EQ(do_mknod(P "/null", S_IFCHR | 0666, MKDEV(MEM_MAJOR, MEM_NULL_MINOR)), 0);
	KT_EQ(vt_write_file(P "/gone", "x", 1), 0);
	KT_EQ(do_unlink(P "/gone"), 0);
	KT_EQ(vt_write_file(P "/tmp", "renamed", 7), 0);
	KT_EQ(do_rename(P "/tmp", P "/renamed"), 0);
	KT_EQ(do_mkdir(P "/many", 0755), 0);
	for (int i = 0; i < MANY; i++)
		KT_EQ(vt_write_file(vt_path(P, "many/f%03d", i), &i, sizeof(i)), 0);
	vfs_shutdown();		/* the image is left clean */
	vfs_drop_caches();
}
KTEST_SUITE("s5fs_persist_write", persist_write);

static void persist_check(void)
{
	if (!flag_set("s5fs_persist"))
		return;
	char buf[32];
	struct stat64 st, st2;
	KT_EQ(vt_read_file(P "/small", buf, sizeof(buf)), 17);
	KT_ASSERT(memcmp(buf, "hello persistence", 17) == 0, "small file");
	KT_ASSERT(pattern_file_ok(P "/big", BIG_SIZE, BIG_SEED), "the 5 MiB file");
	KT_EQ(vt_file_size(P "/sparse"), SPARSE_AT + 4);
	KT_EQ(do_stat(P "/sparse", &st), 0);
	KT_ASSERT(st.st_blocks <= 4 * (S5_BLOCK_SIZE / STAT_BLOCK_UNIT), "still sparse: %u",
		  (unsigned)st.st_blocks);
	KT_EQ(st.st_mode & S_IALLUGO, 0600);
	{
		int fd = do_open(P "/sparse", O_RDONLY, 0);
		KT_EQ(do_pread(fd, buf, 4, SPARSE_AT), 4);
		KT_ASSERT(memcmp(buf, "tail", 4) == 0, "sparse tail");
		KT_EQ(do_pread(fd, buf, 8, SPARSE_AT / 2), 8);
		KT_ASSERT(buf[0] == 0 && buf[7] == 0, "the hole");
		do_close(fd);
	}
	KT_ASSERT(pattern_file_ok(P "/truncated", TRUNC_TO, 5), "truncated file");
	KT_EQ(do_stat(P "/dir", &st), 0);
	KT_EQ(st.st_mode, S_IFDIR | 0700);
	KT_EQ(st.st_nlink, 3);
	KT_EQ(vt_read_file(P "/link", buf, sizeof(buf)), 4);
	KT_EQ(do_readlink(P "/link", buf, sizeof(buf)), 12);
	KT_EQ(do_stat(P "/hard", &st), 0);
	KT_EQ(do_stat(P "/small", &st2), 0);
	KT_EQ(st.st_ino, st2.st_ino);
	KT_EQ(st.st_nlink, 2);
	KT_EQ(do_stat(P "/null", &st), 0);
	KT_EQ(st.st_rdev, MKDEV(MEM_MAJOR, MEM_NULL_MINOR));
	KT_EQ(do_stat(P "/gone", &st), -ENOENT);
	KT_EQ(do_stat(P "/tmp", &st), -ENOENT);
	KT_EQ(vt_read_file(P "/renamed", buf, sizeof(buf)), 7);
	KT_EQ(vt_dir_count(P "/many"), MANY);
	int bad = 0;
	for (int i = 0; i < MANY; i++) {
		int v = -1;
		bad += vt_read_file(vt_path(P, "many/f%03d", i), &v, sizeof(v)) != sizeof(v) || v != i;
	}
	KT_EQ(bad, 0);
	/* change it again; the runner's fsck checks what this leaves */
	KT_EQ(vt_remove_tree(P "/many"), 0);
	KT_EQ(do_unlink(P "/big"), 0);
	KT_EQ(do_sync(), 0);
	vfs_drop_caches();
}
KTEST_SUITE("s5fs_persist_check", persist_check);

static void corrupt_root(void)
{
	if (!flag_set("s5fs_corrupt"))
		return;
	KT_ASSERT(strcmp(vfs_root_type(), "ramfs") == 0, "root is %s: the damaged disk was mounted",
		  vfs_root_type());
	KT_EQ(do_mkdir("/mnt-corrupt", 0755), 0);
	KT_EQ(vfs_mount("s5fs", "/dev/hda", "/mnt-corrupt"), -EINVAL);
	KT_EQ(do_rmdir("/mnt-corrupt"), 0);
}
KTEST_SUITE("s5fs_corrupt_root", corrupt_root);
