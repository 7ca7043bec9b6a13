/* Futexes: sleeping on a 32-bit word of user memory (kernel/vm/futex.c;
 * the system call, futex(2), is in kernel/api/sys_futex.c; the design is
 * in doc/futex.md).
 *
 * A futex is named by a key.  A private key (FUTEX_PRIVATE_FLAG, or any
 * word in a private, copy-on-write mapping) is (address space, user
 * address): only threads sharing the vmmap meet on it.  A shared key is
 * (memory object, page number in the object, offset in the page): the
 * same word of a MAP_SHARED mapping -- anonymous memory shared across
 * fork, or a file mapped by unrelated processes -- gives the same key in
 * every address space.  A shared key holds a reference on its object for
 * as long as a waiter sleeps on it, so the object (and its identity)
 * cannot be freed and reused under the sleeper.
 *
 * Locks (doc/futex.md has the order): futex_mutex, a kmutex, protects
 * the hash table of waiters and every waiter's key and queue link; it is
 * held while the word is read (which may fault and sleep), so comparing
 * the word and queueing the waiter are atomic with respect to every wake
 * and requeue.  futex_wake_lock, a spinlock, protects each waiter's
 * `woken` flag and pairs with the sleep so a wake is never lost.
 * Order: futex_mutex -> map->lock (a fault) -> ...; futex_mutex ->
 * futex_wake_lock -> sched_lock. */
#pragma once
#include "util/types.h"

struct proc;

/* futex(2) operations and flags (Linux's values, linux/futex.h). */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_FD 2
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_CMD_MASK (~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

/* FUTEX_WAKE_OP's encoded operation: op (4 bits, with OPARG_SHIFT),
 * cmp (4 bits), oparg (12 bits, signed), cmparg (12 bits, signed). */
#define FUTEX_OP_SET 0
#define FUTEX_OP_ADD 1
#define FUTEX_OP_OR 2
#define FUTEX_OP_ANDN 3
#define FUTEX_OP_XOR 4
#define FUTEX_OP_OPARG_SHIFT 8
#define FUTEX_OP_CMP_EQ 0
#define FUTEX_OP_CMP_NE 1
#define FUTEX_OP_CMP_LT 2
#define FUTEX_OP_CMP_LE 3
#define FUTEX_OP_CMP_GT 4
#define FUTEX_OP_CMP_GE 5

/* No deadline: the wait ends only by a wake or a signal. */
#define FUTEX_NO_DEADLINE UINT64_MAX

/* Sleeps while the word at uaddr holds val, until a wake whose bitset
 * meets `bitset`, tick `deadline` (ticks_now(); FUTEX_NO_DEADLINE for
 * none) or a signal.  0 when woken; -EAGAIN (the word differs), -EFAULT,
 * -EINVAL (unaligned), -ETIMEDOUT, -EINTR (a signal or a cancel). */
int futex_wait(uint32_t uaddr, bool shared, uint32_t val, uint32_t bitset,
	       uint64_t deadline);
/* Wakes up to n (at least one, as Linux) waiters on uaddr whose bitset
 * meets `bitset`; returns how many, or -EFAULT/-EINVAL. */
int futex_wake(uint32_t uaddr, bool shared, int n, uint32_t bitset);
/* Wakes up to nwake waiters on uaddr and moves up to nrequeue more to
 * uaddr2.  With `cmp`, first checks that the word at uaddr still holds
 * cmpval (-EAGAIN if not).  Returns woken plus moved. */
int futex_requeue(uint32_t uaddr, uint32_t uaddr2, bool shared, int nwake,
		  int nrequeue, bool cmp, uint32_t cmpval);
/* FUTEX_WAKE_OP: applies the encoded op to the word at uaddr2, wakes up
 * to nwake on uaddr and, if the old value of uaddr2 passes the encoded
 * comparison, up to nwake2 on uaddr2.  Returns the total woken; -ENOSYS
 * for an unknown op or comparison. */
int futex_wake_op(uint32_t uaddr, uint32_t uaddr2, bool shared, int nwake,
		  int nwake2, uint32_t encoded_op);

/* For thread exit (CLONE_CHILD_CLEARTID, robust lists): wakes up to n
 * waiters on the word at uaddr of process p's address space, keyed as a
 * shared futex (which is a private key when the word lies in a private
 * mapping), as Linux does.  Returns how many, or -EFAULT/-EINVAL.  Call
 * it without holding any lock; p's vmmap must stay alive meanwhile. */
int futex_wake_addr(struct proc *p, uint32_t uaddr, int n);

/* Sleeping waiters (tests and leak checks). */
size_t futex_nwaiters(void);
