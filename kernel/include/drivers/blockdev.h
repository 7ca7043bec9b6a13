/* Block devices (kernel/drivers/blockdev.c; registry in dev.c).
 *
 * A block device is an array of BLOCKDEV_SECTOR_SIZE-byte sectors,
 * nsectors of them, read and written in runs of whole sectors.  A file
 * system or the page cache works in blocks of block_size bytes (a power
 * of two multiple of the sector size, BLOCKDEV_BLOCK_SIZE = one page by
 * default), so a 4096-byte page is one call: blockdev_read_blocks(bd, n,
 * 1, page) moves sectors 8n..8n+7.
 *
 * The checked entry points below validate every request before the
 * driver sees it: a NULL buffer, a zero count, or a range that runs past
 * the end of the device (or wraps) is -EINVAL; the driver reports device
 * errors and lost interrupts as -EIO.  A request may sleep; it never
 * panics on bad input.  Buffers are kernel memory of any alignment (a
 * driver that needs aligned or physically contiguous memory bounces);
 * page-aligned buffers in the direct map (frames, the page cache) are the
 * fast path for DMA.
 *
 * The driver's operations are called only with validated arguments and
 * do their own serialisation (ATA: one request per channel at a time).
 * Devices register once and are never removed.
 *
 * A device has one owner: a mounted file system claims it, and the claim
 * excludes writers through the device file (and they exclude it), so
 * nothing writes under a file system's page cache.  These checks are for
 * the VFS; the entry points above do not enforce them (the file system
 * itself writes through them). */
#pragma once
#include "drivers/dev.h"
#include "util/list.h"

#define BLOCKDEV_SECTOR_SIZE 512u
#define BLOCKDEV_BLOCK_SIZE 4096u

struct blockdev;

typedef struct blockdev_ops {
	int (*read)(struct blockdev *bd, uint32_t sector, void *buf, uint32_t count);
	int (*write)(struct blockdev *bd, uint32_t sector, const void *buf,
		     uint32_t count);
	/* optional: makes every completed write durable (a volatile write
	 * cache written out); without it writes are durable when done */
	int (*flush)(struct blockdev *bd);
} blockdev_ops_t;

typedef struct blockdev {
	char name[DEV_NAME_MAX];	/* "hda" */
	dev_t dev;
	uint32_t nsectors;		/* device size in sectors */
	uint32_t block_size;		/* bytes per block, for the block calls */
	const blockdev_ops_t *ops;
	void *priv;			/* the driver's */
	list_t link;			/* on the registry, under dev_lock */
	bool bd_claimed;		/* a file system owns it; under claim_lock */
	uint32_t bd_writers;		/* open files that may write; under claim_lock */
} blockdev_t;

/* Registers bd; block_size 0 means BLOCKDEV_BLOCK_SIZE.  -EEXIST if its
 * dev_t or name is taken, -EINVAL if a field is missing or block_size is
 * not a power-of-two multiple of the sector size. */
int blockdev_register(blockdev_t *bd);
blockdev_t *blockdev_lookup(dev_t dev);
blockdev_t *blockdev_lookup_name(const char *name);
blockdev_t *blockdev_next(const blockdev_t *prev);

/* Moves count sectors starting at sector: 0 or a negative errno. */
int blockdev_read(blockdev_t *bd, uint32_t sector, void *buf, uint32_t count);
int blockdev_write(blockdev_t *bd, uint32_t sector, const void *buf, uint32_t count);
/* Returns once every write completed before the call is on stable
 * storage (ATA FLUSH CACHE): 0 or -EIO. */
int blockdev_flush(blockdev_t *bd);
/* The same in units of bd->block_size. */
int blockdev_read_blocks(blockdev_t *bd, uint32_t block, uint32_t nblocks, void *buf);
int blockdev_write_blocks(blockdev_t *bd, uint32_t block, uint32_t nblocks,
			  const void *buf);

/* Makes a file system bd's owner: -EBUSY if it has one already or the
 * device is open for writing.  blockdev_unclaim gives it up. */
int blockdev_claim(blockdev_t *bd);
void blockdev_unclaim(blockdev_t *bd);
/* Counts an open file that may write bd: -EBUSY while it is claimed.
 * blockdev_put_writer when that file is released. */
int blockdev_get_writer(blockdev_t *bd);
void blockdev_put_writer(blockdev_t *bd);

static inline uint32_t blockdev_sectors_per_block(const blockdev_t *bd)
{
	return bd->block_size / BLOCKDEV_SECTOR_SIZE;
}
/* Whole blocks on the device (a partial last block is not counted). */
static inline uint32_t blockdev_nblocks(const blockdev_t *bd)
{
	return bd->nsectors / blockdev_sectors_per_block(bd);
}
