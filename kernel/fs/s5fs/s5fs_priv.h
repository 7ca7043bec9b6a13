/* S5FS internals shared by the kernel/fs/s5fs/ sources (fs/s5fs.h is the public
 * side; fs/s5fs_disk.h the on-disk format).
 *
 * Two kinds of memory objects hold an S5FS's blocks in the page cache:
 *  - the device object (s5fs_t.dev_obj): page n is disk block n.  The
 *    superblock (pinned while mounted), the inode table, indirect blocks
 *    and free-list chain nodes live here.
 *  - each vnode's object: page n is file block n of that file (regular
 *    files, directories, symlink targets).  pf_private holds the disk
 *    block (0 for a hole), set by fill_page and by dirty_page, which is
 *    where data blocks get allocated; clean_page just writes pf_private,
 *    taking no lock, as the page cache requires.
 * A data block is never cached in both: allocating a block for data
 * discards any device-object page it had (a free-list node, an old
 * indirect block), and a file's pages are removed before its blocks are
 * freed.
 *
 * Locks, in order:
 *  - vn_mutex (the VFS's; fs/vnode.h): the file's size, link count,
 *    times and, for directories, entries;
 *  - s5_vinfo_t.bmap_mutex: the inode's block map and s5i_nblocks (taken
 *    by fill_page and dirty_page, which may run without vn_mutex);
 *  - s5fs_t.alloc_mutex: the superblock (free-block cache and chain, free
 *    inode list, counts);
 *  - the page cache's own locks.
 * A directory's name index (s5fs_dindex.c) is guarded by its vn_mutex;
 * the global dx_lock (the count against the indexes' budget) is innermost.
 * An inode lives in a pinned inode-table page for as long as its vnode
 * exists; changing it is "change the fields, then s5_inode_dirty()".
 *
 * With a journal (s5fs_journal.c), every change of metadata happens
 * between s5_op_begin and s5_op_end, which go outside bmap_mutex and
 * alloc_mutex (inside vn_mutex is fine: a commit takes no vnode lock);
 * the journal's own locks are innermost. */
#pragma once
#include "fs/s5fs.h"
#include "fs/s5fs_disk.h"
#include "drivers/blockdev.h"
#include "mm/pframe.h"
#include "proc/kcond.h"
#include "proc/kmutex.h"
#include "util/spinlock.h"

#define S5_RA_MIN 4u		/* pages read ahead on the first sequential read */
#define S5_RA_MAX 32u		/* the read-ahead window's cap */

#define S5_FORGET_BATCH 16u	/* pages dropped from a transaction per pass */
#define S5_DEFER_PAGES 2u	/* pages one applied free may add: superblock, chain node */

/* The journal of one mount (s5fs_journal.c has the story). */
typedef struct s5_journal {
	uint32_t start, blocks;		/* the region; blocks 0: no journal */
	uint32_t capacity;		/* log slots per transaction */
	uint32_t seq;			/* the next transaction's number */
	kmutex_t mutex;			/* active, committing, commit_wanted */
	kcond_t cond;			/* active fell to 0, or a commit ended */
	int active;			/* operations in progress */
	bool committing;		/* a commit runs: new operations wait */
	bool commit_wanted;		/* someone waits for a commit */
	bool applying;			/* deferred frees being applied (alloc_mutex) */
	spinlock_t lock;		/* pages, npages, overflow, ordered, home_ok */
	pframe_t **pages;		/* the transaction's blocks, each pinned */
	uint32_t npages;
	bool overflow;			/* a block did not fit in pages[] */
	list_t ordered;			/* s5_vinfo_t.tx_link: files with dirty pages */
	bool home_ok;			/* checkpointing: journaled pages may go home */
	void *buf;			/* a page for descriptor and commit record */
	uint64_t commits, logged, replays;	/* statistics */
} s5_journal_t;

typedef struct s5fs {
	fs_t fs;
	blockdev_t *bd;
	mmobj_t dev_obj;		/* page n = disk block n */
	pframe_t *super_pf;		/* block 0, pinned while mounted */
	s5_super_t *sb;			/* super_pf's contents */
	kmutex_t alloc_mutex;		/* see above */
	uint32_t nblocks, ninodes, data_start;	/* checked copies of the geometry */
	bool corrupt_reported;		/* one message per mount is enough */
	s5_journal_t jr;
	uint32_t *deferred;		/* blocks freed by the running transaction */
	uint32_t ndeferred, deferred_cap;	/* (under alloc_mutex) */
} s5fs_t;

typedef struct s5_vinfo {
	pframe_t *ipf;			/* the inode-table page, pinned */
	s5_inode_t *inode;		/* in ipf */
	kmutex_t bmap_mutex;		/* see above */
	uint32_t ra_next;		/* read-ahead: the page a sequential read asks next */
	uint32_t ra_window;
	vnode_t *vn;			/* back pointer, for the journal's ordered list */
	list_t tx_link;			/* on jr.ordered while tx_listed (jr.lock) */
	bool tx_listed;
	struct s5_dindex *dx;		/* a directory's name index, or NULL (vn_mutex) */
	uint32_t dx_backoff;		/* operations left before another build (vn_mutex) */
} s5_vinfo_t;

static inline s5fs_t *S5FS(fs_t *fs) { return container_of(fs, s5fs_t, fs); }
static inline s5_vinfo_t *VI(vnode_t *vn) { return vn->vn_i; }
static inline s5_inode_t *INODE(vnode_t *vn) { return VI(vn)->inode; }

/* s5fs.c */
extern const vnode_ops_t s5_file_ops, s5_dir_ops, s5_symlink_ops, s5_special_ops;
/* Reports corruption (once per mount) and returns -EUCLEAN. */
int s5_corrupt(s5fs_t *s5, const char *what, uint32_t value);
void s5_inode_dirty(vnode_t *vn);
int s5_read_data(vnode_t *vn, uint64_t pos, void *buf, size_t n);
int s5_write_data(vnode_t *vn, uint64_t pos, const void *buf, size_t n, size_t *done);
int s5_stat(vnode_t *vn, struct stat64 *st);
int s5_setattr(vnode_t *vn, const vattr_t *va);
int s5_fsync(vnode_t *vn);

/* s5fs_alloc.c: blocks, inodes, the block map */
int s5_alloc_block(s5fs_t *s5, bool for_data, uint32_t *out);
void s5_free_block(s5fs_t *s5, uint32_t b);
int s5_alloc_inode(s5fs_t *s5, uint16_t type, uint16_t mode, uint32_t rdev, uint32_t uid,
		   uint32_t gid, uint32_t *out);
void s5_free_inode(s5fs_t *s5, uint32_t ino);
bool s5_data_block_ok(s5fs_t *s5, uint32_t b);
/* The disk block of file block lbn (0: a hole), allocating it (and the
 * indirect blocks on the way) when alloc is set; bmap_mutex held. */
int s5_bmap(vnode_t *vn, uint32_t lbn, bool alloc, uint32_t *out);
/* Frees every block mapping file blocks >= keep; bmap_mutex held. */
void s5_free_blocks_from(vnode_t *vn, uint32_t keep);
/* An inode's type for readdir's d_type (DT_UNKNOWN if unreadable). */
uint8_t s5_inode_dtype(s5fs_t *s5, uint32_t ino);

/* s5fs_journal.c: transactions (no-ops without a journal) */
void s5_journal_init(s5fs_t *s5);
/* Finds the journal in block 0 and replays a committed transaction;
 * -EINVAL (with a message) for a damaged journal. */
int s5_journal_open(s5fs_t *s5);
void s5_journal_close(s5fs_t *s5);
/* Commits and marks the journal empty (unmount, shutdown); flushes. */
int s5_journal_finish(s5fs_t *s5);
bool s5_journaled(s5fs_t *s5);
void s5_op_begin(s5fs_t *s5);
void s5_op_end(s5fs_t *s5);
/* Commits the running transaction; durable on return (fsync, sync). */
int s5_tx_commit(s5fs_t *s5);
/* A metadata page (device page, directory or symlink block) was dirtied. */
void s5_tx_add_page(s5fs_t *s5, pframe_t *pf);
/* A file has dirty pages: its data goes to disk before the next commit. */
void s5_tx_add_vnode(s5fs_t *s5, vnode_t *vn);
/* vn goes away: off the ordered list, and its pages out of the
 * transaction when `pages` (its blocks are being freed). */
void s5_tx_forget_vnode(s5fs_t *s5, vnode_t *vn, bool pages);
void s5_tx_forget_block(s5fs_t *s5, uint32_t b);
/* Whether pages of vn wait in the running transaction (jr.lock only). */
bool s5_tx_holds_vnode(s5fs_t *s5, vnode_t *vn);
/* Whether a journaled page may be written home now. */
bool s5_tx_home_ok(s5fs_t *s5);
/* alloc_mutex held: keeps b off the free list until the commit. */
bool s5_defer_free(s5fs_t *s5, uint32_t b);

/* s5fs_dindex.c: a large directory's in-memory name index (dir locked) */
typedef struct s5_dindex s5_dindex_t;
uint32_t s5_dx_hash(const char *name, size_t len);
/* Whether dir has an index now, building it if the directory is large
 * and the budget has room. */
bool s5_dx_ready(vnode_t *dir);
/* With an index: 0 with name's inode and slot, -ENOENT, or an I/O error. */
int s5_dx_find(vnode_t *dir, const char *name, size_t len, uint32_t *ino, uint32_t *slot);
/* With an index: the first free slot (the directory's slot count if none). */
uint32_t s5_dx_free_slot(vnode_t *dir);
/* After a slot got a name, or lost the name with hash `hash`. */
void s5_dx_added(vnode_t *dir, uint32_t slot, const char *name, size_t len);
void s5_dx_removed(vnode_t *dir, uint32_t slot, uint32_t hash);
/* Frees dir's index (vnode eviction). */
void s5_dx_drop(vnode_t *dir);

/* s5fs_dir.c: directory contents (dir locked) */
int s5_dir_find(vnode_t *dir, const char *name, size_t len, uint32_t *ino, uint32_t *slot);
int s5_dir_add(vnode_t *dir, const char *name, size_t len, uint32_t ino);
int s5_dir_set(vnode_t *dir, uint32_t slot, uint32_t ino);
int s5_dir_remove(vnode_t *dir, uint32_t slot);
int s5_dir_empty(vnode_t *dir);
/* Writes the "." and ".." slots of a new directory. */
int s5_dir_init(vnode_t *dir, uint32_t parent_ino);
