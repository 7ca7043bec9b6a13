/* ATA/IDE disks on the PIIX IDE controller in compatibility mode
 * (kernel/drivers/disk/ata.c): the primary channel (ports 0x1F0/0x3F6,
 * IRQ 14) and the secondary (0x170/0x376, IRQ 15), master and slave on
 * each.  Each ATA disk found becomes a block device: hda (3:0), hdb
 * (3:64), hdc (22:0), hdd (22:64).  Transfers use bus-master DMA when the
 * controller's BMIDE registers are available, PIO otherwise (or when
 * chosen with ata_set_mode); either way the requesting thread sleeps
 * until the interrupt.  doc/drivers.md has the design. */
#pragma once
#include "drivers/blockdev.h"

#define ATA_NCHANNELS 2
#define ATA_DRIVES_PER_CHANNEL 2
#define ATA_TIMEOUT_MS 3000	/* an interrupt not seen by then is lost */

typedef enum ata_mode {
	ATA_MODE_PIO,
	ATA_MODE_DMA,
} ata_mode_t;

typedef struct ata_stats {
	uint32_t commands;	/* device commands issued */
	uint32_t irqs;		/* interrupts taken for a command */
	uint32_t spurious;	/* interrupts with no command waiting */
	uint32_t timeouts;	/* lost interrupts (each answered -EIO) */
	uint32_t errors;	/* commands the device failed */
	uint32_t bounced;	/* DMA transfers through the bounce buffer */
	uint32_t flushes;	/* FLUSH CACHE commands completed */
} ata_stats_t;

/* Finds the controller and the disks and registers them; called by
 * dev_init.  Never panics: a missing controller or disk is logged. */
void ata_init(void);
/* Chooses PIO or DMA for a disk: -EINVAL if bd is not an ATA disk,
 * -ENODEV for DMA without bus-master support. */
int ata_set_mode(blockdev_t *bd, ata_mode_t mode);
int ata_get_mode(blockdev_t *bd);
/* The timeout for every later wait (tests shorten it); returns the old. */
uint32_t ata_set_timeout_ms(uint32_t ms);
/* The counters of the channel bd is on; -EINVAL if not an ATA disk. */
int ata_get_stats(blockdev_t *bd, ata_stats_t *out);
/* The model string from IDENTIFY ("" if bd is not an ATA disk). */
const char *ata_model(blockdev_t *bd);
/* Prints the controller, each disk and each channel's counters. */
void ata_print_info(void);
