/* fsck.s5fs pass 2: every inode on its own.  A free inode must be cleared;
 * an in-use inode must have a known type, permission-only mode, zero
 * reserved fields, a size that suits its type, and a block map whose
 * pointers are all in the data area.  Walking the map claims each data
 * and indirect block for the inode in block_owner, which is how a block
 * shared by two inodes (or twice by one) is caught.  An indirect block
 * already claimed elsewhere is not descended into, and after
 * FSCK_MAX_BAD_PTRS bad pointers the rest of an inode's map is skipped, so
 * a garbage inode costs a few lines, not thousands.
 */
#include "fsck.h"
#include "s5file.h"

#include <string.h>

#define FSCK_MAX_BAD_PTRS 8

typedef struct walk {
	fsck_t *f;
	uint32_t ino;
	const char *type;
	uint32_t counted;	/* blocks found in the map */
	uint32_t bad;		/* bad pointers so far */
	int stopped;		/* too many bad pointers */
	int incomplete;		/* an indirect block was not descended into */
	int64_t last_lbn;	/* highest mapped file block, -1 if none */
	uint32_t size_blocks;	/* blocks the size covers */
	uint32_t mapped_in_size;	/* mapped file blocks below size_blocks */
} walk_t;

static void bad_pointer(walk_t *w, uint32_t bno, const char *what)
{
	const s5_super_t *sb = &w->f->img.sb;

	fsck_problem(w->f, "inode %u (%s): %s pointer %u out of range (data blocks are %u..%u)",
		     w->ino, w->type, what, bno, sb->s5s_data_start, sb->s5s_nblocks - 1);
	if (++w->bad == FSCK_MAX_BAD_PTRS) {
		fsck_problem(w->f, "inode %u (%s): too many bad block pointers, the rest of its block map is not checked",
			     w->ino, w->type);
		w->stopped = 1;
	}
}

/* Claims bno for the inode; 1 when it was unclaimed (safe to descend). */
static int claim(walk_t *w, uint32_t bno, const char *what)
{
	fsck_t *f = w->f;
	uint32_t owner;

	if (!s5img_data_block(&f->img, bno)) {
		bad_pointer(w, bno, what);
		return 0;
	}
	w->counted++;
	owner = f->block_owner[bno];
	if (owner == FSCK_BLOCK_UNCLAIMED) {
		f->block_owner[bno] = w->ino;
		return 1;
	}
	if (owner == w->ino)
		fsck_problem(f, "inode %u (%s): block %u appears twice in its block map (%s)",
			     w->ino, w->type, bno, what);
	else
		fsck_problem(f, "block %u: claimed by inode %u and by inode %u (%s)",
			     bno, owner, w->ino, what);
	return 0;
}

static void data_pointer(walk_t *w, uint32_t bno, uint32_t lbn)
{
	if (bno == S5_NO_BLOCK || w->stopped)
		return;
	if (!s5img_data_block(&w->f->img, bno)) {
		bad_pointer(w, bno, "data block");
		return;
	}
	claim(w, bno, "data block");
	if ((int64_t)lbn > w->last_lbn)
		w->last_lbn = lbn;
	if (lbn < w->size_blocks)
		w->mapped_in_size++;
}

static void read_pointers(fsck_t *f, uint32_t bno, uint32_t *ptrs)
{
	int err = s5img_read_block(&f->img, bno, ptrs);

	if (err)
		fsck_fatal_io(f, "reading an indirect block", err);
}

static void walk_indirect(walk_t *w, uint32_t bno, uint32_t first_lbn, const char *what)
{
	uint32_t ptrs[S5_PTRS_PER_BLOCK], i;

	if (bno == S5_NO_BLOCK || w->stopped)
		return;
	if (!claim(w, bno, what)) {
		w->incomplete = 1;
		return;
	}
	read_pointers(w->f, bno, ptrs);
	for (i = 0; i < S5_PTRS_PER_BLOCK && !w->stopped; i++)
		data_pointer(w, ptrs[i], first_lbn + i);
}

static void walk_dindirect(walk_t *w, uint32_t bno)
{
	uint32_t ptrs[S5_PTRS_PER_BLOCK], i;

	if (bno == S5_NO_BLOCK || w->stopped)
		return;
	if (!claim(w, bno, "double-indirect block")) {
		w->incomplete = 1;
		return;
	}
	read_pointers(w->f, bno, ptrs);
	for (i = 0; i < S5_PTRS_PER_BLOCK && !w->stopped; i++)
		walk_indirect(w, ptrs[i], S5_DIND_FIRST + i * S5_PTRS_PER_BLOCK,
			      "indirect block (under the double-indirect block)");
}

static void walk_map(walk_t *w, const s5_inode_t *ip)
{
	uint32_t i;

	for (i = 0; i < S5_NDIRECT; i++)
		data_pointer(w, ip->s5i_direct[i], i);
	walk_indirect(w, ip->s5i_indirect, S5_IND_FIRST, "indirect block");
	walk_dindirect(w, ip->s5i_dindirect);
}

static int has_pointers(const s5_inode_t *ip)
{
	uint32_t i;

	for (i = 0; i < S5_NDIRECT; i++)
		if (ip->s5i_direct[i])
			return 1;
	return ip->s5i_indirect || ip->s5i_dindirect;
}

static void first_hole(walk_t *w, const s5_inode_t *ip)
{
	uint32_t lbn, bno;

	for (lbn = 0; lbn < w->size_blocks; lbn++) {
		if (s5file_bmap(&w->f->img, ip, lbn, &bno) != 0)
			return;	/* a bad pointer, reported already */
		if (bno == S5_NO_BLOCK) {
			fsck_problem(w->f, "inode %u (%s): hole at file block %u (a %s has none)",
				     w->ino, w->type, lbn, w->type);
			return;
		}
	}
}

static void check_symlink_target(walk_t *w, const s5_inode_t *ip)
{
	char target[S5_SYMLINK_MAX + 1];
	ssize_t n;

	if (ip->s5i_size == 0 || ip->s5i_size > S5_SYMLINK_MAX) {
		fsck_problem(w->f, "inode %u (symlink): target length %u not in 1..%u",
			     w->ino, ip->s5i_size, S5_SYMLINK_MAX);
		return;
	}
	n = s5file_read(&w->f->img, ip, 0, target, ip->s5i_size);
	if (n == (ssize_t)ip->s5i_size && memchr(target, '\0', (size_t)n))
		fsck_problem(w->f, "inode %u (symlink): target contains a NUL byte", w->ino);
}

static void check_size(walk_t *w, const s5_inode_t *ip)
{
	uint32_t type = ip->s5i_type;

	if (type == S5_TYPE_DIR) {
		if (ip->s5i_size % S5_DIRENT_SIZE)
			fsck_problem(w->f, "inode %u (directory): size %u is not a multiple of the %u-byte entry",
				     w->ino, ip->s5i_size, S5_DIRENT_SIZE);
		if (ip->s5i_size < 2 * S5_DIRENT_SIZE)
			fsck_problem(w->f, "inode %u (directory): size %u cannot hold '.' and '..'",
				     w->ino, ip->s5i_size);
	}
	if (type == S5_TYPE_SYMLINK)
		check_symlink_target(w, ip);
	if (w->last_lbn >= (int64_t)w->size_blocks)
		fsck_problem(w->f, "inode %u (%s): maps file block %lld, past the end of its %u-byte size",
			     w->ino, w->type, (long long)w->last_lbn, ip->s5i_size);
	if ((type == S5_TYPE_DIR || type == S5_TYPE_SYMLINK) && !w->stopped &&
	    w->mapped_in_size < w->size_blocks)
		first_hole(w, ip);
}

static void check_device(fsck_t *f, uint32_t ino, const s5_inode_t *ip, const char *type)
{
	if (ip->s5i_size)
		fsck_problem(f, "inode %u (%s): size %u, but special files have none", ino, type, ip->s5i_size);
	if (has_pointers(ip) || ip->s5i_nblocks)
		fsck_problem(f, "inode %u (%s): special file has data blocks", ino, type);
}

static void check_fields(fsck_t *f, uint32_t ino, const s5_inode_t *ip, const char *type)
{
	uint32_t i;

	if (ip->s5i_mode & ~S5_MODE_MASK)
		fsck_problem(f, "inode %u (%s): mode %#o has bits outside %#o",
			     ino, type, ip->s5i_mode, S5_MODE_MASK);
	if (ip->s5i_flags || ip->s5i_next_free)
		fsck_problem(f, "inode %u (%s): flags or free-list link set on an in-use inode", ino, type);
	for (i = 0; i < S5_INODE_RESERVED_WORDS; i++)
		if (ip->s5i_reserved[i]) {
			fsck_problem(f, "inode %u (%s): reserved word %u is not 0", ino, type, i);
			break;
		}
	if (ip->s5i_rdev && ip->s5i_type != S5_TYPE_CHR && ip->s5i_type != S5_TYPE_BLK)
		fsck_problem(f, "inode %u (%s): device number %#x on a non-device", ino, type, ip->s5i_rdev);
}

static void check_used(fsck_t *f, uint32_t ino, const s5_inode_t *ip)
{
	walk_t w = { .f = f, .ino = ino, .type = s5img_type_name(ip->s5i_type), .last_lbn = -1 };

	check_fields(f, ino, ip, w.type);
	if (ip->s5i_type == S5_TYPE_CHR || ip->s5i_type == S5_TYPE_BLK ||
	    ip->s5i_type == S5_TYPE_FIFO || ip->s5i_type == S5_TYPE_SOCK) {
		check_device(f, ino, ip, w.type);
		return;
	}
	w.size_blocks = s5_size_blocks(ip->s5i_size);
	walk_map(&w, ip);
	check_size(&w, ip);
	if (!w.stopped && !w.incomplete && w.counted != ip->s5i_nblocks)
		fsck_problem(f, "inode %u (%s): block count is %u, but its block map holds %u blocks",
			     ino, w.type, ip->s5i_nblocks, w.counted);
}

static int cleared(const s5_inode_t *ip)
{
	s5_inode_t copy = *ip;
	static const s5_inode_t zero;

	copy.s5i_next_free = 0;
	return memcmp(&copy, &zero, sizeof(copy)) == 0;
}

void fsck_inodes(fsck_t *f)
{
	static const s5_inode_t zero;
	uint32_t ino;

	if (memcmp(&f->inodes[S5_NO_INODE], &zero, sizeof(zero)) != 0)
		fsck_problem(f, "inode 0 (reserved, means \"no inode\") is not zeroed");
	for (ino = S5_ROOT_INO; ino < f->ninodes; ino++) {
		const s5_inode_t *ip = &f->inodes[ino];

		if (ip->s5i_type == S5_TYPE_FREE) {
			f->istate[ino] = FSCK_INODE_FREE;
			if (!cleared(ip))
				fsck_problem(f, "inode %u (free): fields other than the free-list link are not zero",
					     ino);
		} else if (!s5_type_valid(ip->s5i_type)) {
			f->istate[ino] = FSCK_INODE_BAD;
			fsck_problem(f, "inode %u: invalid type %u", ino, ip->s5i_type);
		} else {
			f->istate[ino] = FSCK_INODE_USED;
			check_used(f, ino, ip);
		}
	}
}
