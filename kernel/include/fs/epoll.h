/* epoll (kernel/fs/epoll.c): an interest list of open files, and a wait
 * for any of them to become ready.
 *
 * An epoll instance is an anonymous file (fs/anonfs.h).  Each item of its
 * interest list is keyed, as on Linux, by the pair (open file,
 * descriptor number) given to EPOLL_CTL_ADD, and stays registered on
 * the file's wait queues (proc/pollwait.h) until EPOLL_CTL_DEL, the
 * instance's last close, or the last close of the watched file (not of
 * one descriptor: a dup keeps it).  Readiness is level-triggered unless
 * the item asks EPOLLET (reported once per wakeup of the file's queues)
 * or EPOLLONESHOT (reported once, then disarmed until EPOLL_CTL_MOD).
 * Only files with a poll operation can be watched (-EPERM otherwise:
 * regular files, directories, /dev/null).  An instance is itself
 * pollable (POLLIN while an item is ready), so instances nest, up to
 * EPOLL_MAX_NESTS deep and never in a cycle (-ELOOP). */
#pragma once
#include "util/types.h"

struct file;

/* Linux's flags and operations (include/uapi/linux/eventpoll.h). */
#define EPOLL_CLOEXEC 02000000	/* O_CLOEXEC */
#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3
#define EPOLLIN 0x00000001u
#define EPOLLPRI 0x00000002u
#define EPOLLOUT 0x00000004u
#define EPOLLERR 0x00000008u
#define EPOLLHUP 0x00000010u
#define EPOLLRDHUP 0x00002000u
#define EPOLLEXCLUSIVE (1u << 28)
#define EPOLLWAKEUP (1u << 29)
#define EPOLLONESHOT (1u << 30)
#define EPOLLET (1u << 31)
#define EPOLL_MAX_NESTS 4
/* epoll_wait's limit on maxevents (Linux's INT_MAX / sizeof(event)). */
#define EPOLL_MAX_EVENTS (INT32_MAX / (int32_t)sizeof(epoll_event_t))

/* struct epoll_event as i386 Linux lays it out (12 bytes, packed). */
typedef struct epoll_event {
	uint32_t events;
	uint64_t data;
} __packed epoll_event_t;

/* epoll_create1(flags): a new instance's descriptor; -EINVAL for flags
 * other than EPOLL_CLOEXEC, -ENOMEM, -EMFILE. */
int epoll_create(uint32_t flags);
/* epoll_ctl with the event already copied in (ignored for DEL). */
int epoll_ctl(int epfd, int op, int fd, const epoll_event_t *ev);
/* Waits until an item of epfd is ready, the tick count reaches deadline
 * (forever: never; a deadline already past: one look), or a signal
 * comes; fills out with at most max events.  The count, 0 on timeout,
 * -EINTR, -EBADF, -EINVAL (not an epoll instance), -ENOMEM. */
int epoll_wait_events(int epfd, epoll_event_t *out, int max, bool forever, uint64_t deadline);
/* The last reference to f is going: takes it out of every interest list
 * (fput calls it when f is on one). */
void epoll_file_closed(struct file *f);
