/* mkfs.s5fs's model of what goes into the image: a tree of nodes built
 * from a host directory (lstat, readdir, readlink) plus device nodes named
 * on the command line, before any block is written.
 *
 * Invariants once mkfs_tree_scan() has returned a root: every name is 1 ..
 * S5_NAME_LEN bytes; children are sorted by name (so images are
 * reproducible) and unique; a node whose `owner` is set is an extra hard
 * link and shares the owner's inode; an owner's `nlink` counts its names.
 * Functions print their own error messages (prefixed MKFS_PROG) and return
 * NULL or -1; a file type S5FS cannot hold (socket, FIFO) is skipped with a
 * warning.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "fs/s5fs_disk.h"

#define MKFS_PROG "mkfs.s5fs"

typedef struct mkfs_node {
	char name[S5_NAME_LEN + 1];
	uint32_t type;		/* S5_TYPE_* */
	uint16_t mode;		/* permission bits */
	uint32_t uid, gid;
	uint32_t atime, mtime, ctime;
	uint32_t rdev;		/* device nodes: S5_MKDEV() */
	uint64_t size;		/* regular files: bytes on the host */
	uint64_t host_blocks;	/* regular files: blocks the host allocated */
	char *host_path;	/* regular files: where the contents are read */
	char *target;		/* symlinks */
	struct mkfs_node *owner;	/* hard link: the node holding the inode */
	uint32_t nlink;		/* owners: names referring to the inode */
	uint32_t ino;		/* assigned by the writer */
	struct mkfs_node *parent;
	struct mkfs_node **children;
	size_t nchildren, cap;
} mkfs_node_t;

typedef struct mkfs_owner {
	int force;		/* replace every uid and gid */
	uint32_t uid, gid;
} mkfs_owner_t;

mkfs_node_t *mkfs_tree_scan(const char *dir, const mkfs_owner_t *own);
/* Adds a device node from a spec "PATH,c|b,MAJOR,MINOR[,MODE]", creating
 * missing parent directories. */
int mkfs_tree_add_device(mkfs_node_t *root, const char *spec, const mkfs_owner_t *own, uint32_t now);
/* Adds every spec line of a file (blank lines and # comments skipped). */
int mkfs_tree_add_device_file(mkfs_node_t *root, const char *file, const mkfs_owner_t *own, uint32_t now);

/* Gives the existing node at PATH the owner of a spec "PATH,UID,GID"
 * (after -u: the exceptions to it). */
int mkfs_tree_set_owner(mkfs_node_t *root, const char *spec);

/* Inodes the tree needs (root included) and an upper bound on its data and
 * indirect blocks. */
void mkfs_tree_count(const mkfs_node_t *root, uint64_t *inodes, uint64_t *blocks);
void mkfs_tree_free(mkfs_node_t *root);
/* The node's path in the image ("/a/b"), in a static buffer. */
const char *mkfs_tree_path(const mkfs_node_t *node);
