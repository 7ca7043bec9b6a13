/* The boot RAM disk (kernel/drivers/disk/ramdisk.c): a block device,
 * ram0 (Linux's 1:0), over the first multiboot module, which is how a
 * bootable ISO brings its root file system (doc/boot.md).
 *
 * ramdisk_note_module records where the loader put the module; kmain
 * calls it before the frame allocator starts, because the module list
 * lives in memory the allocator may hand out.  The allocator keeps the
 * module's frames (they lie below the end of the boot data), so the
 * disk's bytes are used in place.  ramdisk_init registers the device if
 * a module was noted. */
#pragma once
#include "util/types.h"

#define RAMDISK_MAJOR 1
#define RAMDISK_NAME "ram0"

void ramdisk_note_module(paddr_t start, paddr_t end);
void ramdisk_init(void);
