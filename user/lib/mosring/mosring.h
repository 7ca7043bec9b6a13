/*
 * mosring: lock-free rings of fixed-size slots in shared memory, between
 * processes (or threads), on M-OS and on Linux alike.
 *
 * A ring is one shared mapping (a memfd; any fd of a shared-memory file
 * works for attaching): a header, then `slots` slots of slot_size bytes,
 * then, in handoff mode, a data area.  Kinds: SPSC, MPSC and MPMC (one or
 * many producers, one or many consumers); each side with more than one
 * member reserves slots with a compare-and-swap, a single one with a
 * plain store.  Counters are free-running 32-bit numbers (they wrap; the
 * slot count is a power of two, so the differences stay right).
 *
 * Each side has a head (reservations) and a tail (published): a producer
 * moves prod_head forward by CAS, fills its slots, waits for the earlier
 * producers to publish (prod_tail reaching its reservation; it yields,
 * so a preempted one gets to finish), then stores prod_tail; consumers
 * do the same with cons_head/cons_tail.  Batches reserve several slots
 * at once.  head, tail and the waiter counts sit on cache lines of
 * their own.
 *
 * Blocking: a consumer that finds the ring empty spins briefly (not at
 * all with one CPU), then counts itself in the waiters and sleeps in
 * FUTEX_WAIT on prod_tail; a producer that publishes wakes the waiters
 * only if that count is non-zero, so the fast path makes no system call.
 * Full rings block producers the same way on cons_tail.
 *
 * Peers: each process joins as producer or consumer (its pid recorded in
 * the header).  mosring_close ends a member's part.  A member that died
 * without closing is noticed by the other side within MOSRING_POLL_MS
 * while waiting (its pid gone, or a zombie).  A side that waits while
 * every member of the other side has closed or died gets -EPIPE (a
 * consumer only once the ring is empty).  A producer that dies between
 * reserving and publishing leaves its slots unpublished for good: in
 * multi-producer rings the others then wait on it, and also get -EPIPE
 * once no consumer is left; that window is a few instructions wide.
 *
 * Handoff mode (handoff_max > 0, one consumer: SPSC or MPSC): messages
 * are whole buffers.  mosring_send_pages gives a page-aligned buffer's
 * pages to the consumer with mos_page_give (mos/pagegive.h) into its
 * landing area (mapped at join), and the slot carries (offset, length);
 * on a kernel without it (Linux), or for a buffer it refuses (not
 * private anonymous memory, say), the bytes are copied into the data
 * area instead.  Either way mosring_recv_pages returns a pointer to the
 * data, valid until mosring_release_pages.
 *
 * Errors are negative errnos: -EAGAIN (timeout 0 and nothing to do),
 * -ETIMEDOUT, -EPIPE (the other side is gone), -EINVAL, -ENOMEM...
 * Timeouts are in milliseconds; negative waits for ever.
 */
#ifndef MOSRING_H
#define MOSRING_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MOSRING_LINE 64			/* cache-line size */
#define MOSRING_MAX_PEERS 32		/* members that may join one ring */
#define MOSRING_POLL_MS 20		/* how often a sleeper checks its peers */
#define MOSRING_MAX_SLOT_SIZE (1u << 20)
#define MOSRING_MAX_SLOTS (1u << 20)

enum mosring_kind { MOSRING_SPSC, MOSRING_MPSC, MOSRING_MPMC };
enum mosring_role { MOSRING_PRODUCER, MOSRING_CONSUMER };

typedef struct mosring_params {
	int kind;		/* enum mosring_kind */
	uint32_t slots;		/* a power of two, 1..MOSRING_MAX_SLOTS */
	uint32_t slot_size;	/* bytes, 1..MOSRING_MAX_SLOT_SIZE (ignored in handoff mode) */
	uint32_t handoff_max;	/* handoff mode: largest buffer, a page multiple; 0: off */
	uint32_t first;		/* the counters' first value (tests of wraparound) */
} mosring_params_t;

struct mosring_hdr;

/* A process's handle on a ring (not shared). */
typedef struct mosring {
	struct mosring_hdr *h;
	size_t map_size;
	int fd;
	int role;		/* -1 until joined */
	int peer;		/* our entry in the header's peer table */
	int spins;		/* busy polls before sleeping (0 on one CPU) */
	int no_give;		/* mos_page_give is not available: copy */
	char *slots, *data, *landing;
} mosring_t;

/* The bytes a ring's mapping takes. */
size_t mosring_size(const mosring_params_t *p);
/* Makes a ring in a fresh memfd and maps it; r->fd may be passed to other
 * processes (or inherited) for mosring_attach. */
int mosring_create(mosring_t *r, const mosring_params_t *p);
/* Maps the ring in fd (its own mapping; fd stays the caller's). */
int mosring_attach(mosring_t *r, int fd);
/* Unmaps (closing first if joined); closes the fd if create made it. */
void mosring_detach(mosring_t *r);

/* Joins as a producer or a consumer; -ENOSPC (peer table full), -EBUSY
 * (a second consumer of a handoff ring), -EINVAL (joined already).  A
 * child may join with a handle its parent had joined with before fork. */
int mosring_join(mosring_t *r, int role);
/* Ends our part: the other side sees -EPIPE once no member of ours is
 * left (and, for consumers, the ring is empty). */
void mosring_close(mosring_t *r);

/* One slot of slot_size bytes in or out. */
int mosring_send(mosring_t *r, const void *slot, long timeout_ms);
int mosring_recv(mosring_t *r, void *slot, long timeout_ms);
/* Up to n slots (contiguous in buf); waits until at least one fits (or
 * is there); returns how many moved, or a negative errno. */
int mosring_send_burst(mosring_t *r, const void *buf, unsigned n, long timeout_ms);
int mosring_recv_burst(mosring_t *r, void *buf, unsigned n, long timeout_ms);

/* Handoff mode.  flags: MOS_GIVE_MOVE gives the pages up (the buffer
 * reads zeros afterwards on M-OS; on Linux it is left as it was). */
int mosring_send_pages(mosring_t *r, void *buf, size_t len, unsigned flags,
		       long timeout_ms);
int mosring_recv_pages(mosring_t *r, void **buf, size_t *len, long timeout_ms);
void mosring_release_pages(mosring_t *r);

/* Slots published and not yet consumed (a snapshot). */
uint32_t mosring_count(const mosring_t *r);

#endif /* MOSRING_H */
