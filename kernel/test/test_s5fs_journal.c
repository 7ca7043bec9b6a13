/* Suite "s5fs_journal": the S5FS metadata journal (kernel/fs/s5fs/
 * s5fs_journal.c) on the journaled root (hda) and on a small journaled
 * S5FS on hdb that the runner makes (mkfs.s5fs -j).  On the root: fsync
 * commits and issues ATA FLUSH CACHE; many metadata changes without an
 * fsync fill the journal, which forces commits with every transaction
 * within the journal's capacity.  On hdb, unmounted, transactions are
 * written into the journal by hand and the disk mounted: a committed one
 * is replayed, and mounting again replays nothing (the header moved on);
 * one without its commit record is ignored; one whose checksum fails is
 * refused with a message and the file system still mounts, consistent;
 * a damaged journal header makes the mount fail with EINVAL, no panic.
 * The runner fscks both images afterwards. */
#include "vfstest.h"
#include "drivers/ata.h"
#include "drivers/blockdev.h"
#include "fs/namev.h"
#include "fs/s5fs.h"
#include "fs/s5fs_disk.h"
#include "fs/vfs.h"
#include "mm/frame.h"
#include "mm/page.h"
#include "util/errno.h"
#include "util/printf.h"
#include "util/string.h"

#define J_DEV "hdb"
#define J_DEVNODE "/dev/hdb"
#define J_MNT "/s5journal"
#define J_DIR "/s5jtest"
#define J_DIRS 400		/* mkdirs on the root: a block each, several journals' worth */
#define J_PATTERN 0xA5		/* what a hand-made transaction logs */
#define J_NAME_MAX 48

static fs_t *fs_of(const char *path)
{
	vnode_t *vn;
	if (namev_resolve(NULL, path, 0, &vn) < 0)
		return NULL;
	fs_t *fs = vn->vn_fs;
	vput(vn);
	return fs;
}

static uint32_t flushes(const char *dev)
{
	ata_stats_t st;
	return ata_get_stats(blockdev_lookup_name(dev), &st) == 0 ? st.flushes : 0;
}

/* fsync is durable: it commits and flushes the disk's cache. */
static void test_fsync_commits(void)
{
	fs_t *fs = fs_of("/");
	s5_journal_stats_t before, after;
	s5_journal_stats(fs, &before);
	KT_ASSERT(before.blocks > 0, "the root has a journal (%u blocks)", (unsigned)before.blocks);
	uint32_t fl = flushes("hda");
	int fd = do_open(J_DIR "/synced", O_RDWR | O_CREAT, 0644);
	KT_EQ(do_write(fd, "durable", 7), 7);
	KT_EQ(do_fsync(fd), 0);
	s5_journal_stats(fs, &after);
	KT_ASSERT(after.commits > before.commits, "fsync committed (%u -> %u)",
		  (unsigned)before.commits, (unsigned)after.commits);
	KT_EQ(after.pending, 0);
	KT_ASSERT(flushes("hda") >= fl + 2, "fsync issued FLUSH CACHE (%u -> %u)", (unsigned)fl,
		  (unsigned)flushes("hda"));
	do_close(fd);
	KT_EQ(do_unlink(J_DIR "/synced"), 0);
}

/* Without any fsync, the flusher commits within an interval or two: a
 * name made now is durable soon, as on Linux (a 5 s commit interval). */
static void test_periodic_commit(void)
{
	fs_t *fs = fs_of("/");
	s5_journal_stats_t before, st;
	KT_EQ(s5fs_commit(fs), 0);
	s5_journal_stats(fs, &before);
	KT_EQ(do_mkdir(J_DIR "/unsynced", 0755), 0);
	s5_journal_stats(fs, &st);
	KT_ASSERT(st.pending > 0, "the mkdir waits in the running transaction");
	uint64_t waited = 0;
	while ((st.pending > 0 || st.commits == before.commits) &&
	       waited < 3 * VFS_FLUSH_INTERVAL_MS) {
		sched_sleep_ms(100);
		waited += 100;
		s5_journal_stats(fs, &st);
	}
	KT_ASSERT(st.pending == 0 && st.commits > before.commits,
		  "committed by itself within %u ms (%u pending, %u -> %u commits)",
		  (unsigned)waited, (unsigned)st.pending, (unsigned)before.commits,
		  (unsigned)st.commits);
	KT_EQ(do_rmdir(J_DIR "/unsynced"), 0);
}

/* A long run of metadata changes never lets a transaction outgrow the
 * journal: commits happen by themselves. */
static void test_journal_full(void)
{
	fs_t *fs = fs_of("/");
	s5_journal_stats_t before, st;
	KT_EQ(s5fs_commit(fs), 0);
	s5_journal_stats(fs, &before);
	bool fits = true;
	char name[J_NAME_MAX];
	for (int i = 0; i < J_DIRS; i++) {
		snprintf(name, sizeof(name), J_DIR "/d%d", i);
		KT_EQ(do_mkdir(name, 0755), 0);
		s5_journal_stats(fs, &st);
		fits &= st.pending <= st.capacity;
	}
	KT_ASSERT(fits, "every transaction fits the journal");
	s5_journal_stats(fs, &st);
	KT_ASSERT(st.commits > before.commits + 1, "a full journal forced commits (%u -> %u)",
		  (unsigned)before.commits, (unsigned)st.commits);
	for (int i = 0; i < J_DIRS; i++) {
		snprintf(name, sizeof(name), J_DIR "/d%d", i);
		KT_EQ(do_rmdir(name), 0);
	}
}

/* ---- hand-made transactions on the unmounted hdb ------------------------ */

typedef struct jdisk {
	blockdev_t *bd;
	s5_super_t *sb;		/* block 0 */
	uint8_t *page;
	s5_jheader_t head;
} jdisk_t;

static bool jdisk_open(jdisk_t *d)
{
	d->bd = blockdev_lookup_name(J_DEV);
	d->sb = frame_alloc();
	d->page = frame_alloc();
	if (!d->bd || !d->sb || !d->page)
		return false;
	if (blockdev_read_blocks(d->bd, S5_SUPER_BLOCK, 1, d->sb) < 0 ||
	    blockdev_read_blocks(d->bd, d->sb->s5s_journal_start, 1, d->page) < 0)
		return false;
	memcpy(&d->head, d->page, sizeof(d->head));
	return d->sb->s5s_journal_blocks > 0;
}

static void jdisk_close(jdisk_t *d)
{
	if (d->sb)
		frame_free(d->sb);
	if (d->page)
		frame_free(d->page);
}

static uint32_t jdisk_header_seq(jdisk_t *d)
{
	s5_jheader_t jh;
	KT_EQ(blockdev_read_blocks(d->bd, d->sb->s5s_journal_start, 1, d->page), 0);
	memcpy(&jh, d->page, sizeof(jh));
	return jh.jh_seq;
}

/* A one-block transaction that sets block `home` to J_PATTERN bytes;
 * commit: 0 none, 1 right, 2 with a wrong checksum. */
static void write_tx(jdisk_t *d, uint32_t home, int commit)
{
	uint32_t js = d->sb->s5s_journal_start, seq = jdisk_header_seq(d);
	s5_jdesc_t *desc = (s5_jdesc_t *)d->page;
	memset(desc, 0, PAGE_SIZE);
	desc->jd_magic = S5_JDESC_MAGIC;
	desc->jd_seq = seq;
	desc->jd_count = 1;
	desc->jd_home[0] = home;
	uint32_t crc = s5_crc32_update(S5_CRC32_INIT, desc, S5_BLOCK_SIZE);
	KT_EQ(blockdev_write_blocks(d->bd, js + S5_JDESC_OFF, 1, desc), 0);
	memset(d->page, J_PATTERN, PAGE_SIZE);
	crc = s5_crc32_update(crc, d->page, S5_BLOCK_SIZE);
	KT_EQ(blockdev_write_blocks(d->bd, js + S5_JLOG_OFF, 1, d->page), 0);
	s5_jcommit_t *jc = (s5_jcommit_t *)d->page;
	memset(jc, 0, PAGE_SIZE);
	if (commit) {
		jc->jc_magic = S5_JCOMMIT_MAGIC;
		jc->jc_seq = seq;
		jc->jc_count = 1;
		jc->jc_crc = (crc ^ S5_CRC32_INIT) + (commit == 2);
	}
	KT_EQ(blockdev_write_blocks(d->bd, js + S5_JLOG_OFF + 1, 1, jc), 0);
}

/* Whether every byte of disk block b is `v`. */
static bool block_is(jdisk_t *d, uint32_t b, uint8_t v)
{
	if (blockdev_read_blocks(d->bd, b, 1, d->page) < 0)
		return false;
	for (size_t i = 0; i < PAGE_SIZE; i++)
		if (d->page[i] != v)
			return false;
	return true;
}

static void zero_block(jdisk_t *d, uint32_t b)
{
	memset(d->page, 0, PAGE_SIZE);
	KT_EQ(blockdev_write_blocks(d->bd, b, 1, d->page), 0);
}

static void test_replay(jdisk_t *d)
{
	/* the last block: free on the runner's nearly empty image */
	uint32_t victim = d->sb->s5s_nblocks - 1;

	zero_block(d, victim);
	write_tx(d, victim, 0);		/* interrupted before its commit record */
	KT_EQ(vfs_mount("s5fs", J_DEVNODE, J_MNT), 0);
	KT_EQ(vfs_unmount(J_MNT), 0);
	KT_ASSERT(block_is(d, victim, 0), "an uncommitted transaction is not replayed");

	write_tx(d, victim, 2);		/* committed, but the checksum is wrong */
	KT_EQ(vfs_mount("s5fs", J_DEVNODE, J_MNT), 0);
	KT_EQ(vt_write_file(J_MNT "/after-corrupt", "ok", 2), 0);
	KT_EQ(vfs_unmount(J_MNT), 0);
	KT_ASSERT(block_is(d, victim, 0), "a transaction failing its checksum is refused");

	write_tx(d, victim, 1);		/* committed */
	uint32_t seq = jdisk_header_seq(d);
	KT_EQ(vfs_mount("s5fs", J_DEVNODE, J_MNT), 0);
	KT_ASSERT(block_is(d, victim, J_PATTERN), "a committed transaction is replayed");
	KT_ASSERT(jdisk_header_seq(d) > seq, "the header moves past the replayed transaction");
	KT_EQ(vfs_unmount(J_MNT), 0);
	zero_block(d, victim);
	KT_EQ(vfs_mount("s5fs", J_DEVNODE, J_MNT), 0);
	KT_EQ(vfs_unmount(J_MNT), 0);
	KT_ASSERT(block_is(d, victim, 0), "a replayed transaction is not replayed again");
}

/* Replaying again after the header is put back (a crash before the
 * header moved on) replays the last transaction on disk once more, which
 * changes nothing: idempotent. */
static void test_replay_idempotent(jdisk_t *d)
{
	uint32_t victim = d->sb->s5s_nblocks - 1;
	zero_block(d, victim);
	write_tx(d, victim, 1);
	uint32_t js = d->sb->s5s_journal_start;
	KT_EQ(blockdev_read_blocks(d->bd, js + S5_JHEADER_OFF, 1, d->page), 0);
	s5_jheader_t saved;
	memcpy(&saved, d->page, sizeof(saved));
	KT_EQ(vfs_mount("s5fs", J_DEVNODE, J_MNT), 0);
	KT_EQ(vfs_unmount(J_MNT), 0);
	/* put the header back as if the first replay had been cut short */
	memset(d->page, 0, PAGE_SIZE);
	memcpy(d->page, &saved, sizeof(saved));
	KT_EQ(blockdev_write_blocks(d->bd, js + S5_JHEADER_OFF, 1, d->page), 0);
	KT_EQ(vfs_mount("s5fs", J_DEVNODE, J_MNT), 0);
	KT_EQ(vt_read_file(J_MNT "/after-corrupt", (char[4]){ 0 }, 4), 2);
	KT_EQ(do_unlink(J_MNT "/after-corrupt"), 0);
	KT_EQ(vfs_unmount(J_MNT), 0);
	KT_ASSERT(block_is(d, victim, J_PATTERN), "a second replay leaves the same blocks");
	zero_block(d, victim);
}

static void test_bad_header(jdisk_t *d)
{
	uint32_t js = d->sb->s5s_journal_start;
	KT_EQ(blockdev_read_blocks(d->bd, js + S5_JHEADER_OFF, 1, d->page), 0);
	uint32_t magic;
	memcpy(&magic, d->page, sizeof(magic));
	uint32_t bad = ~magic;
	memcpy(d->page, &bad, sizeof(bad));
	KT_EQ(blockdev_write_blocks(d->bd, js + S5_JHEADER_OFF, 1, d->page), 0);
	KT_EQ(vfs_mount("s5fs", J_DEVNODE, J_MNT), -EINVAL);
	KT_EQ(blockdev_read_blocks(d->bd, js + S5_JHEADER_OFF, 1, d->page), 0);
	memcpy(d->page, &magic, sizeof(magic));
	KT_EQ(blockdev_write_blocks(d->bd, js + S5_JHEADER_OFF, 1, d->page), 0);
	KT_EQ(vfs_mount("s5fs", J_DEVNODE, J_MNT), 0);
	KT_EQ(vfs_unmount(J_MNT), 0);
}

static void s5fs_journal_main(void)
{
	vt_counts_t before;
	if (strcmp(vfs_root_type(), "s5fs") != 0) {
		KT_ASSERT(false, "the s5fs_journal suite needs an S5FS root (root is %s)",
			  vfs_root_type());
		return;
	}
	vt_counts_take(&before);
	KT_EQ(do_mkdir(J_DIR, 0755), 0);
	test_fsync_commits();
	test_periodic_commit();
	test_journal_full();
	KT_EQ(do_rmdir(J_DIR), 0);

	KT_EQ(do_mkdir(J_MNT, 0755), 0);
	jdisk_t d = { 0 };
	if (jdisk_open(&d)) {
		test_replay(&d);
		test_replay_idempotent(&d);
		test_bad_header(&d);
	} else {
		kprintf("s5fs_journal: SKIPPED: %s holds no journaled S5FS: the replay tests "
			"need the runner's image\n", J_DEV);
	}
	jdisk_close(&d);
	KT_EQ(do_rmdir(J_MNT), 0);
	KT_EQ(s5fs_commit(fs_of("/")), 0);
	vt_counts_check(&before, "s5fs_journal");
}
KTEST_SUITE("s5fs_journal", s5fs_journal_main);
