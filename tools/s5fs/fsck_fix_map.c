/* fsck.s5fs repair, inodes and block maps: what fsck_inode.c checks,
 * made true.
 *
 * First each inode's fields: an invalid type frees the inode, a free
 * inode is zeroed, mode loses non-permission bits, flags, reserved words
 * and a stray device number are cleared, special files lose size and
 * block pointers.  Then the block maps, in two walks:
 *   claim   every in-use inode in order clears pointers outside the data
 *           area (or past the largest file), claims unclaimed blocks in
 *           block_owner and descends only into blocks it claimed; a block
 *           someone already holds marks the inode for the second walk.
 *           An inode with FSCK_MAX_BAD_PTRS bad pointers is garbage and
 *           is freed.
 *   settle  each marked inode walks its map again; a block it does not
 *           own (or meets twice) is copied into a block nobody claims
 *           (all claims are known now), or the pointer is cleared when
 *           the image is full.  Copied indirect blocks are descended
 *           into, so the blocks under them are copied too.
 * A walk stamps each block it meets in f->visit, which is how a block
 * met twice in one map is told from one met once.  Last, the sizes:
 * a regular file grows to cover its last block, a directory's size
 * becomes a whole number of entries covering its blocks with a few holes
 * filled by zero blocks (many holes: the map is cut at the first, a third
 * walk that also drops every pointer past the cut), and a symlink that is not a valid one-block
 * target is freed.
 */
#include "fsck.h"
#include "s5file.h"

#include <stdlib.h>
#include <string.h>

#define FSCK_MAX_BAD_PTRS 8
/* A directory with more holes than this is cut at its first hole
 * rather than filled (its far blocks are most likely garbage). */
#define FSCK_DIR_MAX_HOLES 16
#define FSCK_DIR_MIN_SIZE (2 * S5_DIRENT_SIZE)	/* "." and ".." */
/* The first file block a 32-bit size cannot reach. */
#define FSCK_LBN_LIMIT (s5_size_blocks(S5_MAX_FILE_SIZE))

enum { LEVEL_DATA, LEVEL_IND, LEVEL_DIND };
enum { WALK_CLAIM, WALK_SETTLE, WALK_CUT };

typedef struct mapwalk {
	fsck_t *f;
	uint32_t ino;
	int mode;	/* WALK_*: SETTLE copies what is not ours */
	uint32_t cut;	/* WALK_CUT: drop file blocks from here on */
	int shared;	/* claim walk: met a block held already */
	uint32_t bad;
} mapwalk_t;

static int is_special(uint32_t type)
{
	return type == S5_TYPE_CHR || type == S5_TYPE_BLK || type == S5_TYPE_FIFO ||
	       type == S5_TYPE_SOCK;
}

void fsck_clear_inode(fsck_t *f, uint32_t ino, const char *why)
{
	uint32_t b;

	for (b = f->img.sb.s5s_data_start; b < f->nblocks; b++)
		if (f->block_owner[b] == ino)
			f->block_owner[b] = FSCK_BLOCK_UNCLAIMED;
	memset(&f->inodes[ino], 0, sizeof(f->inodes[ino]));
	f->istate[ino] = FSCK_INODE_FREE;
	f->counted[ino] = 0;
	f->ndata[ino] = 0;
	f->last_lbn[ino] = -1;
	fsck_fixed(f, "inode %u: freed (%s)", ino, why);
}

uint32_t fsck_alloc_block(fsck_t *f, uint32_t ino)
{
	uint32_t start = f->img.sb.s5s_data_start, span = f->nblocks - start, i, b;

	if (f->alloc_hint < start || f->alloc_hint >= f->nblocks)
		f->alloc_hint = start;
	for (i = 0; i < span; i++) {
		b = start + (f->alloc_hint - start + i) % span;
		if (f->block_owner[b] == FSCK_BLOCK_UNCLAIMED) {
			f->block_owner[b] = ino;
			f->visit[b] = f->stamp;
			f->alloc_hint = b + 1;
			f->counted[ino]++;
			return b;
		}
	}
	return S5_NO_BLOCK;
}

typedef struct alloc_ctx {
	fsck_t *f;
	uint32_t ino;
} alloc_ctx_t;

static uint32_t alloc_cb(void *ctx)
{
	alloc_ctx_t *a = ctx;

	return fsck_alloc_block(a->f, a->ino);
}

int fsck_add_block(fsck_t *f, uint32_t ino, uint32_t lbn)
{
	alloc_ctx_t ctx = { f, ino };
	s5_inode_t *ip = &f->inodes[ino];
	uint32_t bno = fsck_alloc_block(f, ino);
	int err;

	if (bno == S5_NO_BLOCK)
		return -1;
	ip->s5i_nblocks++;
	fsck_write_block(f, bno, (uint8_t[S5_BLOCK_SIZE]){ 0 });
	err = s5file_bmap_set(&f->img, ip, lbn, bno, alloc_cb, &ctx);
	if (err) {
		f->block_owner[bno] = FSCK_BLOCK_UNCLAIMED;
		f->counted[ino]--;
		ip->s5i_nblocks--;
		return err;
	}
	if ((int32_t)lbn > f->last_lbn[ino])
		f->last_lbn[ino] = (int32_t)lbn;
	return 0;
}

/* Copies block bno into a fresh block for the walker; S5_NO_BLOCK if full. */
static uint32_t copy_block(mapwalk_t *w, uint32_t bno)
{
	uint8_t buf[S5_BLOCK_SIZE];
	uint32_t copy = fsck_alloc_block(w->f, w->ino);

	if (copy == S5_NO_BLOCK)
		return S5_NO_BLOCK;
	fsck_read_block(w->f, bno, buf);
	fsck_write_block(w->f, copy, buf);
	fsck_fixed(w->f, "inode %u: block %u is shared, gave the inode its own copy (block %u)",
		   w->ino, bno, copy);
	return copy;
}

static int visit(mapwalk_t *w, uint32_t *slot, uint32_t first_lbn, int level);

/* Walks the pointers stored in block bno; writes it back if one changed. */
static void visit_children(mapwalk_t *w, uint32_t bno, uint32_t first_lbn, int level)
{
	uint32_t ptrs[S5_PTRS_PER_BLOCK], span = level == LEVEL_DIND ? S5_PTRS_PER_BLOCK : 1, i;
	int changed = 0;

	fsck_read_block(w->f, bno, ptrs);
	for (i = 0; i < S5_PTRS_PER_BLOCK; i++)
		changed |= visit(w, &ptrs[i], first_lbn + i * span, level - 1);
	if (changed)
		fsck_write_block(w->f, bno, ptrs);
}

/* One pointer of the map; returns 1 if *slot changed. */
static int visit(mapwalk_t *w, uint32_t *slot, uint32_t first_lbn, int level)
{
	fsck_t *f = w->f;
	uint32_t bno = *slot, owner;
	int changed = 0;

	if (bno == S5_NO_BLOCK)
		return 0;
	if (w->mode == WALK_CUT && first_lbn >= w->cut) {
		*slot = S5_NO_BLOCK;
		return 1;
	}
	if (!s5img_data_block(&f->img, bno) || first_lbn >= FSCK_LBN_LIMIT) {
		w->bad++;
		fsck_fixed(f, "inode %u: cleared block pointer %u (out of range)", w->ino, bno);
		*slot = S5_NO_BLOCK;
		return 1;
	}
	owner = f->block_owner[bno];
	if (owner == FSCK_BLOCK_UNCLAIMED) {
		f->block_owner[bno] = w->ino;
	} else if (owner != w->ino || f->visit[bno] == f->stamp) {
		if (w->mode != WALK_SETTLE) {
			w->shared = 1;
			return 0;
		}
		bno = copy_block(w, bno);
		if (bno == S5_NO_BLOCK) {
			fsck_fixed(f, "inode %u: cleared pointer to shared block %u (no space for a copy)",
				   w->ino, *slot);
			*slot = S5_NO_BLOCK;
			return 1;
		}
		*slot = bno;
		changed = 1;
		f->counted[w->ino]--;	/* counted again below */
	}
	f->visit[bno] = f->stamp;
	f->counted[w->ino]++;
	if (level == LEVEL_DATA) {
		f->ndata[w->ino]++;
		if ((int32_t)first_lbn > f->last_lbn[w->ino])
			f->last_lbn[w->ino] = (int32_t)first_lbn;
		return changed;
	}
	visit_children(w, bno, first_lbn, level);
	return changed;
}

/* Walks ino's whole map; returns whether it met blocks held by others. */
static int walk_map(fsck_t *f, uint32_t ino, int mode, uint32_t cut)
{
	s5_inode_t *ip = &f->inodes[ino];
	mapwalk_t w = { .f = f, .ino = ino, .mode = mode, .cut = cut };
	uint32_t i;

	f->stamp++;
	f->counted[ino] = 0;
	f->ndata[ino] = 0;
	f->last_lbn[ino] = -1;
	for (i = 0; i < S5_NDIRECT; i++)
		visit(&w, &ip->s5i_direct[i], i, LEVEL_DATA);
	visit(&w, &ip->s5i_indirect, S5_IND_FIRST, LEVEL_IND);
	visit(&w, &ip->s5i_dindirect, S5_DIND_FIRST, LEVEL_DIND);
	if (w.bad >= FSCK_MAX_BAD_PTRS)
		fsck_clear_inode(f, ino, "too many bad block pointers");
	return w.shared;
}

static int has_pointers(const s5_inode_t *ip)
{
	uint32_t i;

	for (i = 0; i < S5_NDIRECT; i++)
		if (ip->s5i_direct[i])
			return 1;
	return ip->s5i_indirect || ip->s5i_dindirect;
}

static void fix_fields(fsck_t *f, uint32_t ino, s5_inode_t *ip)
{
	int changed = 0;

	if (ip->s5i_mode & ~S5_MODE_MASK) {
		ip->s5i_mode &= S5_MODE_MASK;
		changed = 1;
	}
	if (ip->s5i_flags || ip->s5i_next_free || ip->s5i_reserved[0] || ip->s5i_reserved[1] ||
	    ip->s5i_reserved[2]) {
		ip->s5i_flags = 0;
		ip->s5i_next_free = 0;
		memset(ip->s5i_reserved, 0, sizeof(ip->s5i_reserved));
		changed = 1;
	}
	if (ip->s5i_rdev && ip->s5i_type != S5_TYPE_CHR && ip->s5i_type != S5_TYPE_BLK) {
		ip->s5i_rdev = 0;
		changed = 1;
	}
	if (is_special(ip->s5i_type) && (ip->s5i_size || ip->s5i_nblocks || has_pointers(ip))) {
		ip->s5i_size = 0;
		ip->s5i_nblocks = 0;
		memset(ip->s5i_direct, 0, sizeof(ip->s5i_direct));
		ip->s5i_indirect = ip->s5i_dindirect = S5_NO_BLOCK;
		changed = 1;
	}
	if (changed)
		fsck_fixed(f, "inode %u (%s): cleared bad fields", ino, s5img_type_name(ip->s5i_type));
}

static void fix_symlink(fsck_t *f, uint32_t ino)
{
	const s5_inode_t *ip = &f->inodes[ino];
	char target[S5_SYMLINK_MAX + 1];
	uint32_t bno;

	if (ip->s5i_size == 0 || ip->s5i_size > S5_SYMLINK_MAX || f->last_lbn[ino] != 0 ||
	    s5file_bmap(&f->img, ip, 0, &bno) != 0 || bno == S5_NO_BLOCK ||
	    s5file_read(&f->img, ip, 0, target, ip->s5i_size) != (ssize_t)ip->s5i_size ||
	    memchr(target, '\0', ip->s5i_size))
		fsck_clear_inode(f, ino, "not a valid symlink");
}

/* Drops every file block of directory ino from lbn on. */
static void cut_dir(fsck_t *f, uint32_t ino, uint32_t lbn, const char *why)
{
	uint32_t b;

	for (b = f->img.sb.s5s_data_start; b < f->nblocks; b++)
		if (f->block_owner[b] == ino)
			f->block_owner[b] = FSCK_BLOCK_UNCLAIMED;
	walk_map(f, ino, WALK_CUT, lbn);
	f->inodes[ino].s5i_size = lbn * S5_BLOCK_SIZE;
	fsck_fixed(f, "directory inode %u: cut at its hole at block %u (%s)", ino, lbn, why);
}

static uint32_t first_hole(fsck_t *f, uint32_t ino)
{
	uint32_t lbn, bno;

	for (lbn = 0; lbn < FSCK_LBN_LIMIT; lbn++)
		if (s5file_bmap(&f->img, &f->inodes[ino], lbn, &bno) != 0 || bno == S5_NO_BLOCK)
			return lbn;
	return FSCK_LBN_LIMIT;
}

/* Fills the directory's holes below its size, or cuts it at the first
 * hole that cannot be filled. */
static void fill_dir_holes(fsck_t *f, uint32_t ino)
{
	s5_inode_t *ip = &f->inodes[ino];
	uint32_t lbn, bno, nb = s5_size_blocks(ip->s5i_size);

	for (lbn = 0; lbn < nb; lbn++) {
		if (s5file_bmap(&f->img, ip, lbn, &bno) == 0 && bno != S5_NO_BLOCK)
			continue;
		if (fsck_add_block(f, ino, lbn) != 0) {
			cut_dir(f, ino, lbn, "no space to fill it");
			return;
		}
		fsck_fixed(f, "directory inode %u: filled the hole at block %u with empty entries",
			   ino, lbn);
	}
}

static void fix_dir_size(fsck_t *f, uint32_t ino)
{
	s5_inode_t *ip = &f->inodes[ino];
	uint32_t old = ip->s5i_size, mapped;

	if ((uint32_t)(f->last_lbn[ino] + 1) - f->ndata[ino] > FSCK_DIR_MAX_HOLES)
		cut_dir(f, ino, first_hole(f, ino), "too many holes");
	mapped = (uint32_t)(f->last_lbn[ino] + 1);
	/* the mapped blocks decide the size, to a whole number of entries */
	if (s5_size_blocks(ip->s5i_size) != mapped)
		ip->s5i_size = mapped >= FSCK_LBN_LIMIT ? S5_MAX_FILE_SIZE : mapped * S5_BLOCK_SIZE;
	ip->s5i_size -= ip->s5i_size % S5_DIRENT_SIZE;
	if (ip->s5i_size < FSCK_DIR_MIN_SIZE)
		ip->s5i_size = FSCK_DIR_MIN_SIZE;
	if (ip->s5i_size != old)
		fsck_fixed(f, "directory inode %u: size %u set to %u", ino, old, ip->s5i_size);
	fill_dir_holes(f, ino);
	if (ip->s5i_size < FSCK_DIR_MIN_SIZE)
		fsck_clear_inode(f, ino, "directory without room for '.' and '..'");
}

static void fix_size(fsck_t *f, uint32_t ino)
{
	s5_inode_t *ip = &f->inodes[ino];
	uint32_t need;

	if (ip->s5i_type == S5_TYPE_DIR) {
		fix_dir_size(f, ino);
	} else if (ip->s5i_type == S5_TYPE_SYMLINK) {
		fix_symlink(f, ino);
	} else if (ip->s5i_type == S5_TYPE_REG && f->last_lbn[ino] >= 0 &&
		   (uint32_t)f->last_lbn[ino] >= s5_size_blocks(ip->s5i_size)) {
		need = (uint32_t)f->last_lbn[ino] + 1;
		ip->s5i_size = need >= FSCK_LBN_LIMIT ? S5_MAX_FILE_SIZE : need * S5_BLOCK_SIZE;
		fsck_fixed(f, "inode %u: size grown to %u to cover its last block", ino, ip->s5i_size);
	}
	if (f->istate[ino] == FSCK_INODE_USED && ip->s5i_nblocks != f->counted[ino]) {
		fsck_fixed(f, "inode %u: block count %u set to %u", ino, ip->s5i_nblocks, f->counted[ino]);
		ip->s5i_nblocks = f->counted[ino];
	}
}

void fsck_fix_inodes(fsck_t *f)
{
	static const s5_inode_t zero;
	uint8_t *shared = fsck_xcalloc(f->ninodes, 1);
	uint32_t ino;

	if (memcmp(&f->inodes[S5_NO_INODE], &zero, sizeof(zero)) != 0) {
		memset(&f->inodes[S5_NO_INODE], 0, sizeof(zero));
		fsck_fixed(f, "inode 0: zeroed");
	}
	for (ino = S5_ROOT_INO; ino < f->ninodes; ino++) {
		s5_inode_t *ip = &f->inodes[ino];

		f->last_lbn[ino] = -1;
		if (ip->s5i_type == S5_TYPE_FREE) {
			f->istate[ino] = FSCK_INODE_FREE;
			ip->s5i_next_free = 0;
			if (memcmp(ip, &zero, sizeof(zero)) != 0) {
				memset(ip, 0, sizeof(*ip));
				fsck_fixed(f, "inode %u (free): zeroed", ino);
			}
		} else if (!s5_type_valid(ip->s5i_type)) {
			f->istate[ino] = FSCK_INODE_USED;
			fsck_clear_inode(f, ino, "invalid type");
		} else {
			f->istate[ino] = FSCK_INODE_USED;
			fix_fields(f, ino, ip);
		}
	}
	for (ino = S5_ROOT_INO; ino < f->ninodes; ino++)
		if (f->istate[ino] == FSCK_INODE_USED)
			shared[ino] = (uint8_t)walk_map(f, ino, WALK_CLAIM, 0);
	for (ino = S5_ROOT_INO; ino < f->ninodes; ino++)
		if (shared[ino] && f->istate[ino] == FSCK_INODE_USED)
			walk_map(f, ino, WALK_SETTLE, 0);
	for (ino = S5_ROOT_INO; ino < f->ninodes; ino++)
		if (f->istate[ino] == FSCK_INODE_USED)
			fix_size(f, ino);
	free(shared);
}
