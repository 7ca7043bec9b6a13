/* Open files and descriptor tables (kernel/fs/file.c).
 *
 * A file_t is one open(2) of a vnode: access mode, status flags
 * (O_APPEND, O_NONBLOCK), and the offset.  Descriptors are slots of a
 * process's fdtable_t pointing at files; dup and fork make more slots
 * point at the same file, so they share its offset and status flags,
 * while FD_CLOEXEC belongs to the slot.  A file's reference count counts
 * the slots and the system calls in progress on it; the last fput
 * releases it (out of every epoll interest list, the vnode's release op,
 * then vput).
 *
 * Locks: an fdtable's fd_lock (a spinlock) protects its slots and
 * close-on-exec bits; f_refcount is under file_ref_lock; f_pos_mutex
 * serialises reads, writes, seeks and getdents on a regular file or a
 * directory so the offset moves atomically (as Linux's f_pos_lock); the
 * other fields never change after open except f_flags's O_APPEND and
 * O_NONBLOCK (fcntl F_SETFL), read without a lock. */
#pragma once
#include "util/types.h"
#include "util/spinlock.h"
#include "fs/vnode.h"
#include "proc/kmutex.h"

#define VFS_NFILES 256		/* descriptors per process */
#define FD_WORD_BITS 32

/* f_mode */
#define FMODE_READ 0x1u
#define FMODE_WRITE 0x2u

/* The status flags fcntl(F_SETFL) may change (Linux's SETFL_MASK subset). */
#define FILE_SETFL_MASK (O_APPEND | O_NONBLOCK | O_NOATIME | O_DIRECT | O_FASYNC)

typedef struct file {
	vnode_t *f_vnode;
	uint32_t f_flags;	/* open flags, minus O_CREAT/O_EXCL/O_TRUNC/O_CLOEXEC */
	uint32_t f_mode;	/* FMODE_* */
	off64_t f_pos;
	int f_refcount;
	kmutex_t f_pos_mutex;
	char *f_path;		/* the absolute name it was opened by (kmalloc'd,
				 * lexical: fs/namev.h), or NULL; /proc's fd links */
	list_t f_ep_links;	/* epoll items watching it, under epoll_mutex (fs/epoll.c) */
} file_t;

typedef struct fdtable {
	spinlock_t fd_lock;
	file_t *fd_files[VFS_NFILES];
	uint32_t fd_cloexec[VFS_NFILES / FD_WORD_BITS];
} fdtable_t;

void file_init(void);
/* A new open file on vn (the caller's reference to vn passes to it):
 * calls the vnode's open op; NULL and *err on failure (the reference is
 * then dropped). */
file_t *file_open_vnode(vnode_t *vn, uint32_t oflags, int *err);
void fref(file_t *f);
void fput(file_t *f);
/* Open files in existence (leak checks). */
size_t file_count(void);

fdtable_t *fdtable_create(void);
/* A copy for fork: the same files (referenced again), the same
 * close-on-exec bits.  NULL when out of memory. */
fdtable_t *fdtable_copy(fdtable_t *src);
/* Closes every descriptor and frees the table. */
void fdtable_destroy(fdtable_t *fdt);
/* Closes the descriptors marked close-on-exec (exec). */
void fdtable_close_on_exec(fdtable_t *fdt);

/* The file at fd in fdt, referenced, or NULL. */
file_t *fd_get(fdtable_t *fdt, int fd);
/* Puts f (one reference, which the table takes over) in the lowest free
 * slot >= min: the descriptor, or -EMFILE. */
int fd_install(fdtable_t *fdt, file_t *f, int min, bool cloexec);
/* Puts f at fd, closing what was there (dup2): the taken-over reference
 * is f's.  -EBADF for a bad fd. */
int fd_install_at(fdtable_t *fdt, int fd, file_t *f, bool cloexec);
/* Empties slot fd: its file (the table's reference), or NULL. */
file_t *fd_remove(fdtable_t *fdt, int fd);
int fd_get_cloexec(fdtable_t *fdt, int fd);
int fd_set_cloexec(fdtable_t *fdt, int fd, bool on);
