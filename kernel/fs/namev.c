/*
 * Path resolution (fs/namev.h states the rules).
 *
 * The path is copied into a PATH_MAX buffer and consumed left to right.
 * A symlink met on the way is spliced in: the buffer becomes the link's
 * target followed by what was left of the path, and the walk goes on from
 * the directory holding the link (or from the root for an absolute
 * target).  nd->nlinks counts the splices of one resolution against
 * MAXSYMLINKS.  Only references are held between steps; each lookup takes
 * the one directory's vn_mutex.
 *
 * Mount crossing: a lookup result that has a file system mounted on it is
 * replaced by that file system's root; ".." at a mounted root first climbs
 * to the covered directory (stable while we hold a reference inside the
 * mounted file system, since unmount then fails with EBUSY).
 *
 * Every directory a lookup searches needs search (x) permission for the
 * caller (fs/perm.h), "." and ".." included: -EACCES otherwise.
 */
#include "fs/namev.h"
#include "fs/perm.h"
#include "fs/vfs.h"
#include "mm/kmalloc.h"
#include "mm/slab.h"
#include "proc/proc.h"
#include "util/debug.h"
#include "util/errno.h"
#include "util/string.h"

static slab_cache_t *path_cache;	/* PATH_MAX buffers */

void namev_init(void)
{
	path_cache = slab_cache_create("path", PATH_MAX, 0, 0);
	KASSERT(path_cache, "no memory for the path-buffer cache");
}

static char *path_alloc(void)
{
	return slab_alloc(path_cache);
}

static void path_free(char *p)
{
	if (p)
		slab_free(path_cache, p);
}

static bool is_dot(const char *name, size_t len)
{
	return len == 1 && name[0] == '.';
}

static bool is_dotdot(const char *name, size_t len)
{
	return len == 2 && name[0] == '.' && name[1] == '.';
}

/* Replaces vn by the roots of whatever is mounted on it. */
static vnode_t *cross_mounts(vnode_t *vn)
{
	vnode_t *root;
	while ((root = vfs_mounted_root(vn))) {
		vput(vn);
		vn = root;
	}
	return vn;
}

static int lookup_in(vnode_t *root, vnode_t *dir, const char *name, size_t len, vnode_t **out)
{
	if (!S_ISDIR(dir->vn_mode) || !dir->vn_ops->lookup)
		return -ENOTDIR;
	int rc = perm_check(dir, MAY_EXEC);	/* search permission, "." and ".." too */
	if (rc < 0)
		return rc;
	if (is_dot(name, len) || (is_dotdot(name, len) && dir == root)) {
		vref(dir);
		*out = dir;
		return 0;
	}
	if (is_dotdot(name, len)) {
		while (dir == dir->vn_fs->fs_root && dir->vn_fs->fs_covered) {
			dir = dir->vn_fs->fs_covered;
			if (dir == root) {
				vref(dir);
				*out = dir;
				return 0;
			}
		}
	}
	vnode_t *child;
	kmutex_lock(&dir->vn_mutex);
	rc = dir->vn_ops->lookup(dir, name, len, &child);
	kmutex_unlock(&dir->vn_mutex);
	if (rc < 0)
		return rc;
	*out = cross_mounts(child);
	return 0;
}

int namev_start(nameidata_t *nd, vnode_t *base, const char *path)
{
	memset(nd, 0, sizeof(*nd));
	size_t len = strnlen(path, PATH_MAX);
	if (len >= PATH_MAX)
		return -ENAMETOOLONG;
	if (len == 0)
		return -ENOENT;
	nd->root = vfs_root_vnode();
	if (!nd->root)
		return -ENOENT;
	nd->buf = path_alloc();
	if (!nd->buf) {
		namev_end(nd);
		return -ENOMEM;
	}
	memcpy(nd->buf, path, len + 1);
	if (!base)
		base = curproc->cwd ? curproc->cwd : nd->root;
	vref(base);
	nd->dir = base;
	return 0;
}

void namev_end(nameidata_t *nd)
{
	if (nd->dir)
		vput(nd->dir);
	if (nd->root)
		vput(nd->root);
	path_free(nd->buf);
	nd->dir = nd->root = NULL;
	nd->buf = NULL;
}

/* Replaces the path with link's target followed by "/" and rest. */
static int splice_link(nameidata_t *nd, vnode_t *link, const char *rest)
{
	if (++nd->nlinks > MAXSYMLINKS)
		return -ELOOP;
	if (!link->vn_ops->readlink)
		return -EINVAL;
	char *nbuf = path_alloc();
	if (!nbuf)
		return -ENOMEM;
	ssize_t n = link->vn_ops->readlink(link, nbuf, PATH_MAX - 1);
	if (n <= 0) {
		path_free(nbuf);
		return n < 0 ? (int)n : -ENOENT;
	}
	size_t rest_len = strlen(rest);
	if (rest_len) {
		if ((size_t)n + 1 + rest_len >= PATH_MAX) {
			path_free(nbuf);
			return -ENAMETOOLONG;
		}
		nbuf[n++] = '/';
		memcpy(nbuf + n, rest, rest_len);
		n += rest_len;
	}
	nbuf[n] = '\0';
	path_free(nd->buf);
	nd->buf = nbuf;
	nd->pos = 0;
	return 0;
}

static int last_type_of(const char *name, size_t len)
{
	if (is_dot(name, len))
		return NAMEV_LAST_DOT;
	if (is_dotdot(name, len))
		return NAMEV_LAST_DOTDOT;
	return NAMEV_LAST_NORM;
}

int namev_walk_parent(nameidata_t *nd)
{
	for (;;) {
		char *p = nd->buf + nd->pos;
		if (*p == '/') {
			while (*p == '/')
				p++;
			vref(nd->root);
			vput(nd->dir);
			nd->dir = nd->root;
		}
		if (*p == '\0') {
			nd->last = p;
			nd->last_len = 0;
			nd->last_type = NAMEV_LAST_ROOT;
			nd->trailing_slash = false;
			nd->pos = p - nd->buf;
			return 0;
		}
		const char *comp = p;
		while (*p && *p != '/')
			p++;
		size_t len = p - comp;
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		const char *end = p;
		while (*p == '/')
			p++;
		if (*p == '\0') {
			nd->last = comp;
			nd->last_len = len;
			nd->last_type = last_type_of(comp, len);
			nd->trailing_slash = p != end;
			nd->pos = p - nd->buf;
			return 0;
		}
		vnode_t *child;
		int rc = lookup_in(nd->root, nd->dir, comp, len, &child);
		if (rc < 0)
			return rc;
		if (S_ISLNK(child->vn_mode)) {
			rc = splice_link(nd, child, p);
			vput(child);
			if (rc < 0)
				return rc;
			continue;
		}
		if (!S_ISDIR(child->vn_mode)) {
			vput(child);
			return -ENOTDIR;
		}
		vput(nd->dir);
		nd->dir = child;
		nd->pos = p - nd->buf;
	}
}

int namev_final(nameidata_t *nd, int flags, vnode_t **out)
{
	for (;;) {
		if (nd->last_type == NAMEV_LAST_ROOT) {
			vref(nd->dir);
			*out = nd->dir;
			return 0;
		}
		vnode_t *child;
		int rc = lookup_in(nd->root, nd->dir, nd->last, nd->last_len, &child);
		nd->last_missing = rc == -ENOENT;
		if (rc < 0)
			return rc;
		if (S_ISLNK(child->vn_mode) && ((flags & NAMEV_FOLLOW) || nd->trailing_slash)) {
			rc = splice_link(nd, child, nd->trailing_slash ? "/" : "");
			vput(child);
			if (rc == 0)
				rc = namev_walk_parent(nd);
			if (rc < 0)
				return rc;
			continue;
		}
		if (nd->trailing_slash && !S_ISDIR(child->vn_mode)) {
			vput(child);
			return -ENOTDIR;
		}
		*out = child;
		return 0;
	}
}

int namev_resolve(vnode_t *base, const char *path, int flags, vnode_t **out)
{
	nameidata_t nd;
	int rc = namev_start(&nd, base, path);
	if (rc == 0)
		rc = namev_walk_parent(&nd);
	if (rc == 0)
		rc = namev_final(&nd, flags, out);
	namev_end(&nd);
	return rc;
}

/* The name child has in parent (same file system): 0 with name filled
 * in, or -ENOENT. */
static int name_in_parent(vnode_t *parent, vnode_t *child, vfs_dirent_t *de)
{
	if (!parent->vn_ops->readdir)
		return -ENOENT;
	off64_t pos = 0;
	int rc;
	while ((rc = parent->vn_ops->readdir(parent, &pos, de)) > 0) {
		size_t len = strlen(de->d_name);
		if (de->d_ino == child->vn_ino && !is_dot(de->d_name, len) &&
		    !is_dotdot(de->d_name, len))
			return 0;
	}
	return rc < 0 ? rc : -ENOENT;
}

int namev_path(vnode_t *dir, char *buf, size_t size)
{
	vnode_t *root = vfs_root_vnode();
	if (!root)
		return -ENOENT;
	char *tmp = path_alloc();
	vfs_dirent_t *de = slab_alloc(path_cache);	/* PATH_MAX >= sizeof(*de) */
	int rc = 0;
	size_t start = PATH_MAX - 1;
	if (!tmp || !de) {
		rc = -ENOMEM;
		goto out;
	}
	tmp[start] = '\0';
	vref(dir);
	vnode_t *cur = dir;
	while (cur != root) {
		vnode_t *v = cur;
		while (v == v->vn_fs->fs_root && v->vn_fs->fs_covered && v != root)
			v = v->vn_fs->fs_covered;
		if (v == root)
			break;
		vnode_t *parent;
		kmutex_lock(&v->vn_mutex);
		rc = v->vn_ops->lookup(v, "..", 2, &parent);
		kmutex_unlock(&v->vn_mutex);
		if (rc == 0) {
			rc = name_in_parent(parent, v, de);
			if (rc < 0)
				vput(parent);
		}
		if (rc < 0)
			break;
		size_t len = strlen(de->d_name);
		if (len + 1 > start) {
			vput(parent);
			rc = -ENAMETOOLONG;
			break;
		}
		start -= len;
		memcpy(tmp + start, de->d_name, len);
		tmp[--start] = '/';
		vput(cur);
		cur = parent;
	}
	vput(cur);
	if (rc < 0)
		goto out;
	if (tmp[start] == '\0')
		tmp[--start] = '/';
	size_t len = PATH_MAX - start;	/* with the NUL */
	if (len > size) {
		rc = -ERANGE;
		goto out;
	}
	memcpy(buf, tmp + start, len);
	rc = (int)len;
out:
	path_free(tmp);
	path_free((char *)de);
	vput(root);
	return rc;
}

_Static_assert(sizeof(vfs_dirent_t) <= PATH_MAX, "a dirent fits a path buffer");

/* Appends the components of path to the absolute path buf[0..*len)
 * ("" for the root), lexically: "." and empty components stay, ".."
 * drops the last component.  -ENAMETOOLONG past PATH_MAX. */
static int append_lexical(char *buf, size_t *len, const char *path)
{
	const char *c = path;
	while (*c) {
		while (*c == '/')
			c++;
		const char *end = c;
		while (*end && *end != '/')
			end++;
		size_t n = (size_t)(end - c);
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			while (*len > 0 && buf[--*len] != '/')
				;
		} else if (n > 0 && !(n == 1 && c[0] == '.')) {
			if (*len + 1 + n >= PATH_MAX)
				return -ENAMETOOLONG;
			buf[(*len)++] = '/';
			memcpy(buf + *len, c, n);
			*len += n;
		}
		c = end;
	}
	buf[*len] = '\0';
	return 0;
}

char *namev_abs_name(vnode_t *base, const char *path)
{
	char *buf = path_alloc();
	char *out = NULL;
	if (!buf)
		return NULL;
	size_t len = 0;
	if (path[0] != '/') {
		vnode_t *dir = base ? base : curproc->cwd;
		int rc = dir ? namev_path(dir, buf, PATH_MAX) : -ENOENT;
		if (rc < 0)
			goto out;
		len = (size_t)rc - 1;
		if (len == 1)
			len = 0;	/* the root: components add their own '/' */
	}
	if (append_lexical(buf, &len, path) < 0)
		goto out;
	out = kstrdup(len ? buf : "/");
out:
	path_free(buf);
	return out;
}
