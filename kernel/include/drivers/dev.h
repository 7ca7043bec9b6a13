/* Device numbers and the device registry (kernel/drivers/dev.c).
 *
 * A device is named by a dev_t holding a major number (the driver) and a
 * minor number (the unit).  The encoding is Linux's user-visible one
 * (new_encode_dev, glibc's makedev for numbers below 2^12 / 2^20), so the
 * value stat() puts in struct stat64's st_dev/st_rdev is the dev_t itself:
 *
 *   dev = (minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12)
 *
 * Majors and minors are Linux's where Linux has them (Documentation/
 * admin-guide/devices.txt): mem 1 (null 1:3, zero 1:5), IDE 3 and 22
 * (hda 3:0, hdb 3:64, hdc 22:0, hdd 22:64; 64 minors per disk leave room
 * for partitions), ttys 4 (tty0.. 4:0.., ttyS0 4:64), the console 5:1.
 * One difference: tty0 is the first virtual terminal here, not Linux's
 * alias for the current one.
 *
 * Character devices (chardev.h) and block devices (blockdev.h) register
 * themselves once and stay registered for the life of the kernel, so a
 * pointer returned by a lookup never dangles.  dev_lock (in dev.c)
 * protects both registration lists. */
#pragma once
#include "util/types.h"

typedef uint32_t dev_t;

#define DEV_MAJOR_BITS 12
#define DEV_MINOR_BITS 20
#define DEV_MAJOR_MAX ((1u << DEV_MAJOR_BITS) - 1)
#define DEV_MINOR_MAX ((1u << DEV_MINOR_BITS) - 1)
#define DEV_MINOR_LOW_MASK 0xffu	/* minor bits kept in bits 0-7 */
#define DEV_MAJOR_SHIFT 8
#define DEV_MINOR_HIGH_SHIFT 12		/* minor bits 8-19 go to bits 20-31 */

#define MKDEV(ma, mi) \
	((dev_t)(((mi) & DEV_MINOR_LOW_MASK) | \
		 (((ma) & DEV_MAJOR_MAX) << DEV_MAJOR_SHIFT) | \
		 (((mi) & DEV_MINOR_MAX & ~DEV_MINOR_LOW_MASK) << DEV_MINOR_HIGH_SHIFT)))
#define MAJOR(dev) (((dev) >> DEV_MAJOR_SHIFT) & DEV_MAJOR_MAX)
#define MINOR(dev) (((dev) & DEV_MINOR_LOW_MASK) | \
		    (((dev) >> DEV_MINOR_HIGH_SHIFT) & ~DEV_MINOR_LOW_MASK))
#define NODEV ((dev_t)0)

/* Linux's major numbers. */
#define MEM_MAJOR 1
#define IDE0_MAJOR 3
#define TTY_MAJOR 4
#define TTYAUX_MAJOR 5
#define IDE1_MAJOR 22

/* Minors of the mem major. */
#define MEM_NULL_MINOR 3
#define MEM_ZERO_MINOR 5
#define MEM_RANDOM_MINOR 8
#define MEM_URANDOM_MINOR 9
/* Minors of the tty majors: VTs from 0, serial ports from 64; 5:1 is
 * the console. */
#define TTY_VT_MINOR_BASE 0
#define TTY_SERIAL_MINOR_BASE 64
#define TTYAUX_CONSOLE_MINOR 1
/* Minors per IDE disk (the rest are for partitions). */
#define IDE_MINORS_PER_DISK 64

#define DEV_NAME_MAX 16

/* Starts the drivers that need interrupts and the scheduler: memory
 * devices and disks (the ttys start in console_input_init). */
void dev_init(void);
