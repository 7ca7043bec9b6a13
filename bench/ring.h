/*
 * ring.h - a lock-free single-producer/single-consumer ring of fixed-size
 * messages, meant to live in memory shared by two processes.
 *
 * Invariants: only the producer writes head, only the consumer writes
 * tail; both only grow (they wrap through 2^32, and RING_SLOTS divides
 * 2^32, so head - tail is always the number of full slots, 0..RING_SLOTS).
 * The producer fills a slot and then publishes it with a release store of
 * head; the consumer reads head with acquire, copies the slot out, and
 * frees it with a release store of tail.  No system call on the fast path:
 * a side that finds the ring full (or empty) calls mb_cpu_relax(), which
 * yields the processor, since on one CPU spinning only delays the peer.
 * head and tail sit on separate cache lines so the two sides do not
 * bounce one line between CPUs.
 */
#ifndef MBENCH_RING_H
#define MBENCH_RING_H

#include <stdint.h>

#include "mbench.h"

#define RING_SLOTS 1024u                 /* a power of two */
#define RING_MASK (RING_SLOTS - 1)
#define RING_LINE 64                     /* cache-line size */

typedef struct {
    uint32_t seq;       /* message number, checked by the consumer */
    uint32_t len;       /* a descriptor's typical fields */
    uint64_t offset;
    uint32_t pad[4];
} ring_msg_t;           /* 32 bytes */

typedef struct {
    _Alignas(RING_LINE) uint32_t head;   /* next slot to fill; producer */
    _Alignas(RING_LINE) uint32_t tail;   /* next slot to drain; consumer */
    _Alignas(RING_LINE) uint32_t go;     /* start flag for the benchmark */
    _Alignas(RING_LINE) ring_msg_t slot[RING_SLOTS];
} ring_t;

static inline void ring_push(ring_t *r, const ring_msg_t *m)
{
    uint32_t head = r->head;   /* ours: no ordering needed */

    while (head - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE) == RING_SLOTS)
        mb_cpu_relax();
    r->slot[head & RING_MASK] = *m;
    __atomic_store_n(&r->head, head + 1, __ATOMIC_RELEASE);
}

static inline void ring_pop(ring_t *r, ring_msg_t *m)
{
    uint32_t tail = r->tail;   /* ours: no ordering needed */

    while (__atomic_load_n(&r->head, __ATOMIC_ACQUIRE) == tail)
        mb_cpu_relax();
    *m = r->slot[tail & RING_MASK];
    __atomic_store_n(&r->tail, tail + 1, __ATOMIC_RELEASE);
}

#endif
