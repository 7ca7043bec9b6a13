/*
 * The name system calls: stat, access, mkdir, rmdir, unlink, link,
 * rename, symlink, readlink, mknod, truncate, chdir, getcwd, sync.
 *
 * Each resolves its path with namev (fs/namev.h), then takes the locks
 * the vnode operation needs, in the documented order (fs/vnode.h):
 * the parent directory's vn_mutex, then the child's.  Rename holds its
 * file system's rename mutex throughout, which freezes the shape of the
 * directory tree (only rename moves directories), so it can check
 * ancestry by walking ".." before it locks anything, then locks the two
 * directories ancestor first and checks that the names it looked up
 * still name the same files.
 *
 * Error precedence follows Linux: "." or ".." as the last component of
 * a name to create is EEXIST (rmdir: EINVAL and ENOTEMPTY; unlink:
 * EISDIR; rename: EBUSY); a trailing slash on a name to create is
 * allowed only for mkdir (else ENOENT, or EEXIST if it exists).
 *
 * Permissions (fs/perm.h): a new name needs search and write on its
 * directory, a removed or renamed one the same plus the sticky rule, a
 * directory moved to another parent write on itself (its ".." changes);
 * truncate needs write, chdir search.  access() checks with the real ids
 * by giving its thread an override of its credentials for the call.
 */
#include "fs/vfs_syscall.h"
#include "fs/file.h"
#include "fs/namev.h"
#include "fs/perm.h"
#include "fs/vfs.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "util/errno.h"
#include "util/string.h"

#define ACCESS_MODE_MASK 07	/* R_OK | W_OK | X_OK */

/* Starts a resolution of path relative to dirfd, up to its parent. */
static int parent_start(int dirfd, const char *path, nameidata_t *nd)
{
	vnode_t *base = NULL;
	memset(nd, 0, sizeof(*nd));
	int rc = path[0] == '/' ? 0 : vfs_dirfd_vnode(dirfd, &base);
	if (rc < 0)
		return rc;
	rc = namev_start(nd, base, path);
	if (base)
		vput(base);
	return rc < 0 ? rc : namev_walk_parent(nd);
}

static int resolve_at(int dirfd, const char *path, int flags, vnode_t **out)
{
	vnode_t *base = NULL;
	int rc = path[0] == '/' ? 0 : vfs_dirfd_vnode(dirfd, &base);
	if (rc < 0)
		return rc;
	rc = namev_resolve(base, path, flags, out);
	if (base)
		vput(base);
	return rc;
}

/* The entry name in dir, as the file system has it (no mount crossing):
 * dir locked. */
static int raw_lookup(vnode_t *dir, const char *name, size_t len, vnode_t **out)
{
	if (!S_ISDIR(dir->vn_mode) || !dir->vn_ops->lookup)
		return -ENOTDIR;
	return dir->vn_ops->lookup(dir, name, len, out);
}

/* For link, symlink and mknod: the checks before creating nd's last
 * component in nd->dir (locked). */
static int create_check(nameidata_t *nd)
{
	if (nd->last_type != NAMEV_LAST_NORM)
		return -EEXIST;
	if (nd->trailing_slash) {
		vnode_t *vn;
		int rc = raw_lookup(nd->dir, nd->last, nd->last_len, &vn);
		if (rc == 0) {
			vput(vn);
			return -EEXIST;
		}
		return rc == -ENOENT ? -ENOENT : rc;
	}
	return perm_may_create(nd->dir, nd->last, nd->last_len);
}

/* ---- stat and access ---------------------------------------------------- */

int do_fstatat(int dirfd, const char *path, struct stat64 *st, uint32_t flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (path[0] == '\0' && (flags & AT_EMPTY_PATH))
		return dirfd == AT_FDCWD ? do_stat(".", st) : do_fstat(dirfd, st);
	vnode_t *vn;
	int rc = resolve_at(dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : NAMEV_FOLLOW, &vn);
	if (rc < 0)
		return rc;
	rc = vnode_stat(vn, st);
	vput(vn);
	return rc;
}

int do_stat(const char *path, struct stat64 *st)
{
	return do_fstatat(AT_FDCWD, path, st, 0);
}

int do_lstat(const char *path, struct stat64 *st)
{
	return do_fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

int do_faccessat(int dirfd, const char *path, int mode, uint32_t flags)
{
	if (mode & ~ACCESS_MODE_MASK)
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	cred_t real;
	if (!(flags & AT_EACCESS)) {
		cred_get(curproc, &real);
		real.uid.fs = real.uid.real;
		real.gid.fs = real.gid.real;
		curthr->cred_override = &real;
	}
	vnode_t *vn;
	int rc = resolve_at(dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : NAMEV_FOLLOW, &vn);
	if (rc == 0) {
		if (mode)	/* F_OK: existence only */
			rc = perm_check(vn, mode);	/* R_OK, W_OK, X_OK are MAY_* */
		vput(vn);
	}
	curthr->cred_override = NULL;
	return rc;
}

int do_access(const char *path, int mode)
{
	return do_faccessat(AT_FDCWD, path, mode, 0);
}

/* ---- directories ------------------------------------------------------- */

int do_mkdirat(int dirfd, const char *path, mode_t mode)
{
	nameidata_t nd;
	int rc = parent_start(dirfd, path, &nd);
	if (rc == 0 && nd.last_type != NAMEV_LAST_NORM)
		rc = -EEXIST;
	if (rc == 0) {
		vnode_t *dir = nd.dir;
		if (!S_ISDIR(dir->vn_mode) || !dir->vn_ops->mkdir) {
			rc = S_ISDIR(dir->vn_mode) ? -EPERM : -ENOTDIR;
		} else {
			kmutex_lock(&dir->vn_mutex);
			rc = perm_may_create(dir, nd.last, nd.last_len);
			if (rc == 0)
				rc = dir->vn_ops->mkdir(dir, nd.last, nd.last_len, mode & S_IALLUGO);
			kmutex_unlock(&dir->vn_mutex);
		}
	}
	namev_end(&nd);
	return rc;
}

int do_mkdir(const char *path, mode_t mode)
{
	return do_mkdirat(AT_FDCWD, path, mode);
}

/* Whether child may be removed from dir by rmdir (or unlink): the type
 * and mount rules. */
static int remove_check(nameidata_t *nd, vnode_t *child, bool rmdir)
{
	vnode_t *dir = nd->dir;
	if (rmdir) {
		if (!S_ISDIR(child->vn_mode))
			return -ENOTDIR;
		if (child->vn_mounted || child == child->vn_fs->fs_root)
			return -EBUSY;
		return dir->vn_ops->rmdir ? 0 : -EPERM;
	}
	if (S_ISDIR(child->vn_mode))
		return -EISDIR;
	if (nd->trailing_slash)
		return -ENOTDIR;
	return dir->vn_ops->unlink ? 0 : -EPERM;
}

/* Removes nd's last component from nd->dir: a directory (rmdir) or not. */
static int remove_name(nameidata_t *nd, bool rmdir)
{
	vnode_t *dir = nd->dir, *child;
	kmutex_lock(&dir->vn_mutex);
	int rc = raw_lookup(dir, nd->last, nd->last_len, &child);
	if (rc < 0)
		goto out_unlock;
	rc = perm_may_delete(dir, child);
	if (rc == 0)
		rc = remove_check(nd, child, rmdir);
	if (rc == 0) {
		kmutex_lock(&child->vn_mutex);
		rc = rmdir ? dir->vn_ops->rmdir(dir, nd->last, nd->last_len, child)
			   : dir->vn_ops->unlink(dir, nd->last, nd->last_len, child);
		kmutex_unlock(&child->vn_mutex);
	}
	vput(child);
out_unlock:
	kmutex_unlock(&dir->vn_mutex);
	return rc;
}

static int rmdir_at(int dirfd, const char *path)
{
	nameidata_t nd;
	int rc = parent_start(dirfd, path, &nd);
	if (rc == 0) {
		switch (nd.last_type) {
		case NAMEV_LAST_DOTDOT: rc = -ENOTEMPTY; break;
		case NAMEV_LAST_DOT: rc = -EINVAL; break;
		case NAMEV_LAST_ROOT: rc = -EBUSY; break;
		default: rc = remove_name(&nd, true);
		}
	}
	namev_end(&nd);
	return rc;
}

int do_unlinkat(int dirfd, const char *path, uint32_t flags)
{
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	if (flags & AT_REMOVEDIR)
		return rmdir_at(dirfd, path);
	nameidata_t nd;
	int rc = parent_start(dirfd, path, &nd);
	if (rc == 0)
		rc = nd.last_type != NAMEV_LAST_NORM ? -EISDIR : remove_name(&nd, false);
	namev_end(&nd);
	return rc;
}

int do_rmdir(const char *path)
{
	return rmdir_at(AT_FDCWD, path);
}

int do_unlink(const char *path)
{
	return do_unlinkat(AT_FDCWD, path, 0);
}

/* ---- new names ------------------------------------------------------- */

int do_linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
	      uint32_t flags)
{
	if (flags & ~AT_SYMLINK_FOLLOW)
		return -EINVAL;
	vnode_t *target;
	int rc = resolve_at(olddirfd, oldpath, (flags & AT_SYMLINK_FOLLOW) ? NAMEV_FOLLOW : 0,
			    &target);
	if (rc < 0)
		return rc;
	nameidata_t nd;
	rc = parent_start(newdirfd, newpath, &nd);
	if (rc < 0)
		goto out;
	vnode_t *dir = nd.dir;
	if (S_ISDIR(target->vn_mode)) {
		rc = -EPERM;
		goto out;
	}
	kmutex_lock(&dir->vn_mutex);
	rc = create_check(&nd);
	if (rc == 0 && target->vn_fs != dir->vn_fs)
		rc = -EXDEV;
	if (rc == 0 && !dir->vn_ops->link)
		rc = -EPERM;
	if (rc == 0) {
		kmutex_lock(&target->vn_mutex);
		rc = dir->vn_ops->link(dir, nd.last, nd.last_len, target);
		kmutex_unlock(&target->vn_mutex);
	}
	kmutex_unlock(&dir->vn_mutex);
out:
	namev_end(&nd);
	vput(target);
	return rc;
}

int do_link(const char *oldpath, const char *newpath)
{
	return do_linkat(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

int do_symlinkat(const char *target, int dirfd, const char *linkpath)
{
	size_t tlen = strnlen(target, PATH_MAX);
	if (tlen == 0)
		return -ENOENT;
	if (tlen >= PATH_MAX)
		return -ENAMETOOLONG;
	nameidata_t nd;
	int rc = parent_start(dirfd, linkpath, &nd);
	if (rc == 0) {
		vnode_t *dir = nd.dir;
		kmutex_lock(&dir->vn_mutex);
		rc = create_check(&nd);
		if (rc == 0)
			rc = dir->vn_ops->symlink ? dir->vn_ops->symlink(dir, nd.last, nd.last_len,
									target, tlen)
						  : -EPERM;
		kmutex_unlock(&dir->vn_mutex);
	}
	namev_end(&nd);
	return rc;
}

int do_symlink(const char *target, const char *linkpath)
{
	return do_symlinkat(target, AT_FDCWD, linkpath);
}

int do_mknodat(int dirfd, const char *path, mode_t mode, dev_t dev)
{
	return vfs_mknodat_vnode(dirfd, path, mode, dev, NULL);
}

int vfs_mknodat_vnode(int dirfd, const char *path, mode_t mode, dev_t dev, vnode_t **out)
{
	mode_t type = mode & S_IFMT;
	if (type == 0)
		type = S_IFREG;
	if (type == S_IFDIR)
		return -EPERM;
	if (type != S_IFREG && type != S_IFCHR && type != S_IFBLK && type != S_IFIFO &&
	    type != S_IFSOCK)
		return -EINVAL;
	nameidata_t nd;
	int rc = parent_start(dirfd, path, &nd);
	if (rc == 0) {
		vnode_t *dir = nd.dir;
		kmutex_lock(&dir->vn_mutex);
		rc = create_check(&nd);
		if (rc == 0 && (type == S_IFCHR || type == S_IFBLK) && !cred_privileged())
			rc = -EPERM;	/* device nodes are root's to make */
		if (rc == 0)
			rc = dir->vn_ops->mknod ? dir->vn_ops->mknod(dir, nd.last, nd.last_len,
								    type | (mode & S_IALLUGO), dev, out)
						: -EPERM;
		kmutex_unlock(&dir->vn_mutex);
	}
	namev_end(&nd);
	return rc;
}

int do_mknod(const char *path, mode_t mode, dev_t dev)
{
	return do_mknodat(AT_FDCWD, path, mode, dev);
}

ssize_t do_readlinkat(int dirfd, const char *path, char *buf, size_t n)
{
	if ((ssize_t)n <= 0)
		return -EINVAL;
	vnode_t *vn;
	int rc = resolve_at(dirfd, path, 0, &vn);
	if (rc < 0)
		return rc;
	ssize_t r = S_ISLNK(vn->vn_mode) && vn->vn_ops->readlink ? vn->vn_ops->readlink(vn, buf, n)
								  : -EINVAL;
	vput(vn);
	return r;
}

ssize_t do_readlink(const char *path, char *buf, size_t n)
{
	return do_readlinkat(AT_FDCWD, path, buf, n);
}

/* ---- rename ------------------------------------------------------------ */

/* Whether dir is anc or lies below it (same file system; rename mutex
 * held, so the tree cannot change shape while we climb). */
static bool dir_within(vnode_t *dir, vnode_t *anc)
{
	vnode_t *cur = dir;
	vref(cur);
	bool found = false;
	for (;;) {
		if (cur == anc) {
			found = true;
			break;
		}
		if (cur == cur->vn_fs->fs_root)
			break;
		vnode_t *parent;
		kmutex_lock(&cur->vn_mutex);
		int rc = cur->vn_ops->lookup(cur, "..", 2, &parent);
		kmutex_unlock(&cur->vn_mutex);
		if (rc < 0)
			break;
		vput(cur);
		cur = parent;
		if (parent == dir)
			break;
	}
	vput(cur);
	return found;
}

static int lookup_unlocked(vnode_t *dir, const char *name, size_t len, vnode_t **out)
{
	kmutex_lock(&dir->vn_mutex);
	int rc = raw_lookup(dir, name, len, out);
	kmutex_unlock(&dir->vn_mutex);
	return rc;
}

/* The type and shape rules, before anything is locked. */
static int rename_check(vnode_t *olddir, vnode_t *child, vnode_t *newdir, vnode_t *replaced,
			bool slashes)
{
	if (child->vn_mounted || (replaced && replaced->vn_mounted))
		return -EBUSY;
	if (!S_ISDIR(child->vn_mode) && slashes)
		return -ENOTDIR;
	if (child == replaced)
		return 0;
	if (S_ISDIR(child->vn_mode)) {
		if (replaced && !S_ISDIR(replaced->vn_mode))
			return -ENOTDIR;
		if (dir_within(newdir, child))
			return -EINVAL;		/* into its own subtree */
	} else if (replaced && S_ISDIR(replaced->vn_mode)) {
		return -EISDIR;
	}
	if (replaced && S_ISDIR(replaced->vn_mode) && dir_within(olddir, replaced))
		return -ENOTEMPTY;		/* onto an ancestor of the source */
	return 0;
}

/* The permission rules of rename, both directories locked. */
static int rename_perms(nameidata_t *o, nameidata_t *n, vnode_t *child, vnode_t *replaced)
{
	int rc = perm_may_delete(o->dir, child);
	if (rc == 0)
		rc = replaced ? perm_may_delete(n->dir, replaced)
			      : perm_may_create(n->dir, n->last, n->last_len);
	if (rc == 0 && S_ISDIR(child->vn_mode) && o->dir != n->dir)
		rc = perm_check(child, MAY_WRITE);
	return rc;
}

static void lock_two(kmutex_t *a, kmutex_t *b)
{
	kmutex_lock(a);
	if (b != a)
		kmutex_lock(b);
}

static void unlock_two(kmutex_t *a, kmutex_t *b)
{
	if (b != a)
		kmutex_unlock(b);
	kmutex_unlock(a);
}

/* One attempt: -EAGAIN if a name changed between the unlocked lookups
 * and the locked ones (then the caller tries again). */
static int rename_once(nameidata_t *o, nameidata_t *n)
{
	vnode_t *olddir = o->dir, *newdir = n->dir, *child, *replaced = NULL;
	vnode_t *c2 = NULL, *r2 = NULL;
	int rc = lookup_unlocked(olddir, o->last, o->last_len, &child);
	if (rc < 0)
		return rc;
	rc = lookup_unlocked(newdir, n->last, n->last_len, &replaced);
	if (rc == -ENOENT)
		rc = 0, replaced = NULL;
	if (rc == 0)
		rc = rename_check(olddir, child, newdir, replaced,
				  o->trailing_slash || n->trailing_slash);
	if (rc < 0 || child == replaced)
		goto out_put;

	/* Directories: ancestor first, else by address. */
	vnode_t *first = olddir, *second = newdir;
	if (olddir != newdir && !dir_within(newdir, olddir) &&
	    (dir_within(olddir, newdir) || (uintptr_t)newdir < (uintptr_t)olddir)) {
		first = newdir;
		second = olddir;
	}
	lock_two(&first->vn_mutex, &second->vn_mutex);
	rc = raw_lookup(olddir, o->last, o->last_len, &c2);
	if (rc == 0) {
		int r = raw_lookup(newdir, n->last, n->last_len, &r2);
		if (r < 0 && r != -ENOENT)
			rc = r;
		else if (c2 != child || (r == 0 ? r2 : NULL) != replaced)
			rc = -EAGAIN;
	}
	if (rc == 0)
		rc = rename_perms(o, n, child, replaced);
	if (rc == 0) {
		/* Children: by address (neither is an ancestor of the other,
		 * or of the directories, by the checks above). */
		vnode_t *a = child, *b = replaced ? replaced : child;
		if ((uintptr_t)b < (uintptr_t)a) {
			vnode_t *t = a;
			a = b;
			b = t;
		}
		lock_two(&a->vn_mutex, &b->vn_mutex);
		rc = olddir->vn_ops->rename ? olddir->vn_ops->rename(olddir, o->last, o->last_len, child,
								     newdir, n->last, n->last_len,
								     replaced)
					    : -EPERM;
		unlock_two(&a->vn_mutex, &b->vn_mutex);
	}
	unlock_two(&first->vn_mutex, &second->vn_mutex);
	if (c2)
		vput(c2);
	if (r2)
		vput(r2);
out_put:
	vput(child);
	if (replaced)
		vput(replaced);
	return rc;
}

int do_renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath)
{
	nameidata_t o, n;
	memset(&n, 0, sizeof(n));
	int rc = parent_start(olddirfd, oldpath, &o);
	if (rc == 0)
		rc = parent_start(newdirfd, newpath, &n);
	if (rc == 0 && (o.last_type != NAMEV_LAST_NORM || n.last_type != NAMEV_LAST_NORM))
		rc = -EBUSY;
	if (rc == 0 && o.dir->vn_fs != n.dir->vn_fs)
		rc = -EXDEV;
	if (rc == 0) {
		fs_t *fs = o.dir->vn_fs;
		kmutex_lock(&fs->fs_rename_mutex);
		do {
			rc = rename_once(&o, &n);
		} while (rc == -EAGAIN);
		kmutex_unlock(&fs->fs_rename_mutex);
	}
	namev_end(&n);
	namev_end(&o);
	return rc;
}

int do_rename(const char *oldpath, const char *newpath)
{
	return do_renameat(AT_FDCWD, oldpath, AT_FDCWD, newpath);
}

/* ---- the rest ------------------------------------------------------------ */

int do_truncate(const char *path, off64_t len)
{
	if (len < 0)
		return -EINVAL;
	vnode_t *vn;
	int rc = namev_resolve(NULL, path, NAMEV_FOLLOW, &vn);
	if (rc < 0)
		return rc;
	if (S_ISDIR(vn->vn_mode))
		rc = -EISDIR;
	else if (!S_ISREG(vn->vn_mode) || !vn->vn_ops->truncate)
		rc = -EINVAL;
	else if ((rc = perm_check(vn, MAY_WRITE)) == 0) {
		perm_kill_suid(vn);
		rc = vn->vn_ops->truncate(vn, len);
	}
	vput(vn);
	return rc;
}

int do_chdir(const char *path)
{
	vnode_t *vn;
	int rc = namev_resolve(NULL, path, NAMEV_FOLLOW, &vn);
	if (rc < 0)
		return rc;
	rc = S_ISDIR(vn->vn_mode) ? perm_check(vn, MAY_EXEC) : -ENOTDIR;
	if (rc < 0) {
		vput(vn);
		return rc;
	}
	vfs_set_cwd(curproc, vn);
	return 0;
}

int do_getcwd(char *buf, size_t size)
{
	vnode_t *cwd = curproc->cwd ? curproc->cwd : NULL;
	if (!cwd) {
		cwd = vfs_root_vnode();
		if (!cwd)
			return -ENOENT;
	} else {
		vref(cwd);
	}
	int rc = namev_path(cwd, buf, size);
	vput(cwd);
	return rc;
}

int do_sync(void)
{
	vfs_sync();
	return 0;
}
