/*
 * ATA requests: PIO and bus-master DMA, interrupt-driven, one request at
 * a time per channel.
 *
 * A request takes the channel's mutex, splits into commands of at most
 * ATA_MAX_SECTORS_PER_CMD sectors, and for each: selects the drive, loads
 * the task file (LBA28, or LBA48 when the range reaches past 2^28
 * sectors), marks the channel busy and writes the command.  Then it
 * sleeps until the interrupt:
 *
 *   device raises IRQ 14/15 -> ata_irq: reads the bus-master status and
 *   the ATA status (which acknowledges the device), clears the bus-master
 *   interrupt bit, records both under ch->lock with irq_fired, and
 *   schedules the channel's bottom half -> the bottom half wakes ch->wq ->
 *   the requester consumes irq_fired and checks the status.
 *
 * PIO reads take one interrupt per sector (DRQ set: 256 words to read);
 * PIO writes send the first sector when DRQ comes up and then one per
 * interrupt, with a final interrupt after the last.  DMA takes one
 * interrupt per command: the PRD table describes the caller's buffer
 * directly when it lies in the direct map, 4-byte aligned (the physical
 * addresses follow the virtual ones there); anything else (a stack
 * buffer, an odd address) goes through the channel's bounce buffer.
 *
 * Every sleep is bounded: a one-shot timer fires after the timeout and
 * sets timed_out; the requester then resets the channel and fails the
 * request with -EIO.  A device error (ERR or DF, or the bus-master error
 * bit) is -EIO too.  An interrupt that arrives when no command is busy
 * (a late one after a timeout, say) is acknowledged and counted as
 * spurious.  Locks: see include/drivers/ata_hw.h.
 */
#include "drivers/ata_hw.h"
#include "main/io.h"
#include "mm/frame.h"
#include "proc/sched.h"
#include "util/debug.h"
#include "util/errno.h"
#include "util/string.h"

#define ATA_400NS_READS 4	/* alternate-status reads that take 400 ns */
#define ATA_SRST_HOLD_READS 10	/* well over the 5 us SRST pulse */
#define ATA_WORDS_PER_SECTOR (BLOCKDEV_SECTOR_SIZE / 2)
#define BYTE_MASK 0xFF
#define LBA_SHIFT_MID 8
#define LBA_SHIFT_HI 16
#define LBA_SHIFT_28 24
#define COUNT_SHIFT_HI 8

ata_channel_t ata_channels[ATA_NCHANNELS];
static uint32_t ata_timeout_ms = ATA_TIMEOUT_MS;	/* atomic */

static inline void ata_insw(uint16_t port, void *buf, size_t words)
{
	__asm__ volatile("cld; rep insw" : "+D"(buf), "+c"(words) : "d"(port) : "memory");
}

static inline void ata_outsw(uint16_t port, const void *buf, size_t words)
{
	__asm__ volatile("cld; rep outsw" : "+S"(buf), "+c"(words) : "d"(port) : "memory");
}

static uint8_t alt_status(ata_channel_t *ch)
{
	return inb(ch->ctrl + ATA_REG_ALT_STATUS);
}

void ata_delay_400ns(ata_channel_t *ch)
{
	for (int i = 0; i < ATA_400NS_READS; i++)
		alt_status(ch);
}

int ata_wait_not_busy(ata_channel_t *ch, uint32_t ms)
{
	uint64_t deadline = ticks_now() + pit_ms_to_ticks(ms) + 1;
	while (alt_status(ch) & ATA_SR_BSY)
		if (ticks_now() >= deadline)
			return -EIO;
	return 0;
}

/* Polls for DRQ (the device wants data); -EIO on an error or timeout. */
static int wait_drq(ata_channel_t *ch, uint32_t ms)
{
	uint64_t deadline = ticks_now() + pit_ms_to_ticks(ms) + 1;
	for (;;) {
		uint8_t st = alt_status(ch);
		if (!(st & ATA_SR_BSY) && (st & (ATA_SR_ERR | ATA_SR_DF)))
			return -EIO;
		if (!(st & ATA_SR_BSY) && (st & ATA_SR_DRQ))
			return 0;
		if (ticks_now() >= deadline)
			return -EIO;
	}
}

void ata_channel_reset(ata_channel_t *ch, bool keep_nien)
{
	if (ch->bm)
		outb(ch->bm + BM_REG_COMMAND, 0);
	outb(ch->ctrl + ATA_REG_DEV_CONTROL, ATA_CTL_NIEN | ATA_CTL_SRST);
	for (int i = 0; i < ATA_SRST_HOLD_READS; i++)
		alt_status(ch);
	outb(ch->ctrl + ATA_REG_DEV_CONTROL, ATA_CTL_NIEN);
	ata_delay_400ns(ch);
	if (ata_wait_not_busy(ch, ATA_TIMEOUT_MS) < 0)
		dbg(DBG_DISK, "ata%d: still busy after reset\n", ch->index);
	ch->selected = -1;
	if (!keep_nien)
		outb(ch->ctrl + ATA_REG_DEV_CONTROL, 0);
}

/* The interrupt: acknowledge, record, hand over to the bottom half. */
static void ata_irq(ata_channel_t *ch)
{
	uint8_t bm_status = ch->bm ? inb(ch->bm + BM_REG_STATUS) : 0;
	uint8_t status = inb(ch->io + ATA_REG_STATUS);
	if (ch->bm)
		outb(ch->bm + BM_REG_STATUS, bm_status);	/* clears IRQ, ERROR */

	spin_lock(&ch->lock);
	bool ours = ch->busy;
	if (ours) {
		ch->irq_fired = true;
		ch->irq_status = status;
		ch->irq_bm_status = bm_status;
		ch->stats.irqs++;
	} else {
		ch->stats.spurious++;
	}
	spin_unlock(&ch->lock);
	if (ours)
		bh_schedule(&ch->bh);
}

void ata_irq_primary(intr_frame_t *f) { ata_irq(&ata_channels[0]); }
void ata_irq_secondary(intr_frame_t *f) { ata_irq(&ata_channels[1]); }

static void ata_bottom_half(void *arg)
{
	ata_channel_t *ch = arg;
	sched_broadcast_on(&ch->wq);
}

/* The watchdog, in the timer interrupt: gives up on the current wait if
 * it is really past its deadline (not a stale firing). */
static void ata_watchdog(void *arg)
{
	ata_channel_t *ch = arg;
	bool expired;

	spin_lock(&ch->lock);
	expired = ch->busy && !ch->irq_fired && ticks_now() >= ch->wait_deadline;
	if (expired)
		ch->timed_out = true;
	spin_unlock(&ch->lock);
	if (expired)
		bh_schedule(&ch->bh);
}

void ata_channel_setup(ata_channel_t *ch)
{
	kmutex_init(&ch->mutex, ch->index ? "ata1 channel" : "ata0 channel");
	spinlock_init(&ch->lock, "ata channel interrupt state");
	wait_queue_init(&ch->wq);
	bh_init_work(&ch->bh, ata_bottom_half, ch);
	pit_timer_init(&ch->timer, ata_watchdog, ch);
	ch->selected = -1;
}

static void command_begin(ata_channel_t *ch)
{
	spin_lock(&ch->lock);
	ch->busy = true;
	ch->irq_fired = false;
	ch->timed_out = false;
	ch->stats.commands++;
	spin_unlock(&ch->lock);
}

static void command_end(ata_channel_t *ch, int rc)
{
	spin_lock(&ch->lock);
	ch->busy = false;
	if (rc == -ETIMEDOUT)
		ch->stats.timeouts++;
	else if (rc < 0)
		ch->stats.errors++;
	spin_unlock(&ch->lock);
}

/* Sleeps until the command's next interrupt, which it consumes; returns
 * the status bytes the handler saw, or -ETIMEDOUT. */
static int wait_irq(ata_channel_t *ch, uint8_t *status, uint8_t *bm_status)
{
	uint32_t ms = __atomic_load_n(&ata_timeout_ms, __ATOMIC_RELAXED);

	spin_lock(&ch->lock);
	ch->wait_deadline = ticks_now() + pit_ms_to_ticks(ms);
	spin_unlock(&ch->lock);
	pit_timer_arm(&ch->timer, ms);

	spin_lock(&ch->lock);
	while (!ch->irq_fired && !ch->timed_out)
		sched_sleep_on(&ch->wq, &ch->lock);
	bool fired = ch->irq_fired;
	ch->irq_fired = false;
	if (status)
		*status = ch->irq_status;
	if (bm_status)
		*bm_status = ch->irq_bm_status;
	spin_unlock(&ch->lock);
	pit_timer_cancel(&ch->timer);
	return fired ? 0 : -ETIMEDOUT;
}

static bool status_failed(uint8_t status)
{
	return status & (ATA_SR_ERR | ATA_SR_DF);
}

/* Selects the drive and loads the task file for count sectors at lba. */
static int load_taskfile(ata_disk_t *d, uint32_t lba, uint32_t count, bool lba48)
{
	ata_channel_t *ch = d->ch;
	uint8_t dev = ATA_DEV_OBSOLETE | ATA_DEV_LBA | (d->drive ? ATA_DEV_SLAVE : 0);

	if (ata_wait_not_busy(ch, ATA_TIMEOUT_MS) < 0)
		return -ETIMEDOUT;
	if (!lba48)
		dev |= (lba >> LBA_SHIFT_28) & ATA_DEV_LBA28_HIGH_MASK;
	outb(ch->io + ATA_REG_DEVICE, dev);
	if (ch->selected != d->drive) {
		ata_delay_400ns(ch);
		ch->selected = d->drive;
		if (ata_wait_not_busy(ch, ATA_TIMEOUT_MS) < 0)
			return -ETIMEDOUT;
	}
	if (lba48) {	/* high-order bytes first: LBA bits 24-47, count 8-15 */
		outb(ch->io + ATA_REG_COUNT, (count >> COUNT_SHIFT_HI) & BYTE_MASK);
		outb(ch->io + ATA_REG_LBA_LO, (lba >> LBA_SHIFT_28) & BYTE_MASK);
		outb(ch->io + ATA_REG_LBA_MID, 0);
		outb(ch->io + ATA_REG_LBA_HI, 0);
	}
	outb(ch->io + ATA_REG_COUNT, count & BYTE_MASK);
	outb(ch->io + ATA_REG_LBA_LO, lba & BYTE_MASK);
	outb(ch->io + ATA_REG_LBA_MID, (lba >> LBA_SHIFT_MID) & BYTE_MASK);
	outb(ch->io + ATA_REG_LBA_HI, (lba >> LBA_SHIFT_HI) & BYTE_MASK);
	return 0;
}

static bool needs_lba48(uint32_t lba, uint32_t count)
{
	return (uint64_t)lba + count > ATA_LBA28_LIMIT;
}

static int pio_read(ata_disk_t *d, uint8_t *buf, uint32_t count)
{
	ata_channel_t *ch = d->ch;
	for (uint32_t i = 0; i < count; i++) {
		uint8_t st;
		int rc = wait_irq(ch, &st, NULL);
		if (rc < 0)
			return rc;
		if (status_failed(st) || !(st & ATA_SR_DRQ))
			return -EIO;
		ata_insw(ch->io + ATA_REG_DATA, buf + i * BLOCKDEV_SECTOR_SIZE,
			 ATA_WORDS_PER_SECTOR);
	}
	return status_failed(alt_status(ch)) ? -EIO : 0;
}

static int pio_write(ata_disk_t *d, const uint8_t *buf, uint32_t count)
{
	ata_channel_t *ch = d->ch;
	if (wait_drq(ch, ATA_TIMEOUT_MS) < 0)
		return -EIO;
	for (uint32_t i = 0; i < count; i++) {
		uint8_t st;
		ata_outsw(ch->io + ATA_REG_DATA, buf + i * BLOCKDEV_SECTOR_SIZE,
			  ATA_WORDS_PER_SECTOR);
		int rc = wait_irq(ch, &st, NULL);
		if (rc < 0)
			return rc;
		if (status_failed(st))
			return -EIO;
		if (i + 1 < count && !(st & ATA_SR_DRQ))
			return -EIO;
	}
	return 0;
}

static int pio_command(ata_disk_t *d, uint32_t lba, void *buf, uint32_t count, bool write)
{
	ata_channel_t *ch = d->ch;
	bool lba48 = needs_lba48(lba, count);
	int rc = load_taskfile(d, lba, count, lba48);
	if (rc < 0)
		return rc;
	command_begin(ch);
	outb(ch->io + ATA_REG_COMMAND,
	     write ? (lba48 ? ATA_CMD_WRITE_PIO_EXT : ATA_CMD_WRITE_PIO)
		   : (lba48 ? ATA_CMD_READ_PIO_EXT : ATA_CMD_READ_PIO));
	rc = write ? pio_write(d, buf, count) : pio_read(d, buf, count);
	command_end(ch, rc);
	return rc;
}

/* True if the hardware can reach buf directly. */
static bool dma_direct_ok(const void *buf, size_t bytes)
{
	uintptr_t va = (uintptr_t)buf;
	return va >= KERNEL_VMA && IS_ALIGNED(va, ATA_PRD_ALIGN) &&
	       va - KERNEL_VMA < frame_lowmem_end() &&
	       bytes <= frame_lowmem_end() - (va - KERNEL_VMA);
}

/* Describes [pa, pa + bytes) in the PRD table, split at 64 KiB lines. */
static void build_prdt(ata_channel_t *ch, paddr_t pa, size_t bytes)
{
	size_t n = 0;
	while (bytes > 0) {
		size_t room = ATA_PRD_BOUNDARY - (pa & (ATA_PRD_BOUNDARY - 1));
		size_t len = MIN(room, bytes);
		ch->prdt[n].addr = pa;
		ch->prdt[n].byte_count = (uint16_t)len;	/* 64 KiB is 0 */
		ch->prdt[n].flags = 0;
		pa += len;
		bytes -= len;
		n++;
	}
	ch->prdt[n - 1].flags = ATA_PRD_EOT;
}

static int dma_command(ata_disk_t *d, uint32_t lba, void *buf, uint32_t count, bool write)
{
	ata_channel_t *ch = d->ch;
	size_t bytes = count * BLOCKDEV_SECTOR_SIZE;
	bool direct = dma_direct_ok(buf, bytes);
	bool lba48 = needs_lba48(lba, count);
	uint8_t dir = write ? 0 : BM_CMD_TO_MEMORY;
	uint8_t st, bm_st;

	if (!direct && write)
		memcpy(ch->bounce, buf, bytes);
	build_prdt(ch, kva_to_pa(direct ? buf : ch->bounce), bytes);
	outb(ch->bm + BM_REG_COMMAND, 0);
	outl(ch->bm + BM_REG_PRDT, kva_to_pa(ch->prdt));
	outb(ch->bm + BM_REG_STATUS, (inb(ch->bm + BM_REG_STATUS) & BM_STATUS_DRV_DMA_MASK) |
	     BM_STATUS_IRQ | BM_STATUS_ERROR);
	outb(ch->bm + BM_REG_COMMAND, dir);

	int rc = load_taskfile(d, lba, count, lba48);
	if (rc < 0)
		return rc;
	command_begin(ch);
	if (!direct) {
		spin_lock(&ch->lock);
		ch->stats.bounced++;
		spin_unlock(&ch->lock);
	}
	outb(ch->io + ATA_REG_COMMAND,
	     write ? (lba48 ? ATA_CMD_WRITE_DMA_EXT : ATA_CMD_WRITE_DMA)
		   : (lba48 ? ATA_CMD_READ_DMA_EXT : ATA_CMD_READ_DMA));
	outb(ch->bm + BM_REG_COMMAND, dir | BM_CMD_START);
	rc = wait_irq(ch, &st, &bm_st);
	outb(ch->bm + BM_REG_COMMAND, dir);	/* stop the engine */
	if (rc == 0 && (status_failed(st) || (bm_st & BM_STATUS_ERROR)))
		rc = -EIO;
	command_end(ch, rc);
	if (rc == 0 && !direct && !write)
		memcpy(buf, ch->bounce, bytes);
	return rc;
}

/* One request: commands of at most ATA_MAX_SECTORS_PER_CMD sectors. */
static int ata_request(blockdev_t *bd, uint32_t sector, void *buf, uint32_t count,
		       bool write)
{
	ata_disk_t *d = bd->priv;
	ata_channel_t *ch = d->ch;
	uint8_t *p = buf;
	int rc = 0;

	kmutex_lock(&ch->mutex);
	while (count > 0) {
		uint32_t n = MIN(count, ATA_MAX_SECTORS_PER_CMD);
		rc = d->mode == ATA_MODE_DMA ? dma_command(d, sector, p, n, write)
					     : pio_command(d, sector, p, n, write);
		if (rc < 0)
			break;
		sector += n;
		p += n * BLOCKDEV_SECTOR_SIZE;
		count -= n;
	}
	if (rc == -ETIMEDOUT) {
		dbg(DBG_ERROR, "%s: lost interrupt, resetting channel ata%d\n", bd->name,
		    ch->index);
		ata_channel_reset(ch, false);
	}
	kmutex_unlock(&ch->mutex);
	return rc < 0 ? -EIO : 0;
}

static int ata_read(blockdev_t *bd, uint32_t sector, void *buf, uint32_t count)
{
	return ata_request(bd, sector, buf, count, false);
}

static int ata_write(blockdev_t *bd, uint32_t sector, const void *buf, uint32_t count)
{
	return ata_request(bd, sector, (void *)buf, count, true);
}

/* FLUSH CACHE: a non-data command whose one interrupt comes when the
 * drive's write cache is on the medium (QEMU: the image file fsynced). */
static int ata_flush(blockdev_t *bd)
{
	ata_disk_t *d = bd->priv;
	ata_channel_t *ch = d->ch;
	uint8_t st = 0;
	kmutex_lock(&ch->mutex);
	int rc = load_taskfile(d, 0, 0, false);
	if (rc == 0) {
		command_begin(ch);
		outb(ch->io + ATA_REG_COMMAND, ATA_CMD_FLUSH_CACHE);
		rc = wait_irq(ch, &st, NULL);
		if (rc == 0 && status_failed(st))
			rc = -EIO;
		command_end(ch, rc);
	}
	if (rc == -ETIMEDOUT) {
		dbg(DBG_ERROR, "%s: lost interrupt on FLUSH CACHE, resetting channel ata%d\n",
		    bd->name, ch->index);
		ata_channel_reset(ch, false);
	}
	if (rc == 0) {
		spin_lock(&ch->lock);
		ch->stats.flushes++;
		spin_unlock(&ch->lock);
	}
	kmutex_unlock(&ch->mutex);
	return rc < 0 ? -EIO : 0;
}

const blockdev_ops_t ata_blockdev_ops = { .read = ata_read, .write = ata_write, .flush = ata_flush };

static ata_disk_t *ata_disk_of(blockdev_t *bd)
{
	return bd && bd->ops == &ata_blockdev_ops ? bd->priv : NULL;
}

int ata_set_mode(blockdev_t *bd, ata_mode_t mode)
{
	ata_disk_t *d = ata_disk_of(bd);
	if (!d || (mode != ATA_MODE_PIO && mode != ATA_MODE_DMA))
		return -EINVAL;
	if (mode == ATA_MODE_DMA && (!d->ch->prdt || !d->dma_capable))
		return -ENODEV;
	kmutex_lock(&d->ch->mutex);
	d->mode = mode;
	kmutex_unlock(&d->ch->mutex);
	return 0;
}

int ata_get_mode(blockdev_t *bd)
{
	ata_disk_t *d = ata_disk_of(bd);
	return d ? (int)d->mode : -EINVAL;
}

uint32_t ata_set_timeout_ms(uint32_t ms)
{
	return __atomic_exchange_n(&ata_timeout_ms, ms, __ATOMIC_RELAXED);
}

int ata_get_stats(blockdev_t *bd, ata_stats_t *out)
{
	ata_disk_t *d = ata_disk_of(bd);
	if (!d || !out)
		return -EINVAL;
	spin_lock(&d->ch->lock);
	*out = d->ch->stats;
	spin_unlock(&d->ch->lock);
	return 0;
}

const char *ata_model(blockdev_t *bd)
{
	ata_disk_t *d = ata_disk_of(bd);
	return d ? d->model : "";
}
