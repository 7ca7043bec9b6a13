/* Vnodes (kernel/fs/vnode.c): the in-memory object for one file of a
 * mounted file system (a regular file, directory, symlink, device node or
 * pipe), shared by everything that uses the file.
 *
 * Reference counts.  vref/vput count the users: open files, working
 * directories, mount points, name lookups in progress, the VM's mappings.
 * The count lives in the embedded memory object (vn_mmobj.mo_refcount:
 * mmobj_ref/mmobj_put on a vnode's object are vref/vput), so the VM layer
 * can hold a file's pages through the generic mmobj interface.  When the
 * count reaches zero a file system may keep the vnode cached, unreferenced
 * (fs_ops.keep_vnode: S5FS keeps files that still have a name, with their
 * pages, up to VNODE_UNUSED_MAX of them per file system, more while
 * fs_ops.vnode_busy holds the oldest); otherwise, or
 * when it is pushed out of that cache, the vnode is destroyed: the file
 * system writes it back or, if it was unlinked, frees its inode and blocks
 * (fs_ops.delete_vnode).
 *
 * The vnode cache is per file system, keyed by inode number: vnode_get
 * returns the one vnode for an inode, reading it in (fs_ops.read_vnode) the
 * first time.  A vnode being read in or destroyed is flagged, and lookups
 * of it wait, so an inode never has two vnodes.
 *
 * Locks.  The file system's fs_vnode_lock (a spinlock) protects its cache
 * (hash chains, unused list), every refcount and vn_flags.  vn_mutex
 * protects the file's contents and metadata: the VFS holds a directory's
 * mutex around lookup and every operation that changes entries (and the
 * mutexes of the children those operations relink); file systems take it
 * themselves in read, write, truncate, readdir and the like.  vn_mounted is
 * under the mount lock (fs/vfs.h).  Order: the fs rename mutex -> directory
 * mutexes (ancestor first, else by address) -> non-directory mutexes ->
 * file-system internal locks -> fs_vnode_lock / page-cache locks. */
#pragma once
#include "util/types.h"
#include "util/list.h"
#include "drivers/dev.h"
#include "fs/stat.h"
#include "mm/mmobj.h"
#include "proc/kmutex.h"

typedef uint32_t ino_t;
typedef uint32_t mode_t;

struct fs;
struct vnode;
struct poll_table;

#define VNODE_UNUSED_MAX 128	/* unreferenced vnodes kept per file system */
#define VNODE_BUSY_TRIES 8	/* busy vnodes vput looks past for one to let go */

/* vn_flags */
#define VN_LOADING 0x1u		/* being read in by read_vnode */
#define VN_FREEING 0x2u		/* being destroyed */

/* What readdir returns for one entry. */
typedef struct vfs_dirent {
	ino_t d_ino;
	uint8_t d_type;			/* DT_* */
	char d_name[NAME_MAX + 1];
} vfs_dirent_t;

/* What setattr changes: the fields whose VA_* bit is in va_mask.  Any
 * change also sets the change time. */
#define VA_MODE 0x1u		/* permission bits (S_IALLUGO) */
#define VA_UID 0x2u
#define VA_GID 0x4u
#define VA_ATIME 0x8u
#define VA_MTIME 0x10u

typedef struct vattr {
	uint32_t va_mask;
	mode_t va_mode;
	uint32_t va_uid, va_gid;
	uint32_t va_atime, va_mtime;	/* seconds */
} vattr_t;

/* A vnode's operations.  Names come with their length and no NUL; the VFS
 * has already rejected empty names, "." and "..", and names longer than
 * NAME_MAX (a file system with a shorter limit returns -ENAMETOOLONG).
 * "dir locked" means the caller holds dir->vn_mutex (and, for link,
 * unlink, rmdir and rename, the mutexes of the vnodes passed in too).
 * Positions are byte offsets; read and write advance *pos. */
typedef struct vnode_ops {
	ssize_t (*read)(struct vnode *vn, off64_t *pos, void *buf, size_t n, uint32_t ioflags);
	ssize_t (*write)(struct vnode *vn, off64_t *pos, const void *buf, size_t n,
			 uint32_t ioflags);
	/* An open file is made/closed on the vnode (pipes count ends). */
	int (*open)(struct vnode *vn, uint32_t oflags);
	void (*release)(struct vnode *vn, uint32_t oflags);
	int (*truncate)(struct vnode *vn, off64_t len);
	int (*stat)(struct vnode *vn, struct stat64 *st);
	/* chmod, chown, utimes (the file system takes vn_mutex). */
	int (*setattr)(struct vnode *vn, const vattr_t *va);
	/* Writes the file's dirty pages and metadata back. */
	int (*fsync)(struct vnode *vn);
	/* Directories (dir locked).  lookup handles "." and "..". */
	int (*lookup)(struct vnode *dir, const char *name, size_t len, struct vnode **out);
	/* Regular files (S_IFREG), device nodes (S_IFCHR/S_IFBLK with rdev)
	 * and FIFOs; *out (if out is not NULL) gets the new vnode. */
	int (*mknod)(struct vnode *dir, const char *name, size_t len, mode_t mode, dev_t rdev,
		     struct vnode **out);
	int (*mkdir)(struct vnode *dir, const char *name, size_t len, mode_t mode);
	int (*rmdir)(struct vnode *dir, const char *name, size_t len, struct vnode *child);
	int (*link)(struct vnode *dir, const char *name, size_t len, struct vnode *target);
	int (*unlink)(struct vnode *dir, const char *name, size_t len, struct vnode *child);
	/* Moves child from olddir/oldname to newdir/newname, replacing
	 * `replaced` (NULL if newname is free) in one step.  The VFS has
	 * checked the POSIX rules (types, subtree, same file, mounts); the
	 * file system refuses a non-empty `replaced` directory (-ENOTEMPTY). */
	int (*rename)(struct vnode *olddir, const char *oldname, size_t oldlen,
		      struct vnode *child, struct vnode *newdir, const char *newname,
		      size_t newlen, struct vnode *replaced);
	int (*symlink)(struct vnode *dir, const char *name, size_t len, const char *target,
		       size_t target_len);
	/* Copies at most n bytes of the target (no NUL); returns the count. */
	ssize_t (*readlink)(struct vnode *vn, char *buf, size_t n);
	/* The entry at *pos, advancing *pos past it: 1, 0 at the end, or an
	 * error.  Positions are opaque cookies, 0 the first entry. */
	int (*readdir)(struct vnode *dir, off64_t *pos, vfs_dirent_t *out);
	/* Regular files on a disk (FIBMAP): the device block that holds file
	 * block lbn, 0 for a hole; *blksize gets the block size. */
	int (*bmap)(struct vnode *vn, uint32_t lbn, uint32_t *pbn, uint32_t *blksize);
	/* poll and select (fs/poll.c): the POLL* events that hold now for a
	 * file opened with fmode (FMODE_*), after poll_wait() on each queue a
	 * change of them is announced on.  Without it a file is always
	 * readable and writable. */
	uint32_t (*poll)(struct vnode *vn, uint32_t fmode, struct poll_table *pt);
} vnode_ops_t;

typedef struct vnode {
	mmobj_t vn_mmobj;		/* its pages; mo_refcount = references */
	struct fs *vn_fs;
	ino_t vn_ino;
	mode_t vn_mode;			/* S_IFMT type and permission bits */
	uint32_t vn_uid, vn_gid;	/* owner (fs/perm.h); with vn_mode set by the
					 * file system, changed under vn_mutex */
	dev_t vn_rdev;			/* device nodes */
	const vnode_ops_t *vn_ops;
	kmutex_t vn_mutex;		/* see above */
	uint32_t vn_flags;		/* VN_*, under fs_vnode_lock */
	struct fs *vn_mounted;		/* file system mounted here, under the mount lock */
	list_t vn_hash_link;		/* in the cache, under fs_vnode_lock */
	list_t vn_unused_link;		/* on fs_unused while unreferenced */
	void *vn_i;			/* the file system's */
	struct vnode *vn_fifo_pipe;	/* named FIFO: its pipe while open (fs/fifo.c) */
	int vn_fifo_opens;		/* named FIFO: open files and openers on it */
} vnode_t;

void vnode_init(void);
/* The vnode of inode ino, referenced: 0, or -ENOMEM or read_vnode's
 * error. */
int vnode_get(struct fs *fs, ino_t ino, vnode_t **out);
/* A new vnode for an inode the caller has just made (ramfs, pipes): in
 * the cache, referenced once, VN_LOADING clear; NULL when out of memory.
 * The caller fills in mode, ops and vn_i. */
vnode_t *vnode_create(struct fs *fs, ino_t ino);
void vref(vnode_t *vn);
void vput(vnode_t *vn);
int vnode_refcount(vnode_t *vn);
/* Destroys fs's unreferenced cached vnodes, but those it calls busy. */
void vnode_flush_unused(struct fs *fs);
/* Vnodes in existence, all file systems (leak checks). */
size_t vnode_count(void);
/* The generic mmobj operations for a vnode's object (ref/put are vref/
 * vput); file systems copy them into their own tables. */
void vnode_mmobj_ref(mmobj_t *o);
void vnode_mmobj_put(mmobj_t *o);
static inline vnode_t *mmobj_to_vnode(mmobj_t *o) { return container_of(o, vnode_t, vn_mmobj); }

/* Data access for any vnode, devices included (vn_special.c handles
 * S_IFCHR and S_IFBLK): what the system calls and the ELF loader use. */
ssize_t vnode_read(vnode_t *vn, off64_t *pos, void *buf, size_t n, uint32_t ioflags);
ssize_t vnode_write(vnode_t *vn, off64_t *pos, const void *buf, size_t n, uint32_t ioflags);
int vnode_stat(vnode_t *vn, struct stat64 *st);

/* Named FIFOs (kernel/fs/fifo.c): a FIFO vnode of a file system (not
 * pipefs) shares one pipe among all its open files. */
bool fifo_is_named(const vnode_t *vn);
int fifo_open(vnode_t *vn, uint32_t oflags);
void fifo_release(vnode_t *vn, uint32_t oflags);
ssize_t fifo_read(vnode_t *vn, void *buf, size_t n, uint32_t ioflags);
ssize_t fifo_write(vnode_t *vn, const void *buf, size_t n, uint32_t ioflags);

/* Device special files (kernel/fs/vn_special.c). */
/* Opening: the device must exist (-ENXIO); a block device opened for
 * writing counts as a writer, -EBUSY while it is mounted. */
int special_open(vnode_t *vn, uint32_t oflags);
/* The last close of a file opened with special_open (fmode: its f_mode). */
void special_release(vnode_t *vn, uint32_t fmode);
ssize_t special_read(vnode_t *vn, off64_t *pos, void *buf, size_t n, uint32_t ioflags);
ssize_t special_write(vnode_t *vn, off64_t *pos, const void *buf, size_t n, uint32_t ioflags);
/* poll: the character device's poll operation; else always ready. */
uint32_t special_poll(vnode_t *vn, uint32_t fmode, struct poll_table *pt);
/* Whether the character device has a poll operation. */
bool special_can_poll(vnode_t *vn);
