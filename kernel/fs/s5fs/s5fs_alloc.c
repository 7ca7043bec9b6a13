/*
 * S5FS allocation: the free-block list (a cache of S5_NICFREE numbers in
 * the superblock, chained through free blocks), the free-inode list, and
 * the block map of an inode (direct, single- and double-indirect
 * blocks), exactly as fs/s5fs_disk.h lays them out.
 *
 * Everything that touches the superblock runs under alloc_mutex; the
 * block map under the inode's bmap_mutex (s5fs_priv.h gives the order).
 * Every block or inode number read from the disk is checked before use:
 * a bad one is corruption, reported once and returned as -EUCLEAN, so a
 * damaged image makes operations fail, never the kernel.  When a list
 * runs dry the operation fails with -ENOSPC having changed nothing, so
 * the file system stays consistent.  With a journal, freed blocks (and a
 * chain node emptied into the superblock) wait for the commit before
 * they go back on the list (s5_defer_free).
 */
#include "s5fs_priv.h"
#include "fs/vfs.h"
#include "mm/page.h"
#include "util/debug.h"
#include "util/errno.h"
#include "util/printf.h"
#include "util/string.h"

#define S5_LEVEL_DATA 0		/* free_tree levels: a data block ... */
#define S5_LEVEL_IND 1		/* ... an indirect block ... */
#define S5_LEVEL_DIND 2		/* ... a double-indirect block */

bool s5_data_block_ok(s5fs_t *s5, uint32_t b)
{
	return b >= s5->data_start && b < s5->nblocks;
}

static void super_dirty(s5fs_t *s5)
{
	s5->sb->s5s_mtime = vfs_time_now();
	pframe_dirty(s5->super_pf);
}

/* ---- blocks ----------------------------------------------------------- */

/* Takes one block off the free list (alloc_mutex held).  -EAGAIN: the
 * cache was refilled from a chain node whose own block is kept until the
 * transaction commits (the committed free list still reads it), so the
 * caller takes again. */
static int take_free(s5fs_t *s5, uint32_t *out)
{
	s5_freenode_t *fn = &s5->sb->s5s_free;
	if (fn->s5f_nfree > 0) {
		*out = fn->s5f_blocks[--fn->s5f_nfree];
		return 0;
	}
	if (!fn->s5f_next)
		return -ENOSPC;
	uint32_t b = fn->s5f_next;
	pframe_t *pf;
	if (!s5_data_block_ok(s5, b))
		return s5_corrupt(s5, "free-list chain block", b);
	int rc = pframe_get(&s5->dev_obj, b, &pf);
	if (rc < 0)
		return rc;
	const s5_freenode_t *node = pf->pf_addr;
	if (node->s5f_nfree > S5_NICFREE) {
		pframe_unpin(pf);
		return s5_corrupt(s5, "free-list node count", node->s5f_nfree);
	}
	memcpy(fn, node, sizeof(*fn));
	pframe_unpin(pf);
	if (s5_defer_free(s5, b)) {
		if (s5->sb->s5s_free_blocks > 0)
			s5->sb->s5s_free_blocks--;	/* b left the list for now */
		super_dirty(s5);
		return -EAGAIN;
	}
	*out = b;
	return 0;
}

int s5_alloc_block(s5fs_t *s5, bool for_data, uint32_t *out)
{
	s5_freenode_t *fn = &s5->sb->s5s_free;
	uint32_t b = S5_NO_BLOCK;
	int rc = 0;
	kmutex_lock(&s5->alloc_mutex);
	if (fn->s5f_nfree > S5_NICFREE) {
		rc = s5_corrupt(s5, "free-block cache count", fn->s5f_nfree);
		goto out;
	}
	while ((rc = take_free(s5, &b)) == -EAGAIN)
		;
	if (rc < 0)
		goto out;
	if (!s5_data_block_ok(s5, b)) {
		rc = s5_corrupt(s5, "free block", b);
		goto out;
	}
	if (s5->sb->s5s_free_blocks > 0)
		s5->sb->s5s_free_blocks--;
	super_dirty(s5);
	*out = b;
out:
	kmutex_unlock(&s5->alloc_mutex);
	/* A block going to a file must not stay cached as metadata too. */
	if (rc == 0 && for_data) {
		s5_tx_forget_block(s5, b);
		pframe_remove_range(&s5->dev_obj, b, b + 1);
	}
	return rc;
}

void s5_free_block(s5fs_t *s5, uint32_t b)
{
	s5_freenode_t *fn = &s5->sb->s5s_free;
	if (!s5_data_block_ok(s5, b)) {
		s5_corrupt(s5, "block freed", b);
		return;
	}
	kmutex_lock(&s5->alloc_mutex);
	if (s5_defer_free(s5, b)) {
		kmutex_unlock(&s5->alloc_mutex);
		return;
	}
	if (fn->s5f_nfree < S5_NICFREE) {
		fn->s5f_blocks[fn->s5f_nfree++] = b;
	} else {
		/* The cache is full: b becomes the chain's new head node. */
		pframe_t *pf;
		if (pframe_get_nofill(&s5->dev_obj, b, &pf) < 0) {
			kmutex_unlock(&s5->alloc_mutex);
			kprintf("s5fs: %s: out of memory freeing block %u: it is lost\n",
				s5->fs.fs_devname, (unsigned)b);
			return;
		}
		memset(pf->pf_addr, 0, PAGE_SIZE);
		memcpy(pf->pf_addr, fn, sizeof(*fn));
		pframe_dirty(pf);
		pframe_unpin(pf);
		fn->s5f_nfree = 0;
		fn->s5f_next = b;
	}
	s5->sb->s5s_free_blocks++;
	super_dirty(s5);
	kmutex_unlock(&s5->alloc_mutex);
}

/* ---- inodes ----------------------------------------------------------- */

/* The inode-table page holding ino, pinned, and the inode in it. */
static int inode_page(s5fs_t *s5, uint32_t ino, pframe_t **pfp, s5_inode_t **ip)
{
	if (ino == S5_NO_INODE || ino >= s5->ninodes)
		return s5_corrupt(s5, "inode number", ino);
	int rc = pframe_get(&s5->dev_obj, s5_inode_block(s5->sb, ino), pfp);
	if (rc == 0)
		*ip = (s5_inode_t *)((uint8_t *)(*pfp)->pf_addr + s5_inode_offset(ino));
	return rc;
}

int s5_alloc_inode(s5fs_t *s5, uint16_t type, uint16_t mode, uint32_t rdev, uint32_t uid,
		   uint32_t gid, uint32_t *out)
{
	pframe_t *pf;
	s5_inode_t *ip;
	kmutex_lock(&s5->alloc_mutex);
	uint32_t ino = s5->sb->s5s_free_inode;
	int rc = ino == S5_NO_INODE ? -ENOSPC : inode_page(s5, ino, &pf, &ip);
	if (rc < 0)
		goto out;
	if (ip->s5i_type != S5_TYPE_FREE) {
		pframe_unpin(pf);
		rc = s5_corrupt(s5, "free-inode list entry in use", ino);
		goto out;
	}
	s5->sb->s5s_free_inode = ip->s5i_next_free;
	if (s5->sb->s5s_free_inodes > 0)
		s5->sb->s5s_free_inodes--;
	super_dirty(s5);
	uint32_t now = vfs_time_now();
	memset(ip, 0, sizeof(*ip));
	ip->s5i_type = type;
	ip->s5i_mode = mode & S5_MODE_MASK;
	ip->s5i_rdev = rdev;
	ip->s5i_uid = uid;
	ip->s5i_gid = gid;
	ip->s5i_atime = ip->s5i_mtime = ip->s5i_ctime = now;
	pframe_dirty(pf);
	pframe_unpin(pf);
	*out = ino;
out:
	kmutex_unlock(&s5->alloc_mutex);
	return rc;
}

void s5_free_inode(s5fs_t *s5, uint32_t ino)
{
	pframe_t *pf;
	s5_inode_t *ip;
	kmutex_lock(&s5->alloc_mutex);
	if (inode_page(s5, ino, &pf, &ip) == 0) {
		memset(ip, 0, sizeof(*ip));
		ip->s5i_next_free = s5->sb->s5s_free_inode;
		pframe_dirty(pf);
		pframe_unpin(pf);
		s5->sb->s5s_free_inode = ino;
		s5->sb->s5s_free_inodes++;
		super_dirty(s5);
	}
	kmutex_unlock(&s5->alloc_mutex);
}

uint8_t s5_inode_dtype(s5fs_t *s5, uint32_t ino)
{
	static const uint8_t dtypes[] = {
		[S5_TYPE_REG] = DT_REG, [S5_TYPE_DIR] = DT_DIR, [S5_TYPE_SYMLINK] = DT_LNK,
		[S5_TYPE_CHR] = DT_CHR, [S5_TYPE_BLK] = DT_BLK, [S5_TYPE_FIFO] = DT_FIFO,
		[S5_TYPE_SOCK] = DT_SOCK,
	};
	pframe_t *pf;
	s5_inode_t *ip;
	uint8_t t = DT_UNKNOWN;
	if (ino < s5->ninodes && ino != S5_NO_INODE && inode_page(s5, ino, &pf, &ip) == 0) {
		if (s5_type_valid(ip->s5i_type))
			t = dtypes[ip->s5i_type];
		pframe_unpin(pf);
	}
	return t;
}

/* ---- the block map -------------------------------------------------- */

/* Resolves one pointer slot (in the inode, or in the indirect block
 * slot_pf): the block it names, or a new one if it is empty and alloc is
 * set (a zeroed metadata block unless for_data). */
static int map_slot(vnode_t *vn, uint32_t *slot, pframe_t *slot_pf, bool alloc, bool for_data,
		    uint32_t *out)
{
	s5fs_t *s5 = S5FS(vn->vn_fs);
	uint32_t b = *slot;
	if (b) {
		*out = b;
		return s5_data_block_ok(s5, b) ? 0 : s5_corrupt(s5, "block pointer", b);
	}
	if (!alloc) {
		*out = S5_NO_BLOCK;
		return 0;
	}
	int rc = s5_alloc_block(s5, for_data, &b);
	if (rc < 0)
		return rc;
	if (!for_data) {
		pframe_t *pf;
		if ((rc = pframe_get_nofill(&s5->dev_obj, b, &pf)) < 0) {
			s5_free_block(s5, b);
			return rc;
		}
		memset(pf->pf_addr, 0, PAGE_SIZE);
		pframe_dirty(pf);
		pframe_unpin(pf);
	}
	*slot = b;
	INODE(vn)->s5i_nblocks++;
	if (slot_pf)
		pframe_dirty(slot_pf);
	s5_inode_dirty(vn);
	*out = b;
	return 0;
}

/* Follows the pointer at index idx of indirect block `ind`. */
static int map_in_block(vnode_t *vn, uint32_t ind, uint32_t idx, bool alloc, bool for_data,
			uint32_t *out)
{
	if (ind == S5_NO_BLOCK) {
		*out = S5_NO_BLOCK;
		return 0;
	}
	pframe_t *pf;
	int rc = pframe_get(&S5FS(vn->vn_fs)->dev_obj, ind, &pf);
	if (rc < 0)
		return rc;
	rc = map_slot(vn, (uint32_t *)pf->pf_addr + idx, pf, alloc, for_data, out);
	pframe_unpin(pf);
	return rc;
}

int s5_bmap(vnode_t *vn, uint32_t lbn, bool alloc, uint32_t *out)
{
	s5_inode_t *ip = INODE(vn);
	uint32_t ind;
	int rc;
	if (lbn < S5_NDIRECT)
		return map_slot(vn, &ip->s5i_direct[lbn], NULL, alloc, true, out);
	if (lbn < S5_DIND_FIRST) {
		rc = map_slot(vn, &ip->s5i_indirect, NULL, alloc, false, &ind);
		return rc < 0 ? rc : map_in_block(vn, ind, lbn - S5_IND_FIRST, alloc, true, out);
	}
	if (lbn >= S5_MAX_FILE_BLOCKS)
		return -EFBIG;
	uint32_t rel = lbn - S5_DIND_FIRST, dind;
	rc = map_slot(vn, &ip->s5i_dindirect, NULL, alloc, false, &dind);
	if (rc == 0)
		rc = map_in_block(vn, dind, rel / S5_PTRS_PER_BLOCK, alloc, false, &ind);
	return rc < 0 ? rc : map_in_block(vn, ind, rel % S5_PTRS_PER_BLOCK, alloc, true, out);
}

/* File blocks one pointer at `level` covers. */
static uint32_t level_span(int level)
{
	return level == S5_LEVEL_DATA ? 1 : level == S5_LEVEL_IND ? S5_PTRS_PER_BLOCK
					: S5_PTRS_PER_BLOCK * S5_PTRS_PER_BLOCK;
}

/* Frees what *slot maps at or past file block `keep` (its tree covers
 * file blocks from `first`); clears *slot when nothing is left under it.
 * Returns true if *slot changed. */
static bool free_tree(vnode_t *vn, uint32_t *slot, int level, uint32_t first, uint32_t keep)
{
	s5fs_t *s5 = S5FS(vn->vn_fs);
	uint32_t b = *slot, span = level_span(level);
	if (b == S5_NO_BLOCK || (uint64_t)first + span <= keep)
		return false;
	if (!s5_data_block_ok(s5, b)) {
		s5_corrupt(s5, "block pointer", b);
		return false;
	}
	if (level > S5_LEVEL_DATA) {
		pframe_t *pf;
		if (pframe_get(&s5->dev_obj, b, &pf) < 0)
			return false;	/* leave it: better a lost block than a bad map */
		uint32_t *ptrs = pf->pf_addr, child_span = level_span(level - 1);
		bool changed = false, left = false;
		for (uint32_t i = 0; i < S5_PTRS_PER_BLOCK; i++) {
			changed |= free_tree(vn, &ptrs[i], level - 1, first + i * child_span, keep);
			left |= ptrs[i] != S5_NO_BLOCK;
		}
		if (changed)
			pframe_dirty(pf);
		pframe_unpin(pf);
		if (left)
			return false;
	}
	s5_free_block(s5, b);
	*slot = S5_NO_BLOCK;
	INODE(vn)->s5i_nblocks--;
	return true;
}

void s5_free_blocks_from(vnode_t *vn, uint32_t keep)
{
	s5_inode_t *ip = INODE(vn);
	for (uint32_t i = keep; i < S5_NDIRECT; i++)
		free_tree(vn, &ip->s5i_direct[i], S5_LEVEL_DATA, i, keep);
	free_tree(vn, &ip->s5i_indirect, S5_LEVEL_IND, S5_IND_FIRST, keep);
	free_tree(vn, &ip->s5i_dindirect, S5_LEVEL_DIND, S5_DIND_FIRST, keep);
	s5_inode_dirty(vn);
}
