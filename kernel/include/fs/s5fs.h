/* S5FS in the kernel (kernel/fs/s5fs/): the System V style file system
 * whose on-disk format is fs/s5fs_disk.h (doc/fs.md), on a block device.
 *
 * A mounted S5FS caches the disk's blocks as pages of one memory object
 * (the device object: superblock, inode table, indirect blocks, free-list
 * nodes) and each file's blocks as pages of its vnode's object; both go
 * through the page cache (mm/pframe.h) and are written back by it.  A
 * superblock that is not an S5FS, or whose geometry is inconsistent, is
 * refused at mount with a message; corruption found later makes the
 * operation fail with -EUCLEAN (never a panic). */
#pragma once
#include "fs/vfs.h"

#define S5FS_ROOT_DEVICE "hda"	/* the primary disk holds the root */

struct blockdev;
/* Mounts the S5FS on block device bd (claimed by the VFS): 0, -EINVAL
 * (not an S5FS or a corrupt superblock, with a message), -EIO. */
int s5fs_mount(struct blockdev *bd, fs_t **out);

/* The journal of a mounted S5FS (tests, statistics). */
typedef struct s5_journal_stats {
	uint32_t blocks, capacity;	/* 0 blocks: no journal */
	uint32_t seq;			/* next transaction */
	uint32_t pending;		/* blocks in the running transaction */
	uint64_t commits, logged, replays;
} s5_journal_stats_t;
void s5_journal_stats(fs_t *fs, s5_journal_stats_t *st);
/* Commits the running transaction (tests; fsync and sync do it). */
int s5fs_commit(fs_t *fs);

/* The directory indexes of every S5FS (s5fs_dindex.c; tests, statistics). */
typedef struct s5_dx_stats {
	uint32_t entries, budget;	/* names indexed now, and the limit */
	uint64_t builds, drops, refused;
} s5_dx_stats_t;
void s5_dx_get_stats(s5_dx_stats_t *st);
/* Sets the limit on indexed names (tests: memory pressure); 0 restores
 * the default (a 32nd of memory). */
void s5_dx_set_budget(uint32_t entries);
