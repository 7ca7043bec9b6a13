/* Suite "memdev": device numbers and the registry, and the memory
 * devices.  MKDEV/MAJOR/MINOR must give Linux's user-visible encoding
 * (what stat() reports) for small and large numbers and round-trip; null
 * and zero are registered at 1:3 and 1:5 and behave as on Linux (null:
 * end of file, writes swallowed; zero: zeros, writes swallowed); bad
 * registrations and calls are refused with an errno. */
#include "test/ktest.h"
#include "drivers/blockdev.h"
#include "drivers/chardev.h"
#include "util/errno.h"
#include "util/string.h"

#define FILL_BYTE 0xAA
#define BIG_READ 8192

static void test_encoding(void)
{
	KT_EQ(MKDEV(1, 3), 0x103);
	KT_EQ(MKDEV(1, 5), 0x105);
	KT_EQ(MKDEV(3, 64), 0x340);
	KT_EQ(MKDEV(4, 64), 0x440);
	KT_EQ(MKDEV(22, 64), 0x1640);
	KT_EQ(MKDEV(1, 300), 0x10012C);		/* minor above 255 */
	KT_EQ(MKDEV(DEV_MAJOR_MAX, DEV_MINOR_MAX), 0xFFFFFFFF);
	static const struct { uint32_t ma, mi; } cases[] = {
		{ 0, 1 }, { 1, 3 }, { 4, 64 }, { 22, 0 }, { 259, 256 },
		{ 7, 0xABCDE }, { DEV_MAJOR_MAX, DEV_MINOR_MAX },
	};
	int bad = 0;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		dev_t d = MKDEV(cases[i].ma, cases[i].mi);
		bad += MAJOR(d) != cases[i].ma || MINOR(d) != cases[i].mi;
	}
	KT_EQ(bad, 0);
}

static void test_null_zero(void)
{
	static uint8_t buf[BIG_READ];
	chardev_t *null = chardev_lookup(MKDEV(MEM_MAJOR, MEM_NULL_MINOR));
	chardev_t *zero = chardev_lookup(MKDEV(MEM_MAJOR, MEM_ZERO_MINOR));
	KT_ASSERT(null && strcmp(null->name, "null") == 0, "no null at 1:3");
	KT_ASSERT(zero && strcmp(zero->name, "zero") == 0, "no zero at 1:5");
	if (!null || !zero)
		return;
	KT_ASSERT(chardev_lookup_name("zero") == zero, "zero by name");

	memset(buf, FILL_BYTE, sizeof(buf));
	KT_EQ(chardev_read(null, 0, buf, sizeof(buf)), 0);
	KT_EQ(buf[0], FILL_BYTE);
	KT_EQ(chardev_write(null, 0, buf, sizeof(buf)), sizeof(buf));
	KT_EQ(chardev_write(null, 12345, buf, 1), 1);

	KT_EQ(chardev_read(zero, 0, buf, sizeof(buf)), sizeof(buf));
	int nonzero = 0;
	for (size_t i = 0; i < sizeof(buf); i++)
		nonzero += buf[i] != 0;
	KT_EQ(nonzero, 0);
	memset(buf, FILL_BYTE, sizeof(buf));
	KT_EQ(chardev_read(zero, 0, buf, 3), 3);
	KT_ASSERT(buf[2] == 0 && buf[3] == FILL_BYTE, "zero read past its count");
	KT_EQ(chardev_write(zero, 0, buf, 7), 7);
	KT_EQ(chardev_read(zero, 0, buf, 0), 0);

	KT_EQ(chardev_read(NULL, 0, buf, 1), -EINVAL);
	KT_EQ(chardev_read(zero, 0, NULL, 1), -EINVAL);
	KT_EQ(chardev_write(null, 0, NULL, 1), -EINVAL);
}

static ssize_t no_read(chardev_t *cd, off64_t off, void *buf, size_t n)
{
	return -EIO;
}

static void test_registration_errors(void)
{
	static const chardev_ops_t ops = { .read = no_read };
	static chardev_t dup_dev = { .name = "memtest", .ops = &ops,
				     .dev = MKDEV(MEM_MAJOR, MEM_NULL_MINOR) };
	static chardev_t dup_name = { .name = "zero", .ops = &ops,
				      .dev = MKDEV(MEM_MAJOR, 250) };
	static chardev_t no_ops = { .name = "memtest", .dev = MKDEV(MEM_MAJOR, 251) };
	static blockdev_t bad_block = { .name = "bdtest", .dev = MKDEV(250, 0),
					.block_size = 1000 };
	KT_EQ(chardev_register(&dup_dev), -EEXIST);
	KT_EQ(chardev_register(&dup_name), -EEXIST);
	KT_EQ(chardev_register(&no_ops), -EINVAL);
	KT_EQ(chardev_register(NULL), -EINVAL);
	KT_EQ(blockdev_register(&bad_block), -EINVAL);
	KT_ASSERT(chardev_lookup(MKDEV(MEM_MAJOR, 251)) == NULL, "refused device registered");
	KT_ASSERT(chardev_lookup(NODEV) == NULL, "lookup of NODEV");
	KT_ASSERT(blockdev_lookup_name("nonesuch") == NULL, "lookup of a missing name");

	int n = 0;
	for (chardev_t *cd = chardev_next(NULL); cd; cd = chardev_next(cd))
		n++;
	KT_ASSERT(n >= 4, "only %d character devices (null, zero, ttyS0, console at least)", n);
}

static void memdev_suite(void)
{
	test_encoding();
	test_null_zero();
	test_registration_errors();
}
KTEST_SUITE("memdev", memdev_suite);
