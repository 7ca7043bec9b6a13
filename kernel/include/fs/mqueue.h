/* POSIX message queues (kernel/fs/mqueue/mqueue.c) and the mqueue file
 * system that shows them (mountable at /dev/mqueue).
 *
 * A queue is a vnode of the one mqueue file system instance, which exists
 * from boot whether or not it is mounted; a queue descriptor is an
 * ordinary descriptor of an open file on that vnode (close, dup, fork and
 * close-on-exec work as for any file).  The system calls (api/sys_ipc.c)
 * copy their arguments in and call the functions below with kernel
 * pointers; they return Linux's result or negative errno.  doc/fs.md,
 * "Message queues", has the rules and the limits. */
#pragma once
#include "util/types.h"
#include "fs/vfs.h"

#define MQ_PRIO_MAX 32768u		/* priorities are 0..MQ_PRIO_MAX-1 */
/* Limits (everyone is root on M-OS, so Linux's ceilings for a privileged
 * creator apply); the defaults are Linux's. */
#define MQ_MAXMSG_DEFAULT 10
#define MQ_MSGSIZE_DEFAULT 8192
#define MQ_MAXMSG_HARD 65536		/* Linux's HARD_MSGMAX */
#define MQ_MSGSIZE_HARD (16 * 1024 * 1024)	/* Linux's HARD_MSGSIZEMAX */
/* Bytes all queues together may reserve (Linux's default
 * RLIMIT_MSGQUEUE, for the one user there is): more is EMFILE. */
#define MQ_BYTES_MAX 819200u
#define MQ_QUEUES_MAX 256		/* Linux's queues_max: more is ENOSPC */

/* struct mq_attr as Linux i386 passes it. */
typedef struct mq_attr_abi {
	int32_t mq_flags;	/* O_NONBLOCK */
	int32_t mq_maxmsg;
	int32_t mq_msgsize;
	int32_t mq_curmsgs;
	int32_t reserved[4];
} mq_attr_abi_t;

/* struct sigevent's head (the rest is padding or SIGEV_THREAD's). */
typedef struct mq_sigevent {
	uint32_t sigev_value;
	int32_t sigev_signo;
	int32_t sigev_notify;
} mq_sigevent_t;

#define SIGEV_SIGNAL 0
#define SIGEV_NONE 1
#define SIGEV_THREAD 2

/* Makes the internal instance (boot, from vfs_init). */
void mqueue_init(void);
/* The "mqueue" file-system type's mount: the one instance, which can be
 * mounted at one place at a time (-EBUSY otherwise). */
int mqueue_fs_mount(struct blockdev *bd, fs_t **out);

/* mq_open: name without the leading '/' (glibc strips it); attr NULL for
 * the defaults.  The new descriptor (close-on-exec, as Linux). */
int mqueue_open(const char *name, uint32_t oflag, mode_t mode, const mq_attr_abi_t *attr);
int mqueue_unlink(const char *name);
/* Copies a message between the caller's buffer and the kernel (the
 * system-call layer passes its user copies): 0 or -EFAULT. */
typedef int (*mq_copy_fn)(void *dst, const void *src, size_t n);
/* timeout: absolute CLOCK_REALTIME nanoseconds, or NULL to wait for ever.
 * msg is the caller's buffer, copied with `copy` once the checks pass;
 * receive stores the priority in *prio. */
long mqueue_send(int mqd, const void *msg, size_t len, uint32_t prio, const int64_t *timeout,
		 mq_copy_fn copy);
long mqueue_receive(int mqd, void *msg, size_t len, uint32_t *prio, const int64_t *timeout,
		    mq_copy_fn copy);
/* ev NULL: remove the caller's registration. */
int mqueue_notify(int mqd, const mq_sigevent_t *ev);
/* newattr may be NULL; *oldattr gets the state before the change. */
int mqueue_getsetattr(int mqd, const mq_attr_abi_t *newattr, mq_attr_abi_t *oldattr);
