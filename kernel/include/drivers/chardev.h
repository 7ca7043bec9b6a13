/* Character devices (registry in kernel/drivers/dev.c).
 *
 * A character device is a byte stream with read and write operations:
 * the memory devices (null, zero), the ttys and the console.  A driver
 * fills in a chardev_t (usually embedded in its own device structure),
 * registers it once, and the VFS finds it by dev_t when a device special
 * file is opened.  Buffers passed to the operations are kernel memory;
 * the system-call layer copies to and from user space around them.
 *
 * Operations return the number of bytes moved (0 at end of file) or a
 * negative errno; a read may block (ttys) and then returns -EINTR if the
 * thread is cancelled.  `off` is the file offset, for devices that have
 * one; streams ignore it. */
#pragma once
#include "drivers/dev.h"
#include "util/list.h"

struct chardev;
struct poll_table;

typedef struct chardev_ops {
	ssize_t (*read)(struct chardev *cd, off64_t off, void *buf, size_t n);
	ssize_t (*write)(struct chardev *cd, off64_t off, const void *buf, size_t n);
	/* Optional: the POLL* events that hold now, after poll_wait() on the
	 * queue(s) announcing changes (proc/pollwait.h).  Without it the
	 * device is always readable and writable (null, zero). */
	uint32_t (*poll)(struct chardev *cd, struct poll_table *pt);
} chardev_ops_t;

typedef struct chardev {
	char name[DEV_NAME_MAX];	/* the /dev name: "null", "tty1" */
	dev_t dev;
	const chardev_ops_t *ops;
	void *priv;			/* the driver's */
	list_t link;			/* on the registry, under dev_lock */
} chardev_t;

/* Registers cd (name, dev and ops filled in); -EEXIST if its dev_t or
 * name is taken, -EINVAL if a field is missing. */
int chardev_register(chardev_t *cd);
chardev_t *chardev_lookup(dev_t dev);
chardev_t *chardev_lookup_name(const char *name);
/* Iterates in registration order: NULL gives the first device; returns
 * NULL after the last. */
chardev_t *chardev_next(const chardev_t *prev);

/* The operations with argument checks: -EINVAL for a NULL buffer,
 * -ENOSYS if the device lacks the operation. */
ssize_t chardev_read(chardev_t *cd, off64_t off, void *buf, size_t n);
ssize_t chardev_write(chardev_t *cd, off64_t off, const void *buf, size_t n);
