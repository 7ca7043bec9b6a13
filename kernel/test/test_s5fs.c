/* Suite "s5fs": S5FS specifics on the root (hda) and on a small S5FS on
 * hdb that the test runner makes (tools/run-tests.sh): the block map at
 * every boundary up to double-indirect blocks, with exact block counts;
 * a full disk and exhausted inodes (ENOSPC, after which everything still
 * works and nothing leaked); unmount and mount again; corrupt superblocks
 * refused and corrupt inodes and entries reported (EUCLEAN), never a
 * panic; page-cache eviction under a page limit and, with little memory,
 * under real pressure; the flusher thread's periodic write-back;
 * concurrent writers.  The runner fscks both images
 * afterwards.  If hdb holds no S5FS (a plain boot), the hdb tests say
 * "SKIPPED" (which the runner treats as a failure). */
#include "vfstest.h"
#include "drivers/blockdev.h"
#include "fs/s5fs_disk.h"
#include "fs/namev.h"
#include "fs/vfs.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "mm/pframe.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "util/errno.h"
#include "util/printf.h"
#include "util/string.h"

#define SMALL_DEV "hdb"
#define SMALL_DEVNODE "/dev/hdb"
#define SMALL_MNT "/s5small"
#define T_DIR "/s5test"
#define BLOCK_UNITS (S5_BLOCK_SIZE / STAT_BLOCK_UNIT)	/* st_blocks per block */
#define EVICT_LIMIT 64			/* pages, for the page-limit test */
#define EVICT_FILE (1u << 20)
#define PRESSURE_EXTRA (4u << 20)	/* beyond all of memory */
#define PRESSURE_MAX_MEM (64u << 20)	/* only when memory is this small */
#define NWRITERS 4
#define WRITER_BYTES (192u << 10)
#define WRITER_CHUNK 1000
#define FLUSH_POLL_MS 100
#define FLUSH_WAIT_MAX_MS (3 * VFS_FLUSH_INTERVAL_MS)

static uint64_t free_blocks(const char *path)
{
	vfs_statfs_t st;
	return vfs_statfs(path, &st) == 0 ? st.f_bfree : 0;
}

static uint64_t free_inodes(const char *path)
{
	vfs_statfs_t st;
	return vfs_statfs(path, &st) == 0 ? st.f_ffree : 0;
}

static uint64_t stat_blocks(const char *path)
{
	struct stat64 st;
	return do_stat(path, &st) == 0 ? st.st_blocks / BLOCK_UNITS : (uint64_t)-1;
}

/* One byte at the start of each of these file blocks: direct, single-
 * and double-indirect, at and around every boundary. */
static void test_block_map(void)
{
	static const uint32_t lbns[] = { 0, 15, 16, 1039, 1040, 2063, 2064, 1040 + 5 * 1024 + 7 };
	const char *p = T_DIR "/map";
	uint64_t before = free_blocks(T_DIR);
	int fd = do_open(p, O_RDWR | O_CREAT | O_TRUNC, 0644);
	for (size_t i = 0; i < ARRAY_SIZE(lbns); i++) {
		uint8_t v = (uint8_t)(i + 1);
		KT_EQ(do_pwrite(fd, &v, 1, (off64_t)lbns[i] * S5_BLOCK_SIZE), 1);
	}
	/* 8 data blocks, the indirect block, the double-indirect block and
	 * three indirect blocks under it */
	KT_EQ(stat_blocks(p), 13);
	KT_EQ(before - free_blocks(T_DIR), 13);
	bool ok = true;
	for (size_t i = 0; i < ARRAY_SIZE(lbns); i++) {
		uint8_t v = 0, z = 1;
		ok &= do_pread(fd, &v, 1, (off64_t)lbns[i] * S5_BLOCK_SIZE) == 1 && v == i + 1;
		if (i + 1 < ARRAY_SIZE(lbns))	/* the last byte is the end */
			ok &= do_pread(fd, &z, 1, (off64_t)lbns[i] * S5_BLOCK_SIZE + 1) == 1 && z == 0;
	}
	KT_ASSERT(ok, "every boundary block reads back");
	KT_EQ(do_ftruncate(fd, (off64_t)S5_DIND_FIRST * S5_BLOCK_SIZE), 0);
	KT_EQ(stat_blocks(p), 5);		/* 4 data + the indirect block */
	KT_EQ(do_ftruncate(fd, (off64_t)S5_IND_FIRST * S5_BLOCK_SIZE + 1), 0);
	KT_EQ(stat_blocks(p), 4);		/* blocks 0, 15, 16 + indirect */
	KT_EQ(do_ftruncate(fd, S5_BLOCK_SIZE), 0);
	KT_EQ(stat_blocks(p), 1);
	uint8_t v = 0;
	KT_EQ(do_pread(fd, &v, 1, 0), 1);
	KT_EQ(v, 1);
	KT_EQ(do_ftruncate(fd, 0), 0);
	KT_EQ(stat_blocks(p), 0);
	do_close(fd);
	KT_EQ(do_unlink(p), 0);
	KT_EQ(free_blocks(T_DIR), before);

	/* the largest offset S5FS can hold */
	fd = do_open(p, O_RDWR | O_CREAT | O_TRUNC, 0644);
	KT_EQ(do_pwrite(fd, "x", 1, (off64_t)S5_MAX_FILE_SIZE - 1), 1);
	KT_EQ(do_pwrite(fd, "x", 1, (off64_t)S5_MAX_FILE_SIZE), -EFBIG);
	KT_EQ(do_ftruncate(fd, (off64_t)S5_MAX_FILE_SIZE + 1), -EFBIG);
	KT_EQ(stat_blocks(p), 3);		/* data, indirect, double-indirect */
	do_close(fd);
	KT_EQ(do_unlink(p), 0);
	KT_EQ(free_blocks(T_DIR), before);
}

/* Fills the small file system's blocks, then its inodes. */
static void test_enospc(void)
{
	uint64_t blocks = free_blocks(SMALL_MNT), inodes = free_inodes(SMALL_MNT);
	const char *big = SMALL_MNT "/filler";
	uint8_t *buf = kmalloc(S5_BLOCK_SIZE);
	int fd = do_open(big, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ssize_t w;
	uint64_t written = 0;
	do {
		vt_pattern(buf, S5_BLOCK_SIZE, written, 3);
		w = do_write(fd, buf, S5_BLOCK_SIZE);
		if (w > 0)
			written += (uint64_t)w;
	} while (w == S5_BLOCK_SIZE);
	KT_EQ(w, -ENOSPC);
	KT_EQ(free_blocks(SMALL_MNT), 0);
	KT_EQ(vt_file_size(big), (int64_t)written);
	KT_EQ(stat_blocks(big), blocks);	/* every block went to the file */
	KT_ASSERT(written >= (blocks - 2) * S5_BLOCK_SIZE, "wrote %u bytes of %u blocks",
		  (unsigned)written, (unsigned)blocks);
	/* still a working file system: read it all back, make empty files */
	bool ok = true;
	for (uint64_t off = 0; off < written && ok; off += S5_BLOCK_SIZE)
		ok = do_pread(fd, buf, S5_BLOCK_SIZE, (off64_t)off) == S5_BLOCK_SIZE &&
		     vt_pattern_ok(buf, S5_BLOCK_SIZE, off, 3);
	KT_ASSERT(ok, "a full disk reads back");
	do_close(fd);
	KT_EQ(vt_write_file(SMALL_MNT "/empty", "", 0), 0);
	KT_EQ(vt_write_file(SMALL_MNT "/nonempty", "x", 1), -ENOSPC);
	KT_EQ(do_mkdir(SMALL_MNT "/newdir", 0755), -ENOSPC);
	KT_EQ(do_symlink("target", SMALL_MNT "/link"), -ENOSPC);
	KT_EQ(free_inodes(SMALL_MNT), inodes - 3);	/* filler, empty, nonempty (0 bytes) */
	KT_EQ(do_unlink(SMALL_MNT "/nonempty"), 0);
	KT_EQ(do_unlink(big), 0);
	KT_EQ(free_blocks(SMALL_MNT), blocks);

	/* a directory that must grow when there is no block left for it */
	KT_EQ(do_mkdir(SMALL_MNT "/grow", 0755), 0);
	fd = do_open(SMALL_MNT "/filler", O_RDWR | O_CREAT | O_TRUNC, 0644);
	while (do_write(fd, buf, S5_BLOCK_SIZE) == S5_BLOCK_SIZE)
		;
	do_close(fd);
	int made = 0, rc = 0;
	while (made < (int)S5_DIRENTS_PER_BLOCK && rc == 0) {
		rc = vt_write_file(vt_path(SMALL_MNT, "grow/f%d", made), "", 0);
		made += rc == 0;
	}
	KT_EQ(rc, -ENOSPC);
	KT_EQ(made, S5_DIRENTS_PER_BLOCK - 2);	/* the first block's slots */
	KT_EQ(free_inodes(SMALL_MNT), inodes - 3 - (uint64_t)made);
	KT_EQ(vt_remove_tree(SMALL_MNT "/grow"), 0);
	KT_EQ(do_unlink(SMALL_MNT "/filler"), 0);
	KT_EQ(free_blocks(SMALL_MNT), blocks);

	/* now the inodes (the root directory grows on the way: directories
	 * keep their blocks) */
	uint64_t dir_blocks = stat_blocks(SMALL_MNT);
	int n = 0;
	while ((rc = vt_write_file(vt_path(SMALL_MNT, "i%d", n), "", 0)) == 0)
		n++;
	KT_EQ(rc, -ENOSPC);
	KT_EQ(n, (int)inodes - 1);		/* "empty" holds one */
	KT_EQ(free_inodes(SMALL_MNT), 0);
	KT_EQ(do_mkdir(SMALL_MNT "/d", 0755), -ENOSPC);
	KT_EQ(do_symlink("x", SMALL_MNT "/s"), -ENOSPC);
	KT_EQ(do_link(SMALL_MNT "/empty", SMALL_MNT "/hard"), 0);	/* needs no inode */
	rc = 0;
	for (int i = 0; i < n; i++)
		rc |= do_unlink(vt_path(SMALL_MNT, "i%d", i));
	KT_EQ(rc, 0);
	KT_EQ(do_unlink(SMALL_MNT "/hard"), 0);
	KT_EQ(do_unlink(SMALL_MNT "/empty"), 0);
	KT_EQ(free_inodes(SMALL_MNT), inodes);
	KT_EQ(free_blocks(SMALL_MNT), blocks - (stat_blocks(SMALL_MNT) - dir_blocks));
	kfree(buf);
}

/* Unmounting writes everything; mounting again sees it. */
static void test_remount(void)
{
	char buf[16];
	KT_EQ(do_mkdir(SMALL_MNT "/kept", 0755), 0);
	KT_EQ(vt_write_file(SMALL_MNT "/kept/data", "persistent", 10), 0);
	KT_EQ(do_symlink("kept/data", SMALL_MNT "/alias"), 0);
	int fd = do_open(SMALL_MNT "/kept/data", O_RDONLY, 0);
	KT_EQ(vfs_unmount(SMALL_MNT), -EBUSY);
	do_close(fd);
	KT_EQ(do_chdir(SMALL_MNT "/kept"), 0);
	KT_EQ(vfs_unmount(SMALL_MNT), -EBUSY);	/* a working directory inside */
	KT_EQ(do_chdir("/"), 0);
	KT_EQ(vfs_unmount(SMALL_MNT), 0);
	KT_EQ(do_stat(SMALL_MNT "/kept", &(struct stat64){ 0 }), -ENOENT);
	KT_EQ(vfs_mount("s5fs", SMALL_DEVNODE, SMALL_MNT), 0);
	KT_EQ(vt_read_file(SMALL_MNT "/alias", buf, sizeof(buf)), 10);
	KT_ASSERT(memcmp(buf, "persistent", 10) == 0, "data survives unmount and mount");
	KT_EQ(vt_remove_tree(SMALL_MNT "/kept"), 0);
	KT_EQ(do_unlink(SMALL_MNT "/alias"), 0);
}

/* Writes 4 bytes at byte offset off of the (unmounted) small disk through
 * its device file; returns what was there. */
static uint32_t poke_disk(off64_t off, uint32_t value)
{
	uint32_t old = 0;
	int fd = do_open(SMALL_DEVNODE, O_RDWR, 0);
	KT_EQ(do_pread(fd, &old, sizeof(old), off), (ssize_t)sizeof(old));
	KT_EQ(do_pwrite(fd, &value, sizeof(value), off), (ssize_t)sizeof(value));
	do_close(fd);
	return old;
}

static off64_t inode_field(uint32_t ino, size_t field)
{
	return (off64_t)(S5_INODE_START + ino / S5_INODES_PER_BLOCK) * S5_BLOCK_SIZE +
	       (ino % S5_INODES_PER_BLOCK) * S5_INODE_SIZE + field;
}

/* Corrupt superblocks are refused with a message; corrupt inodes and
 * entries make operations fail with EUCLEAN.  Everything is put back. */
static void test_corruption(void)
{
	struct stat64 st;
	char buf[8];
	KT_EQ(vt_write_file(SMALL_MNT "/victim", "victim", 6), 0);
	KT_EQ(do_stat(SMALL_MNT "/victim", &st), 0);
	uint32_t ino = (uint32_t)st.st_ino;
	KT_EQ(vfs_unmount(SMALL_MNT), 0);

	uint32_t old = poke_disk(offsetof(s5_super_t, s5s_magic), 0xDEADBEEF);
	KT_EQ(vfs_mount("s5fs", SMALL_DEVNODE, SMALL_MNT), -EINVAL);
	poke_disk(offsetof(s5_super_t, s5s_magic), old);
	old = poke_disk(offsetof(s5_super_t, s5s_data_start), 0xFFFFFFF0u);
	KT_EQ(vfs_mount("s5fs", SMALL_DEVNODE, SMALL_MNT), -EINVAL);
	poke_disk(offsetof(s5_super_t, s5s_data_start), old);
	old = poke_disk(offsetof(s5_super_t, s5s_nblocks), 0x7FFFFFFF);
	KT_EQ(vfs_mount("s5fs", SMALL_DEVNODE, SMALL_MNT), -EINVAL);
	poke_disk(offsetof(s5_super_t, s5s_nblocks), old);

	/* a block pointer far outside the disk */
	old = poke_disk(inode_field(ino, offsetof(s5_inode_t, s5i_direct)), 0x7FFFFF00);
	KT_EQ(vfs_mount("s5fs", SMALL_DEVNODE, SMALL_MNT), 0);
	int fd = do_open(SMALL_MNT "/victim", O_RDWR, 0);
	KT_EQ(do_read(fd, buf, sizeof(buf)), -EUCLEAN);
	KT_EQ(do_write(fd, buf, sizeof(buf)), -EUCLEAN);
	do_close(fd);
	KT_EQ(vfs_unmount(SMALL_MNT), 0);
	poke_disk(inode_field(ino, offsetof(s5_inode_t, s5i_direct)), old);
	/* an inode whose type is garbage */
	old = poke_disk(inode_field(ino, offsetof(s5_inode_t, s5i_type)), 0x77);
	KT_EQ(vfs_mount("s5fs", SMALL_DEVNODE, SMALL_MNT), 0);
	KT_EQ(do_stat(SMALL_MNT "/victim", &st), -EUCLEAN);
	KT_EQ(vfs_unmount(SMALL_MNT), 0);
	poke_disk(inode_field(ino, offsetof(s5_inode_t, s5i_type)), old);

	KT_EQ(vfs_mount("s5fs", SMALL_DEVNODE, SMALL_MNT), 0);
	KT_EQ(vt_read_file(SMALL_MNT "/victim", buf, sizeof(buf)), 6);
	KT_EQ(do_unlink(SMALL_MNT "/victim"), 0);
}

/* More data than the page cache may hold: dirty pages are written back
 * to make room, and everything reads back. */
static void evict_file(const char *p, uint32_t bytes, uint32_t seed)
{
	const size_t chunk = 5 * S5_BLOCK_SIZE / 2;
	uint8_t *buf = kmalloc(chunk);
	pframe_stats_t before, after;
	pframe_get_stats(&before);
	int fd = do_open(p, O_RDWR | O_CREAT | O_TRUNC, 0644);
	bool ok = true;
	for (uint32_t off = 0; off < bytes && ok; off += chunk) {
		size_t n = MIN(chunk, (size_t)(bytes - off));
		vt_pattern(buf, n, off, seed);
		ok = do_write(fd, buf, n) == (ssize_t)n;
	}
	KT_ASSERT(ok, "writing %u bytes", bytes);
	for (uint32_t off = 0; off < bytes && ok; off += chunk) {
		size_t n = MIN(chunk, (size_t)(bytes - off));
		ok = do_pread(fd, buf, n, off) == (ssize_t)n && vt_pattern_ok(buf, n, off, seed);
	}
	KT_ASSERT(ok, "reading %u bytes back", bytes);
	do_close(fd);
	pframe_get_stats(&after);
	KT_ASSERT(after.evictions > before.evictions, "pages were evicted");
	KT_ASSERT(after.writebacks > before.writebacks, "dirty pages were written back");
	KT_ASSERT(after.readaheads > before.readaheads, "sequential reads read ahead");
	KT_EQ(do_unlink(p), 0);
	kfree(buf);
}

static void test_eviction(void)
{
	pframe_set_limit(EVICT_LIMIT);
	evict_file(T_DIR "/evict", EVICT_FILE, 11);
	KT_ASSERT(pframe_count() <= EVICT_LIMIT + 1, "the limit holds: %u pages",
		  (unsigned)pframe_count());
	pframe_set_limit(0);
	uint64_t mem = (uint64_t)frame_total_count() * PAGE_SIZE;
	uint64_t room = free_blocks(T_DIR) * S5_BLOCK_SIZE;
	if (mem <= PRESSURE_MAX_MEM && mem + PRESSURE_EXTRA < room)
		evict_file(T_DIR "/pressure", (uint32_t)(mem + PRESSURE_EXTRA), 13);
	else
		kprintf("s5fs: %u MiB of memory: the memory-pressure test runs with -m 32M\n",
			(unsigned)(mem >> 20));
}

/* Whether page 0 of the file at path is resident and dirty. */
static bool first_page_dirty(const char *path)
{
	vnode_t *vn;
	if (namev_resolve(NULL, path, NAMEV_FOLLOW, &vn) < 0)
		return false;
	pframe_t *pf = pframe_lookup_resident(&vn->vn_mmobj, 0);
	bool dirty = pf && (pf->pf_flags & PF_DIRTY);
	if (pf)
		pframe_unpin(pf);
	vput(vn);
	return dirty;
}

/* The flusher thread writes dirty pages back on its own. */
static void test_flusher(void)
{
	const char *p = T_DIR "/flushed";
	KT_EQ(vt_write_file(p, "written back by the flusher", 27), 0);
	KT_ASSERT(first_page_dirty(p), "the new file's page is dirty");
	uint64_t waited = 0;
	while (first_page_dirty(p) && waited < FLUSH_WAIT_MAX_MS) {
		sched_sleep_ms(FLUSH_POLL_MS);
		waited += FLUSH_POLL_MS;
	}
	KT_ASSERT(!first_page_dirty(p), "still dirty after %u ms", (unsigned)waited);
	KT_EQ(do_unlink(p), 0);
}

static void *writer(long id, void *arg)
{
	uint8_t buf[WRITER_CHUNK];
	int fd = do_open(vt_path(T_DIR, "w%ld", id), O_RDWR | O_CREAT | O_TRUNC, 0644);
	int bad = fd < 0;
	for (uint32_t off = 0; off < WRITER_BYTES && !bad; off += WRITER_CHUNK) {
		vt_pattern(buf, WRITER_CHUNK, off, (uint32_t)id);
		bad = do_write(fd, buf, WRITER_CHUNK) != WRITER_CHUNK;
		if (!bad && off % (8 * WRITER_CHUNK) == 0)
			bad = vt_write_file(vt_path(T_DIR, "c%ld-%u", id, off), "", 0) != 0;
	}
	for (uint32_t off = 0; off < WRITER_BYTES && !bad; off += WRITER_CHUNK)
		bad = do_pread(fd, buf, WRITER_CHUNK, off) != WRITER_CHUNK ||
		      !vt_pattern_ok(buf, WRITER_CHUNK, off, (uint32_t)id);
	do_close(fd);
	return (void *)(intptr_t)bad;
}

static void test_concurrent(void)
{
	kthread_t *t[NWRITERS];
	for (long i = 0; i < NWRITERS; i++) {
		t[i] = kthread_create(curproc, writer, i, NULL);
		sched_make_runnable(t[i]);
	}
	int bad = 0;
	for (int i = 0; i < NWRITERS; i++) {
		void *ret;
		kthread_join(t[i], &ret);
		bad += ret != NULL;
	}
	KT_EQ(bad, 0);
	KT_EQ(vt_dir_count(T_DIR), NWRITERS + NWRITERS * (WRITER_BYTES / (8 * WRITER_CHUNK) + 1));
}

static void s5fs_main(void)
{
	vt_counts_t before;
	if (strcmp(vfs_root_type(), "s5fs") != 0) {
		KT_ASSERT(false, "the s5fs suite needs an S5FS root (root is %s)", vfs_root_type());
		return;
	}
	vt_counts_take(&before);
	uint64_t root_blocks = free_blocks("/"), root_inodes = free_inodes("/");
	KT_EQ(do_mkdir(T_DIR, 0755), 0);
	test_block_map();
	test_flusher();
	test_eviction();
	test_concurrent();
	KT_EQ(vt_remove_tree(T_DIR), 0);
	KT_EQ(free_blocks("/"), root_blocks);
	KT_EQ(free_inodes("/"), root_inodes);

	KT_EQ(do_mkdir(SMALL_MNT, 0755), 0);
	if (vfs_mount("s5fs", SMALL_DEVNODE, SMALL_MNT) == 0) {
		test_enospc();
		test_remount();
		test_corruption();
		KT_EQ(vt_dir_count(SMALL_MNT), 0);
		KT_EQ(vfs_unmount(SMALL_MNT), 0);
	} else {
		kprintf("s5fs: SKIPPED: %s holds no S5FS: the ENOSPC, remount and corruption "
			"tests need the runner's image\n", SMALL_DEV);
	}
	KT_EQ(do_rmdir(SMALL_MNT), 0);
	vt_counts_check(&before, "s5fs");
}
KTEST_SUITE("s5fs", s5fs_main);
