/*
 * mosring: the ring itself (mosring.h tells the design).  The header
 * below is what every process maps; all cross-process fields are read
 * and written with C11-style atomics (GCC's __atomic builtins on plain
 * fields, so the layout is fixed).  Blocking uses shared (not private)
 * futexes, since the waiters are other processes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "mos/pagegive.h"
#include "mosring.h"

#define MOSRING_MAGIC 0x4d4f5352u	/* "MOSR" */
#define PAGE 4096u
#define SPINS_SMP 256			/* busy polls before sleeping, several CPUs */
#define PUBLISH_SPINS 64		/* polls before yielding to an earlier publisher */
#define NS_PER_MS 1000000L
#define NS_PER_S 1000000000L

enum { PEER_FREE, PEER_LIVE, PEER_CLOSED };
enum { PAGES_COPIED, PAGES_GIVEN };

typedef struct mosring_peer {
	int32_t pid;
	uint32_t role;
	uint32_t state;		/* PEER_* */
} mosring_peer_t;

/* A handoff slot: where the buffer is and how long. */
typedef struct mosring_pages {
	uint32_t off, len, how;	/* how: PAGES_* */
} mosring_pages_t;

struct mosring_hdr {
	uint32_t magic, kind, slots, slot_size, stride, handoff_max;
	uint32_t slots_off, data_off, size;
	int32_t landing_pid;		/* handoff: the consumer and ... */
	uint32_t landing_base;		/* ... its landing area */
	uint32_t joined[2];		/* members ever joined, per role */
	_Alignas(MOSRING_LINE) uint32_t prod_head;
	_Alignas(MOSRING_LINE) uint32_t prod_tail;	/* futex: consumers wait */
	uint32_t prod_waiters;				/* consumers asleep */
	_Alignas(MOSRING_LINE) uint32_t cons_head;
	_Alignas(MOSRING_LINE) uint32_t cons_tail;	/* futex: producers wait */
	uint32_t cons_waiters;				/* producers asleep */
	_Alignas(MOSRING_LINE) mosring_peer_t peers[MOSRING_MAX_PEERS];
};

static size_t align_up(size_t n, size_t a) { return (n + a - 1) / a * a; }

static uint32_t ld(const uint32_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }

static void cpu_relax(void) { __asm__ volatile("pause"); }

static int futex(uint32_t *word, int op, uint32_t val, const struct timespec *ts)
{
	return (int)syscall(SYS_futex, word, op, val, ts, NULL, 0);
}

static bool handoff(const mosring_t *r) { return r->h->handoff_max != 0; }

static uint32_t stride_of(const mosring_params_t *p)
{
	uint32_t sz = p->handoff_max ? sizeof(mosring_pages_t) : p->slot_size;
	return (uint32_t)align_up(sz, sizeof(uint32_t));
}

static int params_ok(const mosring_params_t *p)
{
	if (p->kind < MOSRING_SPSC || p->kind > MOSRING_MPMC || p->slots == 0 ||
	    p->slots > MOSRING_MAX_SLOTS || (p->slots & (p->slots - 1)))
		return 0;
	if (p->handoff_max)
		return p->handoff_max % PAGE == 0 && p->kind != MOSRING_MPMC &&
		       (uint64_t)p->slots * p->handoff_max <= (1u << 30);
	return p->slot_size >= 1 && p->slot_size <= MOSRING_MAX_SLOT_SIZE &&
	       (uint64_t)p->slots * stride_of(p) <= (1u << 30);
}

size_t mosring_size(const mosring_params_t *p)
{
	size_t n = align_up(sizeof(struct mosring_hdr), MOSRING_LINE);
	n = align_up(n + (size_t)p->slots * stride_of(p), PAGE);
	return n + (size_t)p->slots * p->handoff_max;
}

static void handle_init(mosring_t *r, struct mosring_hdr *h, size_t size, int fd)
{
	memset(r, 0, sizeof(*r));
	r->h = h;
	r->map_size = size;
	r->fd = fd;
	r->role = -1;
	r->peer = -1;
	r->spins = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? SPINS_SMP : 0;
	r->slots = (char *)h + h->slots_off;
	r->data = (char *)h + h->data_off;
}

int mosring_create(mosring_t *r, const mosring_params_t *p)
{
	if (!params_ok(p))
		return -EINVAL;
	size_t size = mosring_size(p);
	int fd = (int)syscall(SYS_memfd_create, "mosring", 0);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) < 0)
		goto fail;
	struct mosring_hdr *h = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (h == MAP_FAILED)
		goto fail;
	h->kind = (uint32_t)p->kind;
	h->slots = p->slots;
	h->slot_size = p->handoff_max ? sizeof(mosring_pages_t) : p->slot_size;
	h->stride = stride_of(p);
	h->handoff_max = p->handoff_max;
	h->slots_off = (uint32_t)align_up(sizeof(*h), MOSRING_LINE);
	h->data_off = (uint32_t)align_up(h->slots_off + (size_t)p->slots * h->stride, PAGE);
	h->size = (uint32_t)size;
	h->prod_head = h->prod_tail = h->cons_head = h->cons_tail = p->first;
	__atomic_store_n(&h->magic, MOSRING_MAGIC, __ATOMIC_RELEASE);
	handle_init(r, h, size, fd);
	return 0;
fail:;
	int err = -errno;
	close(fd);
	return err;
}

int mosring_attach(mosring_t *r, int fd)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	if ((size_t)st.st_size < sizeof(struct mosring_hdr))
		return -EINVAL;
	struct mosring_hdr *h = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE,
				     MAP_SHARED, fd, 0);
	if (h == MAP_FAILED)
		return -errno;
	if (ld(&h->magic) != MOSRING_MAGIC || h->size != (uint32_t)st.st_size) {
		munmap(h, (size_t)st.st_size);
		return -EINVAL;
	}
	handle_init(r, h, (size_t)st.st_size, -1);
	return 0;
}

void mosring_detach(mosring_t *r)
{
	mosring_close(r);
	if (r->landing)
		munmap(r->landing, (size_t)r->h->slots * r->h->handoff_max);
	munmap(r->h, r->map_size);
	if (r->fd >= 0)
		close(r->fd);
	r->h = NULL;
}

/* ---- peers ------------------------------------------------------------- */

static void wake_all(struct mosring_hdr *h)
{
	futex(&h->prod_tail, FUTEX_WAKE, INT_MAX, NULL);
	futex(&h->cons_tail, FUTEX_WAKE, INT_MAX, NULL);
}

static int map_landing(mosring_t *r)
{
	struct mosring_hdr *h = r->h;
	int32_t none = 0;
	if (!__atomic_compare_exchange_n(&h->landing_pid, &none, (int32_t)getpid(), false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return -EBUSY;
	r->landing = mmap(NULL, (size_t)h->slots * h->handoff_max, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r->landing == MAP_FAILED) {
		r->landing = NULL;
		__atomic_store_n(&h->landing_pid, 0, __ATOMIC_RELEASE);
		return -ENOMEM;
	}
	__atomic_store_n(&h->landing_base, (uint32_t)(uintptr_t)r->landing, __ATOMIC_RELEASE);
	return 0;
}

int mosring_join(mosring_t *r, int role)
{
	struct mosring_hdr *h = r->h;
	if (role != MOSRING_PRODUCER && role != MOSRING_CONSUMER)
		return -EINVAL;
	if (r->role >= 0) {
		/* Joined already -- or the handle came through fork. */
		if (r->peer < 0 || h->peers[r->peer].pid == (int32_t)getpid())
			return -EINVAL;
		r->role = r->peer = -1;
		r->landing = NULL;	/* the parent's, not ours to unmap */
	}
	if (role == MOSRING_CONSUMER && h->handoff_max) {
		int err = map_landing(r);
		if (err < 0)
			return err;
	}
	for (int i = 0; i < MOSRING_MAX_PEERS; i++) {
		int32_t free_pid = 0;
		if (__atomic_compare_exchange_n(&h->peers[i].pid, &free_pid, (int32_t)getpid(),
						false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			h->peers[i].role = (uint32_t)role;
			__atomic_store_n(&h->peers[i].state, PEER_LIVE, __ATOMIC_RELEASE);
			__atomic_fetch_add(&h->joined[role], 1, __ATOMIC_ACQ_REL);
			r->role = role;
			r->peer = i;
			return 0;
		}
	}
	return -ENOSPC;
}

void mosring_close(mosring_t *r)
{
	if (r->peer < 0)
		return;
	__atomic_store_n(&r->h->peers[r->peer].state, PEER_CLOSED, __ATOMIC_SEQ_CST);
	r->peer = -1;
	wake_all(r->h);
}

/* Whether process pid is still running (not gone, not a zombie). */
static bool pid_alive(int32_t pid)
{
	if (kill(pid, 0) < 0 && errno == ESRCH)
		return false;
	char path[64], buf[128];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return true;	/* no /proc: trust kill */
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return true;
	buf[n] = '\0';
	char *paren = strrchr(buf, ')');
	return !(paren && paren[1] == ' ' && (paren[2] == 'Z' || paren[2] == 'X'));
}

/* Whether the other side of role has members left: true until one has
 * joined, then while one is live (not closed and its process running). */
static bool others_left(struct mosring_hdr *h, int role)
{
	int other = !role;
	if (ld(&h->joined[other]) == 0)
		return true;
	for (int i = 0; i < MOSRING_MAX_PEERS; i++) {
		mosring_peer_t *p = &h->peers[i];
		if (ld(&p->state) == PEER_LIVE && p->role == (uint32_t)other &&
		    pid_alive(__atomic_load_n(&p->pid, __ATOMIC_ACQUIRE)))
			return true;
	}
	return false;
}

/* ---- waiting --------------------------------------------------------- */

static void deadline_of(long timeout_ms, struct timespec *dl)
{
	clock_gettime(CLOCK_MONOTONIC, dl);
	dl->tv_sec += timeout_ms / 1000;
	dl->tv_nsec += (timeout_ms % 1000) * NS_PER_MS;
	if (dl->tv_nsec >= NS_PER_S) {
		dl->tv_sec++;
		dl->tv_nsec -= NS_PER_S;
	}
}

/* Milliseconds until dl (0 when past). */
static long ms_left(const struct timespec *dl)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long ms = (dl->tv_sec - now.tv_sec) * 1000 + (dl->tv_nsec - now.tv_nsec) / NS_PER_MS;
	return ms > 0 ? ms : 0;
}

/* Sleeps while *word == seen (one round of at most MOSRING_POLL_MS, less
 * before the deadline), counted in *waiters so that the other side wakes
 * us.  0 to look again, or -ETIMEDOUT / -EPIPE. */
static int wait_round(mosring_t *r, uint32_t *word, uint32_t *waiters, uint32_t seen,
		      long timeout_ms, const struct timespec *dl)
{
	long ms = MOSRING_POLL_MS;
	if (timeout_ms >= 0) {
		long left = ms_left(dl);
		if (left == 0)
			return -ETIMEDOUT;
		ms = left < ms ? left : ms;
	}
	struct timespec ts = { ms / 1000, (ms % 1000) * NS_PER_MS };
	__atomic_fetch_add(waiters, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(word, __ATOMIC_SEQ_CST) == seen)
		futex(word, FUTEX_WAIT, seen, &ts);
	__atomic_fetch_sub(waiters, 1, __ATOMIC_SEQ_CST);
	/* No progress (a timeout, a close's wake-up): is anyone left? */
	if (__atomic_load_n(word, __ATOMIC_SEQ_CST) == seen && !others_left(r->h, r->role))
		return -EPIPE;
	return 0;
}

/* Reserves up to n slots on our side (at least one, waiting as allowed):
 * the count, with *first the first position, or a negative errno. */
static int reserve(mosring_t *r, unsigned n, long timeout_ms, uint32_t *first)
{
	struct mosring_hdr *h = r->h;
	bool prod = r->role == MOSRING_PRODUCER;
	bool single = prod ? h->kind == MOSRING_SPSC : h->kind != MOSRING_MPMC;
	uint32_t *head = prod ? &h->prod_head : &h->cons_head;
	uint32_t *limit = prod ? &h->cons_tail : &h->prod_tail;
	uint32_t *waiters = prod ? &h->cons_waiters : &h->prod_waiters;
	struct timespec dl;
	int spins = 0;

	if (r->role < 0 || r->peer < 0)
		return -EINVAL;
	if (timeout_ms > 0)
		deadline_of(timeout_ms, &dl);
	for (;;) {
		uint32_t old = __atomic_load_n(head, __ATOMIC_ACQUIRE);
		uint32_t lim = ld(limit);
		uint32_t avail = prod ? h->slots - (old - lim) : lim - old;
		if (avail > 0) {
			uint32_t k = avail < n ? avail : n;
			if (single) {
				__atomic_store_n(head, old + k, __ATOMIC_RELAXED);
			} else if (!__atomic_compare_exchange_n(head, &old, old + k, false,
							      __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
				continue;
			}
			*first = old;
			return (int)k;
		}
		if (timeout_ms == 0)
			return -EAGAIN;
		if (spins++ < r->spins) {
			cpu_relax();
			continue;
		}
		int rc = wait_round(r, limit, waiters, lim, timeout_ms, &dl);
		if (rc < 0)
			return rc;
	}
}

/* Publishes [first, first+k) on our side once the earlier reservations
 * are published, and wakes the other side's sleepers. */
static void publish(mosring_t *r, uint32_t first, uint32_t k)
{
	struct mosring_hdr *h = r->h;
	bool prod = r->role == MOSRING_PRODUCER;
	uint32_t *tail = prod ? &h->prod_tail : &h->cons_tail;
	uint32_t *waiters = prod ? &h->prod_waiters : &h->cons_waiters;
	for (int spins = 0; __atomic_load_n(tail, __ATOMIC_ACQUIRE) != first; spins++) {
		if (spins < PUBLISH_SPINS && r->spins)
			cpu_relax();
		else
			sched_yield();
	}
	__atomic_store_n(tail, first + k, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(waiters, __ATOMIC_SEQ_CST))
		futex(tail, FUTEX_WAKE, INT_MAX, NULL);
}

static char *slot_at(const mosring_t *r, uint32_t pos)
{
	return r->slots + (size_t)(pos & (r->h->slots - 1)) * r->h->stride;
}

/* Copies k slots between buf and the ring from position first on. */
static void copy_slots(mosring_t *r, uint32_t first, int k, char *buf, bool in)
{
	size_t sz = r->h->slot_size;
	for (int i = 0; i < k; i++, buf += sz) {
		char *s = slot_at(r, first + (uint32_t)i);
		if (in)
			memcpy(s, buf, sz);
		else
			memcpy(buf, s, sz);
	}
}

int mosring_send_burst(mosring_t *r, const void *buf, unsigned n, long timeout_ms)
{
	uint32_t first;
	if (r->role != MOSRING_PRODUCER || n == 0 || handoff(r))
		return -EINVAL;
	int k = reserve(r, n, timeout_ms, &first);
	if (k > 0) {
		copy_slots(r, first, k, (char *)buf, true);
		publish(r, first, (uint32_t)k);
	}
	return k;
}

int mosring_recv_burst(mosring_t *r, void *buf, unsigned n, long timeout_ms)
{
	uint32_t first;
	if (r->role != MOSRING_CONSUMER || n == 0 || handoff(r))
		return -EINVAL;
	int k = reserve(r, n, timeout_ms, &first);
	if (k > 0) {
		copy_slots(r, first, k, buf, false);
		publish(r, first, (uint32_t)k);
	}
	return k;
}

int mosring_send(mosring_t *r, const void *slot, long timeout_ms)
{
	int k = mosring_send_burst(r, slot, 1, timeout_ms);
	return k < 0 ? k : 0;
}

int mosring_recv(mosring_t *r, void *slot, long timeout_ms)
{
	int k = mosring_recv_burst(r, slot, 1, timeout_ms);
	return k < 0 ? k : 0;
}

uint32_t mosring_count(const mosring_t *r)
{
	return ld(&r->h->prod_tail) - ld(&r->h->cons_tail);
}

/* ---- handoff mode ----------------------------------------------------- */

int mosring_send_pages(mosring_t *r, void *buf, size_t len, unsigned flags,
		       long timeout_ms)
{
	struct mosring_hdr *h = r->h;
	uint32_t pos;
	if (r->role != MOSRING_PRODUCER || !handoff(r) || len == 0 || len > h->handoff_max ||
	    (flags & ~(unsigned)MOS_GIVE_MOVE))
		return -EINVAL;
	int k = reserve(r, 1, timeout_ms, &pos);
	if (k < 0)
		return k;
	uint32_t off = (pos & (h->slots - 1)) * h->handoff_max;
	mosring_pages_t m = { off, (uint32_t)len, PAGES_COPIED };
	if (!r->no_give && ((uintptr_t)buf % PAGE) == 0) {
		void *dst = (char *)(uintptr_t)ld(&h->landing_base) + off;
		long rc = mos_page_give(__atomic_load_n(&h->landing_pid, __ATOMIC_ACQUIRE), buf,
					align_up(len, PAGE), dst, flags);
		if (rc == 0)
			m.how = PAGES_GIVEN;
		else if (rc == -ENOSYS)
			r->no_give = 1;
	}
	if (m.how == PAGES_COPIED)
		memcpy(r->data + off, buf, len);
	memcpy(slot_at(r, pos), &m, sizeof(m));
	publish(r, pos, 1);
	return 0;
}

int mosring_recv_pages(mosring_t *r, void **buf, size_t *len, long timeout_ms)
{
	struct mosring_hdr *h = r->h;
	if (r->role != MOSRING_CONSUMER || !handoff(r))
		return -EINVAL;
	struct timespec dl;
	if (timeout_ms > 0)
		deadline_of(timeout_ms, &dl);
	/* One consumer: peek at cons_head without taking it (release does). */
	for (int spins = 0;; spins++) {
		uint32_t pos = h->cons_head, tail = ld(&h->prod_tail);
		if (tail != pos) {
			mosring_pages_t m;
			memcpy(&m, slot_at(r, pos), sizeof(m));
			*buf = (m.how == PAGES_GIVEN ? r->landing : r->data) + m.off;
			*len = m.len;
			return 0;
		}
		if (timeout_ms == 0)
			return -EAGAIN;
		if (spins < r->spins) {
			cpu_relax();
			continue;
		}
		int rc = wait_round(r, &h->prod_tail, &h->prod_waiters, tail, timeout_ms, &dl);
		if (rc < 0)
			return rc;
	}
}

void mosring_release_pages(mosring_t *r)
{
	struct mosring_hdr *h = r->h;
	uint32_t pos = h->cons_head;
	if (r->role != MOSRING_CONSUMER || !handoff(r) || ld(&h->prod_tail) == pos)
		return;
	__atomic_store_n(&h->cons_head, pos + 1, __ATOMIC_RELAXED);
	publish(r, pos, 1);
}
