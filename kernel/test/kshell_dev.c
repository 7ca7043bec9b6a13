/*
 * kshell commands for the devices: list them, dump and write disk
 * sectors, choose the ATA transfer mode, show the driver's counters, try
 * the console's line discipline (cooked and raw), write to a tty and
 * switch virtual terminals.  Each command checks its arguments and
 * prints the errno of a failed request; nothing here has state.
 */
#include "test/kshell.h"
#include "drivers/ata.h"
#include "drivers/blockdev.h"
#include "drivers/chardev.h"
#include "drivers/tty.h"
#include "drivers/vt.h"
#include "mm/kmalloc.h"
#include "util/errno.h"
#include "util/printf.h"
#include "util/string.h"

#define DUMP_BYTES_PER_LINE 16
#define BLK_MAX_SECTORS 16
#define BYTE_MAX 0xFF
#define ASCII_PRINTABLE_FIRST ' '
#define ASCII_PRINTABLE_LAST '~'
#define RAW_QUIT 'q'

static int usage(const char *text)
{
	kprintf("usage: %s\n", text);
	return 1;
}

static int cmd_devs(int argc, char **argv)
{
	for (chardev_t *cd = chardev_next(NULL); cd; cd = chardev_next(cd))
		kprintf("  char  %-8s %3u:%-3u (dev_t %#x)\n", cd->name, MAJOR(cd->dev),
			MINOR(cd->dev), cd->dev);
	for (blockdev_t *bd = blockdev_next(NULL); bd; bd = blockdev_next(bd))
		kprintf("  block %-8s %3u:%-3u (dev_t %#x) %u sectors, %u-byte blocks\n",
			bd->name, MAJOR(bd->dev), MINOR(bd->dev), bd->dev, bd->nsectors,
			bd->block_size);
	return 0;
}
KSHELL_COMMAND("devs", "list character and block devices", cmd_devs);

/* Parses DEV SECTOR [COUNT] (count 1 when absent). */
static int parse_blk_args(char *name, char *sector_s, char *count_s, blockdev_t **bd,
			  uint32_t *sector, uint32_t *count)
{
	unsigned long v;
	*bd = blockdev_lookup_name(name);
	if (!*bd) {
		kprintf("%s: no such block device (see devs)\n", name);
		return -ENODEV;
	}
	if (kstrtoul(sector_s, &v) < 0)
		return -EINVAL;
	*sector = (uint32_t)v;
	*count = 1;
	if (count_s) {
		if (kstrtoul(count_s, &v) < 0 || v == 0 || v > BLK_MAX_SECTORS) {
			kprintf("count must be 1..%u\n", BLK_MAX_SECTORS);
			return -EINVAL;
		}
		*count = (uint32_t)v;
	}
	return 0;
}

static void hex_dump(const uint8_t *p, size_t n, uint32_t base)
{
	for (size_t off = 0; off < n; off += DUMP_BYTES_PER_LINE) {
		kprintf("%08x ", base + (uint32_t)off);
		for (size_t i = 0; i < DUMP_BYTES_PER_LINE; i++)
			kprintf(" %02x", p[off + i]);
		kprintf("  |");
		for (size_t i = 0; i < DUMP_BYTES_PER_LINE; i++) {
			uint8_t c = p[off + i];
			kprintf("%c", c >= ASCII_PRINTABLE_FIRST && c <= ASCII_PRINTABLE_LAST ? c : '.');
		}
		kprintf("|\n");
	}
}

static int cmd_blkread(int argc, char **argv)
{
	blockdev_t *bd;
	uint32_t sector, count;
	if (argc < 3 || argc > 4)
		return usage("blkread DEV SECTOR [COUNT]");
	if (parse_blk_args(argv[1], argv[2], argc > 3 ? argv[3] : NULL, &bd, &sector, &count))
		return 1;
	uint8_t *buf = kmalloc(count * BLOCKDEV_SECTOR_SIZE);
	if (!buf)
		return 1;
	int rc = blockdev_read(bd, sector, buf, count);
	if (rc < 0)
		kprintf("blkread: %s sector %u: error %d\n", bd->name, sector, rc);
	else
		hex_dump(buf, count * BLOCKDEV_SECTOR_SIZE, sector * BLOCKDEV_SECTOR_SIZE);
	kfree(buf);
	return rc < 0;
}
KSHELL_COMMAND("blkread", "blkread DEV SECTOR [COUNT]: hex dump of disk sectors", cmd_blkread);

static int cmd_blkwrite(int argc, char **argv)
{
	blockdev_t *bd;
	uint32_t sector, count;
	unsigned long byte;
	if (argc < 4 || argc > 5)
		return usage("blkwrite DEV SECTOR BYTE [COUNT]");
	if (parse_blk_args(argv[1], argv[2], argc > 4 ? argv[4] : NULL, &bd, &sector, &count))
		return 1;
	if (kstrtoul(argv[3], &byte) < 0 || byte > BYTE_MAX)
		return usage("blkwrite DEV SECTOR BYTE [COUNT] (BYTE 0..255)");
	uint8_t *buf = kmalloc(count * BLOCKDEV_SECTOR_SIZE);
	if (!buf)
		return 1;
	memset(buf, (int)byte, count * BLOCKDEV_SECTOR_SIZE);
	int rc = blockdev_write(bd, sector, buf, count);
	if (rc < 0)
		kprintf("blkwrite: %s sector %u: error %d\n", bd->name, sector, rc);
	else
		kprintf("wrote %u sector(s) of %#lx at %s:%u\n", count, byte, bd->name, sector);
	kfree(buf);
	return rc < 0;
}
KSHELL_COMMAND("blkwrite", "blkwrite DEV SECTOR BYTE [COUNT]: fill disk sectors", cmd_blkwrite);

static int cmd_ata(int argc, char **argv)
{
	if (argc == 1) {
		ata_print_info();
		return 0;
	}
	if (argc != 3 || (strcmp(argv[2], "pio") && strcmp(argv[2], "dma")))
		return usage("ata [DEV pio|dma]");
	int rc = ata_set_mode(blockdev_lookup_name(argv[1]),
			      strcmp(argv[2], "dma") == 0 ? ATA_MODE_DMA : ATA_MODE_PIO);
	if (rc < 0)
		kprintf("ata: %s: error %d\n", argv[1], rc);
	return rc < 0;
}
KSHELL_COMMAND("ata", "ata [DEV pio|dma]: disk counters, or set a transfer mode", cmd_ata);

static void print_escaped(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = (uint8_t)s[i];
		if (c == '\n')
			kprintf("\\n");
		else if (c >= ASCII_PRINTABLE_FIRST && c <= ASCII_PRINTABLE_LAST)
			kprintf("%c", c);
		else
			kprintf("\\x%02x", c);
	}
}

static int echo_raw_bytes(tty_t *tty)
{
	kprintf("raw mode: each byte is shown in hex; %c ends\n", RAW_QUIT);
	tty_set_raw(tty, true);
	int rc = 0;
	for (;;) {
		char c;
		ssize_t n = tty_read(tty, &c, 1);
		if (n < 0) {
			rc = (int)n;
			break;
		}
		kprintf("%#04x ", (uint8_t)c);
		if (c == RAW_QUIT)
			break;
	}
	tty_set_raw(tty, false);
	kprintf("\n");
	return rc;
}

static int cmd_ttyecho(int argc, char **argv)
{
	tty_t *tty = tty_console();
	char buf[TTY_INPUT_MAX];
	if (argc > 1 && strcmp(argv[1], "raw") == 0)
		return echo_raw_bytes(tty) < 0;
	kprintf("type lines (erase, ^U, ^W work); ^D on an empty line ends\n");
	for (;;) {
		ssize_t n = tty_read(tty, buf, sizeof(buf));
		if (n <= 0)
			break;
		kprintf("read %d bytes: \"", (int)n);
		print_escaped(buf, (size_t)n);
		kprintf("\"\n");
	}
	uint32_t sigs = tty_take_signals(tty, NULL);
	if (sigs)
		kprintf("signals recorded for the foreground group: %#x\n", sigs);
	return 0;
}
KSHELL_COMMAND("ttyecho", "ttyecho [raw]: show what the console tty delivers", cmd_ttyecho);

static int cmd_ttywrite(int argc, char **argv)
{
	if (argc < 2)
		return usage("ttywrite TTY [WORDS...]");
	chardev_t *cd = chardev_lookup_name(argv[1]);
	if (!cd || cd->ops->read != tty_console()->cdev.ops->read) {
		kprintf("%s: not a tty (see devs)\n", argv[1]);
		return 1;
	}
	for (int i = 2; i < argc; i++) {
		chardev_write(cd, 0, argv[i], strlen(argv[i]));
		chardev_write(cd, 0, i + 1 < argc ? " " : "", i + 1 < argc);
	}
	chardev_write(cd, 0, "\n", 1);
	return 0;
}
KSHELL_COMMAND("ttywrite", "ttywrite TTY [WORDS...]: write a line to a tty", cmd_ttywrite);

static int cmd_vt(int argc, char **argv)
{
	unsigned long n;
	if (argc == 1) {
		kprintf("virtual terminal %d of %d is active\n", vt_active(), NTERMS);
		return 0;
	}
	if (kstrtoul(argv[1], &n) < 0 || vt_switch((int)n) < 0) {
		kprintf("vt: no terminal %s (0..%d)\n", argv[1], NTERMS - 1);
		return 1;
	}
	return 0;
}
KSHELL_COMMAND("vt", "vt [N]: show or switch the active virtual terminal", cmd_vt);
