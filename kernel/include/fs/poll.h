/* poll and select over open files (kernel/fs/poll.c).  The system calls
 * (api/sys_poll.c) copy the user's pollfd array or fd_sets into an array
 * of kpollfd_t and call poll_files. */
#pragma once
#include "util/types.h"
#include "proc/pollwait.h"

struct file;

/* Linux's struct pollfd. */
typedef struct kpollfd {
	int32_t fd;		/* < 0: ignored */
	int16_t events;		/* POLL* wanted */
	int16_t revents;	/* POLL* found */
} kpollfd_t;

/* Scans fds until one has an event or the tick count reaches deadline
 * (forever: no deadline; a deadline already past: one scan), sleeping on
 * every file's wait queues in between.  poll (select false): revents gets
 * the wanted events plus POLLERR and POLLHUP, POLLNVAL for a descriptor
 * that is not open.  select (true): only the wanted events, and a
 * descriptor that is not open fails the call with -EBADF.  Returns the
 * number of descriptors with events, -EINTR if a signal came first,
 * -ENOMEM. */
long poll_files(kpollfd_t *fds, size_t n, bool select, bool forever, uint64_t deadline);

/* The POLL* events that hold for open file f now, after registering pt
 * (NULL: none) on the queues announcing changes; a file with no poll
 * operation is always readable and writable. */
uint32_t poll_file(struct file *f, poll_table_t *pt);
/* Whether f has a poll operation of its own (epoll watches only those:
 * Linux's EPERM for regular files and directories). */
bool poll_file_can_poll(struct file *f);
