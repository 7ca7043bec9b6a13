/* Path resolution (kernel/fs/namev.c), with Linux's rules.
 *
 *  - A path is absolute ("/..." from the root) or relative to a base
 *    directory (the working directory, or a *at() call's dirfd).  "" is
 *    -ENOENT; a path of PATH_MAX bytes or more, or a component longer
 *    than NAME_MAX, is -ENAMETOOLONG.  Repeated slashes count as one.
 *  - "." stays, ".." climbs; ".." at the root stays at the root, and at
 *    the root of a mounted file system climbs from the directory it is
 *    mounted on.  Stepping onto a mount point enters the mounted root.
 *  - Every component but the last must be a directory (-ENOTDIR) that
 *    exists (-ENOENT).  Symlinks there are always followed; the last one
 *    is followed when asked (NAMEV_FOLLOW) or when a slash follows it.
 *    More than MAXSYMLINKS (40) in one resolution is -ELOOP.
 *  - A trailing slash requires the last component to be a directory
 *    (-ENOTDIR otherwise).
 *
 * A resolution walks one directory at a time holding only that
 * directory's vn_mutex around its lookup, and references on the vnodes
 * it stands on, so it never holds two directory locks.
 *
 * Operations that create or remove a name use nameidata directly:
 * namev_start + namev_walk_parent leave nd.dir (referenced) and the last
 * component; namev_final looks the last component up (following symlinks
 * if asked), and when it is missing (-ENOENT) leaves nd.dir/nd.last at
 * the directory and name where it would be created. */
#pragma once
#include "fs/vnode.h"

#define NAMEV_FOLLOW 0x1	/* follow a symlink in the last component */

/* nd.last_type */
#define NAMEV_LAST_NORM 0
#define NAMEV_LAST_DOT 1
#define NAMEV_LAST_DOTDOT 2
#define NAMEV_LAST_ROOT 3	/* the path names a root ("/", "//") */

typedef struct nameidata {
	vnode_t *root;		/* the resolution's root (referenced) */
	vnode_t *dir;		/* current directory, then the parent (referenced) */
	char *buf;		/* the path being resolved (PATH_MAX bytes) */
	size_t pos;		/* next unparsed byte of buf */
	const char *last;	/* last component, in buf, not NUL-terminated */
	size_t last_len;
	int last_type;		/* NAMEV_LAST_* */
	bool trailing_slash;
	int nlinks;		/* symlinks followed so far */
	bool last_missing;	/* namev_final: the last component is what was not found */
} nameidata_t;

void namev_init(void);
/* Copies path and starts at base (NULL: the working directory); 0 or
 * -ENOENT (empty path, no root yet), -ENAMETOOLONG, -ENOMEM. */
int namev_start(nameidata_t *nd, vnode_t *base, const char *path);
/* Resolves everything but the last component. */
int namev_walk_parent(nameidata_t *nd);
/* Looks up the last component (see above); *out is referenced. */
int namev_final(nameidata_t *nd, int flags, vnode_t **out);
void namev_end(nameidata_t *nd);

/* The whole resolution: the vnode path names, referenced. */
int namev_resolve(vnode_t *base, const char *path, int flags, vnode_t **out);
/* The path of dir from the root into buf (size bytes): its length with
 * the NUL, -ERANGE if it does not fit, -ENOENT if dir was removed. */
int namev_path(vnode_t *dir, char *buf, size_t size);
/* The absolute path that path names from base (NULL: the working
 * directory), worked out lexically ("." and ".." are resolved by name,
 * symlinks are not followed): a kmalloc'd string, or NULL (no memory,
 * too long, a removed base).  For /proc's names of open files and
 * programs. */
char *namev_abs_name(vnode_t *base, const char *path);
