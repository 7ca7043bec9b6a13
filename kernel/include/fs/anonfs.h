/* Anonymous files (kernel/fs/anonfs.c): open files that no directory names
 * and whose object is not a file system's (epoll instances, eventfds).
 *
 * Each is a vnode of anonfs, an unmounted file system that exists only to
 * give them inode numbers, a device number and the vnode life cycle (as
 * pipefs does for pipes), with one open file.  fstat shows mode 0600 and
 * no file type, as Linux's anonymous inodes.  The object behind the file
 * (vn_i) belongs to the ops' release, which the last close of the file
 * calls (and anonfs_fd_install itself when it fails). */
#pragma once
#include "fs/vnode.h"

struct file;

void anonfs_init(void);
/* A new anonymous vnode with ops (referenced once, vn_i NULL), or NULL
 * when out of memory.  Until anonfs_fd_install a vput destroys it. */
vnode_t *anonfs_vnode_create(const vnode_ops_t *ops);
/* Opens vn (the caller's reference passes to the file; its vn_i set)
 * with oflags and puts it in the lowest free descriptor, close-on-exec if
 * asked: the descriptor, or -ENOMEM/-EMFILE, vn_i released then by the
 * ops' release.  *filep (if filep is not NULL) gets the open file, which
 * lives until that release. */
int anonfs_fd_install(vnode_t *vn, uint32_t oflags, bool cloexec, struct file **filep);
/* The object behind f if f is an anonymous file with ops, else NULL. */
void *anonfs_file_priv(struct file *f, const vnode_ops_t *ops);
