/*
 * Device special files: reads and writes on a vnode of type S_IFCHR or
 * S_IFBLK go to the device its vn_rdev names, found in the driver
 * registry (drivers/chardev.h, drivers/blockdev.h) when the file is
 * opened and at each call (devices never unregister, so the lookup is
 * the only check needed).
 *
 * Character devices take the byte offset as is.  Block devices are read
 * and written at any byte offset and length through a bounce buffer of
 * one device block, read-modify-write for partial blocks; reading at or
 * past the end gives 0 bytes, writing there -ENOSPC, as on Linux.  Raw
 * block I/O bypasses the page cache, so a mounted file system's device
 * must not be written behind its back: opening a block device for
 * writing makes the open file one of its writers (blockdev_get_writer),
 * which is -EBUSY while a file system has it mounted, and mounting it is
 * -EBUSY while it has writers; reading it is always allowed.
 *
 * No state of its own, so no locks: the drivers serialise their devices
 * and blockdev.c counts the writers.
 */
#include "fs/vnode.h"
#include "fs/file.h"
#include "fs/stat.h"
#include "drivers/blockdev.h"
#include "drivers/chardev.h"
#include "mm/kmalloc.h"
#include "proc/pollwait.h"
#include "util/errno.h"
#include "util/string.h"

int special_open(vnode_t *vn, uint32_t oflags)
{
	if (S_ISCHR(vn->vn_mode))
		return chardev_lookup(vn->vn_rdev) ? 0 : -ENXIO;
	if (S_ISBLK(vn->vn_mode)) {
		blockdev_t *bd = blockdev_lookup(vn->vn_rdev);
		if (!bd)
			return -ENXIO;
		uint32_t acc = oflags & O_ACCMODE;	/* the rule of file_t's FMODE_WRITE */
		return acc == O_WRONLY || acc == O_RDWR ? blockdev_get_writer(bd) : 0;
	}
	return -ENODEV;
}

void special_release(vnode_t *vn, uint32_t fmode)
{
	if (S_ISBLK(vn->vn_mode) && (fmode & FMODE_WRITE))
		blockdev_put_writer(blockdev_lookup(vn->vn_rdev));
}

/* Moves n bytes at *pos between buf and the block device (write when
 * `out` is non-NULL). */
static ssize_t block_io(blockdev_t *bd, off64_t *pos, void *in, const void *out, size_t n)
{
	uint64_t dev_bytes = (uint64_t)blockdev_nblocks(bd) * bd->block_size;
	if (*pos < 0)
		return -EINVAL;
	if ((uint64_t)*pos >= dev_bytes)
		return out ? -ENOSPC : 0;
	n = (size_t)MIN((uint64_t)n, dev_bytes - (uint64_t)*pos);
	uint8_t *bounce = kmalloc(bd->block_size);
	if (!bounce)
		return -ENOMEM;
	size_t done = 0;
	int rc = 0;
	while (done < n) {
		uint64_t at = (uint64_t)*pos + done;
		uint32_t block = (uint32_t)(at / bd->block_size);
		size_t off = (size_t)(at % bd->block_size);
		size_t chunk = MIN(n - done, (size_t)bd->block_size - off);
		bool whole = off == 0 && chunk == bd->block_size;
		if (!(out && whole))
			rc = blockdev_read_blocks(bd, block, 1, bounce);
		if (rc < 0)
			break;
		if (out) {
			memcpy(bounce + off, (const uint8_t *)out + done, chunk);
			rc = blockdev_write_blocks(bd, block, 1, bounce);
			if (rc < 0)
				break;
		} else {
			memcpy((uint8_t *)in + done, bounce + off, chunk);
		}
		done += chunk;
	}
	kfree(bounce);
	*pos += done;
	return done ? (ssize_t)done : rc;
}

ssize_t special_read(vnode_t *vn, off64_t *pos, void *buf, size_t n, uint32_t ioflags)
{
	if (S_ISCHR(vn->vn_mode)) {
		chardev_t *cd = chardev_lookup(vn->vn_rdev);
		if (!cd)
			return -ENXIO;
		ssize_t r = chardev_read(cd, *pos, buf, n);
		if (r > 0)
			*pos += r;
		return r;
	}
	blockdev_t *bd = blockdev_lookup(vn->vn_rdev);
	if (!bd)
		return -ENXIO;
	return block_io(bd, pos, buf, NULL, n);
}

uint32_t special_poll(vnode_t *vn, uint32_t fmode, struct poll_table *pt)
{
	chardev_t *cd = S_ISCHR(vn->vn_mode) ? chardev_lookup(vn->vn_rdev) : NULL;
	if (cd && cd->ops->poll)
		return cd->ops->poll(cd, pt);
	return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;
}

bool special_can_poll(vnode_t *vn)
{
	chardev_t *cd = S_ISCHR(vn->vn_mode) ? chardev_lookup(vn->vn_rdev) : NULL;
	return cd && cd->ops->poll;
}

ssize_t special_write(vnode_t *vn, off64_t *pos, const void *buf, size_t n, uint32_t ioflags)
{
	if (S_ISCHR(vn->vn_mode)) {
		chardev_t *cd = chardev_lookup(vn->vn_rdev);
		if (!cd)
			return -ENXIO;
		ssize_t r = chardev_write(cd, *pos, buf, n);
		if (r > 0)
			*pos += r;
		return r;
	}
	blockdev_t *bd = blockdev_lookup(vn->vn_rdev);
	if (!bd)
		return -ENXIO;
	if (n == 0)
		return 0;
	return block_io(bd, pos, NULL, buf, n);
}
