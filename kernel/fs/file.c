/*
 * Open files and per-process descriptor tables.
 *
 * A file_t holds one reference to its vnode and is itself counted: each
 * descriptor slot that points at it holds a reference, and so does every
 * system call working on it (fd_get), so closing a descriptor while
 * another thread reads through it only ends the file once that read is
 * over.  The last fput calls the vnode's release op (pipes count their
 * ends; block devices their writers) and drops the vnode.
 *
 * Locks: fdtable.fd_lock protects the table's slots and close-on-exec
 * bits (files are released only after it is dropped); file_ref_lock
 * protects every file's f_refcount and the file count.  Order: fd_lock ->
 * file_ref_lock.
 */
#include "fs/file.h"
#include "fs/epoll.h"
#include "fs/vfs.h"
#include "mm/kmalloc.h"
#include "mm/slab.h"
#include "util/debug.h"
#include "util/errno.h"
#include "util/string.h"

/* Flags that act at open time only and are not kept in f_flags. */
#define FILE_OPEN_ONLY_FLAGS (O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC)

static slab_cache_t *file_cache;
static spinlock_t file_ref_lock = SPINLOCK_INIT("open-file reference counts");
static size_t nfiles;

void file_init(void)
{
	file_cache = slab_cache_create("file", sizeof(file_t), 0, 0);
	KASSERT(file_cache, "no memory for the open-file cache");
}

file_t *file_open_vnode(vnode_t *vn, uint32_t oflags, int *err)
{
	file_t *f = slab_alloc(file_cache);
	if (!f) {
		vput(vn);
		*err = -ENOMEM;
		return NULL;
	}
	memset(f, 0, sizeof(*f));
	f->f_vnode = vn;
	f->f_flags = oflags & ~FILE_OPEN_ONLY_FLAGS;
	uint32_t acc = oflags & O_ACCMODE;
	f->f_mode = (acc == O_RDONLY || acc == O_RDWR ? FMODE_READ : 0) |
		    (acc == O_WRONLY || acc == O_RDWR ? FMODE_WRITE : 0);
	f->f_refcount = 1;
	kmutex_init(&f->f_pos_mutex, "file offset");
	list_init(&f->f_ep_links);
	int rc = 0;
	if (fifo_is_named(vn))
		rc = fifo_open(vn, oflags);
	else if (S_ISCHR(vn->vn_mode) || S_ISBLK(vn->vn_mode))
		rc = special_open(vn, oflags);
	else if (vn->vn_ops->open)
		rc = vn->vn_ops->open(vn, oflags);
	if (rc < 0) {
		slab_free(file_cache, f);
		vput(vn);
		*err = rc;
		return NULL;
	}
	spin_lock(&file_ref_lock);
	nfiles++;
	spin_unlock(&file_ref_lock);
	return f;
}

void fref(file_t *f)
{
	spin_lock(&file_ref_lock);
	KASSERT(f->f_refcount > 0, "fref of a released file %p", f);
	f->f_refcount++;
	spin_unlock(&file_ref_lock);
}

void fput(file_t *f)
{
	spin_lock(&file_ref_lock);
	KASSERT(f->f_refcount > 0, "file %p released twice", f);
	bool last = --f->f_refcount == 0;
	if (last)
		nfiles--;
	spin_unlock(&file_ref_lock);
	if (!last)
		return;
	/* No new epoll item can come now (adding one takes a reference). */
	if (!list_empty(&f->f_ep_links))
		epoll_file_closed(f);
	vnode_t *vn = f->f_vnode;
	if (fifo_is_named(vn))
		fifo_release(vn, f->f_flags);
	else if (S_ISCHR(vn->vn_mode) || S_ISBLK(vn->vn_mode))
		special_release(vn, f->f_mode);
	else if (vn->vn_ops->release)
		vn->vn_ops->release(vn, f->f_flags);
	kfree(f->f_path);
	slab_free(file_cache, f);
	vput(vn);
}

size_t file_count(void)
{
	return nfiles;
}

static bool fd_valid(int fd)
{
	return fd >= 0 && fd < VFS_NFILES;
}

static bool cloexec_test(fdtable_t *fdt, int fd)
{
	return fdt->fd_cloexec[fd / FD_WORD_BITS] & (1u << (fd % FD_WORD_BITS));
}

static void cloexec_set(fdtable_t *fdt, int fd, bool on)
{
	uint32_t bit = 1u << (fd % FD_WORD_BITS);
	if (on)
		fdt->fd_cloexec[fd / FD_WORD_BITS] |= bit;
	else
		fdt->fd_cloexec[fd / FD_WORD_BITS] &= ~bit;
}

fdtable_t *fdtable_create(void)
{
	fdtable_t *fdt = kzalloc(sizeof(*fdt));
	if (fdt)
		spinlock_init(&fdt->fd_lock, "descriptor table slots");
	return fdt;
}

fdtable_t *fdtable_copy(fdtable_t *src)
{
	fdtable_t *fdt = fdtable_create();
	if (!fdt)
		return NULL;
	spin_lock(&src->fd_lock);
	for (int fd = 0; fd < VFS_NFILES; fd++) {
		file_t *f = src->fd_files[fd];
		if (!f)
			continue;
		fref(f);
		fdt->fd_files[fd] = f;
	}
	memcpy(fdt->fd_cloexec, src->fd_cloexec, sizeof(fdt->fd_cloexec));
	spin_unlock(&src->fd_lock);
	return fdt;
}

/* Closes every slot (close_all) or the close-on-exec ones. */
static void close_slots(fdtable_t *fdt, bool close_all)
{
	for (int fd = 0; fd < VFS_NFILES; fd++) {
		spin_lock(&fdt->fd_lock);
		file_t *f = fdt->fd_files[fd];
		if (f && (close_all || cloexec_test(fdt, fd))) {
			fdt->fd_files[fd] = NULL;
			cloexec_set(fdt, fd, false);
		} else {
			f = NULL;
		}
		spin_unlock(&fdt->fd_lock);
		if (f)
			fput(f);
	}
}

void fdtable_destroy(fdtable_t *fdt)
{
	close_slots(fdt, true);
	kfree(fdt);
}

void fdtable_close_on_exec(fdtable_t *fdt)
{
	close_slots(fdt, false);
}

file_t *fd_get(fdtable_t *fdt, int fd)
{
	if (!fdt || !fd_valid(fd))
		return NULL;
	spin_lock(&fdt->fd_lock);
	file_t *f = fdt->fd_files[fd];
	if (f)
		fref(f);
	spin_unlock(&fdt->fd_lock);
	return f;
}

int fd_install(fdtable_t *fdt, file_t *f, int min, bool cloexec)
{
	if (min < 0 || min >= VFS_NFILES)
		return -EINVAL;
	spin_lock(&fdt->fd_lock);
	for (int fd = min; fd < VFS_NFILES; fd++) {
		if (!fdt->fd_files[fd]) {
			fdt->fd_files[fd] = f;
			cloexec_set(fdt, fd, cloexec);
			spin_unlock(&fdt->fd_lock);
			return fd;
		}
	}
	spin_unlock(&fdt->fd_lock);
	return -EMFILE;
}

int fd_install_at(fdtable_t *fdt, int fd, file_t *f, bool cloexec)
{
	if (!fd_valid(fd))
		return -EBADF;
	spin_lock(&fdt->fd_lock);
	file_t *old = fdt->fd_files[fd];
	fdt->fd_files[fd] = f;
	cloexec_set(fdt, fd, cloexec);
	spin_unlock(&fdt->fd_lock);
	if (old)
		fput(old);
	return fd;
}

file_t *fd_remove(fdtable_t *fdt, int fd)
{
	if (!fdt || !fd_valid(fd))
		return NULL;
	spin_lock(&fdt->fd_lock);
	file_t *f = fdt->fd_files[fd];
	fdt->fd_files[fd] = NULL;
	cloexec_set(fdt, fd, false);
	spin_unlock(&fdt->fd_lock);
	return f;
}

int fd_get_cloexec(fdtable_t *fdt, int fd)
{
	if (!fd_valid(fd))
		return -EBADF;
	spin_lock(&fdt->fd_lock);
	int rc = !fdt->fd_files[fd] ? -EBADF : cloexec_test(fdt, fd) ? 1 : 0;
	spin_unlock(&fdt->fd_lock);
	return rc;
}

int fd_set_cloexec(fdtable_t *fdt, int fd, bool on)
{
	if (!fd_valid(fd))
		return -EBADF;
	spin_lock(&fdt->fd_lock);
	int rc = -EBADF;
	if (fdt->fd_files[fd]) {
		cloexec_set(fdt, fd, on);
		rc = 0;
	}
	spin_unlock(&fdt->fd_lock);
	return rc;
}
