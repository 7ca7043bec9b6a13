/*
 * File permissions: Linux's discretionary access rules in one place
 * (fs/perm.h says who calls what).
 *
 * The credentials come from proc/cred.h as a snapshot (cred_current: the
 * calling thread's override when access() asks with the real ids), so a
 * check never mixes ids from before and after a concurrent set*id.  The
 * owner and mode come from the vnode (vn_uid, vn_gid, vn_mode), which the
 * file system keeps equal to the inode.  "Root" here is a file-system
 * uid of 0, Linux's CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_CHOWN and
 * CAP_FSETID together: they follow the file-system uid on Linux too.
 */
#include "fs/perm.h"
#include "proc/cred.h"
#include "util/errno.h"

#define PERM_BITS 07u
#define OWNER_SHIFT 6
#define GROUP_SHIFT 3
#define ANY_EXEC (S_IXUSR | S_IXGRP | S_IXOTH)

static bool is_root(const cred_t *c)
{
	return c->uid.fs == CRED_ROOT_UID;
}

static int check_with(const cred_t *c, vnode_t *vn, int mask)
{
	mode_t mode = vn->vn_mode;
	if (is_root(c)) {
		bool exec_ok = S_ISDIR(mode) || (mode & ANY_EXEC);
		return !(mask & MAY_EXEC) || exec_ok ? 0 : -EACCES;
	}
	uint32_t bits;
	if (c->uid.fs == vn->vn_uid)
		bits = mode >> OWNER_SHIFT;
	else if (cred_in_group(c, vn->vn_gid))
		bits = mode >> GROUP_SHIFT;
	else
		bits = mode;
	return ((bits & PERM_BITS) & (uint32_t)mask) == (uint32_t)mask ? 0 : -EACCES;
}

int perm_check(vnode_t *vn, int mask)
{
	cred_t c;
	cred_current(&c);
	return check_with(&c, vn, mask);
}

int perm_open_mask(uint32_t oflags)
{
	uint32_t acc = oflags & O_ACCMODE;
	int mask = acc == O_WRONLY ? MAY_WRITE : acc == O_RDWR ? MAY_READ | MAY_WRITE : MAY_READ;
	return (oflags & O_TRUNC) ? mask | MAY_WRITE : mask;
}

int perm_may_create(vnode_t *dir, const char *name, size_t len)
{
	cred_t c;
	cred_current(&c);
	int rc = check_with(&c, dir, MAY_EXEC);
	if (rc < 0 || check_with(&c, dir, MAY_WRITE) == 0)
		return rc;
	vnode_t *vn;
	if (dir->vn_ops->lookup && dir->vn_ops->lookup(dir, name, len, &vn) == 0) {
		vput(vn);
		return -EEXIST;
	}
	return -EACCES;
}

int perm_may_delete(vnode_t *dir, vnode_t *child)
{
	cred_t c;
	cred_current(&c);
	int rc = check_with(&c, dir, MAY_WRITE | MAY_EXEC);
	if (rc < 0)
		return rc;
	if ((dir->vn_mode & S_ISVTX) && !is_root(&c) && c.uid.fs != child->vn_uid &&
	    c.uid.fs != dir->vn_uid)
		return -EPERM;
	return 0;
}

bool perm_owner(vnode_t *vn)
{
	cred_t c;
	cred_current(&c);
	return is_root(&c) || c.uid.fs == vn->vn_uid;
}

void perm_new_owner(vnode_t *dir, bool is_dir, mode_t *mode, uint32_t *uid, uint32_t *gid)
{
	cred_t c;
	cred_current(&c);
	*uid = c.uid.fs;
	*gid = c.gid.fs;
	if (dir && (dir->vn_mode & S_ISGID)) {
		*gid = dir->vn_gid;
		if (is_dir)
			*mode |= S_ISGID;
	}
}

/* chown's side effect: a non-directory loses S_ISUID, and S_ISGID when
 * it is group-executable (else the bit means mandatory locking). */
static void chown_drops_suid(vnode_t *vn, vattr_t *va)
{
	mode_t mode = vn->vn_mode;
	if (S_ISDIR(mode))
		return;
	mode_t keep = mode & ~(mode_t)S_ISUID;
	if (mode & S_IXGRP)
		keep &= ~(mode_t)S_ISGID;
	if (keep != mode) {
		va->va_mask |= VA_MODE;
		va->va_mode = keep & S_IALLUGO;
	}
}

static int check_chown(const cred_t *c, vnode_t *vn, const vattr_t *va)
{
	if (is_root(c))
		return 0;
	bool owner = c->uid.fs == vn->vn_uid;
	if ((va->va_mask & VA_UID) && (!owner || va->va_uid != vn->vn_uid))
		return -EPERM;
	if ((va->va_mask & VA_GID) && (!owner || (va->va_gid != vn->vn_gid &&
						   !cred_in_group(c, va->va_gid))))
		return -EPERM;
	return 0;
}

int perm_setattr(vnode_t *vn, vattr_t *va, bool times_now)
{
	cred_t c;
	cred_current(&c);
	bool owner = is_root(&c) || c.uid.fs == vn->vn_uid;
	bool chown = va->va_mask & (VA_UID | VA_GID);
	if (chown) {
		int rc = check_chown(&c, vn, va);
		if (rc < 0)
			return rc;
		chown_drops_suid(vn, va);
	} else if (va->va_mask & VA_MODE) {
		if (!owner)
			return -EPERM;
		if (!is_root(&c) && !cred_in_group(&c, vn->vn_gid))
			va->va_mode &= ~(mode_t)S_ISGID;
	}
	if (va->va_mask & (VA_ATIME | VA_MTIME)) {
		if (!owner && !times_now)
			return -EPERM;
		if (!owner && check_with(&c, vn, MAY_WRITE) < 0)
			return -EACCES;
	}
	return 0;
}

void perm_kill_suid(vnode_t *vn)
{
	mode_t mode = vn->vn_mode;
	bool sgid = (mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP);
	if (!S_ISREG(mode) || (!(mode & S_ISUID) && !sgid) || !vn->vn_ops->setattr)
		return;
	if (cred_fs_privileged())
		return;
	mode_t keep = mode & ~(mode_t)S_ISUID;
	if (sgid)
		keep &= ~(mode_t)S_ISGID;
	vattr_t va = { .va_mask = VA_MODE, .va_mode = keep & S_IALLUGO };
	vn->vn_ops->setattr(vn, &va);
}
