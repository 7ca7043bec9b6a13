/* Suite "ata": the ATA driver and the block-device layer on the scratch
 * disks tools/run-tests.sh attaches (hda and hdb, a few MiB each, zeroed).
 *
 * Every sector written carries a pattern computed from a seed, the sector
 * number and the word offset, so data landing in the wrong sector is
 * caught as surely as corrupted data.  The suite proves: the disks are
 * found and registered with Linux's numbers; the whole of each disk,
 * last sector included, is written and read back by DMA, and read again
 * by PIO with the same result; PIO writes read back by DMA and the other
 * way round, through direct and bounce buffers; the block calls move
 * 4096-byte blocks; out-of-range and malformed requests are -EINVAL and a
 * request the device rejects is -EIO; four threads on two disks (one in
 * DMA, one in PIO) read and write at once without corruption; and a lost
 * interrupt (the IRQ line masked) gives -EIO after the timeout, after
 * which the channel works again. */
#include "test/ktest.h"
#include "drivers/ata.h"
#include "drivers/blockdev.h"
#include "drivers/pic.h"
#include "entry/intr.h"
#include "mm/kmalloc.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "util/errno.h"
#include "util/string.h"

#define SCRATCH_MIN_SECTORS 2048	/* 1 MiB: the runner gives 4 MiB */
#define CHUNK_SECTORS 128		/* 64 KiB per whole-disk request */
#define CHUNK_BYTES (CHUNK_SECTORS * BLOCKDEV_SECTOR_SIZE)
#define WORDS_PER_SECTOR (BLOCKDEV_SECTOR_SIZE / sizeof(uint32_t))
#define HASH_MUL_SECTOR 2654435761u	/* Knuth's multiplicative hash */
#define HASH_MUL_WORD 40503u
#define HASH_SHIFT 15
#define CROSS_MAX_SECTORS 40		/* spans more than one 16-sector run */
#define CROSS_ROUNDS 12
#define STACK_BUF_SECTORS 2
#define NWORKERS 4
#define WORKER_ROUNDS 40
#define WORKER_MAX_SECTORS 24
#define LOST_IRQ_TIMEOUT_MS 200

static blockdev_t *hda, *hdb;

static uint32_t pattern_word(uint32_t seed, uint32_t sector, uint32_t word)
{
	uint32_t x = seed + sector * HASH_MUL_SECTOR + word * HASH_MUL_WORD;
	return x ^ (x >> HASH_SHIFT);
}

static void fill(void *buf, uint32_t seed, uint32_t sector, uint32_t count)
{
	uint32_t *w = buf;
	for (uint32_t s = 0; s < count; s++)
		for (uint32_t i = 0; i < WORDS_PER_SECTOR; i++)
			*w++ = pattern_word(seed, sector + s, i);
}

/* Sectors of buf that do not hold the pattern. */
static uint32_t bad_sectors(const void *buf, uint32_t seed, uint32_t sector,
			    uint32_t count)
{
	uint32_t bad = 0;
	const uint8_t *p = buf;
	for (uint32_t s = 0; s < count; s++, p += BLOCKDEV_SECTOR_SIZE) {
		uint32_t w[WORDS_PER_SECTOR];
		memcpy(w, p, sizeof(w));	/* buf may be unaligned */
		for (uint32_t i = 0; i < WORDS_PER_SECTOR; i++) {
			if (w[i] != pattern_word(seed, sector + s, i)) {
				bad++;
				break;
			}
		}
	}
	return bad;
}

static void test_registry(void)
{
	hda = blockdev_lookup(MKDEV(IDE0_MAJOR, 0));
	hdb = blockdev_lookup(MKDEV(IDE0_MAJOR, IDE_MINORS_PER_DISK));
	KT_ASSERT(hda != NULL, "no disk 3:0: boot with the scratch disks (make test attaches them)");
	KT_ASSERT(hdb != NULL, "no disk 3:64: boot with the scratch disks");
	if (!hda || !hdb)
		return;
	KT_ASSERT(strcmp(hda->name, "hda") == 0 && strcmp(hdb->name, "hdb") == 0,
		  "names %s %s", hda->name, hdb->name);
	KT_ASSERT(blockdev_lookup_name("hda") == hda, "lookup by name");
	KT_EQ(hda->dev, 0x300);
	KT_EQ(hdb->dev, 0x340);
	KT_EQ(hda->block_size, BLOCKDEV_BLOCK_SIZE);
	KT_ASSERT(hda->nsectors >= SCRATCH_MIN_SECTORS && hdb->nsectors >= SCRATCH_MIN_SECTORS,
		  "scratch disks too small: %u and %u sectors", hda->nsectors, hdb->nsectors);
	KT_ASSERT(ata_model(hda)[0] != '\0', "empty model string");
	KT_EQ(ata_get_mode(hda), ATA_MODE_DMA);
	KT_EQ(ata_get_mode(NULL), -EINVAL);
}

/* Writes the whole disk in CHUNK_SECTORS requests with the pattern. */
static int write_whole(blockdev_t *bd, uint8_t *buf, uint32_t seed)
{
	int errors = 0;
	for (uint32_t s = 0; s < bd->nsectors; s += CHUNK_SECTORS) {
		uint32_t n = MIN(CHUNK_SECTORS, bd->nsectors - s);
		fill(buf, seed, s, n);
		errors += blockdev_write(bd, s, buf, n) != 0;
	}
	return errors;
}

/* Reads the whole disk back; returns the number of bad sectors (an
 * erroring request counts all its sectors). */
static uint32_t verify_whole(blockdev_t *bd, uint8_t *buf, uint32_t seed)
{
	uint32_t bad = 0;
	for (uint32_t s = 0; s < bd->nsectors; s += CHUNK_SECTORS) {
		uint32_t n = MIN(CHUNK_SECTORS, bd->nsectors - s);
		memset(buf, 0, n * BLOCKDEV_SECTOR_SIZE);
		if (blockdev_read(bd, s, buf, n) != 0)
			bad += n;
		else
			bad += bad_sectors(buf, seed, s, n);
	}
	return bad;
}

static void test_whole_disk(blockdev_t *bd, uint32_t seed)
{
	uint8_t *buf = kmalloc(CHUNK_BYTES);
	KT_ASSERT(buf != NULL, "no memory for a chunk");
	if (!buf)
		return;
	KT_EQ(ata_set_mode(bd, ATA_MODE_DMA), 0);
	KT_EQ(write_whole(bd, buf, seed), 0);
	KT_EQ(verify_whole(bd, buf, seed), 0);
	KT_EQ(ata_set_mode(bd, ATA_MODE_PIO), 0);
	KT_EQ(verify_whole(bd, buf, seed), 0);
	KT_EQ(ata_set_mode(bd, ATA_MODE_DMA), 0);
	kfree(buf);
}

static void test_last_sector_and_ranges(blockdev_t *bd)
{
	uint8_t *buf = kmalloc(2 * BLOCKDEV_BLOCK_SIZE);
	if (!buf)
		return;
	uint32_t last = bd->nsectors - 1;
	fill(buf, 77, last, 1);
	KT_EQ(blockdev_write(bd, last, buf, 1), 0);
	memset(buf, 0, BLOCKDEV_SECTOR_SIZE);
	KT_EQ(blockdev_read(bd, last, buf, 1), 0);
	KT_EQ(bad_sectors(buf, 77, last, 1), 0);

	KT_EQ(blockdev_read(bd, bd->nsectors, buf, 1), -EINVAL);
	KT_EQ(blockdev_read(bd, last, buf, 2), -EINVAL);
	KT_EQ(blockdev_write(bd, bd->nsectors, buf, 1), -EINVAL);
	KT_EQ(blockdev_read(bd, 0, buf, 0), -EINVAL);
	KT_EQ(blockdev_read(bd, 0, NULL, 1), -EINVAL);
	KT_EQ(blockdev_read(bd, UINT32_MAX, buf, 2), -EINVAL);
	KT_EQ(blockdev_read(bd, 2, buf, UINT32_MAX), -EINVAL);
	KT_EQ(blockdev_read(NULL, 0, buf, 1), -EINVAL);
	KT_EQ(blockdev_read_blocks(bd, blockdev_nblocks(bd), 1, buf), -EINVAL);
	KT_EQ(blockdev_read_blocks(bd, UINT32_MAX, 1, buf), -EINVAL);

	/* The last whole block through the block interface. */
	uint32_t lb = blockdev_nblocks(bd) - 1, spb = blockdev_sectors_per_block(bd);
	fill(buf, 78, lb * spb, spb);
	KT_EQ(blockdev_write_blocks(bd, lb, 1, buf), 0);
	memset(buf, 0, BLOCKDEV_BLOCK_SIZE);
	KT_EQ(blockdev_read(bd, lb * spb, buf, spb), 0);
	KT_EQ(bad_sectors(buf, 78, lb * spb, spb), 0);
	fill(buf, 79, 3 * spb, 2 * spb);
	KT_EQ(blockdev_write(bd, 3 * spb, buf, 2 * spb), 0);
	memset(buf, 0, 2 * BLOCKDEV_BLOCK_SIZE);
	KT_EQ(blockdev_read_blocks(bd, 3, 2, buf), 0);
	KT_EQ(bad_sectors(buf, 79, 3 * spb, 2 * spb), 0);
	kfree(buf);
}

/* Past the end of the device, bypassing the range check: the device
 * itself refuses, which must come back as -EIO in both modes. */
static void test_device_error(blockdev_t *bd)
{
	uint8_t *buf = kmalloc(BLOCKDEV_SECTOR_SIZE);
	if (!buf)
		return;
	ata_stats_t before, after;
	ata_get_stats(bd, &before);
	KT_EQ(bd->ops->read(bd, bd->nsectors, buf, 1), -EIO);
	KT_EQ(ata_set_mode(bd, ATA_MODE_PIO), 0);
	KT_EQ(bd->ops->read(bd, bd->nsectors, buf, 1), -EIO);
	KT_EQ(bd->ops->write(bd, bd->nsectors, buf, 1), -EIO);
	KT_EQ(ata_set_mode(bd, ATA_MODE_DMA), 0);
	ata_get_stats(bd, &after);
	KT_EQ(after.errors - before.errors, 3);
	KT_EQ(blockdev_read(bd, 0, buf, 1), 0);	/* still usable */
	kfree(buf);
}

/* Writes in one mode, reads in the other, at assorted offsets, sizes and
 * buffer alignments (odd addresses and stack buffers bounce). */
static void test_cross_modes(blockdev_t *bd)
{
	size_t cap = CROSS_MAX_SECTORS * BLOCKDEV_SECTOR_SIZE + 1;
	uint8_t *wbuf = kmalloc(cap), *rbuf = kmalloc(cap);
	uint8_t stack_buf[STACK_BUF_SECTORS * BLOCKDEV_SECTOR_SIZE];
	uint32_t seed = 4242;
	ata_stats_t before, after;

	if (!wbuf || !rbuf)
		goto out;
	ata_get_stats(bd, &before);
	for (int round = 0; round < CROSS_ROUNDS; round++) {
		uint32_t n = 1 + ktest_rand(&seed) % CROSS_MAX_SECTORS;
		uint32_t s = ktest_rand(&seed) % (bd->nsectors - n);
		bool dma_writes = round % 2;
		uint8_t *w = wbuf + (round % 3 == 1);	/* sometimes odd */
		uint8_t *r = rbuf + (round % 3 == 2);
		fill(w, round, s, n);
		KT_EQ(ata_set_mode(bd, dma_writes ? ATA_MODE_DMA : ATA_MODE_PIO), 0);
		KT_EQ(blockdev_write(bd, s, w, n), 0);
		KT_EQ(ata_set_mode(bd, dma_writes ? ATA_MODE_PIO : ATA_MODE_DMA), 0);
		memset(r, 0, n * BLOCKDEV_SECTOR_SIZE);
		KT_EQ(blockdev_read(bd, s, r, n), 0);
		KT_ASSERT(bad_sectors(r, round, s, n) == 0, "round %d: %u sectors at %u: %u bad",
			  round, n, s, bad_sectors(r, round, s, n));
	}
	KT_EQ(ata_set_mode(bd, ATA_MODE_DMA), 0);
	fill(stack_buf, 5, 10, STACK_BUF_SECTORS);
	KT_EQ(blockdev_write(bd, 10, stack_buf, STACK_BUF_SECTORS), 0);
	memset(stack_buf, 0, sizeof(stack_buf));
	KT_EQ(blockdev_read(bd, 10, stack_buf, STACK_BUF_SECTORS), 0);
	KT_EQ(bad_sectors(stack_buf, 5, 10, STACK_BUF_SECTORS), 0);
	ata_get_stats(bd, &after);
	KT_ASSERT(after.bounced > before.bounced, "no transfer used the bounce buffer");
out:
	kfree(wbuf);
	kfree(rbuf);
}

struct worker {
	blockdev_t *bd;
	uint32_t first, nsectors;	/* its own region */
	uint32_t seed;
	int errors, bad;
};

static void *worker_main(long arg1, void *arg2)
{
	struct worker *wk = arg2;
	uint8_t *buf = kmalloc(WORKER_MAX_SECTORS * BLOCKDEV_SECTOR_SIZE);
	if (!buf) {
		wk->errors++;
		return NULL;
	}
	for (int round = 0; round < WORKER_ROUNDS; round++) {
		uint32_t n = 1 + ktest_rand(&wk->seed) % WORKER_MAX_SECTORS;
		uint32_t s = wk->first + ktest_rand(&wk->seed) % (wk->nsectors - n);
		uint32_t tag = wk->seed;
		fill(buf, tag, s, n);
		wk->errors += blockdev_write(wk->bd, s, buf, n) != 0;
		if (round % 4 == 0)
			sched_yield();
		memset(buf, 0, n * BLOCKDEV_SECTOR_SIZE);
		wk->errors += blockdev_read(wk->bd, s, buf, n) != 0;
		wk->bad += bad_sectors(buf, tag, s, n);
	}
	kfree(buf);
	return NULL;
}

static void test_concurrent(void)
{
	struct worker wk[NWORKERS];
	kthread_t *thr[NWORKERS];

	KT_EQ(ata_set_mode(hdb, ATA_MODE_PIO), 0);
	for (int i = 0; i < NWORKERS; i++) {
		blockdev_t *bd = i % 2 ? hdb : hda;
		uint32_t region = bd->nsectors / 2;
		wk[i] = (struct worker){ bd, (uint32_t)(i / 2) * region, region,
					 (uint32_t)(1000 + i), 0, 0 };
		thr[i] = kthread_create(curproc, worker_main, i, &wk[i]);
		KT_ASSERT(thr[i] != NULL, "create worker %d", i);
		if (thr[i])
			sched_make_runnable(thr[i]);
	}
	for (int i = 0; i < NWORKERS; i++) {
		if (!thr[i])
			continue;
		kthread_join(thr[i], NULL);
		KT_ASSERT(wk[i].errors == 0 && wk[i].bad == 0,
			  "worker %d on %s: %d errors, %d bad sectors", i, wk[i].bd->name,
			  wk[i].errors, wk[i].bad);
	}
	KT_EQ(ata_set_mode(hdb, ATA_MODE_DMA), 0);
}

/* The IRQ line masked: the command completes in the device but its
 * interrupt never arrives, so the watchdog must end the wait. */
static void test_lost_interrupt(blockdev_t *bd, ata_mode_t mode)
{
	uint8_t *buf = kmalloc(BLOCKDEV_SECTOR_SIZE);
	ata_stats_t before, after;
	if (!buf)
		return;
	fill(buf, 91, 1, 1);
	KT_EQ(blockdev_write(bd, 1, buf, 1), 0);
	KT_EQ(ata_set_mode(bd, mode), 0);
	ata_get_stats(bd, &before);
	uint32_t old = ata_set_timeout_ms(LOST_IRQ_TIMEOUT_MS);
	pic_mask(IRQ_ATA_PRIMARY);
	KT_EQ(blockdev_read(bd, 1, buf, 1), -EIO);
	pic_unmask(IRQ_ATA_PRIMARY);
	ata_set_timeout_ms(old);
	ata_get_stats(bd, &after);
	KT_EQ(after.timeouts - before.timeouts, 1);
	memset(buf, 0, BLOCKDEV_SECTOR_SIZE);
	KT_EQ(blockdev_read(bd, 1, buf, 1), 0);
	KT_EQ(bad_sectors(buf, 91, 1, 1), 0);
	KT_EQ(ata_set_mode(bd, ATA_MODE_DMA), 0);
	kfree(buf);
}

static void ata_suite(void)
{
	test_registry();
	if (!hda || !hdb)
		return;
	test_whole_disk(hda, 0x1234);
	test_whole_disk(hdb, 0xBEEF);
	test_last_sector_and_ranges(hda);
	test_last_sector_and_ranges(hdb);
	test_device_error(hda);
	test_cross_modes(hda);
	test_concurrent();
	test_lost_interrupt(hda, ATA_MODE_DMA);
	test_lost_interrupt(hda, ATA_MODE_PIO);
	ata_print_info();
}
KTEST_SUITE("ata", ata_suite);
