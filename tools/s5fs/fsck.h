/* fsck.s5fs's shared state and its passes.
 *
 * The checker loads the whole inode table, then runs its passes in order,
 * each recording what it learns in the arrays below:
 *   fsck_super.c  superblock sanity; a bad geometry stops the run
 *   fsck_inode.c  each inode's fields and block map: claims data and
 *                 indirect blocks in block_owner
 *   fsck_free.c   the free-block list and free inode list, then the
 *                 block and inode accounting
 *   fsck_dir.c    the directory tree from the root: entries, "." and "..",
 *                 reachability, then the link counts
 * Every problem is one line through fsck_problem(); nothing read from the
 * image is used as an index or size before it is range-checked.
 */
#pragma once
#include <stdint.h>
#include "s5img.h"

#define FSCK_PROG "fsck.s5fs"

/* block_owner values besides an inode number */
#define FSCK_BLOCK_UNCLAIMED 0u
#define FSCK_BLOCK_FREE UINT32_MAX

/* istate values */
enum { FSCK_INODE_FREE, FSCK_INODE_USED, FSCK_INODE_BAD };

typedef struct fsck {
	s5img_t img;
	int verbose;
	unsigned long problems;
	uint32_t nblocks;	/* == img.sb.s5s_nblocks once the superblock passed */
	uint32_t ninodes;
	s5_inode_t *inodes;	/* the inode table, ninodes entries */
	uint8_t *istate;	/* FSCK_INODE_* per inode */
	uint8_t *on_free_list;	/* per inode: found on the free inode list */
	uint32_t *block_owner;	/* per block: inode, UNCLAIMED or FREE */
	uint32_t *refs;		/* per inode: directory entries naming it */
	uint8_t *reached;	/* per inode: found by the directory walk */
	uint32_t *parent;	/* per inode: directory holding its first name */
	char **name;		/* per inode: its first name (walk) */
} fsck_t;

void fsck_problem(fsck_t *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fsck_note(fsck_t *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fsck_fatal_io(fsck_t *f, const char *what, int err) __attribute__((noreturn));
/* "/a/b" for a reached inode, "?" otherwise (static buffer). */
const char *fsck_path(const fsck_t *f, uint32_t ino);

int fsck_super(fsck_t *f);
void fsck_inodes(fsck_t *f);
void fsck_free_lists(fsck_t *f);
void fsck_dirs(fsck_t *f);
