/*
 * The vnode cache and vnode reference counting (fs/vnode.h has the
 * rules).
 *
 * Each file system hashes its vnodes by inode number.  A vnode enters
 * the cache flagged VN_LOADING while read_vnode fills it in, and is
 * flagged VN_FREEING while delete_vnode writes it back or frees it; a
 * vnode_get that meets either flag sleeps on vnode_wq and looks again, so
 * one inode never has two vnodes, and a vnode being written back is never
 * read in anew from stale disk contents.  Unreferenced vnodes a file
 * system wants kept sit on its fs_unused list (least recently used first)
 * until vnode_get revives them, the list grows past VNODE_UNUSED_MAX, or
 * vnode_flush_unused empties it; neither pushes out a vnode the file
 * system calls busy (fs_ops.vnode_busy), so the list may run over the
 * limit until the file system lets go.
 *
 * The fs's fs_vnode_lock protects its hash chains, unused list and counts,
 * and every refcount and vn_flags; vnode_count_lock the global count.
 * delete_vnode and read_vnode run with no lock held.
 */
#include "fs/vnode.h"
#include "fs/vfs.h"
#include "mm/page.h"
#include "mm/pframe.h"
#include "mm/slab.h"
#include "util/debug.h"
#include "util/errno.h"
#include "util/string.h"

static slab_cache_t *vnode_cache;
static wait_queue_t vnode_wq;		/* waiting for LOADING/FREEING vnodes */
static spinlock_t vnode_count_lock = SPINLOCK_INIT("vnode count");
static size_t nvnodes;

void vnode_init(void)
{
	vnode_cache = slab_cache_create("vnode", sizeof(vnode_t), 0, 0);
	KASSERT(vnode_cache, "no memory for the vnode cache");
	wait_queue_init(&vnode_wq);
}

size_t vnode_count(void)
{
	return nvnodes;
}

static list_t *vn_bucket(fs_t *fs, ino_t ino)
{
	return &fs->fs_vnode_hash[ino % FS_VNODE_HASH_SIZE];
}

static vnode_t *cache_find(fs_t *fs, ino_t ino)
{
	list_t *l;
	list_for_each(l, vn_bucket(fs, ino)) {
		vnode_t *vn = list_entry(l, vnode_t, vn_hash_link);
		if (vn->vn_ino == ino)
			return vn;
	}
	return NULL;
}

static vnode_t *vnode_alloc(fs_t *fs, ino_t ino, uint32_t flags)
{
	vnode_t *vn = slab_alloc(vnode_cache);
	if (!vn)
		return NULL;
	memset(vn, 0, sizeof(*vn));
	vn->vn_fs = fs;
	vn->vn_ino = ino;
	vn->vn_flags = flags;
	kmutex_init(&vn->vn_mutex, "vnode");
	list_init(&vn->vn_hash_link);
	list_init(&vn->vn_unused_link);
	/* The file system installs its object operations in read_vnode or
	 * after vnode_create; until then the vnode has no pages. */
	mmobj_init(&vn->vn_mmobj, NULL);
	vn->vn_mmobj.mo_refcount = 1;
	spin_lock(&vnode_count_lock);
	nvnodes++;
	spin_unlock(&vnode_count_lock);
	return vn;
}

static void vnode_free(vnode_t *vn)
{
	KASSERT(vn->vn_mmobj.mo_npages == 0, "vnode %u freed with %u pages",
		(unsigned)vn->vn_ino, (unsigned)vn->vn_mmobj.mo_npages);
	slab_free(vnode_cache, vn);
	spin_lock(&vnode_count_lock);
	nvnodes--;
	spin_unlock(&vnode_count_lock);
}

/* Takes vn (flagged FREEING, off the unused list) out of existence. */
static void vnode_destroy(vnode_t *vn)
{
	fs_t *fs = vn->vn_fs;
	if (fs->fs_ops->delete_vnode)
		fs->fs_ops->delete_vnode(fs, vn);
	spin_lock(&fs->fs_vnode_lock);
	list_remove(&vn->vn_hash_link);
	fs->fs_nvnodes--;
	spin_unlock(&fs->fs_vnode_lock);
	sched_broadcast_on(&vnode_wq);
	vnode_free(vn);
}

int vnode_get(fs_t *fs, ino_t ino, vnode_t **out)
{
	vnode_t *vn, *fresh = NULL;

	spin_lock(&fs->fs_vnode_lock);
	for (;;) {
		vn = cache_find(fs, ino);
		if (vn && (vn->vn_flags & (VN_LOADING | VN_FREEING))) {
			sched_sleep_on(&vnode_wq, &fs->fs_vnode_lock);
			continue;
		}
		if (vn) {
			if (vn->vn_mmobj.mo_refcount++ == 0) {
				list_remove(&vn->vn_unused_link);
				fs->fs_nunused--;
			}
			spin_unlock(&fs->fs_vnode_lock);
			if (fresh)
				vnode_free(fresh);
			*out = vn;
			return 0;
		}
		if (fresh)
			break;
		spin_unlock(&fs->fs_vnode_lock);
		fresh = vnode_alloc(fs, ino, VN_LOADING);
		if (!fresh)
			return -ENOMEM;
		spin_lock(&fs->fs_vnode_lock);
	}
	vn = fresh;
	list_insert_tail(vn_bucket(fs, ino), &vn->vn_hash_link);
	fs->fs_nvnodes++;
	spin_unlock(&fs->fs_vnode_lock);

	int rc = fs->fs_ops->read_vnode(fs, vn);

	spin_lock(&fs->fs_vnode_lock);
	vn->vn_flags &= ~VN_LOADING;
	if (rc < 0) {
		list_remove(&vn->vn_hash_link);
		fs->fs_nvnodes--;
	}
	spin_unlock(&fs->fs_vnode_lock);
	sched_broadcast_on(&vnode_wq);
	if (rc < 0) {
		vnode_free(vn);
		return rc;
	}
	*out = vn;
	return 0;
}

vnode_t *vnode_create(fs_t *fs, ino_t ino)
{
	vnode_t *vn = vnode_alloc(fs, ino, 0);
	if (!vn)
		return NULL;
	spin_lock(&fs->fs_vnode_lock);
	KASSERT(!cache_find(fs, ino), "vnode_create: inode %u already cached", (unsigned)ino);
	list_insert_tail(vn_bucket(fs, ino), &vn->vn_hash_link);
	fs->fs_nvnodes++;
	spin_unlock(&fs->fs_vnode_lock);
	return vn;
}

void vref(vnode_t *vn)
{
	fs_t *fs = vn->vn_fs;
	spin_lock(&fs->fs_vnode_lock);
	KASSERT(vn->vn_mmobj.mo_refcount > 0, "vref of unreferenced vnode %u", (unsigned)vn->vn_ino);
	vn->vn_mmobj.mo_refcount++;
	spin_unlock(&fs->fs_vnode_lock);
}

/* Takes the least recently used unreferenced vnode the file system lets
 * go off the unused list, flagged FREEING, looking past at most `tries`
 * busy ones (all of them if 0); NULL if there is none.  fs_vnode_lock
 * held. */
static vnode_t *take_unused_locked(fs_t *fs, unsigned tries)
{
	unsigned busy = 0;
	list_t *l;
	list_for_each(l, &fs->fs_unused) {
		vnode_t *vn = list_entry(l, vnode_t, vn_unused_link);
		if (fs->fs_ops->vnode_busy && fs->fs_ops->vnode_busy(fs, vn)) {
			if (++busy == tries)
				return NULL;
			continue;
		}
		list_remove(&vn->vn_unused_link);
		fs->fs_nunused--;
		vn->vn_flags |= VN_FREEING;
		return vn;
	}
	return NULL;
}

void vput(vnode_t *vn)
{
	fs_t *fs = vn->vn_fs;
	vnode_t *victim = NULL;

	spin_lock(&fs->fs_vnode_lock);
	KASSERT(vn->vn_mmobj.mo_refcount > 0, "vnode %u released too often", (unsigned)vn->vn_ino);
	if (--vn->vn_mmobj.mo_refcount > 0) {
		spin_unlock(&fs->fs_vnode_lock);
		return;
	}
	if (fs->fs_ops->keep_vnode && fs->fs_ops->keep_vnode(fs, vn)) {
		list_insert_tail(&fs->fs_unused, &vn->vn_unused_link);
		if (++fs->fs_nunused > VNODE_UNUSED_MAX)
			victim = take_unused_locked(fs, VNODE_BUSY_TRIES);
	} else {
		victim = vn;
		victim->vn_flags |= VN_FREEING;
	}
	spin_unlock(&fs->fs_vnode_lock);
	if (victim)
		vnode_destroy(victim);
}

int vnode_refcount(vnode_t *vn)
{
	return vn->vn_mmobj.mo_refcount;
}

void vnode_flush_unused(fs_t *fs)
{
	for (;;) {
		spin_lock(&fs->fs_vnode_lock);
		vnode_t *vn = take_unused_locked(fs, 0);
		spin_unlock(&fs->fs_vnode_lock);
		if (!vn)
			return;
		vnode_destroy(vn);
	}
}

void vnode_mmobj_ref(mmobj_t *o)
{
	vref(mmobj_to_vnode(o));
}

void vnode_mmobj_put(mmobj_t *o)
{
	vput(mmobj_to_vnode(o));
}

ssize_t vnode_read(vnode_t *vn, off64_t *pos, void *buf, size_t n, uint32_t ioflags)
{
	if (fifo_is_named(vn))
		return fifo_read(vn, buf, n, ioflags);
	if (S_ISCHR(vn->vn_mode) || S_ISBLK(vn->vn_mode))
		return special_read(vn, pos, buf, n, ioflags);
	if (S_ISDIR(vn->vn_mode))
		return -EISDIR;
	if (!vn->vn_ops->read)
		return -EINVAL;
	return vn->vn_ops->read(vn, pos, buf, n, ioflags);
}

ssize_t vnode_write(vnode_t *vn, off64_t *pos, const void *buf, size_t n, uint32_t ioflags)
{
	if (fifo_is_named(vn))
		return fifo_write(vn, buf, n, ioflags);
	if (S_ISCHR(vn->vn_mode) || S_ISBLK(vn->vn_mode))
		return special_write(vn, pos, buf, n, ioflags);
	if (S_ISDIR(vn->vn_mode))
		return -EISDIR;
	if (!vn->vn_ops->write)
		return -EINVAL;
	return vn->vn_ops->write(vn, pos, buf, n, ioflags);
}

int vnode_stat(vnode_t *vn, struct stat64 *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = vn->vn_fs->fs_dev;
	st->st_ino = vn->vn_ino;
	st->__st_ino = vn->vn_ino;
	st->st_mode = vn->vn_mode;
	st->st_rdev = vn->vn_rdev;
	st->st_blksize = PAGE_SIZE;
	return vn->vn_ops->stat ? vn->vn_ops->stat(vn, st) : 0;
}
