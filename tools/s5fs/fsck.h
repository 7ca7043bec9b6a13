/* fsck.s5fs's shared state, its check passes and its repair passes.
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
 *
 * With -y, a check that found problems is followed by the repair passes
 * (fsck_fix.c drives them), which reuse the same arrays from scratch:
 *   fsck_fix_map.c   inode fields, block maps (bad pointers cleared,
 *                    shared blocks copied), sizes; block allocation
 *   fsck_fix_tree.c  directory entries, "." and "..", lost+found, links
 *   fsck_fix.c       journal reset, free lists, superblock, write-back
 * and the image is then checked again from the start.  Each repair is one
 * line through fsck_fixed().
 */
#pragma once
#include <stdint.h>
#include "s5img.h"

#define FSCK_PROG "fsck.s5fs"

/* exit statuses, as e2fsck's */
#define FSCK_EXIT_CLEAN 0
#define FSCK_EXIT_FIXED 1	/* problems found, all repaired */
#define FSCK_EXIT_UNFIXED 4	/* problems left */
#define FSCK_EXIT_ERROR 8	/* usage, I/O, memory */

/* block_owner values besides an inode number */
#define FSCK_BLOCK_UNCLAIMED 0u
#define FSCK_BLOCK_FREE UINT32_MAX

/* istate values */
enum { FSCK_INODE_FREE, FSCK_INODE_USED, FSCK_INODE_BAD };

typedef struct fsck {
	s5img_t img;
	int verbose;
	int quiet;		/* count problems without printing them */
	unsigned long problems;
	unsigned long fixes;	/* repairs made (fsck_fixed) */
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
	/* repair only (fsck_fix.c allocates them) */
	uint32_t *visit;	/* per block: stamp of the map walk that last met it */
	uint32_t stamp;		/* the current map walk's stamp */
	uint32_t *counted;	/* per inode: blocks in its (repaired) map */
	uint32_t *ndata;	/* per inode: data blocks in its map */
	int32_t *last_lbn;	/* per inode: highest mapped file block, -1 if none */
	uint32_t alloc_hint;	/* where the next block search starts */
} fsck_t;

void fsck_problem(fsck_t *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fsck_note(fsck_t *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fsck_fatal_io(fsck_t *f, const char *what, int err) __attribute__((noreturn));
/* "/a/b" for a reached inode, "?" otherwise (static buffer). */
const char *fsck_path(const fsck_t *f, uint32_t ino);

void fsck_fixed(fsck_t *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void *fsck_xcalloc(size_t n, size_t size);

int fsck_super(fsck_t *f);
void fsck_inodes(fsck_t *f);
void fsck_free_lists(fsck_t *f);
void fsck_dirs(fsck_t *f);

/* Repair (-y): on an image whose superblock passed and whose check ran. */
void fsck_repair(fsck_t *f);
void fsck_fix_inodes(fsck_t *f);
void fsck_fix_tree(fsck_t *f);
/* Frees inode ino: its blocks go back to unclaimed, the inode is zeroed. */
void fsck_clear_inode(fsck_t *f, uint32_t ino, const char *why);
/* A data block nobody claims, now owned by ino; S5_NO_BLOCK if none. */
uint32_t fsck_alloc_block(fsck_t *f, uint32_t ino);
/* A free inode, now in use (istate only); S5_NO_INODE if none. */
uint32_t fsck_alloc_inode(fsck_t *f);
/* Maps file block lbn of ino to a fresh zeroed block; 0 or -errno. */
int fsck_add_block(fsck_t *f, uint32_t ino, uint32_t lbn);
/* A write that must succeed: on an I/O error fsck stops (exit 8). */
void fsck_write_block(fsck_t *f, uint32_t bno, const void *buf);
void fsck_read_block(fsck_t *f, uint32_t bno, void *buf);
