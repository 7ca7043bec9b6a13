/*
 * /dev/null and /dev/zero.  Both are stateless: every read and write
 * completes at once, whatever the offset, so there is nothing to lock.
 * Writes report every byte as written (the data is dropped); a read of
 * null is end of file (0), a read of zero fills the whole buffer.
 */
#include "drivers/memdev.h"
#include "util/debug.h"
#include "util/string.h"

static ssize_t null_read(chardev_t *cd, off64_t off, void *buf, size_t n)
{
	return 0;
}

static ssize_t zero_read(chardev_t *cd, off64_t off, void *buf, size_t n)
{
	memset(buf, 0, n);
	return (ssize_t)n;
}

static ssize_t sink_write(chardev_t *cd, off64_t off, const void *buf, size_t n)
{
	return (ssize_t)n;
}

static const chardev_ops_t null_ops = { .read = null_read, .write = sink_write };
static const chardev_ops_t zero_ops = { .read = zero_read, .write = sink_write };

static chardev_t null_dev = {
	.name = "null", .dev = MKDEV(MEM_MAJOR, MEM_NULL_MINOR), .ops = &null_ops,
};
static chardev_t zero_dev = {
	.name = "zero", .dev = MKDEV(MEM_MAJOR, MEM_ZERO_MINOR), .ops = &zero_ops,
};

void memdev_init(void)
{
	KASSERT(chardev_register(&null_dev) == 0, "cannot register /dev/null");
	KASSERT(chardev_register(&zero_dev) == 0, "cannot register /dev/zero");
}
