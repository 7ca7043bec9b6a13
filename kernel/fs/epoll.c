/*
 * epoll: interest lists that stay registered on their files' wait queues
 * (fs/epoll.h has the rules, which are Linux's).
 *
 * Each item (epitem_t) owns a poll table with a notify function
 * (proc/pollwait.h): any wakeup of a watched queue calls epitem_notify,
 * under sched_lock, which puts the item on its instance's ready list and
 * wakes the instance's queue (its epoll_wait sleepers, and the poll
 * tables and outer instances watching the instance itself).  The ready
 * list only says "look here": epoll_wait asks each listed item's file
 * for its events again (poll_file), reports those wanted, and keeps a
 * level-triggered item that had some on the list for the next call;
 * edge-triggered and one-shot items wait for the next wakeup (one-shot
 * ones for EPOLL_CTL_MOD as well).  A file whose poll operation wants
 * more queues than an item has entries is looked at every tick instead.
 *
 * Locks, in order: epoll_mutex (a kmutex) protects every file's
 * f_ep_links and every interest list's membership, so the graph of
 * nested instances is still while ADD checks it for cycles -> ep->mtx
 * (a kmutex) protects the instance's items' events, data and the scan ->
 * the watched objects' own locks (poll operations) -> sched_lock, which
 * protects the ready lists, item states, `woken` and the queues.  An
 * outer instance's mtx comes before an inner one's (ADD forbids cycles).
 */
#include "fs/epoll.h"
#include "drivers/pit.h"
#include "fs/anonfs.h"
#include "fs/file.h"
#include "fs/poll.h"
#include "fs/stat.h"
#include "mm/kmalloc.h"
#include "proc/kmutex.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "util/debug.h"
#include "util/errno.h"

#define EPOLL_ENTRIES 2		/* queues per item, as poll's per descriptor */
/* Event bits that are requests, not events (Linux's EP_PRIVATE_BITS). */
#define EP_PRIVATE_BITS (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
/* What EPOLLEXCLUSIVE may come with (Linux's EPOLLEXCLUSIVE_OK_BITS). */
#define EP_EXCLUSIVE_OK (EPOLLIN | EPOLLOUT | POLLRDNORM | POLLWRNORM | POLLRDBAND | \
			 POLLWRBAND | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE)

/* Where an item is, for its instance's ready list (under sched_lock). */
typedef enum { EPI_IDLE, EPI_READY, EPI_SCANNING } epi_state_t;

typedef struct eventpoll {
	kmutex_t mtx;
	list_t items;		/* epitem_t.ep_link: the interest list */
	size_t nitems, noverflow;	/* items, and those looked at by the tick */
	list_t ready;		/* epitem_t.ready_link, under sched_lock */
	bool woken;		/* an item was notified since the last scan, sched_lock */
	wait_queue_t wq;	/* epoll_wait sleepers and pollers of this instance */
	struct file *file;	/* the instance's own file (its life) */
} eventpoll_t;

typedef struct epitem {
	list_t ep_link;		/* on ep->items */
	list_t file_link;	/* on file->f_ep_links, under epoll_mutex */
	list_t ready_link;	/* on ep->ready or a scan's list, under sched_lock */
	epi_state_t state;	/* under sched_lock */
	bool renotified;	/* notified while being scanned, under sched_lock */
	eventpoll_t *ep;
	struct file *file;	/* not referenced: removed at its last close */
	int fd;
	uint32_t events;	/* wanted; written under mtx and sched_lock */
	uint64_t data;
	poll_table_t pt;	/* registered on the file's queues */
	poll_entry_t entries[EPOLL_ENTRIES];
} epitem_t;

static kmutex_t epoll_mutex = KMUTEX_INIT(epoll_mutex, "epoll interest lists");
static const vnode_ops_t epoll_ops;

static eventpoll_t *ep_of(file_t *f)
{
	return anonfs_file_priv(f, &epoll_ops);
}

/* An armed item wants some event (a fired one-shot item wants none). */
static bool armed(const epitem_t *epi)
{
	return epi->events & ~EP_PRIVATE_BITS;
}

/* sched_lock held: puts epi on the ready list and wakes its instance. */
static void make_ready_locked(epitem_t *epi)
{
	eventpoll_t *ep = epi->ep;
	if (epi->state == EPI_IDLE) {
		list_insert_tail(&ep->ready, &epi->ready_link);
		epi->state = EPI_READY;
	} else if (epi->state == EPI_SCANNING) {
		epi->renotified = true;
	}
	ep->woken = true;
	sched_broadcast_locked(&ep->wq);
}

static void epitem_notify(poll_table_t *pt)
{
	epitem_t *epi = container_of(pt, epitem_t, pt);
	if (armed(epi))
		make_ready_locked(epi);
}

/* ---- scanning the ready list ------------------------------------------ */

/* Scans ep's ready list (mtx held).  With out, records up to max events
 * and returns their count; without, stops at the first ready item and
 * returns 1 (0 if none): the instance's own poll.  Items that are not
 * ready leave the list; level-triggered ones that are, and ones not
 * looked at, stay: those first, then the ones just reported (so a
 * small maxevents still gets round every ready item, as on Linux). */
static int scan_ready(eventpoll_t *ep, epoll_event_t *out, int max)
{
	list_t tx = LIST_INIT(tx);
	spin_lock(&sched_lock);
	list_t *l;
	while ((l = list_pop_head(&ep->ready))) {
		list_insert_tail(&tx, l);
		list_entry(l, epitem_t, ready_link)->state = EPI_SCANNING;
	}
	spin_unlock(&sched_lock);
	list_t rest = LIST_INIT(rest);	/* not looked at: back at the head, in order */
	int n = 0;
	bool done = false;
	while ((l = tx.next) != &tx) {
		epitem_t *epi = list_entry(l, epitem_t, ready_link);
		uint32_t rev = 0;
		if (!done)
			rev = poll_file(epi->file, NULL) & epi->events & ~EP_PRIVATE_BITS;
		bool again = done || epi->pt.overflow;
		if (rev && out) {
			out[n].events = rev;
			out[n].data = epi->data;
			n++;
			done = n == max;
		} else if (rev) {
			n = 1;
			done = again = true;
		}
		spin_lock(&sched_lock);
		if (rev && out && (epi->events & EPOLLONESHOT))
			epi->events &= EP_PRIVATE_BITS;		/* disarmed until MOD */
		else if (rev && out && !(epi->events & EPOLLET))
			again = true;				/* level-triggered */
		list_remove(&epi->ready_link);
		epi->state = EPI_IDLE;
		if ((again || epi->renotified) && armed(epi)) {
			list_insert_tail(rev ? &ep->ready : &rest, &epi->ready_link);
			epi->state = EPI_READY;
		}
		epi->renotified = false;
		spin_unlock(&sched_lock);
	}
	spin_lock(&sched_lock);
	while ((l = rest.prev) != &rest) {
		list_remove(l);
		list_insert_head(&ep->ready, l);
	}
	spin_unlock(&sched_lock);
	return n;
}

int epoll_wait_events(int epfd, epoll_event_t *out, int max, bool forever, uint64_t deadline)
{
	file_t *f = fd_get(curproc->files, epfd);
	if (!f)
		return -EBADF;
	eventpoll_t *ep = ep_of(f);
	int rc = -EINVAL;
	if (!ep)
		goto out_put;
	for (;;) {
		spin_lock(&sched_lock);
		ep->woken = false;
		spin_unlock(&sched_lock);
		kmutex_lock(&ep->mtx);
		rc = scan_ready(ep, out, max);
		bool tick = ep->noverflow > 0;
		kmutex_unlock(&ep->mtx);
		uint64_t now = ticks_now();
		if (rc != 0 || (!forever && now >= deadline))
			break;
		uint64_t wake = forever ? 0 : deadline;
		if (tick && (!wake || wake > now + 1))
			wake = now + 1;		/* an item is looked at by the tick */
		spin_lock(&sched_lock);
		int s = 0;
		if (!ep->woken)
			s = wake ? sched_timed_sleep_locked(&ep->wq, wake)
				 : sched_sleep_locked(&ep->wq, true);
		spin_unlock(&sched_lock);
		if (s == -EINTR) {
			rc = -EINTR;
			break;
		}
	}
out_put:
	fput(f);
	return rc;
}

/* The instance's own poll operation: readable while an item is ready. */
static uint32_t epoll_poll(vnode_t *vn, uint32_t fmode, poll_table_t *pt)
{
	eventpoll_t *ep = vn->vn_i;
	poll_wait(pt, &ep->wq);
	kmutex_lock(&ep->mtx);
	int ready = scan_ready(ep, NULL, 0);
	kmutex_unlock(&ep->mtx);
	return ready ? POLLIN | POLLRDNORM : 0;
}

/* ---- the interest list ------------------------------------------------- */

static epitem_t *find_item(eventpoll_t *ep, file_t *f, int fd)
{
	list_t *l;
	list_for_each(l, &ep->items) {
		epitem_t *epi = list_entry(l, epitem_t, ep_link);
		if (epi->file == f && epi->fd == fd)
			return epi;
	}
	return NULL;
}

/* epoll_mutex and ep->mtx held: takes epi off its queues and lists and
 * frees it. */
static void remove_item(eventpoll_t *ep, epitem_t *epi)
{
	poll_table_release(&epi->pt);
	spin_lock(&sched_lock);
	KASSERT(epi->state != EPI_SCANNING, "epoll item %p removed during a scan", epi);
	if (epi->state == EPI_READY)
		list_remove(&epi->ready_link);
	spin_unlock(&sched_lock);
	if (epi->pt.overflow)
		ep->noverflow--;
	list_remove(&epi->ep_link);
	list_remove(&epi->file_link);
	ep->nitems--;
	kfree(epi);
}

/* Checks the file's events against what epi wants (mtx held; pt to
 * register the item, the first time) and makes it ready if any hold. */
static void check_item(epitem_t *epi, poll_table_t *pt)
{
	uint32_t rev = poll_file(epi->file, pt);
	spin_lock(&sched_lock);
	if (rev & epi->events & ~EP_PRIVATE_BITS)
		make_ready_locked(epi);
	spin_unlock(&sched_lock);
}

static int insert_item(eventpoll_t *ep, file_t *f, int fd, const epoll_event_t *ev)
{
	epitem_t *epi = kzalloc(sizeof(*epi));
	if (!epi)
		return -ENOMEM;
	epi->ep = ep;
	epi->file = f;
	epi->fd = fd;
	epi->events = ev->events;
	epi->data = ev->data;
	epi->state = EPI_IDLE;
	list_init(&epi->ready_link);
	poll_table_init(&epi->pt, epi->entries, EPOLL_ENTRIES);
	epi->pt.notify = epitem_notify;
	list_insert_tail(&ep->items, &epi->ep_link);
	list_insert_tail(&f->f_ep_links, &epi->file_link);
	ep->nitems++;
	check_item(epi, &epi->pt);
	if (epi->pt.overflow)
		ep->noverflow++;
	return 0;
}

static void modify_item(epitem_t *epi, const epoll_event_t *ev)
{
	spin_lock(&sched_lock);
	epi->events = ev->events;
	spin_unlock(&sched_lock);
	epi->data = ev->data;
	check_item(epi, NULL);
}

/* ---- nesting ----------------------------------------------------------- */

/* epoll_mutex held: how many levels of instances lie inside ep (0: it
 * watches none), or EPOLL_MAX_NESTS + 1 if `target` is among them (a
 * cycle) or they are too deep. */
static int depth_below(eventpoll_t *ep, eventpoll_t *target, int level)
{
	int depth = 0;
	list_t *l;
	list_for_each(l, &ep->items) {
		eventpoll_t *inner = ep_of(list_entry(l, epitem_t, ep_link)->file);
		if (!inner)
			continue;
		if (inner == target || level >= EPOLL_MAX_NESTS)
			return EPOLL_MAX_NESTS + 1;
		depth = MAX(depth, 1 + depth_below(inner, target, level + 1));
	}
	return depth;
}

/* epoll_mutex held: how many levels of instances watch ep. */
static int depth_above(eventpoll_t *ep, int level)
{
	int depth = 0;
	list_t *l;
	if (level > EPOLL_MAX_NESTS)
		return level;
	list_for_each(l, &ep->file->f_ep_links) {
		eventpoll_t *outer = list_entry(l, epitem_t, file_link)->ep;
		depth = MAX(depth, 1 + depth_above(outer, level + 1));
	}
	return depth;
}

/* Adding instance `inner` to `ep` (epoll_mutex held): -ELOOP if that
 * makes a cycle or a chain longer than EPOLL_MAX_NESTS. */
static int check_nesting(eventpoll_t *ep, eventpoll_t *inner)
{
	int below = depth_below(inner, ep, 0);
	if (below > EPOLL_MAX_NESTS || below + 1 + depth_above(ep, 0) > EPOLL_MAX_NESTS)
		return -ELOOP;
	return 0;
}

/* ---- the calls --------------------------------------------------------- */

/* Linux's checks before any lock: -EPERM, -EINVAL. */
static int ctl_args(file_t *epf, file_t *tf, int op, const epoll_event_t *ev)
{
	if (!poll_file_can_poll(tf))
		return -EPERM;
	if (epf == tf || !ep_of(epf))
		return -EINVAL;
	if (op != EPOLL_CTL_DEL && (ev->events & EPOLLEXCLUSIVE)) {
		if (op == EPOLL_CTL_MOD)
			return -EINVAL;
		if (op == EPOLL_CTL_ADD && (ep_of(tf) || (ev->events & ~EP_EXCLUSIVE_OK)))
			return -EINVAL;
	}
	return 0;
}

/* The operation itself (epoll_mutex and ep->mtx held). */
static int ctl_locked(eventpoll_t *ep, file_t *tf, int fd, int op, const epoll_event_t *ev)
{
	epitem_t *epi = find_item(ep, tf, fd);
	epoll_event_t e = { 0, 0 };
	if (op != EPOLL_CTL_DEL) {
		e = *ev;
		e.events |= EPOLLERR | EPOLLHUP;	/* always reported */
	}
	switch (op) {
	case EPOLL_CTL_ADD:
		return epi ? -EEXIST : insert_item(ep, tf, fd, &e);
	case EPOLL_CTL_DEL:
		if (!epi)
			return -ENOENT;
		remove_item(ep, epi);
		return 0;
	case EPOLL_CTL_MOD:
		if (!epi)
			return -ENOENT;
		if (epi->events & EPOLLEXCLUSIVE)
			return -EINVAL;
		modify_item(epi, &e);
		return 0;
	default:
		return -EINVAL;
	}
}

int epoll_ctl(int epfd, int op, int fd, const epoll_event_t *ev)
{
	file_t *epf = fd_get(curproc->files, epfd);
	if (!epf)
		return -EBADF;
	file_t *tf = fd_get(curproc->files, fd);
	int rc = -EBADF;
	if (!tf)
		goto out_put_ep;
	if ((rc = ctl_args(epf, tf, op, ev)) < 0)
		goto out_put_target;
	eventpoll_t *ep = ep_of(epf), *inner = ep_of(tf);
	kmutex_lock(&epoll_mutex);
	rc = op == EPOLL_CTL_ADD && inner ? check_nesting(ep, inner) : 0;
	if (rc == 0) {
		kmutex_lock(&ep->mtx);
		rc = ctl_locked(ep, tf, fd, op, ev);
		kmutex_unlock(&ep->mtx);
	}
	kmutex_unlock(&epoll_mutex);
out_put_target:
	fput(tf);
out_put_ep:
	fput(epf);
	return rc;
}

void epoll_file_closed(file_t *f)
{
	kmutex_lock(&epoll_mutex);
	while (!list_empty(&f->f_ep_links)) {
		epitem_t *epi = list_entry(f->f_ep_links.next, epitem_t, file_link);
		eventpoll_t *ep = epi->ep;
		kmutex_lock(&ep->mtx);
		remove_item(ep, epi);
		kmutex_unlock(&ep->mtx);
	}
	kmutex_unlock(&epoll_mutex);
}

/* The instance's last close: its items go (its own file has already left
 * any outer instance: fput calls epoll_file_closed first). */
static void epoll_release(vnode_t *vn, uint32_t oflags)
{
	eventpoll_t *ep = vn->vn_i;
	kmutex_lock(&epoll_mutex);
	kmutex_lock(&ep->mtx);
	while (!list_empty(&ep->items))
		remove_item(ep, list_entry(ep->items.next, epitem_t, ep_link));
	kmutex_unlock(&ep->mtx);
	kmutex_unlock(&epoll_mutex);
	kfree(ep);
	vn->vn_i = NULL;
}

static const vnode_ops_t epoll_ops = {
	.release = epoll_release,
	.poll = epoll_poll,
};

int epoll_create(uint32_t flags)
{
	if (flags & ~EPOLL_CLOEXEC)
		return -EINVAL;
	vnode_t *vn = anonfs_vnode_create(&epoll_ops);
	eventpoll_t *ep = kzalloc(sizeof(*ep));
	if (!vn || !ep) {
		kfree(ep);
		if (vn)
			vput(vn);
		return -ENOMEM;
	}
	kmutex_init(&ep->mtx, "epoll instance");
	list_init(&ep->items);
	list_init(&ep->ready);
	wait_queue_init(&ep->wq);
	vn->vn_i = ep;
	return anonfs_fd_install(vn, O_RDWR, flags & EPOLL_CLOEXEC, &ep->file);
}
