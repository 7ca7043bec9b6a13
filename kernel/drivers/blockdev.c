/*
 * The checked block-device entry points: every request is validated here
 * (buffer, count, range, overflow) before the driver's operation runs, so
 * drivers can trust their arguments and a bad request from anywhere is
 * an -EINVAL, never a device command.  Block calls are converted to
 * sector calls with the device's block size.  The driver serialises its
 * own requests.
 *
 * Ownership: a block device has one owner at a time.  A mounted file
 * system claims its device (blockdev_claim) and keeps it until unmounted;
 * an open file that may write the device (blockdev_get_writer) is a
 * writer until it is released.  A claim is refused while the device is
 * claimed or has writers, and a writer while it is claimed, so the page
 * cache of a mounted file system is never written behind its back.
 * Readers are not counted: reading a mounted device is allowed (it may
 * show blocks the file system has not written back yet).  claim_lock
 * protects every device's bd_claimed and bd_writers.
 */
#include "drivers/blockdev.h"
#include "util/debug.h"
#include "util/errno.h"
#include "util/spinlock.h"

static spinlock_t claim_lock = SPINLOCK_INIT("block device owners (bd_claimed, bd_writers)");

static int check_range(const blockdev_t *bd, uint32_t sector, const void *buf,
		       uint32_t count)
{
	if (!bd || !buf || count == 0)
		return -EINVAL;
	if (sector >= bd->nsectors || count > bd->nsectors - sector)
		return -EINVAL;
	return 0;
}

int blockdev_read(blockdev_t *bd, uint32_t sector, void *buf, uint32_t count)
{
	int rc = check_range(bd, sector, buf, count);
	return rc ? rc : bd->ops->read(bd, sector, buf, count);
}

int blockdev_write(blockdev_t *bd, uint32_t sector, const void *buf, uint32_t count)
{
	int rc = check_range(bd, sector, buf, count);
	return rc ? rc : bd->ops->write(bd, sector, buf, count);
}

int blockdev_flush(blockdev_t *bd)
{
	if (!bd)
		return -EINVAL;
	return bd->ops->flush ? bd->ops->flush(bd) : 0;
}

/* Converts a block range to sectors; false if it cannot be expressed. */
static bool blocks_to_sectors(const blockdev_t *bd, uint32_t block, uint32_t nblocks,
			      uint32_t *sector, uint32_t *count)
{
	uint64_t spb = blockdev_sectors_per_block(bd);
	uint64_t s = block * spb, c = nblocks * spb;
	if (s > UINT32_MAX || c > UINT32_MAX)
		return false;
	*sector = (uint32_t)s;
	*count = (uint32_t)c;
	return true;
}

int blockdev_read_blocks(blockdev_t *bd, uint32_t block, uint32_t nblocks, void *buf)
{
	uint32_t sector, count;
	if (!bd || !blocks_to_sectors(bd, block, nblocks, &sector, &count))
		return -EINVAL;
	return blockdev_read(bd, sector, buf, count);
}

int blockdev_write_blocks(blockdev_t *bd, uint32_t block, uint32_t nblocks,
			  const void *buf)
{
	uint32_t sector, count;
	if (!bd || !blocks_to_sectors(bd, block, nblocks, &sector, &count))
		return -EINVAL;
	return blockdev_write(bd, sector, buf, count);
}

int blockdev_claim(blockdev_t *bd)
{
	spin_lock(&claim_lock);
	int rc = bd->bd_claimed || bd->bd_writers ? -EBUSY : 0;
	if (rc == 0)
		bd->bd_claimed = true;
	spin_unlock(&claim_lock);
	return rc;
}

void blockdev_unclaim(blockdev_t *bd)
{
	spin_lock(&claim_lock);
	KASSERT(bd->bd_claimed, "block device %s released but not claimed", bd->name);
	bd->bd_claimed = false;
	spin_unlock(&claim_lock);
}

int blockdev_get_writer(blockdev_t *bd)
{
	spin_lock(&claim_lock);
	int rc = bd->bd_claimed ? -EBUSY : 0;
	if (rc == 0)
		bd->bd_writers++;
	spin_unlock(&claim_lock);
	return rc;
}

void blockdev_put_writer(blockdev_t *bd)
{
	spin_lock(&claim_lock);
	KASSERT(bd->bd_writers > 0, "block device %s: writer released twice", bd->name);
	bd->bd_writers--;
	spin_unlock(&claim_lock);
}
