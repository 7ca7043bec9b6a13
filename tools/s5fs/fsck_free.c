/* fsck.s5fs pass 3: the free lists and the accounting.
 *
 * The free-block list is walked from the superblock's cache through the
 * chain nodes; every block on it (a chain node counts as free too) is
 * marked FSCK_BLOCK_FREE in block_owner, so a block also in use, or listed
 * twice, or a chain that loops, is caught when it is met a second time.
 * Then every data block must be owned by someone: unowned runs are
 * reported as lost, one line per run.  The free inode list is walked the
 * same way with on_free_list.  Both walks stop at the first pointer out of
 * range, so a garbage list ends in one message.  Finally the superblock's
 * free counts are compared with the lists' real lengths.
 */
#include "fsck.h"

#include <stdio.h>
#include <string.h>

/* Puts block bno on the free side; 0 if it could not be (already seen). */
static int mark_free(fsck_t *f, uint32_t bno, const char *where)
{
	uint32_t owner;

	if (!s5img_data_block(&f->img, bno)) {
		fsck_problem(f, "free list: %s holds block %u, out of range (data blocks are %u..%u)",
			     where, bno, f->img.sb.s5s_data_start, f->nblocks - 1);
		return 0;
	}
	owner = f->block_owner[bno];
	if (owner == FSCK_BLOCK_FREE) {
		fsck_problem(f, "block %u: on the free list twice (again in %s)", bno, where);
		return 0;
	}
	if (owner != FSCK_BLOCK_UNCLAIMED) {
		fsck_problem(f, "block %u: in use by inode %u and also on the free list (in %s)",
			     bno, owner, where);
		return 0;
	}
	f->block_owner[bno] = FSCK_BLOCK_FREE;
	return 1;
}

/* Marks a node's cached entries; returns how many it lists. */
static uint32_t mark_node(fsck_t *f, const s5_freenode_t *node, const char *where)
{
	uint32_t n = node->s5f_nfree, i;

	if (n > S5_NICFREE) {
		fsck_problem(f, "free list: %s claims %u entries, at most %u fit", where, n, S5_NICFREE);
		n = S5_NICFREE;
	}
	for (i = 0; i < n; i++)
		mark_free(f, node->s5f_blocks[i], where);
	return n;
}

static uint32_t walk_free_blocks(fsck_t *f)
{
	uint8_t buf[S5_BLOCK_SIZE];
	s5_freenode_t node;
	char where[64];
	uint32_t count, next;
	int err;

	count = mark_node(f, &f->img.sb.s5s_free, "the superblock's cache");
	next = f->img.sb.s5s_free.s5f_next;
	while (next != S5_NO_BLOCK) {
		snprintf(where, sizeof(where), "chain node block %u", next);
		if (!mark_free(f, next, "the chain of free-list nodes")) {
			fsck_problem(f, "free list: chain stops at block %u; the rest of the list is not checked",
				     next);
			break;
		}
		count++;
		err = s5img_read_block(&f->img, next, buf);
		if (err)
			fsck_fatal_io(f, "reading a free-list node", err);
		memcpy(&node, buf, sizeof(node));
		count += mark_node(f, &node, where);
		next = node.s5f_next;
	}
	return count;
}

static void report_lost(fsck_t *f)
{
	uint32_t b = f->img.sb.s5s_data_start, start;

	while (b < f->nblocks) {
		if (f->block_owner[b] != FSCK_BLOCK_UNCLAIMED) {
			b++;
			continue;
		}
		start = b;
		while (b < f->nblocks && f->block_owner[b] == FSCK_BLOCK_UNCLAIMED)
			b++;
		if (b - start == 1)
			fsck_problem(f, "block %u: neither in use nor on the free list (lost)", start);
		else
			fsck_problem(f, "blocks %u..%u: neither in use nor on the free list (%u lost)",
				     start, b - 1, b - start);
	}
}

static uint32_t walk_free_inodes(fsck_t *f)
{
	uint32_t ino = f->img.sb.s5s_free_inode, count = 0;

	while (ino != S5_NO_INODE) {
		if (ino >= f->ninodes) {
			fsck_problem(f, "free inode list: inode %u out of range (1..%u); the rest is not checked",
				     ino, f->ninodes - 1);
			break;
		}
		if (f->on_free_list[ino]) {
			fsck_problem(f, "free inode list: loops back to inode %u; the rest is not checked", ino);
			break;
		}
		f->on_free_list[ino] = 1;
		count++;
		if (f->istate[ino] != FSCK_INODE_FREE)
			fsck_problem(f, "free inode list: inode %u is not free (type %u, %s)", ino,
				     f->inodes[ino].s5i_type, s5img_type_name(f->inodes[ino].s5i_type));
		ino = f->inodes[ino].s5i_next_free;
	}
	return count;
}

static void report_unlisted_inodes(fsck_t *f)
{
	uint32_t ino;

	for (ino = S5_ROOT_INO; ino < f->ninodes; ino++)
		if (f->istate[ino] == FSCK_INODE_FREE && !f->on_free_list[ino])
			fsck_problem(f, "inode %u: free but not on the free inode list", ino);
}

void fsck_free_lists(fsck_t *f)
{
	const s5_super_t *sb = &f->img.sb;
	uint32_t free_blocks, free_inodes;

	free_blocks = walk_free_blocks(f);
	report_lost(f);
	if (free_blocks != sb->s5s_free_blocks)
		fsck_problem(f, "superblock: free block count is %u, but the free list holds %u blocks",
			     sb->s5s_free_blocks, free_blocks);

	free_inodes = walk_free_inodes(f);
	report_unlisted_inodes(f);
	if (free_inodes != sb->s5s_free_inodes)
		fsck_problem(f, "superblock: free inode count is %u, but the free inode list holds %u inodes",
			     sb->s5s_free_inodes, free_inodes);
}
