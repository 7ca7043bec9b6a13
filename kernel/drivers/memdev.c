/*
 * /dev/null, /dev/zero, /dev/random and /dev/urandom.  All are
 * stateless here: every read and write completes at once, whatever the
 * offset, so there is nothing to lock (the generator locks its own
 * state).  Writes report every byte as written (null and zero drop the
 * data, the random devices mix it into the pool); a read of null is end
 * of file (0), a read of zero or of a random device fills the whole
 * buffer.
 */
#include "drivers/memdev.h"
#include "proc/pollwait.h"
#include "util/random.h"
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

static ssize_t random_read(chardev_t *cd, off64_t off, void *buf, size_t n)
{
	random_bytes(buf, n);
	return (ssize_t)n;
}

static ssize_t random_write(chardev_t *cd, off64_t off, const void *buf, size_t n)
{
	random_mix(buf, n);
	return (ssize_t)n;
}

static uint32_t random_poll(chardev_t *cd, poll_table_t *pt)
{
	return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;
}

static const chardev_ops_t random_ops = {
	.read = random_read, .write = random_write, .poll = random_poll,
};
static const chardev_ops_t null_ops = { .read = null_read, .write = sink_write };
static const chardev_ops_t zero_ops = { .read = zero_read, .write = sink_write };

static chardev_t null_dev = {
	.name = "null", .dev = MKDEV(MEM_MAJOR, MEM_NULL_MINOR), .ops = &null_ops,
};
static chardev_t zero_dev = {
	.name = "zero", .dev = MKDEV(MEM_MAJOR, MEM_ZERO_MINOR), .ops = &zero_ops,
};

static chardev_t random_dev = {
	.name = "random", .dev = MKDEV(MEM_MAJOR, MEM_RANDOM_MINOR), .ops = &random_ops,
};
static chardev_t urandom_dev = {
	.name = "urandom", .dev = MKDEV(MEM_MAJOR, MEM_URANDOM_MINOR), .ops = &random_ops,
};

void memdev_init(void)
{
	KASSERT(chardev_register(&null_dev) == 0, "cannot register /dev/null");
	KASSERT(chardev_register(&zero_dev) == 0, "cannot register /dev/zero");
	KASSERT(chardev_register(&random_dev) == 0, "cannot register /dev/random");
	KASSERT(chardev_register(&urandom_dev) == 0, "cannot register /dev/urandom");
}
