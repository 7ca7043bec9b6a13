/* The file system calls, as kernel functions (kernel/fs/vfs_syscall.c for
 * descriptors, kernel/fs/vfs_pathops.c for names).  The system-call layer
 * copies arguments in from user space and calls these with kernel
 * pointers; each acts for the calling process (curproc's descriptor table
 * and working directory) and returns what Linux returns: a non-negative
 * result or a negative errno.  The *at variants take a directory
 * descriptor (AT_FDCWD for the working directory) for relative paths. */
#pragma once
#include "util/types.h"
#include "fs/stat.h"
#include "fs/vnode.h"

/* fcntl commands (Linux's). */
#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030

/* descriptors */
int do_open(const char *path, uint32_t flags, mode_t mode);
int do_openat(int dirfd, const char *path, uint32_t flags, mode_t mode);
int do_close(int fd);
ssize_t do_read(int fd, void *buf, size_t n);
ssize_t do_write(int fd, const void *buf, size_t n);
ssize_t do_pread(int fd, void *buf, size_t n, off64_t pos);
ssize_t do_pwrite(int fd, const void *buf, size_t n, off64_t pos);
off64_t do_lseek(int fd, off64_t offset, int whence);
int do_dup(int fd);
int do_dup2(int oldfd, int newfd);
int do_dup3(int oldfd, int newfd, uint32_t flags);
int do_fcntl(int fd, int cmd, uint32_t arg);
int do_fstat(int fd, struct stat64 *st);
int do_getdents(int fd, void *buf, size_t n);
int do_ftruncate(int fd, off64_t len);
int do_fsync(int fd);
int do_fchdir(int fd);
int do_pipe(int fds[2]);
/* sendfile: up to count bytes from in_fd, at *pos (advanced; pos NULL:
 * the file's offset, advanced) to out_fd at its offset, never reading at
 * or past max (-EOVERFLOW when starting there).  The bytes moved, or
 * -EBADF, -ESPIPE (pos with a pipe to read), -EINVAL (out_fd O_APPEND,
 * a negative position), a read's or write's error if nothing moved. */
ssize_t do_sendfile(int out_fd, int in_fd, off64_t *pos, size_t count, off64_t max);
int do_pipe2(int fds[2], uint32_t flags);

/* names */
int do_stat(const char *path, struct stat64 *st);
int do_lstat(const char *path, struct stat64 *st);
int do_fstatat(int dirfd, const char *path, struct stat64 *st, uint32_t flags);
int do_access(const char *path, int mode);
/* flags: AT_EACCESS (check with the effective ids, not the real ones),
 * AT_SYMLINK_NOFOLLOW. */
int do_faccessat(int dirfd, const char *path, int mode, uint32_t flags);
int do_mkdir(const char *path, mode_t mode);
int do_mkdirat(int dirfd, const char *path, mode_t mode);
int do_rmdir(const char *path);
int do_unlink(const char *path);
int do_unlinkat(int dirfd, const char *path, uint32_t flags);
int do_link(const char *oldpath, const char *newpath);
int do_linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
	      uint32_t flags);
int do_rename(const char *oldpath, const char *newpath);
int do_renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath);
int do_symlink(const char *target, const char *linkpath);
int do_symlinkat(const char *target, int dirfd, const char *linkpath);
ssize_t do_readlink(const char *path, char *buf, size_t n);
ssize_t do_readlinkat(int dirfd, const char *path, char *buf, size_t n);
int do_mknod(const char *path, mode_t mode, dev_t dev);
int do_mknodat(int dirfd, const char *path, mode_t mode, dev_t dev);
/* As do_mknodat, and *out (if not NULL) gets the new node, referenced
 * (bind uses it for a socket's S_IFSOCK node). */
int vfs_mknodat_vnode(int dirfd, const char *path, mode_t mode, dev_t dev, vnode_t **out);
int do_truncate(const char *path, off64_t len);
int do_chdir(const char *path);
/* Writes the working directory's path and its NUL; returns the length
 * with the NUL (as the Linux system call), -ERANGE if size is too small. */
int do_getcwd(char *buf, size_t size);
int do_sync(void);
int do_chmod(const char *path, mode_t mode);
int do_fchmod(int fd, mode_t mode);
int do_fchmodat(int dirfd, const char *path, mode_t mode);
/* uid or gid (uint32_t)-1 leaves it as it is. */
int do_chown(const char *path, uint32_t uid, uint32_t gid);
int do_lchown(const char *path, uint32_t uid, uint32_t gid);
int do_fchown(int fd, uint32_t uid, uint32_t gid);
int do_fchownat(int dirfd, const char *path, uint32_t uid, uint32_t gid, uint32_t flags);
/* times[0] is the access time, times[1] the modification time, each
 * seconds and nanoseconds as struct timespec (UTIME_NOW, UTIME_OMIT);
 * times NULL means both now; path NULL means the file open at dirfd
 * (futimens).  flags: AT_SYMLINK_NOFOLLOW. */
typedef struct vfs_timespec {
	int64_t tv_sec;
	long tv_nsec;
} vfs_timespec_t;
int do_utimensat(int dirfd, const char *path, const vfs_timespec_t times[2], uint32_t flags);

/* Helpers the two files share. */
/* The base directory for dirfd (referenced): the working directory for
 * AT_FDCWD, else the directory open at dirfd (-EBADF, -ENOTDIR). */
int vfs_dirfd_vnode(int dirfd, vnode_t **out);
