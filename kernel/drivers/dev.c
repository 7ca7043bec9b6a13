/*
 * The device registry: every character and block device, by dev_t and by
 * name, for the VFS (opening a device special file), the kshell and the
 * tests.
 *
 * Two lists in registration order, both under dev_lock.  Devices are
 * structures owned by their drivers and registered once; nothing is ever
 * unregistered, so a pointer handed out by a lookup stays valid and the
 * lock is needed only while a list is walked or changed.  A dev_t or a
 * name appears at most once among the devices of one kind.
 *
 * dev_init() starts the drivers that need interrupts and the scheduler
 * (the ttys are started earlier by console_input_init).
 */
#include "drivers/dev.h"
#include "drivers/ata.h"
#include "drivers/blockdev.h"
#include "drivers/chardev.h"
#include "drivers/memdev.h"
#include "drivers/ramdisk.h"
#include "util/errno.h"
#include "util/spinlock.h"
#include "util/string.h"

static spinlock_t dev_lock = SPINLOCK_INIT("device registry lists");
static list_t chardevs = LIST_INIT(chardevs);	/* chardev_t.link, under dev_lock */
static list_t blockdevs = LIST_INIT(blockdevs);	/* blockdev_t.link, under dev_lock */

void dev_init(void)
{
	memdev_init();
	ramdisk_init();
	ata_init();
}

static chardev_t *chardev_find_locked(dev_t dev, const char *name)
{
	list_t *pos;
	list_for_each(pos, &chardevs) {
		chardev_t *cd = list_entry(pos, chardev_t, link);
		if (cd->dev == dev || (name && strcmp(cd->name, name) == 0))
			return cd;
	}
	return NULL;
}

static blockdev_t *blockdev_find_locked(dev_t dev, const char *name)
{
	list_t *pos;
	list_for_each(pos, &blockdevs) {
		blockdev_t *bd = list_entry(pos, blockdev_t, link);
		if (bd->dev == dev || (name && strcmp(bd->name, name) == 0))
			return bd;
	}
	return NULL;
}

int chardev_register(chardev_t *cd)
{
	if (!cd || !cd->ops || !cd->name[0] || cd->dev == NODEV)
		return -EINVAL;
	spin_lock(&dev_lock);
	int rc = -EEXIST;
	if (!chardev_find_locked(cd->dev, cd->name)) {
		list_insert_tail(&chardevs, &cd->link);
		rc = 0;
	}
	spin_unlock(&dev_lock);
	return rc;
}

int blockdev_register(blockdev_t *bd)
{
	if (!bd || !bd->ops || !bd->name[0] || bd->dev == NODEV)
		return -EINVAL;
	if (bd->block_size == 0)
		bd->block_size = BLOCKDEV_BLOCK_SIZE;
	if (!IS_POW2(bd->block_size) || bd->block_size < BLOCKDEV_SECTOR_SIZE)
		return -EINVAL;
	spin_lock(&dev_lock);
	int rc = -EEXIST;
	if (!blockdev_find_locked(bd->dev, bd->name)) {
		list_insert_tail(&blockdevs, &bd->link);
		rc = 0;
	}
	spin_unlock(&dev_lock);
	return rc;
}

chardev_t *chardev_lookup(dev_t dev)
{
	if (dev == NODEV)
		return NULL;
	spin_lock(&dev_lock);
	chardev_t *cd = chardev_find_locked(dev, NULL);
	spin_unlock(&dev_lock);
	return cd;
}

chardev_t *chardev_lookup_name(const char *name)
{
	if (!name)
		return NULL;
	spin_lock(&dev_lock);
	chardev_t *cd = chardev_find_locked(NODEV, name);
	spin_unlock(&dev_lock);
	return cd;
}

blockdev_t *blockdev_lookup(dev_t dev)
{
	if (dev == NODEV)
		return NULL;
	spin_lock(&dev_lock);
	blockdev_t *bd = blockdev_find_locked(dev, NULL);
	spin_unlock(&dev_lock);
	return bd;
}

blockdev_t *blockdev_lookup_name(const char *name)
{
	if (!name)
		return NULL;
	spin_lock(&dev_lock);
	blockdev_t *bd = blockdev_find_locked(NODEV, name);
	spin_unlock(&dev_lock);
	return bd;
}

chardev_t *chardev_next(const chardev_t *prev)
{
	spin_lock(&dev_lock);
	const list_t *l = prev ? prev->link.next : chardevs.next;
	chardev_t *cd = l == &chardevs ? NULL : list_entry(l, chardev_t, link);
	spin_unlock(&dev_lock);
	return cd;
}

blockdev_t *blockdev_next(const blockdev_t *prev)
{
	spin_lock(&dev_lock);
	const list_t *l = prev ? prev->link.next : blockdevs.next;
	blockdev_t *bd = l == &blockdevs ? NULL : list_entry(l, blockdev_t, link);
	spin_unlock(&dev_lock);
	return bd;
}

ssize_t chardev_read(chardev_t *cd, off64_t off, void *buf, size_t n)
{
	if (!cd || (!buf && n))
		return -EINVAL;
	if (!cd->ops->read)
		return -ENOSYS;
	return cd->ops->read(cd, off, buf, n);
}

ssize_t chardev_write(chardev_t *cd, off64_t off, const void *buf, size_t n)
{
	if (!cd || (!buf && n))
		return -EINVAL;
	if (!cd->ops->write)
		return -ENOSYS;
	return cd->ops->write(cd, off, buf, n);
}
