/*
 * poll, ppoll (and ppoll_time64), select (_newselect), pselect6 (and
 * pselect6_time64), the epoll calls and eventfd: this file checks and
 * copies what user space passes and turns timeouts into a deadline in
 * ticks; fs/poll.c, fs/epoll.c and fs/eventfd.c do the work.
 *
 * A deadline is one tick later than the timeout rounded up to ticks, so
 * the wait is never shorter than asked (the current tick is already partly
 * gone).  select and pselect write the time left back, as Linux does, and
 * so does ppoll.  ppoll and pselect block the given signal mask while
 * they wait (proc/signal.h: signal_mask_begin).  So does epoll_pwait.
 * None of these restarts after a handler (Linux's rule): an interrupted
 * call fails with EINTR.
 */
#include "api/linux_abi.h"
#include "api/syscall_handlers.h"
#include "api/usercopy.h"
#include "drivers/clock.h"
#include "drivers/pit.h"
#include "fs/epoll.h"
#include "fs/eventfd.h"
#include "fs/poll.h"
#include "mm/kmalloc.h"
#include "proc/signal.h"
#include "util/errno.h"
#include "util/string.h"

#define NSEC_PER_TICK (NSEC_PER_SEC / HZ)
#define NSEC_PER_USEC 1000ll
#define USEC_PER_SEC 1000000ll
#define NSEC_PER_MSEC 1000000ll
#define FD_SETSIZE 1024
#define FD_WORD_BITS 32
#define KERNEL_SIGSET_SIZE 8
/* A timeout this long (about 30 years) is as good as no limit; it keeps
 * the tick arithmetic from overflowing. */
#define TIMEOUT_SEC_MAX (1ll << 30)

/* When a wait ends: forever, or at tick `deadline`. */
typedef struct wait_end {
	bool forever;
	uint64_t deadline;
} wait_end_t;

/* sec and nsec already checked (sec >= 0, 0 <= nsec < NSEC_PER_SEC). */
static wait_end_t end_after(int64_t sec, int64_t nsec)
{
	wait_end_t w = { false, 0 };
	if (sec >= TIMEOUT_SEC_MAX) {
		w.forever = true;
		return w;
	}
	if (sec == 0 && nsec == 0)
		return w;	/* deadline 0: already past */
	uint64_t ticks = (uint64_t)sec * HZ + (uint64_t)(nsec + NSEC_PER_TICK - 1) / NSEC_PER_TICK;
	w.deadline = ticks_now() + ticks + 1;
	return w;
}

/* The time left before w's deadline, in nanoseconds (0 if it has passed). */
static int64_t ns_left(const wait_end_t *w)
{
	uint64_t now = ticks_now();
	return w->deadline > now ? (int64_t)(w->deadline - now) * NSEC_PER_TICK : 0;
}

static int timespec_in(uint32_t uts, bool time64, wait_end_t *w)
{
	int64_t sec, nsec;
	int rc = timespec_from_user(uts, time64, &sec, &nsec);
	if (rc == 0)
		*w = end_after(sec, nsec);
	return rc;
}

/* Writes the time left back (errors ignored, as Linux ignores them once
 * the call has done its work). */
static void timespec_out(uint32_t uts, bool time64, const wait_end_t *w)
{
	int64_t left = w->forever ? 0 : ns_left(w);
	if (time64) {
		struct linux_timespec64 ts = { left / NSEC_PER_SEC, left % NSEC_PER_SEC };
		copy_to_user((void *)uts, &ts, sizeof(ts));
	} else {
		struct linux_timespec32 ts = { (int32_t)(left / NSEC_PER_SEC),
					       (int32_t)(left % NSEC_PER_SEC) };
		copy_to_user((void *)uts, &ts, sizeof(ts));
	}
}

static int sigmask_in(uint32_t umask, uint32_t size, uint64_t *mask)
{
	if (size != KERNEL_SIGSET_SIZE)
		return -EINVAL;
	return copy_from_user(mask, (void *)umask, sizeof(*mask)) < 0 ? -EFAULT : 0;
}

/* poll and ppoll: the pollfd array in, wait (under sigmask if given),
 * revents out. */
static long do_poll(uint32_t ufds, uint32_t nfds, const wait_end_t *w, const uint64_t *sigmask)
{
	if (nfds > NOFILE_LIMIT)
		return -EINVAL;
	size_t bytes = nfds * sizeof(kpollfd_t);
	kpollfd_t *fds = NULL;
	if (nfds && !(fds = kmalloc(bytes)))
		return -ENOMEM;
	long rc = -EFAULT;
	if (nfds && copy_from_user(fds, (void *)ufds, bytes) < 0)
		goto out_free;
	if (sigmask)
		signal_mask_begin(*sigmask);
	rc = poll_files(fds, nfds, false, w->forever, w->deadline);
	if (sigmask)
		signal_mask_end(rc == -EINTR);
	if (rc >= 0 && nfds && copy_to_user((void *)ufds, fds, bytes) < 0)
		rc = -EFAULT;
out_free:
	kfree(fds);
	return rc;
}

/* poll and epoll_wait's timeout in milliseconds: negative waits forever. */
static wait_end_t end_after_ms(int32_t ms)
{
	wait_end_t w = { ms < 0, 0 };
	if (ms >= 0)
		w = end_after(ms / 1000, (int64_t)(ms % 1000) * NSEC_PER_MSEC);
	return w;
}

SYSCALL(poll)
{
	wait_end_t w = end_after_ms((int32_t)a3);
	return do_poll(a1, a2, &w, NULL);
}

/* ppoll(fds, nfds, timeout, sigmask, sigsetsize) */
static long ppoll_common(uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4, uint32_t a5,
			 bool time64)
{
	wait_end_t w = { true, 0 };
	uint64_t mask;
	int rc;
	if (a3 && (rc = timespec_in(a3, time64, &w)) < 0)
		return rc;
	if (a4 && (rc = sigmask_in(a4, a5, &mask)) < 0)
		return rc;
	long r = do_poll(a1, a2, &w, a4 ? &mask : NULL);
	if (a3)
		timespec_out(a3, time64, &w);
	return r;
}

SYSCALL(ppoll)
{
	return ppoll_common(a1, a2, a3, a4, a5, false);
}

SYSCALL(ppoll_time64)
{
	return ppoll_common(a1, a2, a3, a4, a5, true);
}

/* The three fd_sets of select, copied in (NULL pointer: an empty set). */
typedef struct fdsets {
	uint32_t user[3];		/* read, write, except */
	uint32_t bits[3][FD_SETSIZE / FD_WORD_BITS];
} fdsets_t;

static const uint32_t set_events[3] = {
	POLLIN | POLLRDNORM | POLLHUP | POLLERR,	/* readable, as Linux's POLLIN_SET */
	POLLOUT | POLLWRNORM | POLLERR,			/* writable: POLLOUT_SET */
	POLLPRI,					/* exceptional */
};

static bool bit_test(const uint32_t *w, int fd) { return w[fd / FD_WORD_BITS] >> (fd % FD_WORD_BITS) & 1; }
static void bit_set(uint32_t *w, int fd) { w[fd / FD_WORD_BITS] |= 1u << (fd % FD_WORD_BITS); }

/* select's core: nfds checked, sets copied in, waits, sets copied out.
 * Returns the number of bits set. */
static long do_select(int nfds, fdsets_t *s, const wait_end_t *w, const uint64_t *sigmask)
{
	size_t words = ((size_t)nfds + FD_WORD_BITS - 1) / FD_WORD_BITS;
	size_t bytes = words * sizeof(uint32_t);
	for (int k = 0; k < 3; k++) {
		memset(s->bits[k], 0, sizeof(s->bits[k]));
		if (s->user[k] && copy_from_user(s->bits[k], (void *)s->user[k], bytes) < 0)
			return -EFAULT;
	}
	kpollfd_t *fds = nfds ? kmalloc((size_t)nfds * sizeof(*fds)) : NULL;
	if (nfds && !fds)
		return -ENOMEM;
	size_t n = 0;
	for (int fd = 0; fd < nfds; fd++) {
		uint32_t ev = 0;
		for (int k = 0; k < 3; k++)
			if (bit_test(s->bits[k], fd))
				ev |= set_events[k];
		if (ev)
			fds[n++] = (kpollfd_t){ fd, (int16_t)ev, 0 };
	}
	if (sigmask)
		signal_mask_begin(*sigmask);
	long rc = poll_files(fds, n, true, w->forever, w->deadline);
	if (sigmask)
		signal_mask_end(rc == -EINTR);
	if (rc < 0)
		goto out_free;
	uint32_t out[3][FD_SETSIZE / FD_WORD_BITS];
	memset(out, 0, sizeof(out));
	rc = 0;
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 3; k++)
			if (bit_test(s->bits[k], fds[i].fd) && ((uint16_t)fds[i].revents & set_events[k])) {
				bit_set(out[k], fds[i].fd);
				rc++;
			}
	for (int k = 0; k < 3; k++)
		if (s->user[k] && copy_to_user((void *)s->user[k], out[k], bytes) < 0)
			rc = -EFAULT;
out_free:
	kfree(fds);
	return rc;
}

static int select_args(int32_t nfds, uint32_t in, uint32_t out, uint32_t ex, fdsets_t **s)
{
	if (nfds < 0 || nfds > FD_SETSIZE)
		return -EINVAL;
	*s = kmalloc(sizeof(fdsets_t));
	if (!*s)
		return -ENOMEM;
	(*s)->user[0] = in;
	(*s)->user[1] = out;
	(*s)->user[2] = ex;
	return 0;
}

/* _newselect(nfds, readfds, writefds, exceptfds, struct timeval *) */
SYSCALL(_newselect)
{
	wait_end_t w = { true, 0 };
	if (a5) {
		struct linux_timeval tv;
		if (copy_from_user(&tv, (void *)a5, sizeof(tv)) < 0)
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0)
			return -EINVAL;
		int64_t sec = tv.tv_sec + tv.tv_usec / USEC_PER_SEC;
		w = end_after(sec, (tv.tv_usec % USEC_PER_SEC) * NSEC_PER_USEC);
	}
	fdsets_t *s;
	int rc = select_args((int32_t)a1, a2, a3, a4, &s);
	if (rc < 0)
		return rc;
	long r = do_select((int32_t)a1, s, &w, NULL);
	kfree(s);
	if (a5) {
		int64_t left = w.forever ? 0 : ns_left(&w);
		struct linux_timeval tv = { (int32_t)(left / NSEC_PER_SEC),
					    (int32_t)(left % NSEC_PER_SEC / NSEC_PER_USEC) };
		copy_to_user((void *)a5, &tv, sizeof(tv));
	}
	return r;
}

/* pselect6(nfds, readfds, writefds, exceptfds, timespec *, {sigset *, size} *) */
static long pselect_common(uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4, uint32_t a5,
			   uint32_t a6, bool time64)
{
	wait_end_t w = { true, 0 };
	uint64_t mask;
	uint32_t sig[2];	/* the sigset pointer and its size */
	bool masked = false;
	int rc;
	if (a5 && (rc = timespec_in(a5, time64, &w)) < 0)
		return rc;
	if (a6) {
		if (copy_from_user(sig, (void *)a6, sizeof(sig)) < 0)
			return -EFAULT;
		if (sig[0] && (rc = sigmask_in(sig[0], sig[1], &mask)) < 0)
			return rc;
		masked = sig[0] != 0;
	}
	fdsets_t *s;
	if ((rc = select_args((int32_t)a1, a2, a3, a4, &s)) < 0)
		return rc;
	long r = do_select((int32_t)a1, s, &w, masked ? &mask : NULL);
	kfree(s);
	if (a5)
		timespec_out(a5, time64, &w);
	return r;
}

SYSCALL(pselect6)
{
	return pselect_common(a1, a2, a3, a4, a5, a6, false);
}

SYSCALL(pselect6_time64)
{
	return pselect_common(a1, a2, a3, a4, a5, a6, true);
}

/* ---- epoll and eventfd --------------------------------------------------- */

SYSCALL(epoll_create)
{
	return (int32_t)a1 <= 0 ? -EINVAL : epoll_create(0);
}

SYSCALL(epoll_create1)
{
	return epoll_create(a1);
}

/* epoll_ctl(epfd, op, fd, struct epoll_event *) */
SYSCALL(epoll_ctl)
{
	epoll_event_t ev = { 0, 0 };
	if (a2 != EPOLL_CTL_DEL && copy_from_user(&ev, (void *)a4, sizeof(ev)) < 0)
		return -EFAULT;
	return epoll_ctl((int32_t)a1, (int32_t)a2, (int32_t)a3, &ev);
}

/* The common part of the epoll_wait family: maxevents and the buffer
 * checked, the wait under sigmask (if given), the events copied out. */
static long epoll_wait_common(uint32_t epfd, uint32_t uevents, int32_t maxevents,
			      const wait_end_t *w, const uint64_t *sigmask)
{
	if (maxevents <= 0 || maxevents > EPOLL_MAX_EVENTS)
		return -EINVAL;
	size_t bytes = (size_t)maxevents * sizeof(epoll_event_t);
	if (!user_range_ok((void *)uevents, bytes))
		return -EFAULT;
	/* No more events than items can come; a batch this size is plenty. */
	size_t max = MIN((size_t)maxevents, (size_t)NOFILE_LIMIT);
	epoll_event_t *ev = kmalloc(max * sizeof(*ev));
	if (!ev)
		return -ENOMEM;
	if (sigmask)
		signal_mask_begin(*sigmask);
	long rc = epoll_wait_events((int32_t)epfd, ev, (int)max, w->forever, w->deadline);
	if (sigmask)
		signal_mask_end(rc == -EINTR);
	if (rc > 0 && copy_to_user((void *)uevents, ev, (size_t)rc * sizeof(*ev)) < 0)
		rc = -EFAULT;
	kfree(ev);
	return rc;
}

/* epoll_wait(epfd, events, maxevents, timeout in ms: < 0 forever) */
SYSCALL(epoll_wait)
{
	wait_end_t w = end_after_ms((int32_t)a4);
	return epoll_wait_common(a1, a2, (int32_t)a3, &w, NULL);
}

/* epoll_pwait(epfd, events, maxevents, timeout, sigmask, sigsetsize) */
SYSCALL(epoll_pwait)
{
	uint64_t mask;
	int rc;
	if (a5 && (rc = sigmask_in(a5, a6, &mask)) < 0)
		return rc;
	wait_end_t w = end_after_ms((int32_t)a4);
	return epoll_wait_common(a1, a2, (int32_t)a3, &w, a5 ? &mask : NULL);
}

/* epoll_pwait2(epfd, events, maxevents, struct __kernel_timespec *,
 * sigmask, sigsetsize): a NULL timeout waits forever. */
SYSCALL(epoll_pwait2)
{
	wait_end_t w = { true, 0 };
	uint64_t mask;
	int rc;
	if (a4 && (rc = timespec_in(a4, true, &w)) < 0)
		return rc;
	if (a5 && (rc = sigmask_in(a5, a6, &mask)) < 0)
		return rc;
	return epoll_wait_common(a1, a2, (int32_t)a3, &w, a5 ? &mask : NULL);
}

SYSCALL(eventfd)
{
	return eventfd_create(a1, 0);
}

SYSCALL(eventfd2)
{
	return eventfd_create(a1, a2);
}
