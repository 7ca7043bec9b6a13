/*
 * S5FS in the kernel: mounting (with a superblock check that refuses
 * anything inconsistent, with a message), the memory objects that put
 * the disk and each file in the page cache, vnodes read from the inode
 * table, file data (read with sequential read-ahead, write, truncate),
 * stat, fsync, sync and unmount.  Allocation is in s5fs_alloc.c,
 * directories in s5fs_dir.c; s5fs_priv.h explains the objects and locks.
 *
 * Mounting marks the superblock DIRTY; unmounting writes everything back
 * and marks it CLEAN.  An unreferenced vnode of a file that still has a
 * name stays cached (keep_vnode) with its pages; one whose last name is
 * gone is freed, blocks and inode, when its last user lets go.
 */
#include "s5fs_priv.h"
#include "fs/vfs.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "util/debug.h"
#include "util/errno.h"
#include "util/printf.h"
#include "util/string.h"

_Static_assert(S5_BLOCK_SIZE == PAGE_SIZE, "one S5FS block per page");

static const mmobj_ops_t s5_dev_mmobj_ops, s5_file_mmobj_ops;
static const fs_ops_t s5_fs_ops;

int s5_corrupt(s5fs_t *s5, const char *what, uint32_t value)
{
	if (!s5->corrupt_reported) {
		s5->corrupt_reported = true;
		kprintf("s5fs: %s: corrupt file system: bad %s (%u); run fsck.s5fs\n",
			s5->fs.fs_devname, what, (unsigned)value);
	}
	return -EUCLEAN;
}

void s5_inode_dirty(vnode_t *vn)
{
	pframe_dirty(VI(vn)->ipf);
}

/* ---- the device object: page n is disk block n ----------------------- */

static void s5_dev_noref(mmobj_t *o)
{
	/* lives exactly as long as the mount */
}

static int s5_dev_fill(mmobj_t *o, pframe_t *pf)
{
	s5fs_t *s5 = container_of(o, s5fs_t, dev_obj);
	if (pf->pf_pagenum >= blockdev_nblocks(s5->bd))
		return -EIO;
	return blockdev_read_blocks(s5->bd, pf->pf_pagenum, 1, pf->pf_addr);
}

/* Every device page is metadata: with a journal it joins the running
 * transaction and goes home only at a checkpoint. */
static int s5_dev_dirty(mmobj_t *o, pframe_t *pf)
{
	s5_tx_add_page(container_of(o, s5fs_t, dev_obj), pf);
	return 0;
}

static int s5_dev_clean(mmobj_t *o, pframe_t *pf)
{
	s5fs_t *s5 = container_of(o, s5fs_t, dev_obj);
	if (!s5_tx_home_ok(s5))
		return -EAGAIN;
	return blockdev_write_blocks(s5->bd, pf->pf_pagenum, 1, pf->pf_addr);
}

static const mmobj_ops_t s5_dev_mmobj_ops = {
	.ref = s5_dev_noref,
	.put = s5_dev_noref,
	.fill_page = s5_dev_fill,
	.dirty_page = s5_dev_dirty,
	.clean_page = s5_dev_clean,
};

/* ---- a file's object: page n is file block n -------------------------- */

static int s5_file_fill(mmobj_t *o, pframe_t *pf)
{
	vnode_t *vn = mmobj_to_vnode(o);
	s5fs_t *s5 = S5FS(vn->vn_fs);
	uint32_t b;
	kmutex_lock(&VI(vn)->bmap_mutex);
	int rc = s5_bmap(vn, pf->pf_pagenum, false, &b);
	kmutex_unlock(&VI(vn)->bmap_mutex);
	if (rc < 0)
		return rc;
	pf->pf_private = b;
	if (b == S5_NO_BLOCK) {
		memset(pf->pf_addr, 0, PAGE_SIZE);
		return 0;
	}
	return blockdev_read_blocks(s5->bd, b, 1, pf->pf_addr);
}

/* Directory and symlink blocks are metadata (journaled); a regular
 * file's are data (written before the commit that maps them). */
static bool s5_journaled_vnode(vnode_t *vn)
{
	return S_ISDIR(vn->vn_mode) || S_ISLNK(vn->vn_mode);
}

/* A page about to be dirtied gets its block now, so a full disk is found
 * before anything is changed. */
static int s5_file_dirty(mmobj_t *o, pframe_t *pf)
{
	vnode_t *vn = mmobj_to_vnode(o);
	s5fs_t *s5 = S5FS(vn->vn_fs);
	uint32_t b;
	kmutex_lock(&VI(vn)->bmap_mutex);
	int rc = s5_bmap(vn, pf->pf_pagenum, true, &b);
	kmutex_unlock(&VI(vn)->bmap_mutex);
	if (rc < 0)
		return rc;
	pf->pf_private = b;
	if (s5_journaled_vnode(vn))
		s5_tx_add_page(s5, pf);
	s5_tx_add_vnode(s5, vn);
	return 0;
}

static int s5_file_clean(mmobj_t *o, pframe_t *pf)
{
	vnode_t *vn = mmobj_to_vnode(o);
	s5fs_t *s5 = S5FS(vn->vn_fs);
	KASSERT(pf->pf_private != S5_NO_BLOCK, "s5fs: dirty page %u of inode %u has no block",
		(unsigned)pf->pf_pagenum, (unsigned)vn->vn_ino);
	if (s5_journaled_vnode(vn) && !s5_tx_home_ok(s5))
		return -EAGAIN;
	return blockdev_write_blocks(s5->bd, pf->pf_private, 1, pf->pf_addr);
}

/* The page-fault bracket (mm/mmobj.h): vn_mutex keeps the size still,
 * as truncate and writes hold it; a store through a shared mapping
 * changes the file, so it dates it as a write does. */
static uint32_t s5_file_fault_begin(mmobj_t *o, bool store)
{
	vnode_t *vn = mmobj_to_vnode(o);
	kmutex_lock(&vn->vn_mutex);
	s5_op_begin(S5FS(vn->vn_fs));	/* a store may allocate the page's block */
	if (store) {
		INODE(vn)->s5i_mtime = INODE(vn)->s5i_ctime = vfs_time_now();
		s5_inode_dirty(vn);
	}
	return s5_size_blocks(INODE(vn)->s5i_size);
}

static void s5_file_fault_end(mmobj_t *o)
{
	vnode_t *vn = mmobj_to_vnode(o);
	s5_op_end(S5FS(vn->vn_fs));
	kmutex_unlock(&vn->vn_mutex);
}

static int s5_file_sync(mmobj_t *o)
{
	return s5_fsync(mmobj_to_vnode(o));
}

static const mmobj_ops_t s5_file_mmobj_ops = {
	.ref = vnode_mmobj_ref,
	.put = vnode_mmobj_put,
	.fill_page = s5_file_fill,
	.dirty_page = s5_file_dirty,
	.clean_page = s5_file_clean,
	.sync = s5_file_sync,
	.fault_begin = s5_file_fault_begin,
	.fault_end = s5_file_fault_end,
};

/* ---- vnodes ----------------------------------------------------------- */

static const mode_t type_modes[] = {
	[S5_TYPE_REG] = S_IFREG, [S5_TYPE_DIR] = S_IFDIR, [S5_TYPE_SYMLINK] = S_IFLNK,
	[S5_TYPE_CHR] = S_IFCHR, [S5_TYPE_BLK] = S_IFBLK, [S5_TYPE_FIFO] = S_IFIFO,
	[S5_TYPE_SOCK] = S_IFSOCK,
};

static int s5_read_vnode(fs_t *fs, vnode_t *vn)
{
	s5fs_t *s5 = S5FS(fs);
	if (vn->vn_ino == S5_NO_INODE || vn->vn_ino >= s5->ninodes)
		return s5_corrupt(s5, "inode number", vn->vn_ino);
	s5_vinfo_t *vi = kzalloc(sizeof(*vi));
	if (!vi)
		return -ENOMEM;
	int rc = pframe_get(&s5->dev_obj, s5_inode_block(s5->sb, vn->vn_ino), &vi->ipf);
	if (rc < 0) {
		kfree(vi);
		return rc;
	}
	vi->inode = (s5_inode_t *)((uint8_t *)vi->ipf->pf_addr + s5_inode_offset(vn->vn_ino));
	s5_inode_t *ip = vi->inode;
	if (!s5_type_valid(ip->s5i_type)) {
		pframe_unpin(vi->ipf);
		kfree(vi);
		return s5_corrupt(s5, "type of a linked inode", vn->vn_ino);
	}
	kmutex_init(&vi->bmap_mutex, "s5fs block map");
	vi->vn = vn;
	list_init(&vi->tx_link);
	vi->ra_window = S5_RA_MIN;
	vn->vn_i = vi;
	vn->vn_mode = type_modes[ip->s5i_type] | (ip->s5i_mode & S5_MODE_MASK);
	vn->vn_uid = ip->s5i_uid;
	vn->vn_gid = ip->s5i_gid;
	vn->vn_rdev = (ip->s5i_type == S5_TYPE_CHR || ip->s5i_type == S5_TYPE_BLK) ? ip->s5i_rdev
										    : NODEV;
	switch (ip->s5i_type) {
	case S5_TYPE_DIR: vn->vn_ops = &s5_dir_ops; break;
	case S5_TYPE_SYMLINK: vn->vn_ops = &s5_symlink_ops; break;
	case S5_TYPE_REG: vn->vn_ops = &s5_file_ops; break;
	default: vn->vn_ops = &s5_special_ops; break;
	}
	vn->vn_mmobj.mo_ops = &s5_file_mmobj_ops;
	return 0;
}

static bool s5_keep_vnode(fs_t *fs, vnode_t *vn)
{
	return INODE(vn)->s5i_nlink > 0;
}

/* A directory or symlink whose pages wait in the running transaction
 * stays: destroyed, it would leave them behind, and a vnode read in anew
 * would read their blocks from the disk before the commit writes them. */
static bool s5_vnode_busy(fs_t *fs, vnode_t *vn)
{
	return s5_journaled_vnode(vn) && s5_tx_holds_vnode(S5FS(fs), vn);
}

static void s5_delete_vnode(fs_t *fs, vnode_t *vn)
{
	s5fs_t *s5 = S5FS(fs);
	s5_vinfo_t *vi = VI(vn);
	s5_op_begin(s5);
	/* A file that keeps its name has no pages in the transaction
	 * (s5_vnode_busy keeps it until the commit); were one left, the
	 * checkpoint would still write it, removed. */
	s5_tx_forget_vnode(s5, vn, vi->inode->s5i_nlink == 0);
	if (vi->inode->s5i_nlink == 0) {
		pframe_remove_range(&vn->vn_mmobj, 0, UINT32_MAX);
		kmutex_lock(&vi->bmap_mutex);
		s5_free_blocks_from(vn, 0);
		kmutex_unlock(&vi->bmap_mutex);
		pframe_unpin(vi->ipf);
		s5_free_inode(s5, vn->vn_ino);
	} else {
		int rc = pframe_sync_obj(&vn->vn_mmobj);
		if (rc < 0)
			kprintf("s5fs: %s: inode %u: write-back failed (%d)\n", fs->fs_devname,
				(unsigned)vn->vn_ino, rc);
		pframe_remove_range(&vn->vn_mmobj, 0, UINT32_MAX);
		pframe_unpin(vi->ipf);
	}
	s5_dx_drop(vn);
	kfree(vi);
	s5_op_end(s5);
}

/* ---- file data ---------------------------------------------------------- */

int s5_read_data(vnode_t *vn, uint64_t pos, void *buf, size_t n)
{
	for (size_t done = 0; done < n;) {
		uint64_t at = pos + done;
		size_t off = at % PAGE_SIZE, chunk = MIN(n - done, PAGE_SIZE - off);
		pframe_t *pf;
		int rc = pframe_get(&vn->vn_mmobj, (uint32_t)(at / PAGE_SIZE), &pf);
		if (rc < 0)
			return rc;
		memcpy((uint8_t *)buf + done, (uint8_t *)pf->pf_addr + off, chunk);
		pframe_unpin(pf);
		done += chunk;
	}
	return 0;
}

int s5_write_data(vnode_t *vn, uint64_t pos, const void *buf, size_t n, size_t *done)
{
	uint32_t size = INODE(vn)->s5i_size;
	int rc = 0;
	*done = 0;
	while (*done < n) {
		uint64_t at = pos + *done;
		size_t off = at % PAGE_SIZE, chunk = MIN(n - *done, PAGE_SIZE - off);
		uint32_t page = (uint32_t)(at / PAGE_SIZE);
		/* nothing to read first if all of the page is new or overwritten */
		bool fresh = chunk == PAGE_SIZE || (uint64_t)page * PAGE_SIZE >= size;
		pframe_t *pf;
		rc = fresh ? pframe_get_nofill(&vn->vn_mmobj, page, &pf)
			   : pframe_get(&vn->vn_mmobj, page, &pf);
		if (rc < 0)
			break;
		rc = pframe_dirty(pf);		/* reserves the block */
		if (rc == 0) {
			memcpy((uint8_t *)pf->pf_addr + off, (const uint8_t *)buf + *done, chunk);
			rc = pframe_dirty(pf);	/* and marks the change */
		}
		pframe_unpin(pf);
		if (rc < 0)
			break;
		*done += chunk;
	}
	return rc;
}

/* Zeros the last page of a file of `size` bytes past its end (vn_mutex
 * held): a store through a shared mapping may leave bytes there that are
 * not part of the file, and they must read as zeros once the file grows
 * over them (or once it shrank to size).  A hole reads as zeros already. */
static int s5_zero_tail(vnode_t *vn, uint32_t size)
{
	static const uint8_t zeros[PAGE_SIZE];
	size_t off = size % PAGE_SIZE, done;
	uint32_t b = S5_NO_BLOCK;
	if (!off)
		return 0;
	kmutex_lock(&VI(vn)->bmap_mutex);
	int rc = s5_bmap(vn, size / PAGE_SIZE, false, &b);
	kmutex_unlock(&VI(vn)->bmap_mutex);
	if (rc < 0 || b == S5_NO_BLOCK)
		return rc;
	return s5_write_data(vn, size, zeros, PAGE_SIZE - off, &done);
}

static ssize_t s5_read(vnode_t *vn, off64_t *pos, void *buf, size_t n, uint32_t ioflags)
{
	s5_vinfo_t *vi = VI(vn);
	kmutex_lock(&vn->vn_mutex);
	uint32_t size = vi->inode->s5i_size;
	uint64_t start = (uint64_t)*pos;
	size_t total = start >= size ? 0 : (size_t)MIN((uint64_t)n, size - start);
	int rc = s5_read_data(vn, start, buf, total);
	if (rc == 0 && total) {
		uint32_t first = (uint32_t)(start / PAGE_SIZE);
		uint32_t next = (uint32_t)((start + total + PAGE_SIZE - 1) / PAGE_SIZE);
		uint32_t size_pages = s5_size_blocks(size);
		if (first == vi->ra_next || first + 1 == vi->ra_next) {
			if (next < size_pages)
				pframe_readahead(&vn->vn_mmobj, next,
						 MIN(vi->ra_window, size_pages - next));
			vi->ra_window = MIN(vi->ra_window * 2, S5_RA_MAX);
		} else {
			vi->ra_window = S5_RA_MIN;
		}
		vi->ra_next = next;
	}
	kmutex_unlock(&vn->vn_mutex);
	if (rc < 0)
		return rc;
	*pos += total;
	return (ssize_t)total;
}

static ssize_t s5_write(vnode_t *vn, off64_t *pos, const void *buf, size_t n, uint32_t ioflags)
{
	s5_inode_t *ip = INODE(vn);
	s5fs_t *s5 = S5FS(vn->vn_fs);
	kmutex_lock(&vn->vn_mutex);
	if (ioflags & O_APPEND)
		*pos = ip->s5i_size;
	uint64_t start = (uint64_t)*pos;
	if (n && start >= S5_MAX_FILE_SIZE) {
		kmutex_unlock(&vn->vn_mutex);
		return -EFBIG;
	}
	s5_op_begin(s5);
	n = (size_t)MIN((uint64_t)n, S5_MAX_FILE_SIZE - start);
	size_t done = 0;
	int rc = start > ip->s5i_size ? s5_zero_tail(vn, ip->s5i_size) : 0;
	if (rc == 0)
		rc = s5_write_data(vn, start, buf, n, &done);
	if (start + done > ip->s5i_size)
		ip->s5i_size = (uint32_t)(start + done);
	if (done) {
		ip->s5i_mtime = ip->s5i_ctime = vfs_time_now();
		s5_inode_dirty(vn);
	}
	s5_op_end(s5);
	kmutex_unlock(&vn->vn_mutex);
	*pos += done;
	return done ? (ssize_t)done : rc;
}

static int s5_truncate(vnode_t *vn, off64_t len)
{
	s5_vinfo_t *vi = VI(vn);
	if ((uint64_t)len > S5_MAX_FILE_SIZE)
		return -EFBIG;
	kmutex_lock(&vn->vn_mutex);
	s5_op_begin(S5FS(vn->vn_fs));
	int rc = 0;
	uint32_t size = vi->inode->s5i_size;
	if ((uint64_t)len < size) {
		rc = s5_zero_tail(vn, (uint32_t)len);
		/* Mappings of the pages that go are removed with them, so no
		 * store can reach a block after it is freed (faults wait for
		 * vn_mutex, and then find the new size). */
		uint32_t keep = s5_size_blocks((uint32_t)len);
		pframe_remove_range(&vn->vn_mmobj, keep, UINT32_MAX);
		kmutex_lock(&vi->bmap_mutex);
		s5_free_blocks_from(vn, keep);
		kmutex_unlock(&vi->bmap_mutex);
	} else if ((uint64_t)len > size) {
		rc = s5_zero_tail(vn, size);
	}
	if (rc == 0) {
		vi->inode->s5i_size = (uint32_t)len;
		vi->inode->s5i_mtime = vi->inode->s5i_ctime = vfs_time_now();
		s5_inode_dirty(vn);
	}
	s5_op_end(S5FS(vn->vn_fs));
	kmutex_unlock(&vn->vn_mutex);
	return rc;
}

static ssize_t s5_readlink(vnode_t *vn, char *buf, size_t n)
{
	kmutex_lock(&vn->vn_mutex);
	size_t len = MIN(n, (size_t)INODE(vn)->s5i_size);
	int rc = s5_read_data(vn, 0, buf, len);
	kmutex_unlock(&vn->vn_mutex);
	return rc < 0 ? rc : (ssize_t)len;
}

int s5_stat(vnode_t *vn, struct stat64 *st)
{
	s5_inode_t *ip = INODE(vn);
	st->st_nlink = ip->s5i_nlink;
	st->st_uid = ip->s5i_uid;
	st->st_gid = ip->s5i_gid;
	st->st_size = ip->s5i_size;
	st->st_blocks = (uint64_t)ip->s5i_nblocks * (S5_BLOCK_SIZE / STAT_BLOCK_UNIT);
	st->st_atime = ip->s5i_atime;
	st->st_mtime = ip->s5i_mtime;
	st->st_ctime = ip->s5i_ctime;
	return 0;
}

int s5_setattr(vnode_t *vn, const vattr_t *va)
{
	if (!va->va_mask)
		return 0;
	s5_inode_t *ip = INODE(vn);
	kmutex_lock(&vn->vn_mutex);
	s5_op_begin(S5FS(vn->vn_fs));
	if (va->va_mask & VA_MODE) {
		ip->s5i_mode = (uint16_t)(va->va_mode & S5_MODE_MASK);
		vn->vn_mode = (vn->vn_mode & S_IFMT) | ip->s5i_mode;
	}
	if (va->va_mask & VA_UID)
		ip->s5i_uid = vn->vn_uid = va->va_uid;
	if (va->va_mask & VA_GID)
		ip->s5i_gid = vn->vn_gid = va->va_gid;
	if (va->va_mask & VA_ATIME)
		ip->s5i_atime = va->va_atime;
	if (va->va_mask & VA_MTIME)
		ip->s5i_mtime = va->va_mtime;
	ip->s5i_ctime = vfs_time_now();
	s5_inode_dirty(vn);
	s5_op_end(S5FS(vn->vn_fs));
	kmutex_unlock(&vn->vn_mutex);
	return 0;
}

/* Durable on return: the file's data, then (journal) the commit of
 * everything so far -- its inode, map and names included -- or (no
 * journal) the metadata blocks, then FLUSH CACHE. */
int s5_fsync(vnode_t *vn)
{
	s5fs_t *s5 = S5FS(vn->vn_fs);
	int rc = pframe_sync_obj(&vn->vn_mmobj);
	int rc2 = s5_journaled(s5) ? 0 : pframe_sync_obj(&s5->dev_obj);
	int rc3 = s5_tx_commit(s5);
	return rc < 0 ? rc : rc2 < 0 ? rc2 : rc3;
}

static int s5_file_bmap(vnode_t *vn, uint32_t lbn, uint32_t *pbn, uint32_t *blksize)
{
	kmutex_lock(&VI(vn)->bmap_mutex);
	int rc = lbn < S5_MAX_FILE_SIZE / S5_BLOCK_SIZE ? s5_bmap(vn, lbn, false, pbn) : -EINVAL;
	kmutex_unlock(&VI(vn)->bmap_mutex);
	*blksize = S5_BLOCK_SIZE;
	return rc;
}

const vnode_ops_t s5_file_ops = {
	.read = s5_read,
	.write = s5_write,
	.truncate = s5_truncate,
	.stat = s5_stat,
	.setattr = s5_setattr,
	.fsync = s5_fsync,
	.bmap = s5_file_bmap,
};

const vnode_ops_t s5_symlink_ops = {
	.readlink = s5_readlink,
	.stat = s5_stat,
	.setattr = s5_setattr,
	.fsync = s5_fsync,
};

const vnode_ops_t s5_special_ops = {
	.stat = s5_stat,
	.setattr = s5_setattr,
	.fsync = s5_fsync,
};

/* ---- mount, sync, unmount -------------------------------------------- */

/* Writes the superblock with state `state` and everything else back,
 * durably; CLEAN also marks the journal empty. */
static int s5_write_state(s5fs_t *s5, uint32_t state)
{
	s5_op_begin(s5);
	kmutex_lock(&s5->alloc_mutex);
	s5->sb->s5s_state = state;
	s5->sb->s5s_mtime = vfs_time_now();
	pframe_dirty(s5->super_pf);
	kmutex_unlock(&s5->alloc_mutex);
	s5_op_end(s5);
	int rc = s5_journaled(s5) ? 0 : pframe_sync_obj(&s5->dev_obj);
	int rc2 = state == S5_STATE_CLEAN ? s5_journal_finish(s5) : s5_tx_commit(s5);
	return rc < 0 ? rc : rc2;
}

/* What is wrong with the superblock, or NULL (fsck_super's rules). */
static const char *super_problem(const s5_super_t *sb, uint32_t dev_blocks)
{
	if (sb->s5s_magic != S5_MAGIC)
		return "bad magic number (not an S5FS)";
	if (sb->s5s_version != S5_VERSION)
		return "unknown version";
	if (sb->s5s_inode_start != S5_INODE_START || sb->s5s_inode_blocks == 0 ||
	    (uint64_t)sb->s5s_inode_start + sb->s5s_inode_blocks + sb->s5s_journal_blocks !=
		    sb->s5s_data_start)
		return "inode table out of place";
	if (sb->s5s_data_start >= sb->s5s_nblocks)
		return "no data area";
	if (sb->s5s_nblocks > dev_blocks)
		return "larger than the disk";
	if (sb->s5s_ninodes <= S5_ROOT_INO ||
	    sb->s5s_ninodes > (uint64_t)sb->s5s_inode_blocks * S5_INODES_PER_BLOCK)
		return "inode count does not fit the inode table";
	if (sb->s5s_free_blocks > sb->s5s_nblocks - sb->s5s_data_start ||
	    sb->s5s_free_inodes >= sb->s5s_ninodes)
		return "free counts out of range";
	if (sb->s5s_free.s5f_nfree > S5_NICFREE ||
	    (sb->s5s_free.s5f_next && (sb->s5s_free.s5f_next < sb->s5s_data_start ||
				       sb->s5s_free.s5f_next >= sb->s5s_nblocks)) ||
	    sb->s5s_free_inode >= sb->s5s_ninodes)
		return "free lists out of range";
	if (sb->s5s_state != S5_STATE_CLEAN && sb->s5s_state != S5_STATE_DIRTY)
		return "unknown state";
	return NULL;
}

static void s5_teardown(s5fs_t *s5)
{
	if (s5->super_pf)
		pframe_unpin(s5->super_pf);
	pframe_remove_range(&s5->dev_obj, 0, UINT32_MAX);
	s5_journal_close(s5);
	kfree(s5);
}

int s5fs_mount(blockdev_t *bd, fs_t **out)
{
	KASSERT(bd, "s5fs needs a block device");
	const char *devname = bd->name;
	if (bd->block_size != S5_BLOCK_SIZE) {
		kprintf("s5fs: %s: block size %u, not %u\n", devname, (unsigned)bd->block_size,
			S5_BLOCK_SIZE);
		return -EINVAL;
	}
	s5fs_t *s5 = kzalloc(sizeof(*s5));
	if (!s5)
		return -ENOMEM;
	fs_init_common(&s5->fs, "s5fs", devname, bd->dev, &s5_fs_ops);
	s5->bd = bd;
	mmobj_init(&s5->dev_obj, &s5_dev_mmobj_ops);
	kmutex_init(&s5->alloc_mutex, "s5fs allocation");
	s5_journal_init(s5);
	int rc = s5_journal_open(s5);	/* replays a committed transaction */
	if (rc < 0) {
		s5_teardown(s5);
		return rc;
	}
	rc = pframe_get(&s5->dev_obj, S5_SUPER_BLOCK, &s5->super_pf);
	if (rc < 0) {
		kprintf("s5fs: %s: cannot read the superblock (%d)\n", devname, rc);
		s5->super_pf = NULL;
		s5_teardown(s5);
		return rc;
	}
	s5->sb = s5->super_pf->pf_addr;
	const char *problem = super_problem(s5->sb, blockdev_nblocks(bd));
	if (problem) {
		kprintf("s5fs: %s: refusing to mount: %s\n", devname, problem);
		s5_teardown(s5);
		return -EINVAL;
	}
	s5->nblocks = s5->sb->s5s_nblocks;
	s5->ninodes = s5->sb->s5s_ninodes;
	s5->data_start = s5->sb->s5s_data_start;
	if (s5->sb->s5s_state == S5_STATE_DIRTY)
		kprintf("s5fs: %s: was not unmounted cleanly; consider fsck.s5fs\n", devname);
	vnode_t *root;
	if ((rc = vnode_get(&s5->fs, S5_ROOT_INO, &root)) < 0 || !S_ISDIR(root->vn_mode)) {
		kprintf("s5fs: %s: refusing to mount: the root inode is not a directory\n", devname);
		if (rc == 0) {
			vput(root);
			vnode_flush_unused(&s5->fs);
		}
		s5_teardown(s5);
		return -EINVAL;
	}
	s5->fs.fs_root = root;
	if ((rc = s5_write_state(s5, S5_STATE_DIRTY)) < 0)
		kprintf("s5fs: %s: cannot write the superblock (%d)\n", devname, rc);
	*out = &s5->fs;
	return 0;
}

static int s5_sync(fs_t *fs)
{
	s5fs_t *s5 = S5FS(fs);
	int rc = s5_journaled(s5) ? 0 : pframe_sync_obj(&s5->dev_obj);
	int rc2 = s5_tx_commit(s5);
	return rc < 0 ? rc : rc2;
}

int s5fs_commit(fs_t *fs)
{
	return s5_tx_commit(S5FS(fs));
}

static void s5_shutdown(fs_t *fs)
{
	int rc = s5_write_state(S5FS(fs), S5_STATE_CLEAN);
	if (rc < 0)
		kprintf("s5fs: %s: write-back at shutdown failed (%d)\n", fs->fs_devname, rc);
}

static int s5_unmount(fs_t *fs)
{
	s5fs_t *s5 = S5FS(fs);
	int rc = s5_tx_commit(s5);	/* lets go of the busy vnodes */
	if (rc < 0)
		kprintf("s5fs: %s: commit at unmount failed (%d)\n", fs->fs_devname, rc);
	vnode_flush_unused(fs);
	if (fs->fs_nvnodes != 1 || vnode_refcount(fs->fs_root) != 1)
		return -EBUSY;
	vnode_t *root = fs->fs_root;
	fs->fs_root = NULL;
	vput(root);
	vnode_flush_unused(fs);
	KASSERT(fs->fs_nvnodes == 0, "s5fs unmounted with %u vnodes", (unsigned)fs->fs_nvnodes);
	rc = s5_write_state(s5, S5_STATE_CLEAN);
	if (rc < 0)
		kprintf("s5fs: %s: write-back at unmount failed (%d)\n", fs->fs_devname, rc);
	s5_teardown(s5);
	return 0;
}

static int s5_statfs(fs_t *fs, vfs_statfs_t *st)
{
	s5fs_t *s5 = S5FS(fs);
	kmutex_lock(&s5->alloc_mutex);
	st->f_bsize = S5_BLOCK_SIZE;
	st->f_blocks = s5->nblocks;
	/* blocks freed by the running transaction count: they are free once
	 * it commits, which any shortage of space hastens */
	st->f_bfree = s5->sb->s5s_free_blocks + s5->ndeferred;
	st->f_files = s5->ninodes - 1;		/* inode 0 is never used */
	st->f_ffree = s5->sb->s5s_free_inodes;
	st->f_namelen = S5_NAME_LEN;
	kmutex_unlock(&s5->alloc_mutex);
	return 0;
}

static const fs_ops_t s5_fs_ops = {
	.statfs = s5_statfs,
	.shutdown = s5_shutdown,
	.read_vnode = s5_read_vnode,
	.keep_vnode = s5_keep_vnode,
	.vnode_busy = s5_vnode_busy,
	.delete_vnode = s5_delete_vnode,
	.sync = s5_sync,
	.unmount = s5_unmount,
};
