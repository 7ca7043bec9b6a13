/* fsck.s5fs pass 1: the superblock.  Magic, version and geometry must be
 * right for anything else to be checked, so a problem there makes
 * fsck_super() return -1 and the run stops after reporting every
 * geometry problem it can see.  The state and reserved words are checked
 * too but do not stop the run; the free counts are left to the accounting
 * pass (fsck_free.c), which compares them with what is really free.
 */
#include "fsck.h"
#include "s5journal.h"

#include <inttypes.h>
#include <stdio.h>

static void check_geometry(fsck_t *f, int *fatal)
{
	const s5_super_t *sb = &f->img.sb;
	uint64_t table_end = (uint64_t)sb->s5s_inode_start + sb->s5s_inode_blocks;
	uint64_t max_inodes = (uint64_t)sb->s5s_inode_blocks * S5_INODES_PER_BLOCK;

	if (sb->s5s_inode_start != S5_INODE_START) {
		fsck_problem(f, "superblock: inode table starts at block %u, expected %u",
			     sb->s5s_inode_start, S5_INODE_START);
		*fatal = 1;
	}
	if (sb->s5s_inode_blocks == 0) {
		fsck_problem(f, "superblock: inode table has 0 blocks");
		*fatal = 1;
	}
	if (sb->s5s_data_start != table_end + sb->s5s_journal_blocks) {
		fsck_problem(f, "superblock: data area starts at block %u, but the inode table and "
			     "the %u-block journal end at block %" PRIu64,
			     sb->s5s_data_start, sb->s5s_journal_blocks, table_end + sb->s5s_journal_blocks);
		*fatal = 1;
	}
	const char *jproblem = s5j_geometry(sb);
	if (jproblem) {
		fsck_problem(f, "superblock: %s (journal at %u, %u blocks)", jproblem,
			     sb->s5s_journal_start, sb->s5s_journal_blocks);
		/* a start without a journal is only a stray word: -y clears it */
		if (sb->s5s_journal_blocks)
			*fatal = 1;
	}
	if (sb->s5s_data_start >= sb->s5s_nblocks) {
		fsck_problem(f, "superblock: data area starts at block %u, past the end of the %u-block file system",
			     sb->s5s_data_start, sb->s5s_nblocks);
		*fatal = 1;
	}
	if (sb->s5s_nblocks > f->img.file_blocks) {
		fsck_problem(f, "superblock: file system has %u blocks, but the image holds only %u "
			     "(%" PRIu64 " bytes)", sb->s5s_nblocks, f->img.file_blocks, f->img.file_size);
		*fatal = 1;
	}
	if (sb->s5s_ninodes <= S5_ROOT_INO) {
		fsck_problem(f, "superblock: inode count %u leaves no room for the root inode %u",
			     sb->s5s_ninodes, S5_ROOT_INO);
		*fatal = 1;
	} else if (sb->s5s_ninodes > max_inodes) {
		fsck_problem(f, "superblock: inode count %u does not fit %u inode-table blocks (at most %" PRIu64 ")",
			     sb->s5s_ninodes, sb->s5s_inode_blocks, max_inodes);
		*fatal = 1;
	}
}

static void check_counts(fsck_t *f)
{
	const s5_super_t *sb = &f->img.sb;
	uint32_t i;

	if (sb->s5s_state == S5_STATE_DIRTY)
		fsck_note(f, "file system was not unmounted cleanly (state dirty)");
	else if (sb->s5s_state != S5_STATE_CLEAN)
		fsck_problem(f, "superblock: unknown state %#x", sb->s5s_state);
	for (i = 0; i < S5_SUPER_RESERVED_WORDS; i++)
		if (sb->s5s_reserved[i]) {
			fsck_problem(f, "superblock: reserved word %u is %#x, not 0", i, sb->s5s_reserved[i]);
			break;
		}
	if ((uint64_t)sb->s5s_nblocks < f->img.file_blocks && f->verbose)
		fsck_note(f, "image holds %u blocks, the file system uses the first %u",
			  f->img.file_blocks, sb->s5s_nblocks);
}

int fsck_super(fsck_t *f)
{
	const s5_super_t *sb = &f->img.sb;
	int fatal = 0;

	if (sb->s5s_magic != S5_MAGIC) {
		fsck_problem(f, "superblock: bad magic number 0x%08x, expected 0x%08x (not an S5FS image?)",
			     sb->s5s_magic, S5_MAGIC);
		return -1;
	}
	if (sb->s5s_version != S5_VERSION) {
		fsck_problem(f, "superblock: unsupported version %u, expected %u", sb->s5s_version, S5_VERSION);
		return -1;
	}
	check_geometry(f, &fatal);
	if (fatal)
		return -1;
	f->nblocks = sb->s5s_nblocks;
	f->ninodes = sb->s5s_ninodes;
	check_counts(f);
	if (f->verbose)
		printf("superblock: %u blocks of %u bytes, inode table %u..%u (%u inodes), "
		       "journal %u blocks, data %u..%u, %u blocks and %u inodes free\n",
		       sb->s5s_nblocks, S5_BLOCK_SIZE, sb->s5s_inode_start,
		       sb->s5s_inode_start + sb->s5s_inode_blocks - 1, sb->s5s_ninodes - 1,
		       sb->s5s_journal_blocks, sb->s5s_data_start,
		       sb->s5s_nblocks - 1, sb->s5s_free_blocks, sb->s5s_free_inodes);
	return 0;
}
