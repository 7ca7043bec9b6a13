/*
 * Finding the disks: the IDE controller on PCI (for its bus-master
 * registers), then each compatibility-mode channel and drive.
 *
 * The controller is QEMU's PIIX3 IDE (8086:7010) on the default i440fx
 * machine; PIIX4 (8086:7111) and any IDE-class function are accepted too.
 * Its BAR4 is the bus-master I/O block (8 bytes per channel); the
 * firmware assigns it, and we turn on I/O decoding and bus mastering.
 * Without it every disk uses PIO.
 *
 * Probing runs once at boot with the channel's interrupts off (nIEN) and
 * polls with tick deadlines, so a missing or silent device costs at most
 * a timeout, never a hang or a panic.  A drive that answers IDENTIFY with
 * the ATAPI signature (QEMU's CD-ROM on the secondary master) is skipped.
 * A channel with at least one disk gets its DMA memory (a frame for the
 * PRD table and a 64 KiB bounce buffer, 64 KiB aligned so it is one
 * descriptor), its interrupt handler, and interrupts on; then its disks
 * are registered as block devices.  Nothing here runs concurrently with
 * requests (they cannot start before registration).
 */
#include "drivers/ata_hw.h"
#include "drivers/pci.h"
#include "main/io.h"
#include "mm/frame.h"
#include "util/debug.h"
#include "util/errno.h"
#include "util/printf.h"
#include "util/string.h"

#define PCI_VENDOR_INTEL 0x8086
#define PCI_DEVICE_PIIX3_IDE 0x7010
#define PCI_DEVICE_PIIX4_IDE 0x7111
#define PCI_CLASS_STORAGE 0x01
#define PCI_SUBCLASS_IDE 0x01
#define PCI_BAR_BMIDE 4
#define ATA_PROBE_TIMEOUT_MS 1000
#define ATA_PROBE_RETRIES 5
#define ATA_PROBE_RETRY_MS 10
#define ATA_BOUNCE_ALIGN_FRAMES ATA_BOUNCE_FRAMES	/* 64 KiB aligned */
#define BITS_PER_BYTE 8
#define BITS_PER_WORD 16
#define BYTE_MASK 0xFF
#define LBA48_WORDS 4
#define SECTORS_PER_MIB ((1u << 20) / BLOCKDEV_SECTOR_SIZE)

static ata_disk_t disks[ATA_NCHANNELS * ATA_DRIVES_PER_CHANNEL];
static pci_addr_t ide_pci;
static bool have_pci;

static const struct {
	uint16_t io, ctrl;
	int irq;
	void (*handler)(intr_frame_t *);
	int major;
} channel_hw[ATA_NCHANNELS] = {
	{ ATA_PRIMARY_IO, ATA_PRIMARY_CTRL, IRQ_ATA_PRIMARY, ata_irq_primary, IDE0_MAJOR },
	{ ATA_SECONDARY_IO, ATA_SECONDARY_CTRL, IRQ_ATA_SECONDARY, ata_irq_secondary, IDE1_MAJOR },
};

/* The bus-master base, or 0 without a usable controller. */
static uint16_t find_bmide(void)
{
	have_pci = pci_find_device(PCI_VENDOR_INTEL, PCI_DEVICE_PIIX3_IDE, &ide_pci) ||
		   pci_find_device(PCI_VENDOR_INTEL, PCI_DEVICE_PIIX4_IDE, &ide_pci) ||
		   pci_find_class(PCI_CLASS_STORAGE, PCI_SUBCLASS_IDE, &ide_pci);
	if (!have_pci) {
		kprintf("ata: no IDE controller on PCI; PIO only\n");
		return 0;
	}
	uint16_t bm = pci_io_bar(ide_pci, PCI_BAR_BMIDE);
	if (!bm) {
		kprintf("ata: IDE controller has no bus-master BAR; PIO only\n");
		return 0;
	}
	uint16_t cmd = pci_read16(ide_pci, PCI_COMMAND);
	pci_write16(ide_pci, PCI_COMMAND, cmd | PCI_COMMAND_IO | PCI_COMMAND_MASTER);
	return bm;
}

static void model_string(const uint16_t *id, char *out)
{
	size_t n = 0;
	for (int w = 0; w < ATA_ID_MODEL_WORDS; w++) {	/* big-endian pairs */
		out[n++] = (char)(id[ATA_ID_MODEL + w] >> BITS_PER_BYTE);
		out[n++] = (char)(id[ATA_ID_MODEL + w] & BYTE_MASK);
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

/* Polls until BSY is clear and DRQ or ERR is set. */
static int wait_data_or_error(ata_channel_t *ch)
{
	uint64_t deadline = ticks_now() + pit_ms_to_ticks(ATA_PROBE_TIMEOUT_MS) + 1;
	for (;;) {
		uint8_t st = inb(ch->ctrl + ATA_REG_ALT_STATUS);
		if (!(st & ATA_SR_BSY) && (st & ATA_SR_ERR))
			return -EIO;
		if (!(st & ATA_SR_BSY) && (st & ATA_SR_DRQ))
			return 0;
		if (ticks_now() >= deadline)
			return -EIO;
	}
}

/* IDENTIFY DEVICE, polled; 0 with id filled for an ATA disk, -ENODEV
 * when nothing answers, -ENXIO for a device that is not an ATA disk,
 * -EIO on errors. */
static int identify_once(ata_channel_t *ch, int drive, uint16_t *id)
{
	outb(ch->io + ATA_REG_DEVICE, ATA_DEV_OBSOLETE | (drive ? ATA_DEV_SLAVE : 0));
	ata_delay_400ns(ch);
	ch->selected = drive;
	if (inb(ch->io + ATA_REG_STATUS) == ATA_SR_FLOATING) {
		dbg(DBG_DISK, "ata%d.%d: floating bus after select\n", ch->index, drive);
		return -ENODEV;
	}
	if (ata_wait_not_busy(ch, ATA_PROBE_TIMEOUT_MS) < 0)
		return -EIO;
	outb(ch->io + ATA_REG_COUNT, 0);
	outb(ch->io + ATA_REG_LBA_LO, 0);
	outb(ch->io + ATA_REG_LBA_MID, 0);
	outb(ch->io + ATA_REG_LBA_HI, 0);
	outb(ch->io + ATA_REG_COMMAND, ATA_CMD_IDENTIFY);
	ata_delay_400ns(ch);
	if (inb(ch->io + ATA_REG_STATUS) == 0) {	/* no drive there */
		dbg(DBG_DISK, "ata%d.%d: status 0 after IDENTIFY\n", ch->index, drive);
		return -ENODEV;
	}
	if (ata_wait_not_busy(ch, ATA_PROBE_TIMEOUT_MS) < 0)
		return -EIO;
	uint8_t mid = inb(ch->io + ATA_REG_LBA_MID), hi = inb(ch->io + ATA_REG_LBA_HI);
	if (mid || hi) {
		kprintf("ata%d.%d: %s device, not a disk: skipped\n", ch->index, drive,
			mid == ATA_SIG_ATAPI_MID && hi == ATA_SIG_ATAPI_HI ? "ATAPI" : "non-ATA");
		return -ENXIO;	/* there, but not a disk: no need to ask again */
	}
	if (wait_data_or_error(ch) < 0)
		return -EIO;
	for (int i = 0; i < ATA_ID_WORDS; i++)
		id[i] = inw(ch->io + ATA_REG_DATA);
	return 0;
}

static ata_disk_t *disk_from_identify(ata_channel_t *ch, int drive, const uint16_t *id)
{
	if (!(id[ATA_ID_CAPABILITIES] & ATA_ID_CAP_LBA)) {
		kprintf("ata%d.%d: disk without LBA: skipped\n", ch->index, drive);
		return NULL;
	}
	ata_disk_t *d = &disks[ch->index * ATA_DRIVES_PER_CHANNEL + drive];
	memset(d, 0, sizeof(*d));
	d->ch = ch;
	d->drive = drive;
	d->lba48 = id[ATA_ID_COMMAND_SET_2] & ATA_ID_CMD2_LBA48;
	d->dma_capable = id[ATA_ID_CAPABILITIES] & ATA_ID_CAP_DMA;
	d->mode = ATA_MODE_PIO;
	model_string(id, d->model);

	uint64_t sectors = (uint32_t)id[ATA_ID_LBA28_SECTORS] |
			   (uint32_t)id[ATA_ID_LBA28_SECTORS + 1] << BITS_PER_WORD;
	if (d->lba48) {
		uint64_t s48 = 0;
		for (int w = LBA48_WORDS - 1; w >= 0; w--)
			s48 = s48 << BITS_PER_WORD | id[ATA_ID_LBA48_SECTORS + w];
		if (s48)
			sectors = s48;
	} else if (sectors > ATA_LBA28_LIMIT) {
		sectors = ATA_LBA28_LIMIT;
	}
	d->bd.nsectors = sectors > UINT32_MAX ? UINT32_MAX : (uint32_t)sectors;
	snprintf(d->bd.name, sizeof(d->bd.name), "hd%c",
		 'a' + ch->index * ATA_DRIVES_PER_CHANNEL + drive);
	d->bd.dev = MKDEV(channel_hw[ch->index].major, drive * IDE_MINORS_PER_DISK);
	d->bd.ops = &ata_blockdev_ops;
	d->bd.priv = d;
	list_init(&d->bd.link);
	return d;
}

/* Gives a channel with disks its DMA memory; false leaves it PIO. */
static bool channel_dma_setup(ata_channel_t *ch)
{
	ch->prdt = frame_alloc();
	ch->bounce = frame_alloc_run(ATA_BOUNCE_FRAMES, ATA_BOUNCE_ALIGN_FRAMES);
	if (ch->prdt && ch->bounce)
		return true;
	kprintf("ata%d: no memory for DMA buffers; PIO only\n", ch->index);
	if (ch->prdt)
		frame_free(ch->prdt);
	if (ch->bounce)
		frame_free_run(ch->bounce, ATA_BOUNCE_FRAMES);
	ch->prdt = NULL;
	ch->bounce = NULL;
	return false;
}

/* QEMU completes a software reset asynchronously: until it has, a
 * command (or the drive select before it) can be lost and the drive
 * reads as absent (status 0).  So an absent-looking drive is asked again
 * a few times, a few milliseconds apart, before we believe it. */
static int identify(ata_channel_t *ch, int drive, uint16_t *id)
{
	int rc = identify_once(ch, drive, id);
	for (int i = 0; rc == -ENODEV && i < ATA_PROBE_RETRIES; i++) {
		pit_delay_ms(ATA_PROBE_RETRY_MS);
		rc = identify_once(ch, drive, id);
	}
	return rc;
}

static void probe_channel(ata_channel_t *ch, uint16_t bm_base)
{
	static uint16_t id[ATA_ID_WORDS];

	if (inb(ch->io + ATA_REG_STATUS) == ATA_SR_FLOATING) {
		dbg(DBG_DISK, "ata%d: floating bus\n", ch->index);
		return;
	}
	ata_channel_reset(ch, true);
	for (int drive = 0; drive < ATA_DRIVES_PER_CHANNEL; drive++) {
		int rc = identify(ch, drive, id);
		if (rc == -EIO)
			kprintf("ata%d.%d: IDENTIFY failed\n", ch->index, drive);
		if (rc == 0)
			ch->disks[drive] = disk_from_identify(ch, drive, id);
		ch->present |= ch->disks[drive] != NULL;
	}
	if (!ch->present)
		return;
	bool dma = bm_base && channel_dma_setup(ch);
	if (dma)
		ch->bm = bm_base + ch->index * BM_CHANNEL_STRIDE;
	irq_register(ch->irq, channel_hw[ch->index].handler);
	outb(ch->ctrl + ATA_REG_DEV_CONTROL, 0);	/* interrupts on */
	for (int drive = 0; drive < ATA_DRIVES_PER_CHANNEL; drive++) {
		ata_disk_t *d = ch->disks[drive];
		if (!d)
			continue;
		if (dma && d->dma_capable)
			d->mode = ATA_MODE_DMA;
		kprintf("ata: %s (%u:%u) \"%s\", %u sectors (%u MiB), LBA%s, %s\n",
			d->bd.name, MAJOR(d->bd.dev), MINOR(d->bd.dev), d->model,
			d->bd.nsectors, d->bd.nsectors / SECTORS_PER_MIB,
			d->lba48 ? "48" : "28", d->mode == ATA_MODE_DMA ? "DMA" : "PIO");
		if (blockdev_register(&d->bd) < 0)
			kprintf("ata: cannot register %s\n", d->bd.name);
	}
}

void ata_init(void)
{
	uint16_t bm_base = find_bmide();
	int ndisks = 0;

	for (int c = 0; c < ATA_NCHANNELS; c++) {
		ata_channel_t *ch = &ata_channels[c];
		ch->index = c;
		ch->io = channel_hw[c].io;
		ch->ctrl = channel_hw[c].ctrl;
		ch->irq = channel_hw[c].irq;
		ata_channel_setup(ch);
		probe_channel(ch, bm_base);
		for (int drive = 0; drive < ATA_DRIVES_PER_CHANNEL; drive++)
			ndisks += ch->disks[drive] != NULL;
	}
	if (ndisks == 0)
		kprintf("ata: no disks\n");
}

void ata_print_info(void)
{
	if (have_pci)
		kprintf("IDE controller %04x:%04x at PCI %u:%u.%u\n",
			pci_read16(ide_pci, PCI_VENDOR_ID), pci_read16(ide_pci, PCI_DEVICE_ID),
			ide_pci.bus, ide_pci.slot, ide_pci.func);
	for (int c = 0; c < ATA_NCHANNELS; c++) {
		ata_channel_t *ch = &ata_channels[c];
		if (!ch->present)
			continue;
		for (int drive = 0; drive < ATA_DRIVES_PER_CHANNEL; drive++) {
			ata_disk_t *d = ch->disks[drive];
			if (d)
				kprintf("  %s: \"%s\" %u sectors, %s%s\n", d->bd.name, d->model,
					d->bd.nsectors, d->mode == ATA_MODE_DMA ? "DMA" : "PIO",
					d->lba48 ? ", LBA48" : "");
		}
		ata_stats_t s;
		spin_lock(&ch->lock);
		s = ch->stats;
		spin_unlock(&ch->lock);
		kprintf("  ata%d: bm %#x, %u commands, %u irqs, %u spurious, %u timeouts, "
			"%u errors, %u bounced\n", c, ch->bm, s.commands, s.irqs, s.spurious,
			s.timeouts, s.errors, s.bounced);
	}
}
