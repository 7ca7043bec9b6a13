/*
 * POSIX message queues and memfd_create: the system-call side.  Each
 * handler copies its arguments in (names, struct mq_attr, struct
 * sigevent, absolute timeouts as 32- or 64-bit timespecs), in the order
 * Linux checks them, and calls fs/mqueue.h or fs/memfd.h; message data
 * is copied by the queue code through the user-copy functions passed in.
 */
#include "api/syscall_handlers.h"
#include "api/linux_abi.h"
#include "api/usercopy.h"
#include "drivers/clock.h"
#include "fs/memfd.h"
#include "fs/mqueue.h"
#include "mm/kmalloc.h"
#include "util/errno.h"

/* A queue name or memfd name copied in: -ENAMETOOLONG past PATH_MAX. */
static int name_in(uint32_t user, char **out)
{
	char *s = kmalloc(PATH_MAX);
	if (!s)
		return -ENOMEM;
	int n = strncpy_from_user(s, (const char *)user, PATH_MAX);
	if (n < 0) {
		kfree(s);
		return n;
	}
	*out = s;
	return 0;
}

/* An absolute timeout (a valid timespec, else EINVAL) in nanoseconds,
 * saturated far in the future. */
static int timeout_ns(int64_t sec, int64_t nsec, int64_t *out)
{
	if (sec < 0 || nsec < 0 || nsec >= NSEC_PER_SEC)
		return -EINVAL;
	*out = sec >= INT64_MAX / NSEC_PER_SEC - 1 ? INT64_MAX : sec * NSEC_PER_SEC + nsec;
	return 0;
}

static int timeout_in32(uint32_t user, int64_t *out)
{
	struct linux_timespec32 ts;
	if (copy_from_user(&ts, (void *)user, sizeof(ts)) < 0)
		return -EFAULT;
	return timeout_ns(ts.tv_sec, ts.tv_nsec, out);
}

/* As Linux on i386, only the low 32 bits of tv_nsec count. */
static int timeout_in64(uint32_t user, int64_t *out)
{
	struct linux_timespec64 ts;
	if (copy_from_user(&ts, (void *)user, sizeof(ts)) < 0)
		return -EFAULT;
	return timeout_ns(ts.tv_sec, (int32_t)ts.tv_nsec, out);
}

typedef int (*timeout_in_fn)(uint32_t user, int64_t *out);

static int copy_in(void *dst, const void *src, size_t n)
{
	return copy_from_user(dst, src, n);
}

static int copy_out(void *dst, const void *src, size_t n)
{
	return copy_to_user(dst, src, n);
}

/* mq_open(name, oflag, mode, attr) */
SYSCALL(mq_open)
{
	mq_attr_abi_t attr;
	if ((a2 & O_CREAT) && a4 && copy_from_user(&attr, (void *)a4, sizeof(attr)) < 0)
		return -EFAULT;
	char *name;
	int rc = name_in(a1, &name);
	if (rc < 0)
		return rc;
	rc = mqueue_open(name, a2, a3, (a2 & O_CREAT) && a4 ? &attr : NULL);
	kfree(name);
	return rc;
}

SYSCALL(mq_unlink)
{
	char *name;
	int rc = name_in(a1, &name);
	if (rc < 0)
		return rc;
	rc = mqueue_unlink(name);
	kfree(name);
	return rc;
}

static long timedsend(uint32_t mqd, uint32_t msg, uint32_t len, uint32_t prio, uint32_t uts,
		      timeout_in_fn tin)
{
	if (prio >= MQ_PRIO_MAX)
		return -EINVAL;
	int64_t deadline;
	int rc = uts ? tin(uts, &deadline) : 0;
	if (rc < 0)
		return rc;
	return mqueue_send((int)mqd, (const void *)msg, len, prio, uts ? &deadline : NULL, copy_in);
}

static long timedreceive(uint32_t mqd, uint32_t msg, uint32_t len, uint32_t uprio, uint32_t uts,
			 timeout_in_fn tin)
{
	int64_t deadline;
	int rc = uts ? tin(uts, &deadline) : 0;
	if (rc < 0)
		return rc;
	uint32_t prio;
	long n = mqueue_receive((int)mqd, (void *)msg, len, &prio, uts ? &deadline : NULL,
			       copy_out);
	if (n >= 0 && uprio && copy_to_user((void *)uprio, &prio, sizeof(prio)) < 0)
		return -EFAULT;
	return n;
}

/* mq_timedsend(mqd, msg, len, prio, abs_timeout) */
SYSCALL(mq_timedsend) { return timedsend(a1, a2, a3, a4, a5, timeout_in32); }
SYSCALL(mq_timedsend_time64) { return timedsend(a1, a2, a3, a4, a5, timeout_in64); }
/* mq_timedreceive(mqd, msg, len, &prio, abs_timeout) */
SYSCALL(mq_timedreceive) { return timedreceive(a1, a2, a3, a4, a5, timeout_in32); }
SYSCALL(mq_timedreceive_time64) { return timedreceive(a1, a2, a3, a4, a5, timeout_in64); }

/* mq_notify(mqd, sigevent or NULL) */
SYSCALL(mq_notify)
{
	mq_sigevent_t ev;
	if (a2 && copy_from_user(&ev, (void *)a2, sizeof(ev)) < 0)
		return -EFAULT;
	return mqueue_notify((int)a1, a2 ? &ev : NULL);
}

/* mq_getsetattr(mqd, newattr or NULL, oldattr or NULL) */
SYSCALL(mq_getsetattr)
{
	mq_attr_abi_t nattr, oattr;
	if (a2 && copy_from_user(&nattr, (void *)a2, sizeof(nattr)) < 0)
		return -EFAULT;
	int rc = mqueue_getsetattr((int)a1, a2 ? &nattr : NULL, &oattr);
	if (rc == 0 && a3 && copy_to_user((void *)a3, &oattr, sizeof(oattr)) < 0)
		return -EFAULT;
	return rc;
}

/* memfd_create(name, flags) */
SYSCALL(memfd_create)
{
	char *name;
	int rc = name_in(a1, &name);
	if (rc < 0)
		return rc;
	rc = memfd_create(name, a2);
	kfree(name);
	return rc;
}
