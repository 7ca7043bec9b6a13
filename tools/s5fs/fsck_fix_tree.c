/* fsck.s5fs repair, the directory tree: what fsck_dir.c checks, made
 * true, once the block maps are sound (fsck_fix_map.c ran: every
 * directory's blocks are its own, without holes).
 *
 * A root that is not a directory is replaced by a new empty one.  A walk
 * from the root with an explicit stack rewrites each directory it reaches
 * (first reach wins): slot 0 becomes "." naming itself and slot 1 ".."
 * naming the directory it was reached from; an entry with a bad name, an
 * extra "." or "..", a name seen before in the directory, a target that
 * is out of range or not in use, or a directory reached already, is
 * emptied; an empty slot holding stale bytes is zeroed.  Then each in-use
 * inode still unreached is either freed (an empty regular file: nothing to
 * save) or named "#INO" in /lost+found, created if missing; a directory
 * put there is walked in turn, so its subtree comes along.  Last, every
 * link count is set to the entries that name the inode, counted afresh.
 */
#include "fsck.h"
#include "s5file.h"
#include "s5dir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FSCK_LOST_FOUND "lost+found"
#define FSCK_LOST_FOUND_MODE 0700u
#define FSCK_ROOT_MODE 0755u
#define FSCK_NAME_HASH_MULT 16777619u	/* FNV-1a prime */
#define FSCK_NAME_HASH_SEED 2166136261u	/* FNV-1a offset basis */

/* The names of one directory, to catch duplicates: open addressing over
 * a power-of-two table of slot copies. */
typedef struct nameset {
	char (*names)[S5_NAME_LEN + 1];
	uint32_t cap, used;
} nameset_t;

typedef struct treefix {
	fsck_t *f;
	uint32_t *stack;
	uint32_t depth;
	nameset_t seen;
} treefix_t;

static uint32_t name_hash(const char *name)
{
	uint32_t h = FSCK_NAME_HASH_SEED;

	while (*name)
		h = (h ^ (uint8_t)*name++) * FSCK_NAME_HASH_MULT;
	return h;
}

static void names_reset(nameset_t *s, uint32_t nslots)
{
	uint32_t cap = 64;

	while (cap < 2 * nslots)
		cap *= 2;
	if (cap > s->cap) {
		free(s->names);
		s->names = fsck_xcalloc(cap, sizeof(*s->names));
		s->cap = cap;
	} else {
		memset(s->names, 0, (size_t)s->cap * sizeof(*s->names));
	}
	s->used = 0;
}

/* Adds a valid name; 0 if it was there already. */
static int names_add(nameset_t *s, const char *name)
{
	uint32_t i = name_hash(name) & (s->cap - 1);

	while (s->names[i][0]) {
		if (strcmp(s->names[i], name) == 0)
			return 0;
		i = (i + 1) & (s->cap - 1);
	}
	strcpy(s->names[i], name);
	s->used++;
	return 1;
}

static void set_entry(s5_dirent_t *de, uint32_t ino, const char *name)
{
	memset(de, 0, sizeof(*de));
	de->s5d_ino = ino;
	strncpy(de->s5d_name, name, S5_NAME_LEN);
}

static void reach(treefix_t *t, uint32_t ino, uint32_t dir, const char *name)
{
	fsck_t *f = t->f;
	size_t len = strlen(name) + 1;

	f->reached[ino] = 1;
	f->parent[ino] = dir;
	free(f->name[ino]);
	f->name[ino] = memcpy(fsck_xcalloc(len, 1), name, len);
	if (f->inodes[ino].s5i_type == S5_TYPE_DIR)
		t->stack[t->depth++] = ino;
}

/* Why entry de (slot 2 on) must go, or NULL to keep it. */
static const char *entry_problem(treefix_t *t, const s5_dirent_t *de)
{
	fsck_t *f = t->f;
	static const char zero[S5_NAME_LEN + 1];

	if (de->s5d_ino == S5_NO_INODE)
		return memcmp(de->s5d_name, zero, sizeof(zero)) ? "stale bytes in an empty slot" : NULL;
	if (s5dir_name_problem(de->s5d_name))
		return s5dir_name_problem(de->s5d_name);
	if (strcmp(de->s5d_name, ".") == 0 || strcmp(de->s5d_name, "..") == 0)
		return "extra '.' or '..'";
	if (de->s5d_ino >= f->ninodes || f->istate[de->s5d_ino] != FSCK_INODE_USED)
		return "target out of range or not in use";
	if (f->inodes[de->s5d_ino].s5i_type == S5_TYPE_DIR && f->reached[de->s5d_ino])
		return "second name of a directory";
	if (!names_add(&t->seen, de->s5d_name))
		return "duplicate name";
	return NULL;
}

static int fix_slot(treefix_t *t, uint32_t dir, s5_dirent_t *de, uint32_t slot)
{
	fsck_t *f = t->f;
	s5_dirent_t want;
	const char *why;

	if (slot == S5_DOT_SLOT || slot == S5_DOTDOT_SLOT) {
		if (slot == S5_DOT_SLOT)
			set_entry(&want, dir, ".");
		else
			set_entry(&want, f->parent[dir], "..");
		if (memcmp(de, &want, sizeof(want)) == 0)
			return 0;
		fsck_fixed(f, "directory inode %u (%s): slot %u set to '%s' (inode %u)", dir,
			   fsck_path(f, dir), slot, want.s5d_name, want.s5d_ino);
		*de = want;
		return 1;
	}
	why = entry_problem(t, de);
	if (!why) {
		if (de->s5d_ino != S5_NO_INODE && !f->reached[de->s5d_ino])
			reach(t, de->s5d_ino, dir, de->s5d_name);
		return 0;
	}
	fsck_fixed(f, "directory inode %u (%s): slot %u (inode %u) emptied: %s", dir,
		   fsck_path(f, dir), slot, de->s5d_ino, why);
	memset(de, 0, sizeof(*de));
	return 1;
}

static void fix_dir(treefix_t *t, uint32_t dir)
{
	fsck_t *f = t->f;
	const s5_inode_t *ip = &f->inodes[dir];
	s5_dirent_t block[S5_DIRENTS_PER_BLOCK];
	uint32_t nslots = ip->s5i_size / S5_DIRENT_SIZE, lbn, bno, i, slot;
	int changed;

	names_reset(&t->seen, nslots);
	for (lbn = 0; lbn < s5_size_blocks(ip->s5i_size); lbn++) {
		if (s5file_bmap(&f->img, ip, lbn, &bno) != 0 || bno == S5_NO_BLOCK)
			return;	/* fsck_fix_map.c leaves no holes: cannot happen */
		fsck_read_block(f, bno, block);
		changed = 0;
		for (i = 0; i < S5_DIRENTS_PER_BLOCK; i++) {
			slot = lbn * S5_DIRENTS_PER_BLOCK + i;
			if (slot < nslots)
				changed |= fix_slot(t, dir, &block[i], slot);
		}
		if (changed)
			fsck_write_block(f, bno, block);
	}
}

static void walk_from(treefix_t *t, uint32_t dir)
{
	t->stack[t->depth++] = dir;
	while (t->depth > 0)
		fix_dir(t, t->stack[--t->depth]);
}

/* A fresh empty directory in inode ino, "..": parent. 0 or -1 (full). */
static int make_dir(fsck_t *f, uint32_t ino, uint32_t parent, uint32_t mode)
{
	s5_inode_t *ip = &f->inodes[ino];
	s5_dirent_t block[S5_DIRENTS_PER_BLOCK];
	uint32_t now = (uint32_t)time(NULL), bno;

	memset(ip, 0, sizeof(*ip));
	f->istate[ino] = FSCK_INODE_USED;
	f->counted[ino] = 0;
	f->ndata[ino] = 0;
	f->last_lbn[ino] = -1;
	ip->s5i_type = S5_TYPE_DIR;
	ip->s5i_mode = (uint16_t)mode;
	ip->s5i_nlink = 2;
	ip->s5i_atime = ip->s5i_mtime = ip->s5i_ctime = now;
	ip->s5i_size = 2 * S5_DIRENT_SIZE;
	if (fsck_add_block(f, ino, 0) != 0 || s5file_bmap(&f->img, ip, 0, &bno) != 0) {
		memset(ip, 0, sizeof(*ip));
		f->istate[ino] = FSCK_INODE_FREE;
		return -1;
	}
	memset(block, 0, sizeof(block));
	set_entry(&block[S5_DOT_SLOT], ino, ".");
	set_entry(&block[S5_DOTDOT_SLOT], parent, "..");
	fsck_write_block(f, bno, block);
	return 0;
}

/* Puts name -> ino in directory dir (a free slot, or one more at the
 * end); 0 or -1 when there is no space. */
static int add_entry(fsck_t *f, uint32_t dir, const char *name, uint32_t ino)
{
	s5_inode_t *ip = &f->inodes[dir];
	s5_dirent_t block[S5_DIRENTS_PER_BLOCK];
	uint32_t nslots = ip->s5i_size / S5_DIRENT_SIZE, slot, bno;

	for (slot = S5_DOTDOT_SLOT + 1;; slot++) {
		uint32_t lbn = slot / S5_DIRENTS_PER_BLOCK, i = slot % S5_DIRENTS_PER_BLOCK;

		if (slot >= nslots && i == 0 && fsck_add_block(f, dir, lbn) != 0)
			return -1;
		if (s5file_bmap(&f->img, ip, lbn, &bno) != 0 || bno == S5_NO_BLOCK)
			return -1;
		fsck_read_block(f, bno, block);
		if (slot < nslots && block[i].s5d_ino != S5_NO_INODE)
			continue;
		set_entry(&block[i], ino, name);
		fsck_write_block(f, bno, block);
		if (slot >= nslots)
			ip->s5i_size = (slot + 1) * S5_DIRENT_SIZE;
		return 0;
	}
}

static void fix_root(treefix_t *t)
{
	fsck_t *f = t->f;

	if (f->istate[S5_ROOT_INO] == FSCK_INODE_USED && f->inodes[S5_ROOT_INO].s5i_type == S5_TYPE_DIR)
		return;
	if (f->istate[S5_ROOT_INO] == FSCK_INODE_USED)
		fsck_clear_inode(f, S5_ROOT_INO, "the root must be a directory");
	if (make_dir(f, S5_ROOT_INO, S5_ROOT_INO, FSCK_ROOT_MODE) == 0)
		fsck_fixed(f, "root inode %u: made a new empty root directory", S5_ROOT_INO);
}

/* Looks name up in directory dir as repaired so far (the in-memory inode,
 * not the one on disk): 0 with *ino, or -1. */
static int find_entry(fsck_t *f, uint32_t dir, const char *name, uint32_t *ino)
{
	s5dir_iter_t it;
	s5_dirent_t de;
	uint32_t slot;

	s5dir_iter_init(&it, &f->img, &f->inodes[dir]);
	while (s5dir_next(&it, &de, &slot) > 0)
		if (slot > S5_DOTDOT_SLOT && de.s5d_ino != S5_NO_INODE &&
		    strncmp(de.s5d_name, name, sizeof(de.s5d_name)) == 0) {
			*ino = de.s5d_ino;
			return 0;
		}
	return -1;
}

/* The inode of /lost+found, made if missing; S5_NO_INODE if impossible. */
static uint32_t lost_found(treefix_t *t)
{
	fsck_t *f = t->f;
	uint32_t ino;

	if (find_entry(f, S5_ROOT_INO, FSCK_LOST_FOUND, &ino) == 0) {
		if (ino < f->ninodes && f->istate[ino] == FSCK_INODE_USED &&
		    f->inodes[ino].s5i_type == S5_TYPE_DIR)
			return ino;
		fsck_fixed(f, "/%s is not a directory: unreachable inodes stay where they are",
			   FSCK_LOST_FOUND);
		return S5_NO_INODE;
	}
	ino = fsck_alloc_inode(f);
	if (ino == S5_NO_INODE || make_dir(f, ino, S5_ROOT_INO, FSCK_LOST_FOUND_MODE) != 0 ||
	    add_entry(f, S5_ROOT_INO, FSCK_LOST_FOUND, ino) != 0) {
		if (ino != S5_NO_INODE && f->istate[ino] == FSCK_INODE_USED)
			fsck_clear_inode(f, ino, "no space for /" FSCK_LOST_FOUND);
		else if (ino != S5_NO_INODE)
			f->istate[ino] = FSCK_INODE_FREE;
		fsck_fixed(f, "could not create /%s (image full)", FSCK_LOST_FOUND);
		return S5_NO_INODE;
	}
	reach(t, ino, S5_ROOT_INO, FSCK_LOST_FOUND);
	t->depth--;	/* nothing to check in it */
	fsck_fixed(f, "created /%s (inode %u)", FSCK_LOST_FOUND, ino);
	return ino;
}

static int empty_file(const s5_inode_t *ip)
{
	return ip->s5i_type == S5_TYPE_REG && ip->s5i_size == 0 && ip->s5i_nblocks == 0;
}

static void reconnect(treefix_t *t)
{
	fsck_t *f = t->f;
	uint32_t ino, lf = S5_NO_INODE;
	char name[S5_NAME_LEN + 1];

	for (ino = S5_ROOT_INO + 1; ino < f->ninodes; ino++) {
		if (f->istate[ino] != FSCK_INODE_USED || f->reached[ino])
			continue;
		if (empty_file(&f->inodes[ino])) {
			fsck_clear_inode(f, ino, "unreachable and empty");
			continue;
		}
		if (lf == S5_NO_INODE && (lf = lost_found(t)) == S5_NO_INODE)
			return;
		snprintf(name, sizeof(name), "#%u", ino);
		if (add_entry(f, lf, name, ino) != 0) {
			fsck_fixed(f, "inode %u: no space in /%s to reconnect it", ino, FSCK_LOST_FOUND);
			return;
		}
		fsck_fixed(f, "inode %u (%s): unreachable, reconnected as /%s/%s", ino,
			   s5img_type_name(f->inodes[ino].s5i_type), FSCK_LOST_FOUND, name);
		reach(t, ino, lf, name);
		if (t->depth)
			walk_from(t, t->stack[--t->depth]);
	}
}

static void count_refs(fsck_t *f, uint32_t dir)
{
	s5dir_iter_t it;
	s5_dirent_t de;
	uint32_t slot;

	s5dir_iter_init(&it, &f->img, &f->inodes[dir]);
	while (s5dir_next(&it, &de, &slot) > 0)
		if (de.s5d_ino != S5_NO_INODE && de.s5d_ino < f->ninodes)
			f->refs[de.s5d_ino]++;
}

static void fix_links(fsck_t *f)
{
	uint32_t ino, want;

	memset(f->refs, 0, (size_t)f->ninodes * sizeof(*f->refs));
	for (ino = S5_ROOT_INO; ino < f->ninodes; ino++)
		if (f->istate[ino] == FSCK_INODE_USED && f->reached[ino] &&
		    f->inodes[ino].s5i_type == S5_TYPE_DIR)
			count_refs(f, ino);
	for (ino = S5_ROOT_INO; ino < f->ninodes; ino++) {
		if (f->istate[ino] != FSCK_INODE_USED || !f->reached[ino])
			continue;
		want = f->refs[ino] > S5_LINK_MAX ? S5_LINK_MAX : f->refs[ino];
		if (f->inodes[ino].s5i_nlink != want) {
			fsck_fixed(f, "inode %u (%s): link count %u set to %u", ino, fsck_path(f, ino),
				   f->inodes[ino].s5i_nlink, want);
			f->inodes[ino].s5i_nlink = (uint16_t)want;
		}
	}
}

void fsck_fix_tree(fsck_t *f)
{
	treefix_t t = { .f = f };

	t.stack = fsck_xcalloc(f->ninodes, sizeof(*t.stack));
	fix_root(&t);
	if (f->istate[S5_ROOT_INO] == FSCK_INODE_USED) {
		f->reached[S5_ROOT_INO] = 1;
		f->parent[S5_ROOT_INO] = S5_ROOT_INO;
		walk_from(&t, S5_ROOT_INO);
		reconnect(&t);
	}
	fix_links(f);
	free(t.stack);
	free(t.seen.names);
}
