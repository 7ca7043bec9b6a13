/*
 * File-system system calls: each copies its arguments in from user space
 * (paths with strncpy_from_user, structures with copy_from_user), calls
 * the VFS's do_* function with kernel pointers, and copies results out.
 *
 * Data moves through a kernel bounce buffer of at most IO_CHUNK bytes per
 * step (on the stack for transfers of up to SMALL_IO bytes, and for reads
 * when no memory is left for a larger one).  A read from a regular file continues until the request is met or
 * a step comes back short; from anything else (a pipe, a tty) it stops
 * after the first step that returns data, so a read never blocks once it
 * has something to return.  Writes go chunk by chunk; a pipe write of up
 * to PIPE_BUF bytes is one chunk, so it stays atomic.
 */
#include "api/syscall_handlers.h"
#include "api/ioctl.h"
#include "api/sys_socket.h"
#include "api/usercopy.h"
#include "fs/file.h"
#include "fs/stat.h"
#include "fs/vfs.h"
#include "fs/vfs_syscall.h"
#include "mm/kmalloc.h"
#include "net/abi.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/signal.h"
#include "util/errno.h"

#define IO_CHUNK 65536u
#define SMALL_IO 256u	/* transfers this small use a stack buffer */
#define IOV_MAX 1024
#define PATH_BUF PATH_MAX
#define TYPE_NAME_MAX 32

/* A path copied in from user space. */
typedef struct kpath {
	char *s;
} kpath_t;

static int path_in(kpath_t *p, uint32_t user)
{
	p->s = kmalloc(PATH_BUF);
	if (!p->s)
		return -ENOMEM;
	int n = strncpy_from_user(p->s, (const char *)user, PATH_BUF);
	if (n < 0) {
		kfree(p->s);
		return n;
	}
	return 0;
}

static void path_free(kpath_t *p)
{
	kfree(p->s);
}

static bool is_regular_fd(int fd)
{
	file_t *f = fd_get(curproc->files, fd);
	if (!f)
		return false;
	bool reg = S_ISREG(f->f_vnode->vn_mode);
	fput(f);
	return reg;
}

typedef ssize_t (*xfer_fn)(int fd, void *kbuf, size_t n, off64_t pos);

/* The kernel side of a transfer: small ones use the caller's stack, larger
 * ones a kmalloc'd buffer of up to IO_CHUNK bytes. */
typedef struct bounce {
	uint8_t *buf;
	size_t size;
	uint8_t small[SMALL_IO];
} bounce_t;

/* A read short of memory moves SMALL_IO bytes per step instead of
 * failing (Linux's reads never fail for want of a buffer; runall, reading
 * its tests' output while t_eatmem held every frame, took ENOMEM for the
 * end of the output).  A write keeps -ENOMEM: smaller steps would break
 * the atomicity of pipe writes of up to PIPE_BUF bytes. */
static int bounce_get(bounce_t *b, size_t n, bool may_shrink)
{
	b->size = MIN(n, IO_CHUNK);
	b->buf = b->size <= SMALL_IO ? b->small : kmalloc(b->size);
	if (!b->buf && may_shrink) {
		b->size = SMALL_IO;
		b->buf = b->small;
	}
	return b->buf ? 0 : -ENOMEM;
}

static void bounce_put(bounce_t *b)
{
	if (b->buf != b->small)
		kfree(b->buf);
}

static ssize_t read_at(int fd, void *b, size_t n, off64_t pos) { return do_read(fd, b, n); }
static ssize_t pread_at(int fd, void *b, size_t n, off64_t pos) { return do_pread(fd, b, n, pos); }
static ssize_t write_at(int fd, void *b, size_t n, off64_t pos) { return do_write(fd, b, n); }
static ssize_t pwrite_at(int fd, void *b, size_t n, off64_t pos) { return do_pwrite(fd, b, n, pos); }

/* Moves n bytes between user buffer ubuf and descriptor fd through a
 * bounce buffer, one step at a time (see the top of the file for when a
 * transfer goes on past a step).  to_user: a read. */
static ssize_t transfer(int fd, uint32_t ubuf, size_t n, off64_t pos, xfer_fn fn,
			bool to_user)
{
	if (n == 0)
		return fn(fd, NULL, 0, pos);
	if (!user_range_ok((void *)ubuf, n))
		return -EFAULT;
	bounce_t b;
	if (bounce_get(&b, n, to_user) < 0)
		return -ENOMEM;
	ssize_t total = 0;
	while ((size_t)total < n) {
		size_t want = MIN(b.size, n - total);
		uint8_t *user = (uint8_t *)ubuf + total;
		if (!to_user && copy_from_user(b.buf, user, want) < 0) {
			total = total ? total : -EFAULT;
			break;
		}
		ssize_t done = fn(fd, b.buf, want, pos + total);
		if (done == -EPIPE && !to_user)	/* no reader left: SIGPIPE as well */
			signal_send_thread(curthr, SIGPIPE);
		if (done < 0) {
			if (total == 0)
				total = done;
			break;
		}
		if (to_user && done > 0 && copy_to_user(user, b.buf, done) < 0) {
			total = total ? total : -EFAULT;
			break;
		}
		total += done;
		if ((size_t)done < want || (size_t)total == n)
			break;
		if (to_user && !is_regular_fd(fd))	/* only files read on */
			break;
	}
	bounce_put(&b);
	return total;
}

static ssize_t read_common(int fd, uint32_t ubuf, size_t n, off64_t pos, xfer_fn fn)
{
	return transfer(fd, ubuf, n, pos, fn, true);
}

static ssize_t write_common(int fd, uint32_t ubuf, size_t n, off64_t pos, xfer_fn fn)
{
	return transfer(fd, ubuf, n, pos, fn, false);
}

/* A socket's read and write are recv and send (api/sys_socket.h). */
SYSCALL(read)
{
	if (sys_socket_is((int)a1))
		return sys_socket_rw((int)a1, a2, a3, false, false);
	return read_common((int)a1, a2, a3, 0, read_at);
}

SYSCALL(write)
{
	if (sys_socket_is((int)a1))
		return sys_socket_rw((int)a1, a2, a3, false, true);
	return write_common((int)a1, a2, a3, 0, write_at);
}

static off64_t join64(uint32_t lo, uint32_t hi) { return (off64_t)(((uint64_t)hi << 32) | lo); }

SYSCALL(pread64) { return read_common((int)a1, a2, a3, join64(a4, a5), pread_at); }
SYSCALL(pwrite64) { return write_common((int)a1, a2, a3, join64(a4, a5), pwrite_at); }

static ssize_t vector_io(int fd, uint32_t uiov, uint32_t count, bool write)
{
	if (count > IOV_MAX)
		return -EINVAL;
	if (sys_socket_is(fd))	/* one message, not one per buffer */
		return sys_socket_rw(fd, uiov, count, true, write);
	ssize_t total = 0;
	for (uint32_t i = 0; i < count; i++) {
		struct linux_iovec v;
		if (copy_from_user(&v, (void *)(uiov + i * sizeof(v)), sizeof(v)) < 0)
			return total ? total : -EFAULT;
		if (v.iov_len == 0)
			continue;
		ssize_t n = write ? write_common(fd, v.iov_base, v.iov_len, 0, write_at)
			: read_common(fd, v.iov_base, v.iov_len, 0, read_at);
		if (n < 0)
			return total ? total : n;
		total += n;
		if ((size_t)n < v.iov_len)
			break;
	}
	return total;
}

SYSCALL(readv) { return vector_io((int)a1, a2, a3, false); }
SYSCALL(writev) { return vector_io((int)a1, a2, a3, true); }

/* Runs fn on one user path. */
#define WITH_PATH(user, call) ({ \
	kpath_t p_; \
	long r_ = path_in(&p_, (user)); \
	if (r_ == 0) { \
		const char *path = p_.s; \
		r_ = (call); \
		path_free(&p_); \
	} \
	r_; })

/* Runs fn on two user paths. */
#define WITH_PATHS(u1, u2, call) ({ \
	kpath_t p1_, p2_; \
	long r_ = path_in(&p1_, (u1)); \
	if (r_ == 0) { \
		r_ = path_in(&p2_, (u2)); \
		if (r_ == 0) { \
			const char *path1 = p1_.s, *path2 = p2_.s; \
			r_ = (call); \
			path_free(&p2_); \
		} \
		path_free(&p1_); \
	} \
	r_; })

/* New files get the requested mode less the process's umask. */
static mode_t creation_mode(uint32_t mode) { return mode & ~curproc->umask; }

SYSCALL(open) { return WITH_PATH(a1, do_open(path, a2, creation_mode(a3))); }
SYSCALL(openat) { return WITH_PATH(a2, do_openat((int)a1, path, a3, creation_mode(a4))); }
SYSCALL(creat)
{
	return WITH_PATH(a1, do_open(path, O_CREAT | O_WRONLY | O_TRUNC, creation_mode(a2)));
}
SYSCALL(close) { return do_close((int)a1); }

SYSCALL(lseek)
{
	off64_t r = do_lseek((int)a1, (int32_t)a2, (int)a3);
	if (r >= 0 && r > INT32_MAX)
		return -EOVERFLOW;
	return (long)r;
}

SYSCALL(_llseek)
{
	off64_t r = do_lseek((int)a1, join64(a3, a2), (int)a5);
	if (r < 0)
		return (long)r;
	return copy_to_user((void *)a4, &r, sizeof(r));
}

static long stat_out(int rc, struct stat64 *st, uint32_t user)
{
	if (rc < 0)
		return rc;
	return copy_to_user((void *)user, st, sizeof(*st));
}

SYSCALL(stat64)
{
	struct stat64 st;
	return WITH_PATH(a1, stat_out(do_stat(path, &st), &st, a2));
}

SYSCALL(lstat64)
{
	struct stat64 st;
	return WITH_PATH(a1, stat_out(do_lstat(path, &st), &st, a2));
}

SYSCALL(fstat64)
{
	struct stat64 st;
	return stat_out(do_fstat((int)a1, &st), &st, a2);
}

SYSCALL(fstatat64)
{
	struct stat64 st;
	return WITH_PATH(a2, stat_out(do_fstatat((int)a1, path, &st, a4), &st, a3));
}

SYSCALL(getdents64)
{
	size_t n = MIN(a3, IO_CHUNK);
	if (!user_range_ok((void *)a2, n))
		return -EFAULT;
	void *k = kmalloc(n ? n : 1);
	if (!k)
		return -ENOMEM;
	int rc = do_getdents((int)a1, k, n);
	if (rc > 0 && copy_to_user((void *)a2, k, rc) < 0)
		rc = -EFAULT;
	kfree(k);
	return rc;
}

SYSCALL(mkdir) { return WITH_PATH(a1, do_mkdir(path, creation_mode(a2))); }
SYSCALL(mkdirat) { return WITH_PATH(a2, do_mkdirat((int)a1, path, creation_mode(a3))); }
SYSCALL(rmdir) { return WITH_PATH(a1, do_rmdir(path)); }
SYSCALL(unlink) { return WITH_PATH(a1, do_unlink(path)); }
SYSCALL(unlinkat) { return WITH_PATH(a2, do_unlinkat((int)a1, path, a3)); }
SYSCALL(link) { return WITH_PATHS(a1, a2, do_link(path1, path2)); }
SYSCALL(linkat) { return WITH_PATHS(a2, a4, do_linkat((int)a1, path1, (int)a3, path2, a5)); }
SYSCALL(rename) { return WITH_PATHS(a1, a2, do_rename(path1, path2)); }
SYSCALL(renameat) { return WITH_PATHS(a2, a4, do_renameat((int)a1, path1, (int)a3, path2)); }
SYSCALL(symlink) { return WITH_PATHS(a1, a2, do_symlink(path1, path2)); }
SYSCALL(symlinkat) { return WITH_PATHS(a1, a3, do_symlinkat(path1, (int)a2, path2)); }
SYSCALL(chdir) { return WITH_PATH(a1, do_chdir(path)); }
SYSCALL(fchdir) { return do_fchdir((int)a1); }
SYSCALL(access) { return WITH_PATH(a1, do_access(path, (int)a2)); }
SYSCALL(faccessat) { return WITH_PATH(a2, do_faccessat((int)a1, path, (int)a3, 0)); }
SYSCALL(faccessat2) { return WITH_PATH(a2, do_faccessat((int)a1, path, (int)a3, a4)); }
SYSCALL(mknod) { return WITH_PATH(a1, do_mknod(path, creation_mode(a2), a3)); }
SYSCALL(mknodat) { return WITH_PATH(a2, do_mknodat((int)a1, path, creation_mode(a3), a4)); }
SYSCALL(truncate) { return WITH_PATH(a1, do_truncate(path, (int32_t)a2)); }
SYSCALL(truncate64) { return WITH_PATH(a1, do_truncate(path, join64(a2, a3))); }
SYSCALL(ftruncate) { return do_ftruncate((int)a1, (int32_t)a2); }
SYSCALL(ftruncate64) { return do_ftruncate((int)a1, join64(a2, a3)); }
SYSCALL(fsync) { return do_fsync((int)a1); }
SYSCALL(sync) { return do_sync(); }
SYSCALL(dup) { return do_dup((int)a1); }
SYSCALL(dup2) { return do_dup2((int)a1, (int)a2); }
SYSCALL(dup3) { return do_dup3((int)a1, (int)a2, a3); }
SYSCALL(fcntl64) { return do_fcntl((int)a1, (int)a2, a3); }

static ssize_t readlink_common(int dirfd, uint32_t upath, uint32_t ubuf, uint32_t size)
{
	if ((int32_t)size <= 0)
		return -EINVAL;
	size_t n = MIN(size, (uint32_t)PATH_BUF);
	char *k = kmalloc(n);
	if (!k)
		return -ENOMEM;
	ssize_t rc = WITH_PATH(upath, do_readlinkat(dirfd, path, k, n));
	if (rc > 0 && copy_to_user((void *)ubuf, k, rc) < 0)
		rc = -EFAULT;
	kfree(k);
	return rc;
}

SYSCALL(readlink) { return readlink_common(AT_FDCWD, a1, a2, a3); }
SYSCALL(readlinkat) { return readlink_common((int)a1, a2, a3, a4); }

SYSCALL(getcwd)
{
	size_t n = MIN(a2, (uint32_t)PATH_BUF);
	char *k = kmalloc(n ? n : 1);
	if (!k)
		return -ENOMEM;
	int rc = do_getcwd(k, n);
	if (rc > 0 && copy_to_user((void *)a1, k, rc) < 0)
		rc = -EFAULT;
	kfree(k);
	return rc;
}

static long pipe_out(int rc, int fds[2], uint32_t user)
{
	if (rc < 0)
		return rc;
	if (copy_to_user((void *)user, fds, 2 * sizeof(int)) < 0) {
		do_close(fds[0]);
		do_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

SYSCALL(pipe)
{
	int fds[2];
	return pipe_out(do_pipe(fds), fds, a1);
}

SYSCALL(pipe2)
{
	int fds[2];
	return pipe_out(do_pipe2(fds, a2), fds, a1);
}

/* mount(source, target, fstype, flags, data): source is the path of a
 * block device file for a type on a device ("/dev/hdb" for s5fs) and is
 * ignored otherwise.  Root only (EPERM); of the flags only MS_NOSUID
 * counts (FS_NOSUID, the same bit), data is ignored. */
SYSCALL(mount)
{
	char type[TYPE_NAME_MAX];
	int n = strncpy_from_user(type, (const char *)a3, sizeof(type));
	if (n < 0)
		return n;
	if (!cred_privileged())
		return -EPERM;
	if (!a1)
		return WITH_PATH(a2, vfs_mount_flags(type, NULL, path, a4));
	return WITH_PATHS(a1, a2, vfs_mount_flags(type, path1, path2, a4));
}

SYSCALL(umount2) { return cred_privileged() ? WITH_PATH(a1, vfs_unmount(path)) : -EPERM; }


SYSCALL(chmod) { return WITH_PATH(a1, do_chmod(path, a2)); }
SYSCALL(fchmod) { return do_fchmod((int)a1, a2); }
SYSCALL(fchmodat) { return WITH_PATH(a2, do_fchmodat((int)a1, path, a3)); }
SYSCALL(chown32) { return WITH_PATH(a1, do_chown(path, a2, a3)); }
SYSCALL(lchown32) { return WITH_PATH(a1, do_lchown(path, a2, a3)); }
SYSCALL(fchown32) { return do_fchown((int)a1, a2, a3); }
/* The 16-bit forms: 0xffff is -1 (unchanged). */
static uint32_t id16(uint32_t id) { return (id & 0xffffu) == 0xffffu ? (uint32_t)-1 : id & 0xffffu; }
SYSCALL(chown) { return WITH_PATH(a1, do_chown(path, id16(a2), id16(a3))); }
SYSCALL(lchown) { return WITH_PATH(a1, do_lchown(path, id16(a2), id16(a3))); }
SYSCALL(fchown) { return do_fchown((int)a1, id16(a2), id16(a3)); }
SYSCALL(fchownat) { return WITH_PATH(a2, do_fchownat((int)a1, path, a3, a4, a5)); }

/* utimensat(dirfd, path, times[2] of 32-bit timespecs, flags); a NULL
 * path is futimens on dirfd. */
SYSCALL(utimensat)
{
	struct { int32_t sec, nsec; } t32[2];
	vfs_timespec_t t[2];
	if (a3) {
		if (copy_from_user(t32, (void *)a3, sizeof(t32)) < 0)
			return -EFAULT;
		for (int i = 0; i < 2; i++) {
			t[i].tv_sec = t32[i].sec;
			t[i].tv_nsec = t32[i].nsec;
		}
	}
	if (!a2)
		return do_utimensat((int)a1, NULL, a3 ? t : NULL, a4);
	return WITH_PATH(a2, do_utimensat((int)a1, path, a3 ? t : NULL, a4));
}

/* Linux's struct statfs64 on i386. */
struct linux_statfs64 {
	uint32_t f_type, f_bsize;
	uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int32_t f_fsid[2];
	uint32_t f_namelen, f_frsize, f_flags, f_spare[4];
} __packed;

static long statfs_out(int rc, const vfs_statfs_t *v, uint32_t size, uint32_t user)
{
	if (rc < 0)
		return rc;
	if (size != sizeof(struct linux_statfs64))
		return -EINVAL;
	struct linux_statfs64 st = {
		.f_bsize = v->f_bsize, .f_blocks = v->f_blocks,
		.f_bfree = v->f_bfree, .f_bavail = v->f_bfree, .f_files = v->f_files,
		.f_ffree = v->f_ffree, .f_namelen = v->f_namelen, .f_frsize = v->f_bsize,
	};
	return copy_to_user((void *)user, &st, sizeof(st));
}

SYSCALL(statfs64)
{
	vfs_statfs_t v;
	return WITH_PATH(a1, statfs_out(vfs_statfs(path, &v), &v, a2, a3));
}

#define FIBMAP 1
#define FIGETBSZ 2

long file_ioctl(vnode_t *vn, uint32_t cmd, uint32_t arg)
{
	uint32_t block, blksize;
	int rc;
	if ((cmd != FIBMAP && cmd != FIGETBSZ) || !vn->vn_ops->bmap)
		return -ENOTTY;
	if (cmd == FIGETBSZ) {
		rc = vn->vn_ops->bmap(vn, 0, &block, &blksize);
		return rc < 0 ? rc : copy_to_user((void *)arg, &blksize, sizeof(blksize));
	}
	if (copy_from_user(&block, (void *)arg, sizeof(block)) < 0)
		return -EFAULT;
	if ((int32_t)block < 0)
		return -EINVAL;
	if ((rc = vn->vn_ops->bmap(vn, block, &block, &blksize)) < 0)
		return rc;
	return copy_to_user((void *)arg, &block, sizeof(block));
}

#define SENDFILE_MAX_NON_LFS 0x7fffffffll	/* sendfile's 32-bit offsets */

/* sendfile(out_fd, in_fd, off_t *offset, count) and sendfile64 (loff_t *):
 * the offset, if given, is read and written back. */
static long sendfile_common(uint32_t out_fd, uint32_t in_fd, uint32_t uoff, uint32_t count,
			    bool large)
{
	off64_t pos = 0;
	if (uoff) {
		int32_t p32;
		int rc = large ? copy_from_user(&pos, (void *)uoff, sizeof(pos))
			       : copy_from_user(&p32, (void *)uoff, sizeof(p32));
		if (rc < 0)
			return -EFAULT;
		if (!large)
			pos = p32;
	}
	ssize_t r = do_sendfile((int)out_fd, (int)in_fd, uoff ? &pos : NULL, count,
				large ? INT64_MAX : SENDFILE_MAX_NON_LFS);
	if (r == -EPIPE)
		signal_send_thread(curthr, SIGPIPE);
	if (uoff && r >= 0) {
		int32_t p32 = (int32_t)pos;
		int rc = large ? copy_to_user((void *)uoff, &pos, sizeof(pos))
			       : copy_to_user((void *)uoff, &p32, sizeof(p32));
		if (rc < 0)
			return -EFAULT;
	}
	return r;
}

SYSCALL(sendfile) { return sendfile_common(a1, a2, a3, a4, false); }
SYSCALL(sendfile64) { return sendfile_common(a1, a2, a3, a4, true); }
