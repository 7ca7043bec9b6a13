/* ATA driver internals shared by kernel/drivers/disk/ata.c (requests,
 * interrupts) and ata_probe.c (finding the controller and the disks):
 * register layouts from the ATA/ATAPI and PIIX bus-master IDE specs, and
 * the channel and disk structures.  Not for use outside the driver.
 *
 * Locks of a channel (order: mutex -> lock -> sched_lock):
 *  - mutex: one request at a time on the channel (its two drives share
 *    the registers); it covers the task-file and bus-master registers,
 *    the PRD table, the bounce buffer, `selected` and each disk's mode;
 *  - lock (spinlock, taken by the interrupt handler and the timer): busy,
 *    irq_fired, timed_out, the captured status bytes, wait_deadline and
 *    the counters.  The requester sleeps on wq under it. */
#pragma once
#include "drivers/ata.h"
#include "drivers/pit.h"
#include "entry/intr.h"
#include "mm/page.h"
#include "proc/kmutex.h"
#include "util/spinlock.h"

/* Task-file registers: offsets from the command block base. */
#define ATA_REG_DATA 0
#define ATA_REG_ERROR 1		/* read */
#define ATA_REG_FEATURES 1	/* write */
#define ATA_REG_COUNT 2
#define ATA_REG_LBA_LO 3
#define ATA_REG_LBA_MID 4
#define ATA_REG_LBA_HI 5
#define ATA_REG_DEVICE 6
#define ATA_REG_STATUS 7	/* read: also acknowledges the interrupt */
#define ATA_REG_COMMAND 7	/* write */
/* Control block: alternate status (read, no acknowledge) and device
 * control (write). */
#define ATA_REG_ALT_STATUS 0
#define ATA_REG_DEV_CONTROL 0

/* Compatibility-mode ports and interrupt lines. */
#define ATA_PRIMARY_IO 0x1F0
#define ATA_PRIMARY_CTRL 0x3F6
#define ATA_SECONDARY_IO 0x170
#define ATA_SECONDARY_CTRL 0x376

#define ATA_SR_BSY 0x80
#define ATA_SR_DRDY 0x40
#define ATA_SR_DF 0x20
#define ATA_SR_DRQ 0x08
#define ATA_SR_ERR 0x01
#define ATA_SR_FLOATING 0xFF	/* no device drives the bus */

#define ATA_CTL_NIEN 0x02	/* interrupts off */
#define ATA_CTL_SRST 0x04	/* software reset of both drives */

#define ATA_DEV_OBSOLETE 0xA0	/* bits 7 and 5, set by convention */
#define ATA_DEV_LBA 0x40
#define ATA_DEV_SLAVE 0x10
#define ATA_DEV_LBA28_HIGH_MASK 0x0F	/* LBA bits 24-27 */

#define ATA_CMD_READ_PIO 0x20
#define ATA_CMD_READ_PIO_EXT 0x24
#define ATA_CMD_WRITE_PIO 0x30
#define ATA_CMD_WRITE_PIO_EXT 0x34
#define ATA_CMD_READ_DMA 0xC8
#define ATA_CMD_READ_DMA_EXT 0x25
#define ATA_CMD_WRITE_DMA 0xCA
#define ATA_CMD_WRITE_DMA_EXT 0x35
#define ATA_CMD_IDENTIFY 0xEC
#define ATA_CMD_FLUSH_CACHE 0xE7	/* write the volatile cache out; no data */

/* Signatures left in LBA mid/high by a device that is not plain ATA. */
#define ATA_SIG_ATAPI_MID 0x14
#define ATA_SIG_ATAPI_HI 0xEB

/* IDENTIFY DEVICE data, in 16-bit words. */
#define ATA_ID_WORDS 256
#define ATA_ID_MODEL 27
#define ATA_ID_MODEL_WORDS 20
#define ATA_ID_CAPABILITIES 49
#define ATA_ID_CAP_DMA 0x0100
#define ATA_ID_CAP_LBA 0x0200
#define ATA_ID_LBA28_SECTORS 60
#define ATA_ID_COMMAND_SET_2 83
#define ATA_ID_CMD2_LBA48 0x0400
#define ATA_ID_LBA48_SECTORS 100

#define ATA_LBA28_LIMIT (1u << 28)	/* first sector LBA28 cannot reach */
#define ATA_MAX_SECTORS_PER_CMD 128	/* one bounce buffer: 64 KiB */
#define ATA_MODEL_MAX (ATA_ID_MODEL_WORDS * 2 + 1)

/* PIIX bus-master IDE registers: BAR4, 8 bytes per channel. */
#define BM_CHANNEL_STRIDE 8
#define BM_REG_COMMAND 0
#define BM_REG_STATUS 2
#define BM_REG_PRDT 4
#define BM_CMD_START 0x01
#define BM_CMD_TO_MEMORY 0x08	/* the device is read: DMA writes memory */
#define BM_STATUS_ACTIVE 0x01
#define BM_STATUS_ERROR 0x02	/* write 1 to clear */
#define BM_STATUS_IRQ 0x04	/* write 1 to clear */
#define BM_STATUS_DRV_DMA_MASK 0x60	/* drive 0/1 DMA capable: kept */

/* A physical region descriptor: a run of memory that must not cross a
 * 64 KiB boundary; byte_count 0 means 64 KiB. */
typedef struct ata_prd {
	uint32_t addr;
	uint16_t byte_count;
	uint16_t flags;
} __packed ata_prd_t;
#define ATA_PRD_EOT 0x8000	/* the last descriptor */
#define ATA_PRD_BOUNDARY 0x10000u
#define ATA_PRD_ALIGN 4		/* buffer alignment for direct DMA */
#define ATA_BOUNCE_BYTES (ATA_MAX_SECTORS_PER_CMD * BLOCKDEV_SECTOR_SIZE)
#define ATA_BOUNCE_FRAMES (ATA_BOUNCE_BYTES / PAGE_SIZE)

struct ata_disk;

typedef struct ata_channel {
	int index;
	uint16_t io, ctrl;		/* command and control block bases */
	uint16_t bm;			/* bus-master registers, 0 if none */
	int irq;
	bool present;			/* has at least one ATA disk */
	struct ata_disk *disks[ATA_DRIVES_PER_CHANNEL];

	kmutex_t mutex;
	int selected;			/* drive last selected, -1 unknown */
	ata_prd_t *prdt;		/* one frame, NULL without DMA */
	uint8_t *bounce;		/* ATA_BOUNCE_FRAMES, NULL without DMA */

	spinlock_t lock;
	bool busy;			/* a command is in flight */
	bool irq_fired;			/* its interrupt came, not yet consumed */
	bool timed_out;
	uint8_t irq_status, irq_bm_status;
	uint64_t wait_deadline;		/* tick a waiter gives up at */
	wait_queue_t wq;
	ata_stats_t stats;

	bh_work_t bh;			/* wakes the requester */
	pit_timer_t timer;		/* the lost-interrupt watchdog */
} ata_channel_t;

typedef struct ata_disk {
	blockdev_t bd;
	ata_channel_t *ch;
	int drive;			/* 0 master, 1 slave */
	bool lba48;
	bool dma_capable;
	ata_mode_t mode;		/* under ch->mutex */
	char model[ATA_MODEL_MAX];
} ata_disk_t;

extern ata_channel_t ata_channels[ATA_NCHANNELS];
extern const blockdev_ops_t ata_blockdev_ops;

/* ata.c, for the probe: */
void ata_channel_setup(ata_channel_t *ch);	/* locks, queue, bottom half, timer */
void ata_irq_primary(intr_frame_t *f);
void ata_irq_secondary(intr_frame_t *f);
void ata_delay_400ns(ata_channel_t *ch);
/* Polls until BSY clears; -EIO after ms. */
int ata_wait_not_busy(ata_channel_t *ch, uint32_t ms);
/* Resets both drives of the channel; interrupts enabled afterwards
 * unless keep_nien. */
void ata_channel_reset(ata_channel_t *ch, bool keep_nien);
