/*
 * ram0: a block device whose sectors are the bytes of the first
 * multiboot module, used in place through the direct map.  Writes change
 * memory only and are lost at power-off, as on any RAM disk.  Requests
 * are plain copies; none can fail once blockdev.c has checked the range.
 * Two requests on the same sector race as on a real disk (the page cache
 * above never issues them), so there is no lock.  A trailing partial
 * sector of the module is not part of the device.
 */
#include "drivers/blockdev.h"
#include "drivers/ramdisk.h"
#include "mm/page.h"
#include "util/debug.h"
#include "util/printf.h"
#include "util/string.h"

static paddr_t image_start, image_end;	/* set once, before frame_init */

static int ramdisk_read(blockdev_t *bd, uint32_t sector, void *buf, uint32_t count)
{
	memcpy(buf, (char *)bd->priv + sector * BLOCKDEV_SECTOR_SIZE,
	       count * BLOCKDEV_SECTOR_SIZE);
	return 0;
}

static int ramdisk_write(blockdev_t *bd, uint32_t sector, const void *buf, uint32_t count)
{
	memcpy((char *)bd->priv + sector * BLOCKDEV_SECTOR_SIZE, buf,
	       count * BLOCKDEV_SECTOR_SIZE);
	return 0;
}

static const blockdev_ops_t ramdisk_ops = { .read = ramdisk_read, .write = ramdisk_write };

static blockdev_t ramdisk = {
	.name = RAMDISK_NAME, .dev = MKDEV(RAMDISK_MAJOR, 0), .ops = &ramdisk_ops,
};

void ramdisk_note_module(paddr_t start, paddr_t end)
{
	image_start = start;
	image_end = end;
}

void ramdisk_init(void)
{
	if (image_end <= image_start)
		return;
	if (image_end > DIRECT_MAP_MAX) {
		kprintf("ramdisk: the boot module at %#x-%#x is not in the direct map; no %s\n",
			image_start, image_end, RAMDISK_NAME);
		return;
	}
	ramdisk.priv = pa_to_kva(image_start);
	ramdisk.nsectors = (image_end - image_start) / BLOCKDEV_SECTOR_SIZE;
	if (ramdisk.nsectors == 0)
		return;
	KASSERT(blockdev_register(&ramdisk) == 0, "cannot register %s", RAMDISK_NAME);
	kprintf("ramdisk: %s is the boot module, %u KiB\n", RAMDISK_NAME,
		ramdisk.nsectors / (1024 / BLOCKDEV_SECTOR_SIZE));
}
