/*
 * ramfs: files, directories, symlinks and device nodes that live only in
 * memory (fs/ramfs.h).
 *
 * Every file is a vnode with a ramfs_inode_t in vn_i; there is no inode
 * table, and a vnode exists exactly as long as the file does.  Directory
 * entries hold references on the vnodes they name, and a directory holds
 * one on its parent (its ".."), so a file disappears when its last name
 * and its last user are gone: keep_vnode is NULL, and delete_vnode frees
 * the inode and its pages.  Refcount bookkeeping, used by unmount's busy
 * check: a file's names account for nlink references, a directory's
 * parent entry and its subdirectories' ".." for nlink - 1 (the root's
 * "parent entry" being the mount's reference).
 *
 * File data: pages of the vnode's memory object, filled with zeros, never
 * written back (no clean_page), so dirty pages stay resident.
 *
 * Readdir positions: 0 is ".", 1 is "..", and each entry gets a cookie
 * from a per-directory counter as it is added (entries stay in cookie
 * order), so a position survives other entries being added or removed.
 *
 * Locks: a vnode's vn_mutex protects its inode (entries, size, nlink,
 * times, parent); the VFS holds it for directory operations (and for the
 * children they relink), read/write/truncate/readdir take it here.
 * ino_lock protects the inode counter.
 */
#include "fs/ramfs.h"
#include "fs/perm.h"
#include "fs/vfs.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "mm/pframe.h"
#include "util/debug.h"
#include "util/errno.h"
#include "util/string.h"

#define RAMFS_ROOT_INO 1
#define RAMFS_ROOT_MODE (S_IFDIR | 0755)
#define RAMFS_SYMLINK_MODE (S_IFLNK | 0777)
#define RAMFS_FIRST_COOKIE 2	/* after "." and ".." */
#define RAMFS_DIR_NLINK 2	/* "." and the parent's entry */

typedef struct ramfs_dirent {
	list_t link;
	vnode_t *vn;		/* referenced */
	off64_t cookie;
	size_t len;
	char name[];		/* NUL-terminated */
} ramfs_dirent_t;

typedef struct ramfs_inode {
	uint32_t nlink;
	uint64_t size;
	uint32_t atime, mtime, ctime;
	list_t entries;		/* directories: ramfs_dirent_t, by cookie */
	size_t nentries;
	off64_t next_cookie;
	ramfs_dirent_t *hint;	/* the entry readdir returned last */
	vnode_t *parent;	/* directories: referenced (the root: itself, not) */
	char *target;		/* symlinks */
	bool dead;		/* a removed directory */
} ramfs_inode_t;

typedef struct ramfs {
	fs_t fs;
	spinlock_t ino_lock;
	ino_t next_ino;
} ramfs_t;

static const vnode_ops_t ramfs_vnode_ops;
static const mmobj_ops_t ramfs_mmobj_ops;

static inline ramfs_inode_t *RI(vnode_t *vn) { return vn->vn_i; }

static int ramfs_zero_fill(mmobj_t *o, pframe_t *pf)
{
	memset(pf->pf_addr, 0, PAGE_SIZE);
	return 0;
}

/* The page-fault bracket (mm/mmobj.h): vn_mutex keeps the size still; a
 * store through a shared mapping dates the file as a write does. */
static uint32_t ramfs_fault_begin(mmobj_t *o, bool store)
{
	vnode_t *vn = mmobj_to_vnode(o);
	kmutex_lock(&vn->vn_mutex);
	if (store)
		RI(vn)->mtime = RI(vn)->ctime = vfs_time_now();
	return (uint32_t)((RI(vn)->size + PAGE_SIZE - 1) / PAGE_SIZE);
}

static void ramfs_fault_end(mmobj_t *o)
{
	kmutex_unlock(&mmobj_to_vnode(o)->vn_mutex);
}

/* Zeros the resident last page of a file of `size` bytes past its end
 * (vn_mutex held): a store through a shared mapping may leave bytes there
 * that must read as zeros once the file grows over them.  A page that is
 * not resident reads as zeros anyway. */
static void ramfs_zero_tail(vnode_t *vn, uint64_t size)
{
	size_t off = (size_t)(size % PAGE_SIZE);
	pframe_t *pf = off ? pframe_lookup_resident(&vn->vn_mmobj, (uint32_t)(size / PAGE_SIZE))
			   : NULL;
	if (pf) {
		memset((uint8_t *)pf->pf_addr + off, 0, PAGE_SIZE - off);
		pframe_unpin(pf);
	}
}

/* A new file of the given mode in dir (NULL: none), owned as fs/perm.h
 * says; referenced once. */
static int new_vnode(fs_t *fs, vnode_t *dir, mode_t mode, dev_t rdev, vnode_t **out)
{
	ramfs_t *rfs = container_of(fs, ramfs_t, fs);
	ramfs_inode_t *ri = kzalloc(sizeof(*ri));
	if (!ri)
		return -ENOMEM;
	spin_lock(&rfs->ino_lock);
	ino_t ino = rfs->next_ino++;
	spin_unlock(&rfs->ino_lock);
	vnode_t *vn = vnode_create(fs, ino);
	if (!vn) {
		kfree(ri);
		return -ENOMEM;
	}
	list_init(&ri->entries);
	ri->next_cookie = RAMFS_FIRST_COOKIE;
	ri->nlink = S_ISDIR(mode) ? RAMFS_DIR_NLINK : 1;
	ri->atime = ri->mtime = ri->ctime = vfs_time_now();
	perm_new_owner(dir, S_ISDIR(mode), &mode, &vn->vn_uid, &vn->vn_gid);
	vn->vn_mode = mode;
	vn->vn_rdev = rdev;
	vn->vn_ops = &ramfs_vnode_ops;
	vn->vn_mmobj.mo_ops = &ramfs_mmobj_ops;
	vn->vn_i = ri;
	*out = vn;
	return 0;
}

static void ramfs_delete_vnode(fs_t *fs, vnode_t *vn)
{
	ramfs_inode_t *ri = RI(vn);
	KASSERT(ri->nentries == 0, "ramfs directory %u freed with entries", (unsigned)vn->vn_ino);
	pframe_remove_range(&vn->vn_mmobj, 0, UINT32_MAX);
	kfree(ri->target);
	kfree(ri);
}

static ramfs_dirent_t *find_entry(ramfs_inode_t *dri, const char *name, size_t len)
{
	list_t *l;
	list_for_each(l, &dri->entries) {
		ramfs_dirent_t *e = list_entry(l, ramfs_dirent_t, link);
		if (e->len == len && memcmp(e->name, name, len) == 0)
			return e;
	}
	return NULL;
}

/* Adds name -> vn to dir; the entry takes over one reference to vn. */
static int add_entry(vnode_t *dir, const char *name, size_t len, vnode_t *vn)
{
	ramfs_inode_t *dri = RI(dir);
	ramfs_dirent_t *e = kmalloc(sizeof(*e) + len + 1);
	if (!e)
		return -ENOMEM;
	e->vn = vn;
	e->len = len;
	memcpy(e->name, name, len);
	e->name[len] = '\0';
	e->cookie = dri->next_cookie++;
	list_insert_tail(&dri->entries, &e->link);
	dri->nentries++;
	dri->mtime = dri->ctime = vfs_time_now();
	return 0;
}

/* Unlinks entry e from dir; returns the reference it held. */
static vnode_t *remove_entry(vnode_t *dir, ramfs_dirent_t *e)
{
	ramfs_inode_t *dri = RI(dir);
	vnode_t *vn = e->vn;
	if (dri->hint == e)
		dri->hint = NULL;
	list_remove(&e->link);
	dri->nentries--;
	dri->mtime = dri->ctime = vfs_time_now();
	kfree(e);
	return vn;
}

static int check_new_name(vnode_t *dir, const char *name, size_t len)
{
	if (RI(dir)->dead)
		return -ENOENT;
	return find_entry(RI(dir), name, len) ? -EEXIST : 0;
}

static int ramfs_lookup(vnode_t *dir, const char *name, size_t len, vnode_t **out)
{
	ramfs_inode_t *dri = RI(dir);
	vnode_t *vn;
	if (dri->dead)
		return -ENOENT;
	if (len == 2 && name[0] == '.' && name[1] == '.')
		vn = dri->parent ? dri->parent : dir;
	else if (len == 1 && name[0] == '.')
		vn = dir;
	else {
		ramfs_dirent_t *e = find_entry(dri, name, len);
		if (!e)
			return -ENOENT;
		vn = e->vn;
	}
	vref(vn);
	*out = vn;
	return 0;
}

static int ramfs_mknod(vnode_t *dir, const char *name, size_t len, mode_t mode, dev_t rdev,
		       vnode_t **out)
{
	if (!S_ISREG(mode) && !S_ISCHR(mode) && !S_ISBLK(mode) && !S_ISFIFO(mode) &&
	    !S_ISSOCK(mode))
		return -EPERM;
	int rc = check_new_name(dir, name, len);
	vnode_t *vn;
	bool device = S_ISCHR(mode) || S_ISBLK(mode);
	if (rc == 0)
		rc = new_vnode(dir->vn_fs, dir, mode, device ? rdev : NODEV, &vn);
	if (rc == 0 && (rc = add_entry(dir, name, len, vn)) < 0)
		vput(vn);
	if (rc == 0 && out) {
		vref(vn);
		*out = vn;
	}
	return rc;
}

static int ramfs_mkdir(vnode_t *dir, const char *name, size_t len, mode_t mode)
{
	if (RI(dir)->nlink >= RAMFS_LINK_MAX)
		return -EMLINK;
	int rc = check_new_name(dir, name, len);
	vnode_t *vn;
	if (rc == 0)
		rc = new_vnode(dir->vn_fs, dir, S_IFDIR | (mode & S_IALLUGO), NODEV, &vn);
	if (rc < 0)
		return rc;
	vref(dir);
	RI(vn)->parent = dir;
	if ((rc = add_entry(dir, name, len, vn)) < 0) {
		RI(vn)->parent = NULL;
		vput(dir);
		vput(vn);
		return rc;
	}
	RI(dir)->nlink++;
	return 0;
}

/* Ends a directory that lost its name: drops its ".." reference. */
static void kill_dir(vnode_t *dir, vnode_t *child)
{
	ramfs_inode_t *cri = RI(child);
	cri->dead = true;
	cri->nlink = 0;
	cri->ctime = vfs_time_now();
	RI(dir)->nlink--;
	vnode_t *parent = cri->parent;
	cri->parent = NULL;
	vput(parent);
}

static int ramfs_rmdir(vnode_t *dir, const char *name, size_t len, vnode_t *child)
{
	ramfs_dirent_t *e = find_entry(RI(dir), name, len);
	if (!e || e->vn != child)
		return -ENOENT;
	if (RI(child)->nentries)
		return -ENOTEMPTY;
	kill_dir(dir, child);
	vput(remove_entry(dir, e));
	return 0;
}

static int ramfs_unlink(vnode_t *dir, const char *name, size_t len, vnode_t *child)
{
	ramfs_dirent_t *e = find_entry(RI(dir), name, len);
	if (!e || e->vn != child)
		return -ENOENT;
	RI(child)->nlink--;
	RI(child)->ctime = vfs_time_now();
	vput(remove_entry(dir, e));
	return 0;
}

static int ramfs_link(vnode_t *dir, const char *name, size_t len, vnode_t *target)
{
	if (RI(target)->nlink >= RAMFS_LINK_MAX)
		return -EMLINK;
	int rc = check_new_name(dir, name, len);
	if (rc < 0)
		return rc;
	vref(target);
	if ((rc = add_entry(dir, name, len, target)) < 0) {
		vput(target);
		return rc;
	}
	RI(target)->nlink++;
	RI(target)->ctime = vfs_time_now();
	return 0;
}

static int ramfs_rename(vnode_t *olddir, const char *oldname, size_t oldlen, vnode_t *child,
			vnode_t *newdir, const char *newname, size_t newlen, vnode_t *replaced)
{
	ramfs_dirent_t *old = find_entry(RI(olddir), oldname, oldlen);
	if (!old || old->vn != child)
		return -ENOENT;
	bool isdir = S_ISDIR(child->vn_mode);
	if (isdir && olddir != newdir && !replaced && RI(newdir)->nlink >= RAMFS_LINK_MAX)
		return -EMLINK;
	if (replaced && S_ISDIR(replaced->vn_mode) && RI(replaced)->nentries)
		return -ENOTEMPTY;
	vref(child);
	if (replaced) {
		ramfs_dirent_t *e = find_entry(RI(newdir), newname, newlen);
		KASSERT(e && e->vn == replaced, "ramfs rename: replaced entry vanished");
		e->vn = child;		/* the swap is the atomic replace */
		if (S_ISDIR(replaced->vn_mode))
			kill_dir(newdir, replaced);
		else
			RI(replaced)->nlink--;
		RI(replaced)->ctime = RI(newdir)->mtime = vfs_time_now();
		vput(replaced);
	} else {
		int rc = add_entry(newdir, newname, newlen, child);
		if (rc < 0) {
			vput(child);
			return rc;
		}
	}
	vput(remove_entry(olddir, old));
	if (isdir && olddir != newdir) {
		vref(newdir);
		RI(child)->parent = newdir;
		RI(newdir)->nlink++;
		RI(olddir)->nlink--;
		vput(olddir);
	}
	RI(child)->ctime = vfs_time_now();
	return 0;
}

static int ramfs_symlink(vnode_t *dir, const char *name, size_t len, const char *target,
			 size_t target_len)
{
	int rc = check_new_name(dir, name, len);
	if (rc < 0)
		return rc;
	char *copy = kmalloc(target_len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, target, target_len);
	copy[target_len] = '\0';
	vnode_t *vn;
	if ((rc = new_vnode(dir->vn_fs, dir, RAMFS_SYMLINK_MODE, NODEV, &vn)) < 0) {
		kfree(copy);
		return rc;
	}
	RI(vn)->target = copy;
	RI(vn)->size = target_len;
	if ((rc = add_entry(dir, name, len, vn)) < 0)
		vput(vn);
	return rc;
}

static ssize_t ramfs_readlink(vnode_t *vn, char *buf, size_t n)
{
	ramfs_inode_t *ri = RI(vn);
	size_t len = MIN(n, (size_t)ri->size);
	memcpy(buf, ri->target, len);
	return (ssize_t)len;
}

static void fill_dirent(vfs_dirent_t *de, vnode_t *vn, const char *name)
{
	de->d_ino = vn->vn_ino;
	de->d_type = IFTODT(vn->vn_mode);
	strlcpy(de->d_name, name, sizeof(de->d_name));
}

static int ramfs_readdir(vnode_t *dir, off64_t *pos, vfs_dirent_t *out)
{
	ramfs_inode_t *dri = RI(dir);
	int rc = 0;
	kmutex_lock(&dir->vn_mutex);
	if (*pos == 0 && !dri->dead) {
		fill_dirent(out, dir, ".");
		*pos = 1;
		rc = 1;
	} else if (*pos == 1 && !dri->dead) {
		fill_dirent(out, dri->parent ? dri->parent : dir, "..");
		*pos = RAMFS_FIRST_COOKIE;
		rc = 1;
	} else {
		list_t *l = dri->hint && dri->hint->cookie < *pos ? dri->hint->link.next
								   : dri->entries.next;
		for (; l != &dri->entries; l = l->next) {
			ramfs_dirent_t *e = list_entry(l, ramfs_dirent_t, link);
			if (e->cookie < *pos)
				continue;
			fill_dirent(out, e->vn, e->name);
			*pos = e->cookie + 1;
			dri->hint = e;
			rc = 1;
			break;
		}
	}
	kmutex_unlock(&dir->vn_mutex);
	return rc;
}

static ssize_t ramfs_read(vnode_t *vn, off64_t *pos, void *buf, size_t n, uint32_t ioflags)
{
	ramfs_inode_t *ri = RI(vn);
	kmutex_lock(&vn->vn_mutex);
	uint64_t start = (uint64_t)*pos;
	size_t total = start >= ri->size ? 0 : (size_t)MIN((uint64_t)n, ri->size - start);
	for (size_t done = 0; done < total;) {
		uint64_t at = start + done;
		size_t off = at % PAGE_SIZE, chunk = MIN(total - done, PAGE_SIZE - off);
		pframe_t *pf = pframe_lookup_resident(&vn->vn_mmobj, (uint32_t)(at / PAGE_SIZE));
		if (pf) {
			memcpy((uint8_t *)buf + done, (uint8_t *)pf->pf_addr + off, chunk);
			pframe_unpin(pf);
		} else {
			memset((uint8_t *)buf + done, 0, chunk);	/* a hole */
		}
		done += chunk;
	}
	ri->atime = vfs_time_now();
	kmutex_unlock(&vn->vn_mutex);
	*pos += total;
	return (ssize_t)total;
}

static ssize_t ramfs_write(vnode_t *vn, off64_t *pos, const void *buf, size_t n,
			   uint32_t ioflags)
{
	ramfs_inode_t *ri = RI(vn);
	kmutex_lock(&vn->vn_mutex);
	if (ioflags & O_APPEND)
		*pos = (off64_t)ri->size;
	uint64_t start = (uint64_t)*pos;
	if (n && start >= RAMFS_MAX_FILE_SIZE) {
		kmutex_unlock(&vn->vn_mutex);
		return -EFBIG;
	}
	size_t total = (size_t)MIN((uint64_t)n, RAMFS_MAX_FILE_SIZE - start);
	size_t done = 0;
	int rc = 0;
	if (start > ri->size)
		ramfs_zero_tail(vn, ri->size);
	while (done < total) {
		uint64_t at = start + done;
		size_t off = at % PAGE_SIZE, chunk = MIN(total - done, PAGE_SIZE - off);
		pframe_t *pf;
		if ((rc = pframe_get(&vn->vn_mmobj, (uint32_t)(at / PAGE_SIZE), &pf)) < 0)
			break;
		memcpy((uint8_t *)pf->pf_addr + off, (const uint8_t *)buf + done, chunk);
		rc = pframe_dirty(pf);
		pframe_unpin(pf);
		if (rc < 0)
			break;
		done += chunk;
	}
	if (start + done > ri->size)
		ri->size = start + done;
	if (done)
		ri->mtime = ri->ctime = vfs_time_now();
	kmutex_unlock(&vn->vn_mutex);
	*pos += done;
	if (done)
		return (ssize_t)done;
	return rc == -ENOMEM ? -ENOSPC : rc;	/* memory is this file system's space */
}

static int ramfs_truncate(vnode_t *vn, off64_t len)
{
	ramfs_inode_t *ri = RI(vn);
	if ((uint64_t)len > RAMFS_MAX_FILE_SIZE)
		return -EFBIG;
	kmutex_lock(&vn->vn_mutex);
	if ((uint64_t)len < ri->size) {
		uint32_t keep = (uint32_t)(((uint64_t)len + PAGE_SIZE - 1) / PAGE_SIZE);
		ramfs_zero_tail(vn, (uint64_t)len);
		pframe_remove_range(&vn->vn_mmobj, keep, UINT32_MAX);	/* and unmaps them */
	} else {
		ramfs_zero_tail(vn, ri->size);
	}
	ri->size = (uint64_t)len;
	ri->mtime = ri->ctime = vfs_time_now();
	kmutex_unlock(&vn->vn_mutex);
	return 0;
}

static int ramfs_stat(vnode_t *vn, struct stat64 *st)
{
	ramfs_inode_t *ri = RI(vn);
	st->st_nlink = ri->nlink;
	st->st_uid = vn->vn_uid;
	st->st_gid = vn->vn_gid;
	st->st_size = (int64_t)ri->size;
	st->st_blocks = (uint64_t)vn->vn_mmobj.mo_npages * (PAGE_SIZE / STAT_BLOCK_UNIT);
	st->st_atime = ri->atime;
	st->st_mtime = ri->mtime;
	st->st_ctime = ri->ctime;
	return 0;
}

static int ramfs_setattr(vnode_t *vn, const vattr_t *va)
{
	if (!va->va_mask)
		return 0;
	ramfs_inode_t *ri = RI(vn);
	kmutex_lock(&vn->vn_mutex);
	if (va->va_mask & VA_MODE)
		vn->vn_mode = (vn->vn_mode & S_IFMT) | (va->va_mode & S_IALLUGO);
	if (va->va_mask & VA_UID)
		vn->vn_uid = va->va_uid;
	if (va->va_mask & VA_GID)
		vn->vn_gid = va->va_gid;
	if (va->va_mask & VA_ATIME)
		ri->atime = va->va_atime;
	if (va->va_mask & VA_MTIME)
		ri->mtime = va->va_mtime;
	ri->ctime = vfs_time_now();
	kmutex_unlock(&vn->vn_mutex);
	return 0;
}

static int ramfs_fsync(vnode_t *vn)
{
	return 0;	/* nothing to write back to */
}

static const vnode_ops_t ramfs_vnode_ops = {
	.read = ramfs_read,
	.write = ramfs_write,
	.truncate = ramfs_truncate,
	.stat = ramfs_stat,
	.setattr = ramfs_setattr,
	.fsync = ramfs_fsync,
	.lookup = ramfs_lookup,
	.mknod = ramfs_mknod,
	.mkdir = ramfs_mkdir,
	.rmdir = ramfs_rmdir,
	.link = ramfs_link,
	.unlink = ramfs_unlink,
	.rename = ramfs_rename,
	.symlink = ramfs_symlink,
	.readlink = ramfs_readlink,
	.readdir = ramfs_readdir,
};

static const mmobj_ops_t ramfs_mmobj_ops = {
	.ref = vnode_mmobj_ref,
	.put = vnode_mmobj_put,
	.fill_page = ramfs_zero_fill,
	.fault_begin = ramfs_fault_begin,
	.fault_end = ramfs_fault_end,
};

/* Whether any file is used beyond the references its names account for
 * (open, a working directory, a mount point...). */
static bool ramfs_busy(fs_t *fs)
{
	bool busy = false;
	spin_lock(&fs->fs_vnode_lock);
	for (size_t b = 0; b < FS_VNODE_HASH_SIZE && !busy; b++) {
		list_t *l;
		list_for_each(l, &fs->fs_vnode_hash[b]) {
			vnode_t *vn = list_entry(l, vnode_t, vn_hash_link);
			uint32_t nlink = RI(vn)->nlink;
			uint32_t names = S_ISDIR(vn->vn_mode) && nlink ? nlink - 1 : nlink;
			if ((uint32_t)vn->vn_mmobj.mo_refcount > names || vn->vn_mounted) {
				busy = true;
				break;
			}
		}
	}
	spin_unlock(&fs->fs_vnode_lock);
	return busy;
}

/* Removes every name, deepest first, walking with the parent links (no
 * recursion), then drops the root. */
static void ramfs_destroy_tree(fs_t *fs)
{
	vnode_t *root = fs->fs_root, *cur = root;
	for (;;) {
		ramfs_inode_t *cri = RI(cur);
		if (list_empty(&cri->entries)) {
			if (cur == root)
				break;
			cur = cri->parent;
			continue;
		}
		ramfs_dirent_t *e = list_entry(cri->entries.next, ramfs_dirent_t, link);
		vnode_t *child = e->vn;
		if (S_ISDIR(child->vn_mode) && !list_empty(&RI(child)->entries)) {
			cur = child;
			continue;
		}
		if (S_ISDIR(child->vn_mode))
			kill_dir(cur, child);
		else
			RI(child)->nlink--;
		vput(remove_entry(cur, e));
	}
	fs->fs_root = NULL;
	vput(root);
}

static int ramfs_unmount(fs_t *fs)
{
	if (ramfs_busy(fs))
		return -EBUSY;
	ramfs_destroy_tree(fs);
	KASSERT(fs->fs_nvnodes == 0, "ramfs unmounted with %u vnodes", (unsigned)fs->fs_nvnodes);
	kfree(container_of(fs, ramfs_t, fs));
	return 0;
}

static int ramfs_sync(fs_t *fs)
{
	return 0;
}

static const fs_ops_t ramfs_fs_ops = {
	.delete_vnode = ramfs_delete_vnode,
	.sync = ramfs_sync,
	.unmount = ramfs_unmount,
};

int ramfs_create_unnamed(fs_t *fs, mode_t mode, vnode_t **out)
{
	int rc = new_vnode(fs, NULL, mode, NODEV, out);
	if (rc == 0)
		RI(*out)->nlink = 0;	/* freed with its last reference */
	return rc;
}

int ramfs_mount(struct blockdev *bd, fs_t **out)
{
	ramfs_t *rfs = kzalloc(sizeof(*rfs));
	if (!rfs)
		return -ENOMEM;
	fs_init_common(&rfs->fs, "ramfs", "ramfs", vfs_anon_dev(), &ramfs_fs_ops);
	spinlock_init(&rfs->ino_lock, "ramfs inode numbers");
	rfs->next_ino = RAMFS_ROOT_INO;
	vnode_t *root;
	int rc = new_vnode(&rfs->fs, NULL, RAMFS_ROOT_MODE, NODEV, &root);
	if (rc < 0) {
		kfree(rfs);
		return rc;
	}
	rfs->fs.fs_root = root;
	*out = &rfs->fs;
	return 0;
}
