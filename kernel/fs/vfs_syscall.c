/*
 * The descriptor system calls: open, close, read, write, lseek, dup,
 * fcntl, fstat, getdents, ftruncate, fsync, fchdir, pipe.  Each works on
 * curproc's descriptor table, takes kernel pointers, and returns what
 * Linux returns (fs/vfs_syscall.h).
 *
 * Every call holds a reference on the open file it uses (fd_get), so a
 * concurrent close cannot free it underneath.  Reads, writes, seeks and
 * getdents on regular files and directories hold the file's f_pos_mutex,
 * so each moves the shared offset atomically (pipes and devices, which
 * may block for a long time, do not take it).
 *
 * Permissions (fs/perm.h) are checked when a file is opened (read and
 * write by the open mode, O_TRUNC writes; a new file needs write and
 * search on its directory), not on each read or write; a write or
 * truncate by an unprivileged caller drops set-user-id bits.
 */
#include "fs/vfs_syscall.h"
#include "fs/file.h"
#include "fs/namev.h"
#include "fs/perm.h"
#include "fs/pipe.h"
#include "fs/vfs.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "proc/proc.h"
#include "util/errno.h"
#include "util/string.h"

#define MAX_RW_COUNT 0x7FFFF000u	/* Linux's cap on one read or write */
#define OPEN_PERMS_MASK S_IALLUGO

static fdtable_t *cur_fdt(void)
{
	return curproc->files;
}

static bool uses_pos_mutex(const vnode_t *vn)
{
	return S_ISREG(vn->vn_mode) || S_ISDIR(vn->vn_mode);
}

int vfs_dirfd_vnode(int dirfd, vnode_t **out)
{
	*out = NULL;
	if (dirfd == AT_FDCWD)
		return 0;
	file_t *f = fd_get(cur_fdt(), dirfd);
	if (!f)
		return -EBADF;
	int rc = 0;
	if (S_ISDIR(f->f_vnode->vn_mode)) {
		vref(f->f_vnode);
		*out = f->f_vnode;
	} else {
		rc = -ENOTDIR;
	}
	fput(f);
	return rc;
}

/* ---- open ------------------------------------------------------------ */

/* Checks an existing file against the open flags (Linux's order). */
static int open_check_existing(vnode_t *vn, uint32_t flags)
{
	uint32_t acc = flags & O_ACCMODE;
	if ((flags & O_CREAT) && (flags & O_EXCL))
		return -EEXIST;
	if (S_ISLNK(vn->vn_mode))
		return -ELOOP;		/* O_NOFOLLOW */
	if (S_ISDIR(vn->vn_mode) && ((flags & O_CREAT) || acc != O_RDONLY || (flags & O_TRUNC)))
		return -EISDIR;
	if ((flags & O_DIRECTORY) && !S_ISDIR(vn->vn_mode))
		return -ENOTDIR;
	return perm_check(vn, perm_open_mask(flags));
}

/* Creates the regular file nd names (its last component was missing). */
static int open_create(nameidata_t *nd, mode_t mode, vnode_t **out)
{
	if (nd->last_type != NAMEV_LAST_NORM || nd->trailing_slash)
		return -EISDIR;
	vnode_t *dir = nd->dir;
	if (!dir->vn_ops->mknod)
		return -EPERM;
	kmutex_lock(&dir->vn_mutex);
	int rc = perm_may_create(dir, nd->last, nd->last_len);
	if (rc == 0)
		rc = dir->vn_ops->mknod(dir, nd->last, nd->last_len,
					S_IFREG | (mode & OPEN_PERMS_MASK), NODEV, out);
	kmutex_unlock(&dir->vn_mutex);
	return rc;
}

/* Resolves and, if asked, creates the file an open names. */
static int open_resolve(int dirfd, const char *path, uint32_t flags, mode_t mode,
			vnode_t **out, bool *created)
{
	vnode_t *base = NULL;
	int rc = path[0] == '/' ? 0 : vfs_dirfd_vnode(dirfd, &base);
	if (rc < 0)
		return rc;
	nameidata_t nd;
	bool follow = !(flags & O_NOFOLLOW) && !((flags & O_CREAT) && (flags & O_EXCL));
	rc = namev_start(&nd, base, path);
	if (rc == 0)
		rc = namev_walk_parent(&nd);
	if (rc == 0)
		rc = namev_final(&nd, follow ? NAMEV_FOLLOW : 0, out);
	*created = false;
	if (rc == -ENOENT && (flags & O_CREAT) && nd.last_missing) {
		rc = open_create(&nd, mode, out);
		*created = rc == 0;
	}
	namev_end(&nd);
	if (base)
		vput(base);
	return rc;
}

int do_openat(int dirfd, const char *path, uint32_t flags, mode_t mode)
{
	if ((flags & O_ACCMODE) == O_ACCMODE || (flags & O_TMPFILE) == O_TMPFILE)
		return -EINVAL;
	if ((flags & O_CREAT) && (flags & O_DIRECTORY))
		return -EINVAL;
	vnode_t *vn;
	bool created;
	int rc = open_resolve(dirfd, path, flags, mode, &vn, &created);
	if (rc < 0)
		return rc;
	if (!created && (rc = open_check_existing(vn, flags)) < 0) {
		vput(vn);
		return rc;
	}
	if ((flags & O_TRUNC) && !created && S_ISREG(vn->vn_mode) && vn->vn_ops->truncate &&
	    (rc = vn->vn_ops->truncate(vn, 0)) < 0) {
		vput(vn);
		return rc;
	}
	file_t *f = file_open_vnode(vn, flags, &rc);
	if (!f)
		return rc;
	vnode_t *base = NULL;
	if (path[0] != '/' && vfs_dirfd_vnode(dirfd, &base) < 0)
		base = NULL;
	f->f_path = namev_abs_name(base, path);
	if (base)
		vput(base);
	int fd = fd_install(cur_fdt(), f, 0, flags & O_CLOEXEC);
	if (fd < 0)
		fput(f);
	return fd;
}

int do_open(const char *path, uint32_t flags, mode_t mode)
{
	return do_openat(AT_FDCWD, path, flags, mode);
}

int do_close(int fd)
{
	file_t *f = fd_remove(cur_fdt(), fd);
	if (!f)
		return -EBADF;
	fput(f);
	return 0;
}

/* ---- read, write, seek ------------------------------------------------ */

/* Reads or writes through f at *pos (the file's own offset when pos is
 * NULL, which is then moved). */
static ssize_t file_rw(file_t *f, void *buf, size_t n, off64_t *pos, bool write)
{
	vnode_t *vn = f->f_vnode;
	if (!(f->f_mode & (write ? FMODE_WRITE : FMODE_READ)))
		return -EBADF;
	if (S_ISDIR(vn->vn_mode))
		return -EISDIR;
	n = MIN(n, (size_t)MAX_RW_COUNT);
	if (write)
		perm_kill_suid(vn);
	bool lock = !pos && uses_pos_mutex(vn);
	if (lock)
		kmutex_lock(&f->f_pos_mutex);
	off64_t at = pos ? *pos : f->f_pos;
	ssize_t r = write ? vnode_write(vn, &at, buf, n, f->f_flags)
			  : vnode_read(vn, &at, buf, n, f->f_flags);
	if (!pos)
		f->f_pos = at;
	if (lock)
		kmutex_unlock(&f->f_pos_mutex);
	return r;
}

ssize_t do_read(int fd, void *buf, size_t n)
{
	file_t *f = fd_get(cur_fdt(), fd);
	if (!f)
		return -EBADF;
	ssize_t r = file_rw(f, buf, n, NULL, false);
	fput(f);
	return r;
}

ssize_t do_write(int fd, const void *buf, size_t n)
{
	file_t *f = fd_get(cur_fdt(), fd);
	if (!f)
		return -EBADF;
	ssize_t r = file_rw(f, (void *)buf, n, NULL, true);
	fput(f);
	return r;
}

static ssize_t positional_rw(int fd, void *buf, size_t n, off64_t pos, bool write)
{
	if (pos < 0)
		return -EINVAL;
	file_t *f = fd_get(cur_fdt(), fd);
	if (!f)
		return -EBADF;
	ssize_t r = S_ISFIFO(f->f_vnode->vn_mode) || S_ISSOCK(f->f_vnode->vn_mode) ? -ESPIPE : file_rw(f, buf, n, &pos, write);
	fput(f);
	return r;
}

ssize_t do_pread(int fd, void *buf, size_t n, off64_t pos)
{
	return positional_rw(fd, buf, n, pos, false);
}

ssize_t do_pwrite(int fd, const void *buf, size_t n, off64_t pos)
{
	return positional_rw(fd, (void *)buf, n, pos, true);
}

/* sendfile's copy: from in at *at (advanced) to out, through buf, until
 * count bytes, end of file or a short write.  The count, or an error if
 * nothing moved. */
static ssize_t send_loop(file_t *in, file_t *out, off64_t *at, size_t count, void *buf)
{
	size_t done = 0;
	ssize_t err = 0;
	while (done < count) {
		size_t want = MIN(count - done, (size_t)PAGE_SIZE);
		off64_t from = *at;	/* file_rw reads at a position, moving only its copy */
		ssize_t r = file_rw(in, buf, want, &from, false);
		if (r <= 0) {
			err = r;
			break;
		}
		ssize_t w = file_rw(out, buf, (size_t)r, NULL, true);
		if (w < 0) {
			err = w;
			break;
		}
		done += (size_t)w;
		*at += w;
		if (w < r)
			break;
	}
	return done ? (ssize_t)done : err;
}

ssize_t do_sendfile(int out_fd, int in_fd, off64_t *pos, size_t count, off64_t max)
{
	file_t *in = fd_get(cur_fdt(), in_fd), *out = NULL;
	void *buf = NULL;
	ssize_t rc = -EBADF;
	if (!in || !(in->f_mode & FMODE_READ))
		goto out_put;
	rc = -ESPIPE;
	if (pos && S_ISFIFO(in->f_vnode->vn_mode))
		goto out_put;
	rc = -EBADF;
	out = fd_get(cur_fdt(), out_fd);
	if (!out || !(out->f_mode & FMODE_WRITE))
		goto out_put;
	rc = -EINVAL;
	if ((out->f_flags & O_APPEND) && !S_ISFIFO(out->f_vnode->vn_mode))
		goto out_put;	/* Linux splices only to a pipe's or a file's offset */
	rc = -ENOMEM;
	if (!(buf = kmalloc(PAGE_SIZE)))
		goto out_put;
	bool lock = !pos && uses_pos_mutex(in->f_vnode);
	if (lock)
		kmutex_lock(&in->f_pos_mutex);
	off64_t at = pos ? *pos : in->f_pos;
	count = MIN(count, (size_t)MAX_RW_COUNT);
	if (at < 0)
		rc = -EINVAL;
	else if (count && at >= max)
		rc = -EOVERFLOW;
	else
		rc = send_loop(in, out, &at, (size_t)MIN((off64_t)count, max - at), buf);
	if (pos)
		*pos = at;
	else
		in->f_pos = at;
	if (lock)
		kmutex_unlock(&in->f_pos_mutex);
out_put:
	kfree(buf);
	if (out)
		fput(out);
	if (in)
		fput(in);
	return rc;
}

off64_t do_lseek(int fd, off64_t offset, int whence)
{
	file_t *f = fd_get(cur_fdt(), fd);
	if (!f)
		return -EBADF;
	vnode_t *vn = f->f_vnode;
	off64_t rc;
	if (S_ISFIFO(vn->vn_mode) || S_ISSOCK(vn->vn_mode)) {
		fput(f);
		return -ESPIPE;
	}
	kmutex_lock(&f->f_pos_mutex);
	off64_t base;
	struct stat64 st;
	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = f->f_pos;
		break;
	case SEEK_END:
		rc = vnode_stat(vn, &st);
		base = rc < 0 ? 0 : st.st_size;
		break;
	default:
		rc = -EINVAL;
		goto out;
	}
	if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0) {
		rc = -EINVAL;
		goto out;
	}
	f->f_pos = base + offset;
	rc = f->f_pos;
out:
	kmutex_unlock(&f->f_pos_mutex);
	fput(f);
	return rc;
}

/* ---- descriptors -------------------------------------------------------- */

int do_dup(int fd)
{
	file_t *f = fd_get(cur_fdt(), fd);
	if (!f)
		return -EBADF;
	int nfd = fd_install(cur_fdt(), f, 0, false);
	if (nfd < 0)
		fput(f);
	return nfd;
}

int do_dup3(int oldfd, int newfd, uint32_t flags)
{
	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	if (newfd < 0 || newfd >= VFS_NFILES)
		return -EBADF;
	file_t *f = fd_get(cur_fdt(), oldfd);
	if (!f)
		return -EBADF;
	return fd_install_at(cur_fdt(), newfd, f, flags & O_CLOEXEC);
}

int do_dup2(int oldfd, int newfd)
{
	if (oldfd == newfd) {
		file_t *f = fd_get(cur_fdt(), oldfd);
		if (!f)
			return -EBADF;
		fput(f);
		return newfd;
	}
	return do_dup3(oldfd, newfd, 0);
}

int do_fcntl(int fd, int cmd, uint32_t arg)
{
	fdtable_t *fdt = cur_fdt();
	file_t *f = fd_get(fdt, fd);
	if (!f)
		return -EBADF;
	int rc;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg >= VFS_NFILES) {
			rc = -EINVAL;
			break;
		}
		rc = fd_install(fdt, f, (int)arg, cmd == F_DUPFD_CLOEXEC);
		if (rc >= 0)
			return rc;	/* the table took our reference */
		break;
	case F_GETFD:
		rc = fd_get_cloexec(fdt, fd);
		break;
	case F_SETFD:
		rc = fd_set_cloexec(fdt, fd, arg & FD_CLOEXEC);
		break;
	case F_GETFL:
		rc = (int)f->f_flags;
		break;
	case F_SETFL:
		f->f_flags = (f->f_flags & ~FILE_SETFL_MASK) | (arg & FILE_SETFL_MASK);
		rc = 0;
		break;
	default:
		rc = -EINVAL;
	}
	fput(f);
	return rc;
}

int do_fstat(int fd, struct stat64 *st)
{
	file_t *f = fd_get(cur_fdt(), fd);
	if (!f)
		return -EBADF;
	int rc = vnode_stat(f->f_vnode, st);
	fput(f);
	return rc;
}

/* ---- directories -------------------------------------------------------- */

/* Appends one linux_dirent64 record; false if it does not fit. */
static bool put_dirent(uint8_t *buf, size_t n, size_t *used, const vfs_dirent_t *de,
		       off64_t next)
{
	size_t namelen = strlen(de->d_name);
	size_t reclen = ALIGN_UP(DIRENT64_NAME_OFFSET + namelen + 1, (size_t)DIRENT64_ALIGN);
	if (*used + reclen > n)
		return false;
	struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + *used);
	d->d_ino = de->d_ino;
	d->d_off = next;
	d->d_reclen = (uint16_t)reclen;
	d->d_type = de->d_type;
	memcpy(d->d_name, de->d_name, namelen);
	memset(d->d_name + namelen, 0, reclen - DIRENT64_NAME_OFFSET - namelen);
	*used += reclen;
	return true;
}

int do_getdents(int fd, void *buf, size_t n)
{
	file_t *f = fd_get(cur_fdt(), fd);
	if (!f)
		return -EBADF;
	vnode_t *vn = f->f_vnode;
	if (!S_ISDIR(vn->vn_mode) || !vn->vn_ops->readdir) {
		fput(f);
		return -ENOTDIR;
	}
	vfs_dirent_t de;
	size_t used = 0;
	int rc = 0;
	kmutex_lock(&f->f_pos_mutex);
	for (;;) {
		off64_t pos = f->f_pos;
		rc = vn->vn_ops->readdir(vn, &pos, &de);
		if (rc <= 0)
			break;
		if (!put_dirent(buf, n, &used, &de, pos)) {
			rc = used ? 0 : -EINVAL;	/* buffer too small for one */
			break;
		}
		f->f_pos = pos;
	}
	kmutex_unlock(&f->f_pos_mutex);
	fput(f);
	return rc < 0 ? rc : (int)used;
}

int do_fchdir(int fd)
{
	file_t *f = fd_get(cur_fdt(), fd);
	if (!f)
		return -EBADF;
	vnode_t *vn = f->f_vnode;
	int rc = S_ISDIR(vn->vn_mode) ? perm_check(vn, MAY_EXEC) : -ENOTDIR;
	if (rc == 0) {
		vref(vn);
		vfs_set_cwd(curproc, vn);
	}
	fput(f);
	return rc;
}

/* ---- size and durability ---------------------------------------------- */

int do_ftruncate(int fd, off64_t len)
{
	if (len < 0)
		return -EINVAL;
	file_t *f = fd_get(cur_fdt(), fd);
	if (!f)
		return -EBADF;
	vnode_t *vn = f->f_vnode;
	int rc = -EINVAL;
	if (S_ISREG(vn->vn_mode) && (f->f_mode & FMODE_WRITE) && vn->vn_ops->truncate) {
		perm_kill_suid(vn);
		rc = vn->vn_ops->truncate(vn, len);
	}
	fput(f);
	return rc;
}

int do_fsync(int fd)
{
	file_t *f = fd_get(cur_fdt(), fd);
	if (!f)
		return -EBADF;
	vnode_t *vn = f->f_vnode;
	int rc = vn->vn_ops->fsync ? vn->vn_ops->fsync(vn) : -EINVAL;
	fput(f);
	return rc;
}

/* ---- pipes ------------------------------------------------------------ */

int do_pipe2(int fds[2], uint32_t flags)
{
	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	vnode_t *vn;
	int rc = pipe_create(&vn);
	if (rc < 0)
		return rc;
	vref(vn);		/* one reference per end */
	uint32_t status = flags & (O_NONBLOCK | O_DIRECT);
	file_t *rd = file_open_vnode(vn, O_RDONLY | status, &rc);
	if (!rd) {
		vput(vn);
		return rc;
	}
	file_t *wr = file_open_vnode(vn, O_WRONLY | status, &rc);
	if (!wr) {
		fput(rd);
		return rc;
	}
	bool cloexec = flags & O_CLOEXEC;
	int rfd = fd_install(cur_fdt(), rd, 0, cloexec);
	int wfd = rfd < 0 ? rfd : fd_install(cur_fdt(), wr, 0, cloexec);
	if (wfd < 0) {
		if (rfd >= 0)
			fd_remove(cur_fdt(), rfd);
		fput(rd);
		fput(wr);
		return wfd;
	}
	fds[0] = rfd;
	fds[1] = wfd;
	return 0;
}

int do_pipe(int fds[2])
{
	return do_pipe2(fds, 0);
}
