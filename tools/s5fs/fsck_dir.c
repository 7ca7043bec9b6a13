/* fsck.s5fs pass 4: the directory tree and the link counts.
 *
 * A depth-first walk from the root, with an explicit stack (a garbage
 * image cannot exhaust the C stack), visits each directory once: every
 * other directory must be reached through exactly one name, so a second
 * name for a directory (or a loop) is reported instead of followed.  In
 * each directory, slot 0 must be "." naming itself and slot 1 ".." naming
 * the directory it was reached from; other entries need valid, unique
 * names and in-use targets, and an empty slot must be all zero (the
 * kernel clears a slot it empties).  Each entry naming an in-use inode adds to its
 * refs; afterwards every in-use inode must have been reached, and its link
 * count must equal its refs.
 */
#include "fsck.h"
#include "s5dir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct dirwalk {
	fsck_t *f;
	uint32_t *stack;	/* directories still to visit */
	uint32_t depth;
	char (*names)[S5_NAME_LEN + 1];	/* one directory's names, to find duplicates */
	uint32_t nnames, names_cap;
} dirwalk_t;

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fprintf(stderr, "%s: out of memory\n", FSCK_PROG);
		exit(FSCK_EXIT_ERROR);
	}
	return q;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xrealloc(NULL, n), s, n);
}

static void reach(dirwalk_t *w, uint32_t ino, uint32_t dir, const char *name)
{
	fsck_t *f = w->f;

	f->reached[ino] = 1;
	f->parent[ino] = dir;
	f->name[ino] = xstrdup(name);
	if (f->inodes[ino].s5i_type == S5_TYPE_DIR)
		w->stack[w->depth++] = ino;
}

static void check_dot(dirwalk_t *w, uint32_t dir, const s5_dirent_t *de, uint32_t slot)
{
	fsck_t *f = w->f;
	const char *want = slot == S5_DOT_SLOT ? "." : "..";
	uint32_t expect = slot == S5_DOT_SLOT ? dir : f->parent[dir];

	if (de->s5d_ino == S5_NO_INODE) {
		fsck_problem(f, "directory inode %u (%s): missing '%s' entry (slot %u is empty)",
			     dir, fsck_path(f, dir), want, slot);
		return;
	}
	if (strncmp(de->s5d_name, want, sizeof(de->s5d_name)) != 0) {
		fsck_problem(f, "directory inode %u (%s): missing '%s' entry (slot %u holds '%.*s', inode %u)",
			     dir, fsck_path(f, dir), want, slot, (int)S5_NAME_LEN, de->s5d_name, de->s5d_ino);
		return;
	}
	if (de->s5d_ino >= f->ninodes) {
		fsck_problem(f, "directory inode %u (%s): '%s' refers to inode %u, out of range",
			     dir, fsck_path(f, dir), want, de->s5d_ino);
		return;
	}
	if (f->istate[de->s5d_ino] == FSCK_INODE_USED)
		f->refs[de->s5d_ino]++;
	if (de->s5d_ino != expect)
		fsck_problem(f, "directory inode %u (%s): '%s' refers to inode %u, expected inode %u%s",
			     dir, fsck_path(f, dir), want, de->s5d_ino, expect,
			     slot == S5_DOT_SLOT ? " (itself)" : " (its parent)");
}

static void check_entry(dirwalk_t *w, uint32_t dir, const s5_dirent_t *de, uint32_t slot)
{
	fsck_t *f = w->f;
	const char *why = s5dir_name_problem(de->s5d_name);
	uint32_t ino = de->s5d_ino;

	if (why) {
		fsck_problem(f, "directory inode %u (%s): slot %u: bad name (%s)",
			     dir, fsck_path(f, dir), slot, why);
		return;
	}
	if (strcmp(de->s5d_name, ".") == 0 || strcmp(de->s5d_name, "..") == 0) {
		fsck_problem(f, "directory inode %u (%s): slot %u: extra '%s' entry",
			     dir, fsck_path(f, dir), slot, de->s5d_name);
		return;
	}
	if (w->nnames == w->names_cap) {
		w->names_cap = w->names_cap ? w->names_cap * 2 : 64;
		w->names = xrealloc(w->names, w->names_cap * sizeof(*w->names));
	}
	memcpy(w->names[w->nnames++], de->s5d_name, sizeof(*w->names));
	if (ino >= f->ninodes) {
		fsck_problem(f, "directory inode %u (%s): entry '%s' refers to inode %u, out of range (1..%u)",
			     dir, fsck_path(f, dir), de->s5d_name, ino, f->ninodes - 1);
		return;
	}
	if (f->istate[ino] == FSCK_INODE_FREE) {
		fsck_problem(f, "directory inode %u (%s): entry '%s' refers to free inode %u",
			     dir, fsck_path(f, dir), de->s5d_name, ino);
		return;
	}
	if (f->istate[ino] == FSCK_INODE_BAD) {
		fsck_problem(f, "directory inode %u (%s): entry '%s' refers to inode %u, which has an invalid type",
			     dir, fsck_path(f, dir), de->s5d_name, ino);
		return;
	}
	f->refs[ino]++;
	if (!f->reached[ino]) {
		reach(w, ino, dir, de->s5d_name);
	} else if (f->inodes[ino].s5i_type == S5_TYPE_DIR) {
		fsck_problem(f, "directory inode %u (%s): entry '%s' refers to directory inode %u, "
			     "already reachable as %s (a directory has one name)",
			     dir, fsck_path(f, dir), de->s5d_name, ino, fsck_path(f, ino));
	}
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void check_duplicates(dirwalk_t *w, uint32_t dir)
{
	uint32_t i;

	if (w->nnames < 2)
		return;
	qsort(w->names, w->nnames, sizeof(*w->names), cmp_names);
	for (i = 1; i < w->nnames; i++)
		if (strcmp(w->names[i - 1], w->names[i]) == 0 &&
		    (i == 1 || strcmp(w->names[i - 2], w->names[i]) != 0))
			fsck_problem(w->f, "directory inode %u (%s): name '%s' appears more than once",
				     dir, fsck_path(w->f, dir), w->names[i]);
}

static void walk_dir(dirwalk_t *w, uint32_t dir)
{
	static const char empty_name[S5_NAME_LEN + 1];
	fsck_t *f = w->f;
	s5dir_iter_t it;
	s5_dirent_t de;
	uint32_t slot;
	int r;

	w->nnames = 0;
	s5dir_iter_init(&it, &f->img, &f->inodes[dir]);
	while ((r = s5dir_next(&it, &de, &slot)) > 0) {
		if (slot == S5_DOT_SLOT || slot == S5_DOTDOT_SLOT)
			check_dot(w, dir, &de, slot);
		else if (de.s5d_ino != S5_NO_INODE)
			check_entry(w, dir, &de, slot);
		else if (memcmp(de.s5d_name, empty_name, sizeof(empty_name)) != 0)
			fsck_problem(f, "directory inode %u (%s): slot %u: empty, but holds stale bytes",
				     dir, fsck_path(f, dir), slot);
	}
	if (r < 0)
		fsck_problem(f, "directory inode %u (%s): entries from slot %u on are unreadable "
			     "(bad block pointer or hole)", dir, fsck_path(f, dir), it.slot);
	check_duplicates(w, dir);
}

static void walk_tree(fsck_t *f)
{
	dirwalk_t w = { .f = f };

	w.stack = xrealloc(NULL, (size_t)f->ninodes * sizeof(*w.stack));
	f->reached[S5_ROOT_INO] = 1;
	f->parent[S5_ROOT_INO] = S5_ROOT_INO;
	w.stack[w.depth++] = S5_ROOT_INO;
	while (w.depth > 0)
		walk_dir(&w, w.stack[--w.depth]);
	free(w.stack);
	free(w.names);
}

static void verbose_inode(const fsck_t *f, uint32_t ino)
{
	const s5_inode_t *ip = &f->inodes[ino];

	printf("inode %u: %s %s: mode %04o, %u link%s, size %u, %u block%s", ino,
	       s5img_type_name(ip->s5i_type), fsck_path(f, ino), ip->s5i_mode, ip->s5i_nlink,
	       ip->s5i_nlink == 1 ? "" : "s", ip->s5i_size, ip->s5i_nblocks,
	       ip->s5i_nblocks == 1 ? "" : "s");
	if (ip->s5i_type == S5_TYPE_CHR || ip->s5i_type == S5_TYPE_BLK)
		printf(", device %u,%u", S5_DEV_MAJOR(ip->s5i_rdev), S5_DEV_MINOR(ip->s5i_rdev));
	putchar('\n');
}

static void check_links(fsck_t *f)
{
	uint32_t ino;

	for (ino = S5_ROOT_INO; ino < f->ninodes; ino++) {
		const s5_inode_t *ip = &f->inodes[ino];

		if (f->istate[ino] != FSCK_INODE_USED)
			continue;
		if (f->verbose)
			verbose_inode(f, ino);
		if (!f->reached[ino])
			fsck_problem(f, "inode %u (%s): in use but not reachable from the root (link count %u)",
				     ino, s5img_type_name(ip->s5i_type), ip->s5i_nlink);
		else if (ip->s5i_nlink != f->refs[ino])
			fsck_problem(f, "inode %u (%s): link count %u, but %u directory entr%s refer%s to it",
				     ino, fsck_path(f, ino), ip->s5i_nlink, f->refs[ino],
				     f->refs[ino] == 1 ? "y" : "ies", f->refs[ino] == 1 ? "s" : "");
	}
}

void fsck_dirs(fsck_t *f)
{
	const s5_inode_t *root = &f->inodes[S5_ROOT_INO];

	if (f->istate[S5_ROOT_INO] != FSCK_INODE_USED || root->s5i_type != S5_TYPE_DIR) {
		fsck_problem(f, "root inode %u is not a directory (type %u, %s); directory structure and link counts not checked",
			     S5_ROOT_INO, root->s5i_type, s5img_type_name(root->s5i_type));
		return;
	}
	walk_tree(f);
	check_links(f);
}
