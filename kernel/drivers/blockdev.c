/*
 * The checked block-device entry points: every request is validated here
 * (buffer, count, range, overflow) before the driver's operation runs, so
 * drivers can trust their arguments and a bad request from anywhere is
 * an -EINVAL, never a device command.  Block calls are converted to
 * sector calls with the device's block size.  No state, no locks: the
 * driver serialises its own requests.
 */
#include "drivers/blockdev.h"
#include "util/errno.h"

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
