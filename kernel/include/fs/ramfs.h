/* ramfs (kernel/fs/ramfs/ramfs.c): a file system in memory, for /dev,
 * /dev/shm, and the root when there is no disk.  Files keep their data in
 * the page cache as pages of their vnode that can never be written back,
 * so they stay until truncated or deleted, and a file can later be mapped
 * by the VM (shm_open + mmap).  Everything is lost at shutdown. */
#pragma once
#include "fs/vfs.h"

#define RAMFS_MAX_FILE_SIZE 0xFFFFFFFFull	/* page numbers stay 32-bit */
#define RAMFS_LINK_MAX 0xFFFFu

/* Builds a new, empty ramfs (it has no device: bd is NULL). */
int ramfs_mount(struct blockdev *bd, fs_t **out);
/* A new regular file of fs in no directory (memfd_create), referenced
 * once: it lives until its last reference goes. */
int ramfs_create_unnamed(fs_t *fs, mode_t mode, vnode_t **out);
