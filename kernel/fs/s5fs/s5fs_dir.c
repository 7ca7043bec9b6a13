/*
 * S5FS directories: the slots of a directory file (64-byte s5_dirent_t,
 * "." in slot 0 and ".." in slot 1, an inode number of 0 marking a free
 * slot) and the directory vnode operations built on them.
 *
 * Every function here runs with the directory's vn_mutex held (the VFS
 * takes it; readdir takes it itself), and, for the operations that change
 * another file's link count, that file's vn_mutex too.  A directory's
 * contents are pages of its vnode object, like a regular file's; a new
 * slot goes in the first free one, or at the end (growing the directory
 * by a slot, and by a block when the last one is full).  A directory of
 * more than one block is searched through its in-memory name index
 * (s5fs_dindex.c), which every change here keeps exact.
 *
 * Operations that create check everything that can fail cheaply first
 * (name length, existence, link counts), then allocate the inode, then
 * link it in; if linking fails (no space for a new directory block), the
 * new inode's link count stays 0 and dropping its vnode frees it, so no
 * error leaves the file system inconsistent.  A removed directory keeps
 * its blocks until its last user lets go, but with a link count of 0 it
 * has no entries to anyone (lookup gives ENOENT, readdir nothing).
 */
#include "s5fs_priv.h"
#include "fs/perm.h"
#include "fs/vfs.h"
#include "mm/page.h"
#include "util/errno.h"
#include "util/string.h"

#define S5_DIR_INIT_SIZE (2 * S5_DIRENT_SIZE)	/* "." and ".." */
#define S5_DIR_NLINK 2				/* ".", and its name in the parent */
#define S5_SYMLINK_PERMS 0777			/* what Linux shows for a symlink */

static bool dir_dead(vnode_t *dir)
{
	return INODE(dir)->s5i_nlink == 0;
}

static uint32_t dir_nslots(vnode_t *dir)
{
	return INODE(dir)->s5i_size / S5_DIRENT_SIZE;
}

static bool name_is(const s5_dirent_t *e, const char *name, size_t len)
{
	return memcmp(e->s5d_name, name, len) == 0 && e->s5d_name[len] == '\0';
}

/* Finds name (and, if free_slot is not NULL, the first free slot) by
 * reading every slot. */
static int dir_scan(vnode_t *dir, const char *name, size_t len, uint32_t *ino, uint32_t *slot,
		    uint32_t *free_slot)
{
	uint32_t nslots = dir_nslots(dir);
	if (free_slot)
		*free_slot = nslots;
	for (uint32_t page = 0; page * S5_DIRENTS_PER_BLOCK < nslots; page++) {
		pframe_t *pf;
		int rc = pframe_get(&dir->vn_mmobj, page, &pf);
		if (rc < 0)
			return rc;
		const s5_dirent_t *e = pf->pf_addr;
		uint32_t first = page * S5_DIRENTS_PER_BLOCK;
		uint32_t count = MIN(S5_DIRENTS_PER_BLOCK, nslots - first);
		for (uint32_t i = 0; i < count; i++) {
			if (e[i].s5d_ino == S5_NO_INODE) {
				if (free_slot && *free_slot == nslots)
					*free_slot = first + i;
			} else if (name_is(&e[i], name, len)) {
				*ino = e[i].s5d_ino;
				*slot = first + i;
				pframe_unpin(pf);
				return 0;
			}
		}
		pframe_unpin(pf);
	}
	return -ENOENT;
}

/* dir_scan's answer, from the directory's index when it has one. */
static int dir_search(vnode_t *dir, const char *name, size_t len, uint32_t *ino, uint32_t *slot,
		      uint32_t *free_slot)
{
	if (!s5_dx_ready(dir))
		return dir_scan(dir, name, len, ino, slot, free_slot);
	int rc = s5_dx_find(dir, name, len, ino, slot);
	if (free_slot && rc == -ENOENT)
		*free_slot = s5_dx_free_slot(dir);
	return rc;
}

int s5_dir_find(vnode_t *dir, const char *name, size_t len, uint32_t *ino, uint32_t *slot)
{
	if (len > S5_NAME_LEN)
		return -ENAMETOOLONG;
	return dir_search(dir, name, len, ino, slot, NULL);
}

/* Writes entry `slot` (which may be one past the end). */
static int write_slot(vnode_t *dir, uint32_t slot, uint32_t ino, const char *name, size_t len)
{
	s5_dirent_t e;
	memset(&e, 0, sizeof(e));
	e.s5d_ino = ino;
	memcpy(e.s5d_name, name, len);
	size_t done;
	int rc = s5_write_data(dir, (uint64_t)slot * S5_DIRENT_SIZE, &e, sizeof(e), &done);
	if (rc < 0)
		return rc;
	s5_inode_t *ip = INODE(dir);
	if ((slot + 1) * S5_DIRENT_SIZE > ip->s5i_size) {
		ip->s5i_size = (slot + 1) * S5_DIRENT_SIZE;
	}
	ip->s5i_mtime = ip->s5i_ctime = vfs_time_now();
	s5_inode_dirty(dir);
	s5_dx_added(dir, slot, name, len);
	return 0;
}

int s5_dir_add(vnode_t *dir, const char *name, size_t len, uint32_t ino)
{
	if (len > S5_NAME_LEN)
		return -ENAMETOOLONG;
	uint32_t found, slot, free_slot;
	int rc = dir_search(dir, name, len, &found, &slot, &free_slot);
	if (rc == 0)
		return -EEXIST;
	if (rc != -ENOENT)
		return rc;
	return write_slot(dir, free_slot, ino, name, len);
}

int s5_dir_set(vnode_t *dir, uint32_t slot, uint32_t ino)
{
	pframe_t *pf;
	int rc = pframe_get(&dir->vn_mmobj, slot / S5_DIRENTS_PER_BLOCK, &pf);
	if (rc < 0)
		return rc;
	((s5_dirent_t *)pf->pf_addr)[slot % S5_DIRENTS_PER_BLOCK].s5d_ino = ino;
	rc = pframe_dirty(pf);
	pframe_unpin(pf);
	INODE(dir)->s5i_mtime = INODE(dir)->s5i_ctime = vfs_time_now();
	s5_inode_dirty(dir);
	return rc;
}

int s5_dir_remove(vnode_t *dir, uint32_t slot)
{
	pframe_t *pf;
	int rc = pframe_get(&dir->vn_mmobj, slot / S5_DIRENTS_PER_BLOCK, &pf);
	if (rc < 0)
		return rc;
	s5_dirent_t *e = &((s5_dirent_t *)pf->pf_addr)[slot % S5_DIRENTS_PER_BLOCK];
	uint32_t hash = s5_dx_hash(e->s5d_name, strnlen(e->s5d_name, S5_NAME_LEN));
	memset(e, 0, sizeof(*e));
	rc = pframe_dirty(pf);
	pframe_unpin(pf);
	s5_dx_removed(dir, slot, hash);
	INODE(dir)->s5i_mtime = INODE(dir)->s5i_ctime = vfs_time_now();
	s5_inode_dirty(dir);
	return rc;
}

int s5_dir_empty(vnode_t *dir)
{
	uint32_t nslots = dir_nslots(dir);
	for (uint32_t page = 0; page * S5_DIRENTS_PER_BLOCK < nslots; page++) {
		pframe_t *pf;
		int rc = pframe_get(&dir->vn_mmobj, page, &pf);
		if (rc < 0)
			return rc;
		const s5_dirent_t *e = pf->pf_addr;
		uint32_t first = page * S5_DIRENTS_PER_BLOCK;
		uint32_t count = MIN(S5_DIRENTS_PER_BLOCK, nslots - first);
		for (uint32_t i = 0; i < count; i++) {
			if (first + i > S5_DOTDOT_SLOT && e[i].s5d_ino != S5_NO_INODE) {
				pframe_unpin(pf);
				return 0;
			}
		}
		pframe_unpin(pf);
	}
	return 1;
}

int s5_dir_init(vnode_t *dir, uint32_t parent_ino)
{
	int rc = write_slot(dir, S5_DOT_SLOT, dir->vn_ino, ".", 1);
	return rc < 0 ? rc : write_slot(dir, S5_DOTDOT_SLOT, parent_ino, "..", 2);
}

/* ---- vnode operations --------------------------------------------------- */

static int s5_lookup(vnode_t *dir, const char *name, size_t len, vnode_t **out)
{
	uint32_t ino, slot;
	if (dir_dead(dir))
		return -ENOENT;
	int rc = s5_dir_find(dir, name, len, &ino, &slot);
	return rc < 0 ? rc : vnode_get(dir->vn_fs, ino, out);
}

/* Checks that name can be added to dir: 0, or why not. */
static int check_new(vnode_t *dir, const char *name, size_t len)
{
	uint32_t ino, slot;
	if (dir_dead(dir))
		return -ENOENT;
	if (len > S5_NAME_LEN)
		return -ENAMETOOLONG;
	int rc = s5_dir_find(dir, name, len, &ino, &slot);
	return rc == 0 ? -EEXIST : rc == -ENOENT ? 0 : rc;
}

/* A new inode's vnode, owned as fs/perm.h says; linked in by the caller
 * (or freed by vput). */
static int new_vnode(vnode_t *dir, uint16_t type, mode_t mode, dev_t rdev, vnode_t **out)
{
	uint32_t ino, uid, gid;
	perm_new_owner(dir, type == S5_TYPE_DIR, &mode, &uid, &gid);
	int rc = s5_alloc_inode(S5FS(dir->vn_fs), type, (uint16_t)mode, rdev, uid, gid, &ino);
	return rc < 0 ? rc : vnode_get(dir->vn_fs, ino, out);
}

/* Links the new vn into dir under name with nlink links, or frees it. */
static int link_new(vnode_t *dir, const char *name, size_t len, vnode_t *vn, uint16_t nlink)
{
	int rc = s5_dir_add(dir, name, len, vn->vn_ino);
	if (rc == 0) {
		INODE(vn)->s5i_nlink = nlink;
		s5_inode_dirty(vn);
	}
	return rc;
}

static int dir_mknod(vnode_t *dir, const char *name, size_t len, mode_t mode, dev_t rdev,
		    vnode_t **out)
{
	uint16_t type;
	switch (mode & S_IFMT) {
	case S_IFREG: type = S5_TYPE_REG; rdev = 0; break;
	case S_IFCHR: type = S5_TYPE_CHR; break;
	case S_IFBLK: type = S5_TYPE_BLK; break;
	case S_IFIFO: type = S5_TYPE_FIFO; rdev = 0; break;
	case S_IFSOCK: type = S5_TYPE_SOCK; rdev = 0; break;
	default: return -EPERM;
	}
	int rc = check_new(dir, name, len);
	vnode_t *vn;
	if (rc == 0)
		rc = new_vnode(dir, type, mode, rdev, &vn);
	if (rc < 0)
		return rc;
	rc = link_new(dir, name, len, vn, 1);
	if (rc == 0 && out)
		*out = vn;
	else
		vput(vn);
	return rc;
}

static int dir_mkdir(vnode_t *dir, const char *name, size_t len, mode_t mode)
{
	if (INODE(dir)->s5i_nlink >= S5_LINK_MAX)
		return -EMLINK;
	int rc = check_new(dir, name, len);
	vnode_t *vn;
	if (rc == 0)
		rc = new_vnode(dir, S5_TYPE_DIR, mode, 0, &vn);
	if (rc < 0)
		return rc;
	rc = s5_dir_init(vn, dir->vn_ino);
	if (rc == 0)
		rc = link_new(dir, name, len, vn, S5_DIR_NLINK);
	if (rc == 0) {
		INODE(dir)->s5i_nlink++;
		s5_inode_dirty(dir);
	}
	vput(vn);
	return rc;
}

static int dir_rmdir(vnode_t *dir, const char *name, size_t len, vnode_t *child)
{
	uint32_t ino, slot;
	int rc = s5_dir_find(dir, name, len, &ino, &slot);
	if (rc < 0)
		return rc;
	if (ino != child->vn_ino)
		return -ENOENT;
	if ((rc = s5_dir_empty(child)) <= 0)
		return rc < 0 ? rc : -ENOTEMPTY;
	if ((rc = s5_dir_remove(dir, slot)) < 0)
		return rc;
	INODE(dir)->s5i_nlink--;
	s5_inode_dirty(dir);
	INODE(child)->s5i_nlink = 0;
	INODE(child)->s5i_ctime = vfs_time_now();
	s5_inode_dirty(child);
	s5_dx_drop(child);		/* dead: never searched again */
	return 0;
}

static int dir_unlink(vnode_t *dir, const char *name, size_t len, vnode_t *child)
{
	uint32_t ino, slot;
	int rc = s5_dir_find(dir, name, len, &ino, &slot);
	if (rc < 0)
		return rc;
	if (ino != child->vn_ino)
		return -ENOENT;
	if ((rc = s5_dir_remove(dir, slot)) < 0)
		return rc;
	INODE(child)->s5i_nlink--;
	INODE(child)->s5i_ctime = vfs_time_now();
	s5_inode_dirty(child);
	return 0;
}

static int dir_link(vnode_t *dir, const char *name, size_t len, vnode_t *target)
{
	if (INODE(target)->s5i_nlink >= S5_LINK_MAX)
		return -EMLINK;
	int rc = check_new(dir, name, len);
	if (rc == 0)
		rc = s5_dir_add(dir, name, len, target->vn_ino);
	if (rc == 0) {
		INODE(target)->s5i_nlink++;
		INODE(target)->s5i_ctime = vfs_time_now();
		s5_inode_dirty(target);
	}
	return rc;
}

/* The replaced file loses the name it had in newdir. */
static void drop_replaced(vnode_t *newdir, vnode_t *replaced)
{
	if (S_ISDIR(replaced->vn_mode)) {
		INODE(replaced)->s5i_nlink = 0;
		INODE(newdir)->s5i_nlink--;
		s5_inode_dirty(newdir);
	} else {
		INODE(replaced)->s5i_nlink--;
	}
	INODE(replaced)->s5i_ctime = vfs_time_now();
	s5_inode_dirty(replaced);
}

static int dir_rename(vnode_t *olddir, const char *oldname, size_t oldlen, vnode_t *child,
		     vnode_t *newdir, const char *newname, size_t newlen, vnode_t *replaced)
{
	uint32_t ino, oldslot, newslot;
	bool isdir = S_ISDIR(child->vn_mode), moving = isdir && olddir != newdir;
	int rc = s5_dir_find(olddir, oldname, oldlen, &ino, &oldslot);
	if (rc < 0 || ino != child->vn_ino)
		return rc < 0 ? rc : -ENOENT;
	if (dir_dead(newdir))
		return -ENOENT;
	if (moving && !replaced && INODE(newdir)->s5i_nlink >= S5_LINK_MAX)
		return -EMLINK;
	if (replaced) {
		if (S_ISDIR(replaced->vn_mode) && (rc = s5_dir_empty(replaced)) <= 0)
			return rc < 0 ? rc : -ENOTEMPTY;
		if ((rc = s5_dir_find(newdir, newname, newlen, &ino, &newslot)) < 0)
			return rc;
		if ((rc = s5_dir_set(newdir, newslot, child->vn_ino)) < 0)
			return rc;
		drop_replaced(newdir, replaced);
	} else if ((rc = s5_dir_add(newdir, newname, newlen, child->vn_ino)) < 0) {
		return rc;		/* nothing changed yet (no space, name too long) */
	}
	if ((rc = s5_dir_remove(olddir, oldslot)) < 0)
		return rc;
	if (moving) {
		if ((rc = s5_dir_set(child, S5_DOTDOT_SLOT, newdir->vn_ino)) < 0)
			return rc;
		INODE(olddir)->s5i_nlink--;
		INODE(newdir)->s5i_nlink++;
		s5_inode_dirty(olddir);
		s5_inode_dirty(newdir);
	}
	INODE(child)->s5i_ctime = vfs_time_now();
	s5_inode_dirty(child);
	return 0;
}

static int dir_symlink(vnode_t *dir, const char *name, size_t len, const char *target,
		      size_t target_len)
{
	if (target_len > S5_SYMLINK_MAX)
		return -ENAMETOOLONG;
	int rc = check_new(dir, name, len);
	vnode_t *vn;
	if (rc == 0)
		rc = new_vnode(dir, S5_TYPE_SYMLINK, S5_SYMLINK_PERMS, 0, &vn);
	if (rc < 0)
		return rc;
	size_t done;
	rc = s5_write_data(vn, 0, target, target_len, &done);
	if (rc == 0) {
		INODE(vn)->s5i_size = (uint32_t)target_len;
		s5_inode_dirty(vn);
		rc = link_new(dir, name, len, vn, 1);
	}
	vput(vn);
	return rc;
}

static int s5_readdir(vnode_t *dir, off64_t *pos, vfs_dirent_t *out)
{
	s5fs_t *s5 = S5FS(dir->vn_fs);
	int rc = 0;
	if (*pos < 0)
		return 0;
	kmutex_lock(&dir->vn_mutex);
	uint32_t nslots = dir_dead(dir) ? 0 : dir_nslots(dir);
	uint64_t slot = ((uint64_t)*pos + S5_DIRENT_SIZE - 1) / S5_DIRENT_SIZE;
	while (rc == 0 && slot < nslots) {
		pframe_t *pf;
		uint32_t page = (uint32_t)(slot / S5_DIRENTS_PER_BLOCK);
		if ((rc = pframe_get(&dir->vn_mmobj, page, &pf)) < 0)
			break;
		const s5_dirent_t *e = pf->pf_addr;
		uint64_t end = MIN((uint64_t)nslots, (uint64_t)(page + 1) * S5_DIRENTS_PER_BLOCK);
		for (; slot < end; slot++) {
			const s5_dirent_t *d = &e[slot % S5_DIRENTS_PER_BLOCK];
			if (d->s5d_ino == S5_NO_INODE)
				continue;
			out->d_ino = d->s5d_ino;
			memcpy(out->d_name, d->s5d_name, S5_NAME_LEN);
			out->d_name[S5_NAME_LEN] = '\0';
			rc = 1;
			slot++;
			break;
		}
		pframe_unpin(pf);
	}
	if (rc == 1) {
		*pos = (off64_t)slot * S5_DIRENT_SIZE;
		out->d_type = s5_inode_dtype(s5, out->d_ino);
	}
	kmutex_unlock(&dir->vn_mutex);
	return rc;
}

/* The operations that change the directory, each one journal operation
 * (the VFS holds the directories' vn_mutexes already). */
static int s5_mknod(vnode_t *dir, const char *name, size_t len, mode_t mode, dev_t rdev,
		    vnode_t **out)
{
	s5_op_begin(S5FS(dir->vn_fs));
	int rc = dir_mknod(dir, name, len, mode, rdev, out);
	s5_op_end(S5FS(dir->vn_fs));
	return rc;
}

static int s5_mkdir(vnode_t *dir, const char *name, size_t len, mode_t mode)
{
	s5_op_begin(S5FS(dir->vn_fs));
	int rc = dir_mkdir(dir, name, len, mode);
	s5_op_end(S5FS(dir->vn_fs));
	return rc;
}

static int s5_rmdir(vnode_t *dir, const char *name, size_t len, vnode_t *child)
{
	s5_op_begin(S5FS(dir->vn_fs));
	int rc = dir_rmdir(dir, name, len, child);
	s5_op_end(S5FS(dir->vn_fs));
	return rc;
}

static int s5_unlink(vnode_t *dir, const char *name, size_t len, vnode_t *child)
{
	s5_op_begin(S5FS(dir->vn_fs));
	int rc = dir_unlink(dir, name, len, child);
	s5_op_end(S5FS(dir->vn_fs));
	return rc;
}

static int s5_link(vnode_t *dir, const char *name, size_t len, vnode_t *target)
{
	s5_op_begin(S5FS(dir->vn_fs));
	int rc = dir_link(dir, name, len, target);
	s5_op_end(S5FS(dir->vn_fs));
	return rc;
}

static int s5_rename(vnode_t *olddir, const char *oldname, size_t oldlen, vnode_t *child,
		     vnode_t *newdir, const char *newname, size_t newlen, vnode_t *replaced)
{
	s5_op_begin(S5FS(olddir->vn_fs));
	int rc = dir_rename(olddir, oldname, oldlen, child, newdir, newname, newlen, replaced);
	s5_op_end(S5FS(olddir->vn_fs));
	return rc;
}

static int s5_symlink(vnode_t *dir, const char *name, size_t len, const char *target,
		      size_t target_len)
{
	s5_op_begin(S5FS(dir->vn_fs));
	int rc = dir_symlink(dir, name, len, target, target_len);
	s5_op_end(S5FS(dir->vn_fs));
	return rc;
}

const vnode_ops_t s5_dir_ops = {
	.stat = s5_stat,
	.setattr = s5_setattr,
	.fsync = s5_fsync,
	.lookup = s5_lookup,
	.mknod = s5_mknod,
	.mkdir = s5_mkdir,
	.rmdir = s5_rmdir,
	.link = s5_link,
	.unlink = s5_unlink,
	.rename = s5_rename,
	.symlink = s5_symlink,
	.readdir = s5_readdir,
};
