/* The virtual file system (kernel/fs/vfs.c): file-system types, mounted
 * file systems, the mount table, the root, syncing, and the boot wiring.
 *
 * A file-system type (ramfs, s5fs) registers a mount function that builds
 * an fs_t for a block device (or none) and reads its root vnode; the
 * file system owns its device while mounted (blockdev_claim), so a device
 * is mounted once at most and is not open for writing meanwhile.  Mounting on a
 * directory sets that vnode's vn_mounted; path resolution then crosses
 * into the mounted root, and ".." at a mounted root climbs to the
 * directory it covers.  The mount table is a list of fs_t under
 * mount_lock (a spinlock: vn_mounted, fs_covered links, the list), and
 * mount and unmount are serialised by a sleeping mutex.
 *
 * Boot (vfs_init_root): the root is S5FS on the primary disk (hda), or on
 * the device the command line names (root=ram0 for an ISO's RAM disk), if
 * it holds one, else a ramfs (the kernel says which); /dev is a ramfs with a
 * node for every registered character and block device; /dev/shm is
 * another ramfs; /proc is the proc file system.  A periodic flusher
 * thread writes dirty pages back. */
#pragma once
#include "util/types.h"
#include "util/list.h"
#include "util/spinlock.h"
#include "fs/vnode.h"

#define FS_TYPE_NAME_MAX 16
#define FS_VNODE_HASH_SIZE 256u	/* vnode-cache buckets per file system */
#define VFS_FLUSH_INTERVAL_MS 5000	/* the flusher's period */

struct fs;
struct blockdev;

/* What statfs reports (the basis of Linux's struct statfs64). */
typedef struct vfs_statfs {
	uint32_t f_bsize;		/* block size */
	uint64_t f_blocks, f_bfree;	/* blocks in all, free */
	uint64_t f_files, f_ffree;	/* inodes in all, free */
	uint32_t f_namelen;		/* longest name */
} vfs_statfs_t;

typedef struct fs_ops {
	/* Fills in vn (mode, rdev, ops, vn_i) from inode vn->vn_ino. */
	int (*read_vnode)(struct fs *fs, vnode_t *vn);
	/* Whether an unreferenced vnode stays cached (NULL: never).  Called
	 * with fs_vnode_lock held: must not sleep. */
	bool (*keep_vnode)(struct fs *fs, vnode_t *vn);
	/* Whether a cached, unreferenced vnode must stay in memory for now
	 * (NULL: never): S5FS holds a directory whose pages wait in the
	 * running journal transaction, as a vnode read in anew would read
	 * their blocks from the disk before the commit writes them.  Called
	 * with fs_vnode_lock held: must not sleep. */
	bool (*vnode_busy)(struct fs *fs, vnode_t *vn);
	/* The vnode is being destroyed: write it back (or free the inode if
	 * it has no name left), remove its pages, release vn_i. */
	void (*delete_vnode)(struct fs *fs, vnode_t *vn);
	/* Writes every dirty page and structure of the file system back. */
	int (*sync)(struct fs *fs);
	/* Checks the file system is not busy (-EBUSY) and tears it down,
	 * root vnode included (the VFS has dropped the mount's reference
	 * to it only if this succeeds). */
	int (*unmount)(struct fs *fs);
	/* Fills in the counts (NULL: everything 0, f_namelen NAME_MAX). */
	int (*statfs)(struct fs *fs, vfs_statfs_t *st);
	/* The machine is about to stop: everything is written back; record
	 * a clean state (S5FS: the superblock's). */
	void (*shutdown)(struct fs *fs);
} fs_ops_t;

typedef struct fs {
	char fs_type[FS_TYPE_NAME_MAX];
	char fs_devname[FS_TYPE_NAME_MAX];	/* "hda", or the type for none */
	dev_t fs_dev;			/* st_dev of its files */
	const fs_ops_t *fs_ops;
	struct blockdev *fs_bdev;	/* the device it owns (claimed), or NULL */
	vnode_t *fs_root;		/* referenced while mounted */
	vnode_t *fs_covered;		/* mounted on (referenced); NULL for / */
	spinlock_t fs_vnode_lock;	/* vnode cache and refcounts (fs/vnode.h) */
	list_t fs_vnode_hash[FS_VNODE_HASH_SIZE];
	list_t fs_unused;		/* unreferenced cached vnodes, LRU first */
	size_t fs_nunused, fs_nvnodes;
	kmutex_t fs_rename_mutex;	/* one rename at a time per file system */
	list_t fs_mount_link;		/* on the mount table, under mount_lock */
	void *fs_i;			/* the file system's */
	uint32_t fs_flags;		/* FS_NOSUID; set at mount */
} fs_t;

#define FS_NOSUID 0x2u		/* exec ignores set-user-id and set-group-id bits */

/* A file-system type: mount builds the fs (its root vnode set) on bd,
 * which the VFS has claimed for it (NULL for a type without a device). */
typedef struct fs_type {
	const char *name;
	int (*mount)(struct blockdev *bd, fs_t **out);
	bool needs_device;	/* mount's source is a block device file */
} fs_type_t;

/* Prepares an fs_t (cache, locks) for a file system's mount function. */
void fs_init_common(fs_t *fs, const char *type, const char *devname, dev_t dev,
		    const fs_ops_t *ops);

/* A device number for a file system without a device (major 0, as
 * Linux's anonymous devices). */
dev_t vfs_anon_dev(void);

void vfs_init(void);
/* Mounts the root, /dev, /dev/shm and /proc, and starts the flusher.  Callable
 * from the boot thread (which cannot sleep: the work then runs in a
 * helper thread while the caller idles). */
void vfs_init_root(const char *device);
/* Replace p's working directory (taking the caller's reference to vn)
 * or descriptor table, under proc_lock so /proc can read them. */
struct proc;
struct fdtable;
void vfs_set_cwd(struct proc *p, vnode_t *vn);
void vfs_set_files(struct proc *p, struct fdtable *files);
/* The root directory (referenced). */
vnode_t *vfs_root_vnode(void);
const char *vfs_root_type(void);

/* Mounts a new `type` file system on the directory at path, from the
 * block device file at source if the type needs a device (source is
 * ignored otherwise, as Linux's ramfs does): -ENODEV (no such type),
 * path's lookup errors or -ENOTDIR, source's lookup errors (-EINVAL if
 * NULL), -ENOTBLK (source is not a block device), -ENXIO (no driver for
 * it), -EBUSY (a mount is at path already, path is a root, or the device
 * is mounted or open for writing), or the type's error (S5FS: -EINVAL for
 * a bad superblock, with a message). */
int vfs_mount(const char *type, const char *source, const char *path);
/* The same with mount flags: FS_NOSUID (Linux's MS_NOSUID, the same bit). */
int vfs_mount_flags(const char *type, const char *source, const char *path, uint32_t flags);
/* Unmounts the file system mounted at path, giving its device back:
 * -EINVAL (not a mount point), -EBUSY (files in use or mounts inside). */
int vfs_unmount(const char *path);
/* The file system mounted on vn, referenced root, or NULL. */
vnode_t *vfs_mounted_root(vnode_t *vn);

/* Calls fn(fs, arg) on each mounted file system in mount order, the
 * mount table held still (fn may sleep, not mount); the first error. */
int vfs_for_each_mount(int (*fn)(fs_t *fs, void *arg), void *arg);
/* The i-th file-system type, or NULL past the last (/proc/filesystems). */
const fs_type_t *vfs_type_at(size_t i);

/* Prints the mount table (kshell). */
void vfs_print_mounts(void);

/* statfs of the file system holding path (followed). */
int vfs_statfs(const char *path, vfs_statfs_t *st);

/* Writes every mounted file system back. */
int vfs_sync(void);
/* Before power-off: syncs every file system and marks each clean, as an
 * unmount would (the root cannot be unmounted while processes use it).
 * Nothing should write to the file systems afterwards. */
void vfs_shutdown(void);
/* Syncs, destroys unreferenced vnodes and evicts every clean page: the
 * caches hold only what is in use (tests' leak checks). */
void vfs_drop_caches(void);
/* The wall clock in seconds since the epoch, as file times keep it (32
 * bits, unsigned: up to 2106).  The full clock is drivers/clock.h. */
uint32_t vfs_time_now(void);
