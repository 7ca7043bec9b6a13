/* fsck.s5fs repair driver (-y): runs after a check that found problems,
 * on the image opened read-write with its inode table in memory.
 *
 * The per-inode and per-block arrays the check filled are reset, then:
 * the journal is made empty if it is damaged (a fresh header past any
 * transaction it holds, and a zero descriptor, so a mount replays
 * nothing stale); fsck_fix_inodes() and fsck_fix_tree() make the inodes,
 * maps and tree sound, writing indirect and directory blocks as they
 * change them; then the free inode list and the free-block list are
 * rebuilt from scratch from what is not in use (in the shape mkfs and the
 * kernel give them), the superblock's counts, state and reserved words
 * are set, and the inode table and superblock are written last.  Blocks
 * and inodes are handed out only after the claim walk knows every use.
 */
#include "fsck.h"
#include "s5journal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fsck_read_block(fsck_t *f, uint32_t bno, void *buf)
{
	int err = s5img_read_block(&f->img, bno, buf);

	if (err)
		fsck_fatal_io(f, "reading a block", err);
}

void fsck_write_block(fsck_t *f, uint32_t bno, const void *buf)
{
	int err = s5img_write_block(&f->img, bno, buf);

	if (err)
		fsck_fatal_io(f, "writing a block", err);
}

uint32_t fsck_alloc_inode(fsck_t *f)
{
	uint32_t ino;

	for (ino = S5_ROOT_INO + 1; ino < f->ninodes; ino++)
		if (f->istate[ino] == FSCK_INODE_FREE) {
			f->istate[ino] = FSCK_INODE_USED;
			return ino;
		}
	return S5_NO_INODE;
}

static void reset_state(fsck_t *f)
{
	size_t n = f->ninodes;
	uint32_t i;

	memset(f->istate, 0, n);
	memset(f->on_free_list, 0, n);
	memset(f->refs, 0, n * sizeof(*f->refs));
	memset(f->reached, 0, n);
	memset(f->parent, 0, n * sizeof(*f->parent));
	for (i = 0; i < n; i++) {
		free(f->name[i]);
		f->name[i] = NULL;
	}
	memset(f->block_owner, 0, (size_t)f->nblocks * sizeof(*f->block_owner));
	f->visit = fsck_xcalloc(f->nblocks, sizeof(*f->visit));
	f->counted = fsck_xcalloc(n, sizeof(*f->counted));
	f->ndata = fsck_xcalloc(n, sizeof(*f->ndata));
	f->last_lbn = fsck_xcalloc(n, sizeof(*f->last_lbn));
	f->stamp = 0;
	f->alloc_hint = 0;
}

static void fix_journal(fsck_t *f)
{
	uint8_t block[S5_BLOCK_SIZE];
	s5_jheader_t jh;
	s5_jdesc_t desc;
	s5j_info_t ji;
	uint32_t start = f->img.sb.s5s_journal_start, seq;
	int err = s5j_check(&f->img, &ji);

	if (err)
		fsck_fatal_io(f, "reading the journal", err);
	if (ji.status != S5J_CORRUPT && ji.status != S5J_BAD_HEADER)
		return;
	fsck_read_block(f, start + S5_JHEADER_OFF, block);
	memcpy(&jh, block, sizeof(jh));
	seq = jh.jh_magic == S5_JOURNAL_MAGIC ? jh.jh_seq : 0;
	fsck_read_block(f, start + S5_JDESC_OFF, &desc);
	if (desc.jd_magic == S5_JDESC_MAGIC && desc.jd_seq >= seq)
		seq = desc.jd_seq + 1;
	if (seq == 0)
		seq = 1;
	memset(block, 0, sizeof(block));
	fsck_write_block(f, start + S5_JDESC_OFF, block);
	jh = (s5_jheader_t){ S5_JOURNAL_MAGIC, S5_JOURNAL_VERSION, f->img.sb.s5s_journal_blocks, seq };
	memcpy(block, &jh, sizeof(jh));
	fsck_write_block(f, start + S5_JHEADER_OFF, block);
	fsck_fixed(f, "journal: emptied (%s), next transaction %u", ji.why, seq);
}

/* Frees one block the way the kernel does (s5fs_disk.h). */
static void free_block(fsck_t *f, uint32_t bno)
{
	s5_freenode_t *cache = &f->img.sb.s5s_free;
	uint8_t buf[S5_BLOCK_SIZE] = { 0 };

	if (cache->s5f_nfree == S5_NICFREE) {
		memcpy(buf, cache, sizeof(*cache));
		fsck_write_block(f, bno, buf);
		cache->s5f_nfree = 0;
		cache->s5f_next = bno;
	} else {
		cache->s5f_blocks[cache->s5f_nfree++] = bno;
	}
	f->img.sb.s5s_free_blocks++;
}

static void rebuild_free_lists(fsck_t *f)
{
	s5_super_t *sb = &f->img.sb;
	s5_super_t before = *sb;
	uint32_t b, ino;

	sb->s5s_free_inode = S5_NO_INODE;
	sb->s5s_free_inodes = 0;
	for (ino = f->ninodes - 1; ino > S5_NO_INODE; ino--) {
		if (f->istate[ino] != FSCK_INODE_FREE)
			continue;
		memset(&f->inodes[ino], 0, sizeof(f->inodes[ino]));
		f->inodes[ino].s5i_next_free = sb->s5s_free_inode;
		sb->s5s_free_inode = ino;
		sb->s5s_free_inodes++;
	}
	memset(&sb->s5s_free, 0, sizeof(sb->s5s_free));
	sb->s5s_free_blocks = 0;
	for (b = f->nblocks; b-- > sb->s5s_data_start;)
		if (f->block_owner[b] == FSCK_BLOCK_UNCLAIMED)
			free_block(f, b);
	if (memcmp(&before.s5s_free, &sb->s5s_free, sizeof(sb->s5s_free)) ||
	    before.s5s_free_blocks != sb->s5s_free_blocks)
		fsck_fixed(f, "free-block list rebuilt: %u free blocks", sb->s5s_free_blocks);
	if (before.s5s_free_inode != sb->s5s_free_inode || before.s5s_free_inodes != sb->s5s_free_inodes)
		fsck_fixed(f, "free inode list rebuilt: %u free inodes", sb->s5s_free_inodes);
}

static void fix_super(fsck_t *f)
{
	s5_super_t *sb = &f->img.sb;

	if (sb->s5s_state != S5_STATE_CLEAN && sb->s5s_state != S5_STATE_DIRTY) {
		fsck_fixed(f, "superblock: state %#x set to clean", sb->s5s_state);
		sb->s5s_state = S5_STATE_CLEAN;
	}
	if (!sb->s5s_journal_blocks && sb->s5s_journal_start) {
		fsck_fixed(f, "superblock: journal start %u cleared (there is no journal)",
			   sb->s5s_journal_start);
		sb->s5s_journal_start = 0;
	}
	if (sb->s5s_reserved[0] || sb->s5s_reserved[1]) {
		memset(sb->s5s_reserved, 0, sizeof(sb->s5s_reserved));
		fsck_fixed(f, "superblock: reserved words cleared");
	}
}

static void write_back(fsck_t *f)
{
	uint32_t table_blocks = (f->ninodes + S5_INODES_PER_BLOCK - 1) / S5_INODES_PER_BLOCK, i;
	const uint8_t *table = (const uint8_t *)f->inodes;
	int err;

	for (i = 0; i < table_blocks; i++)
		fsck_write_block(f, f->img.sb.s5s_inode_start + i, table + (size_t)i * S5_BLOCK_SIZE);
	if ((err = s5img_write_super(&f->img)))
		fsck_fatal_io(f, "writing the superblock", err);
}

void fsck_repair(fsck_t *f)
{
	reset_state(f);
	if (f->img.sb.s5s_journal_blocks)
		fix_journal(f);
	fsck_fix_inodes(f);
	fsck_fix_tree(f);
	rebuild_free_lists(f);
	fix_super(f);
	write_back(f);
}
