/*
 * Futexes: wait queues named by a word of user memory.
 *
 * A waiter resolves its key (vm/futex.h: private = address space and
 * address, shared = memory object, page and offset) under the map's lock,
 * then, holding futex_mutex, reads the word with the fault-safe user copy
 * and, if it still holds the expected value, queues a futex_waiter_t (on
 * its own kernel stack) on the key's hash bucket.  Every wake and requeue
 * holds futex_mutex too, so a waker that changed the word before waking
 * either finds the waiter queued or made it see the new value: no wake is
 * lost.  The waiter then sleeps on its own wait queue until a waker sets
 * its `woken` flag (under futex_wake_lock, the sleep's lock), a deadline
 * passes or a signal comes; if it was not woken, it takes itself off its
 * bucket (whichever one a requeue moved it to) under futex_mutex.
 *
 * futex_mutex is a kmutex because reading the word may fault and sleep
 * (demand paging, a file's page read from disk).  It is one lock for the
 * whole table: simple, and enough on one CPU; per-bucket locks can come
 * with SMP.  A shared key's object reference belongs to the waiter and
 * moves with it when it is requeued.
 *
 * Lock order: map->lock is taken alone to resolve keys; then
 * futex_mutex -> map->lock (faults while copying the word) ->
 * vn_mutex/table_lock; futex_mutex -> futex_wake_lock -> sched_lock.
 */
#include "vm/futex.h"
#include "vm/vmmap.h"
#include "api/usercopy.h"
#include "mm/page.h"
#include "proc/kmutex.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "drivers/pit.h"
#include "util/debug.h"
#include "util/errno.h"

#define FUTEX_HASH_BITS 6
#define FUTEX_HASH_SIZE (1u << FUTEX_HASH_BITS)

typedef struct futex_key {
	const void *space;	/* the mmobj_t (shared) or vmmap_t (private) */
	uint32_t index;		/* page in the object, or the user address */
	uint32_t offset;	/* byte in the page (shared), else 0 */
	mmobj_t *obj;		/* shared: the referenced object; else NULL */
} futex_key_t;

typedef struct futex_waiter {
	futex_key_t key;	/* futex_mutex */
	uint32_t bitset;	/* FUTEX_WAIT_BITSET's mask */
	list_t link;		/* on its bucket; futex_mutex */
	bool woken;		/* futex_wake_lock (set under futex_mutex too) */
	wait_queue_t wq;	/* the waiter alone sleeps here */
} futex_waiter_t;

static kmutex_t futex_mutex = {
	"futex table", NULL, WAIT_QUEUE_INIT(futex_mutex.waiters)
};
static spinlock_t futex_wake_lock = SPINLOCK_INIT("futex waiters' woken flags");
static list_t futex_table[FUTEX_HASH_SIZE];	/* futex_mutex */
static bool futex_table_ready;			/* futex_mutex */
static size_t futex_count;			/* queued waiters; futex_mutex */

/* ---- keys ---- */

static bool key_equal(const futex_key_t *a, const futex_key_t *b)
{
	return a->space == b->space && a->index == b->index && a->offset == b->offset;
}

static void key_put(futex_key_t *k)
{
	if (k->obj)
		mmobj_put(k->obj);
	k->obj = NULL;
}

/* Resolves the key of the word at uaddr in p's address space; a shared
 * key takes a reference on its object (key_put drops it). */
static int key_get(proc_t *p, uint32_t uaddr, bool shared, futex_key_t *k)
{
	if (uaddr % sizeof(uint32_t))
		return -EINVAL;
	if (!user_range_ok((void *)uaddr, sizeof(uint32_t)) || !p->vmmap)
		return -EFAULT;
	vmmap_t *map = p->vmmap;
	k->space = map;
	k->index = uaddr;
	k->offset = 0;
	k->obj = NULL;
	if (!shared)
		return 0;
	int rc = 0;
	kmutex_lock(&map->lock);
	vmarea_t *a = vmmap_lookup(map, PN(uaddr));
	if (!a) {
		rc = -EFAULT;
	} else if (a->flags & MAP_SHARED) {
		mmobj_ref(a->obj);
		k->obj = a->obj;
		k->space = a->obj;
		k->index = a->off + (PN(uaddr) - a->start);
		k->offset = uaddr & (PAGE_SIZE - 1);
	}	/* a private mapping: keyed by the address space, as Linux */
	kmutex_unlock(&map->lock);
	return rc;
}

/* ---- the table (futex_mutex held) ---- */

static list_t *bucket(const futex_key_t *k)
{
	if (!futex_table_ready) {
		for (size_t i = 0; i < FUTEX_HASH_SIZE; i++)
			list_init(&futex_table[i]);
		futex_table_ready = true;
	}
	uint32_t h = (uint32_t)k->space ^ (k->index * 0x9e3779b1u) ^ k->offset;
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	return &futex_table[(h >> (32 - FUTEX_HASH_BITS)) & (FUTEX_HASH_SIZE - 1)];
}

/* Takes w off its bucket and wakes it; w may be gone as soon as the wake
 * lock is dropped. */
static void wake_waiter(futex_waiter_t *w)
{
	list_remove(&w->link);
	futex_count--;
	spin_lock(&futex_wake_lock);
	w->woken = true;
	sched_wakeup_on(&w->wq);
	spin_unlock(&futex_wake_lock);
}

/* Wakes up to n (Linux wakes one even for n <= 0) waiters on k whose
 * bitset meets `bitset`. */
static int wake_key(const futex_key_t *k, int n, uint32_t bitset)
{
	list_t *b = bucket(k), *pos, *tmp;
	int woken = 0;
	list_for_each_safe(pos, tmp, b) {
		futex_waiter_t *w = list_entry(pos, futex_waiter_t, link);
		if (!key_equal(&w->key, k) || !(w->bitset & bitset))
			continue;
		wake_waiter(w);
		if (++woken >= n)
			break;
	}
	return woken;
}

/* Reads the word at uaddr of the current address space. */
static int read_word(uint32_t uaddr, uint32_t *val)
{
	return copy_from_user(val, (const void *)uaddr, sizeof(*val)) < 0 ? -EFAULT : 0;
}

/* ---- operations ---- */

/* Sleeps until woken, the deadline or a signal; returns 0 if woken. */
static int wait_woken(futex_waiter_t *w, uint64_t deadline)
{
	int rc = 0;
	spin_lock(&futex_wake_lock);
	while (!w->woken && rc == 0) {
		if (deadline == FUTEX_NO_DEADLINE)
			rc = sched_cancellable_sleep_on(&w->wq, &futex_wake_lock);
		else
			rc = sched_timed_sleep_on(&w->wq, &futex_wake_lock, deadline);
	}
	bool woken = w->woken;
	spin_unlock(&futex_wake_lock);
	if (woken)
		return 0;
	kmutex_lock(&futex_mutex);
	if (w->woken) {		/* a wake came after all: it counted us */
		rc = 0;
	} else {
		list_remove(&w->link);
		futex_count--;
	}
	kmutex_unlock(&futex_mutex);
	return rc;
}

int futex_wait(uint32_t uaddr, bool shared, uint32_t val, uint32_t bitset,
	       uint64_t deadline)
{
	futex_waiter_t w;
	int rc = key_get(curproc, uaddr, shared, &w.key);
	if (rc)
		return rc;
	w.bitset = bitset;
	w.woken = false;
	wait_queue_init(&w.wq);

	uint32_t cur;
	kmutex_lock(&futex_mutex);
	rc = read_word(uaddr, &cur);
	if (rc == 0 && cur != val)
		rc = -EAGAIN;
	if (rc == 0 && deadline != FUTEX_NO_DEADLINE && ticks_now() >= deadline)
		rc = -ETIMEDOUT;
	if (rc) {
		kmutex_unlock(&futex_mutex);
		goto out_put_key;
	}
	list_insert_tail(bucket(&w.key), &w.link);
	futex_count++;
	kmutex_unlock(&futex_mutex);
	rc = wait_woken(&w, deadline);
out_put_key:
	key_put(&w.key);	/* the key we ended on (a requeue moves it) */
	return rc;
}

int futex_wake(uint32_t uaddr, bool shared, int n, uint32_t bitset)
{
	futex_key_t k;
	int rc = key_get(curproc, uaddr, shared, &k);
	if (rc)
		return rc;
	kmutex_lock(&futex_mutex);
	rc = wake_key(&k, n, bitset);
	kmutex_unlock(&futex_mutex);
	key_put(&k);
	return rc;
}

int futex_wake_addr(proc_t *p, uint32_t uaddr, int n)
{
	futex_key_t k;
	int rc = key_get(p, uaddr, true, &k);
	if (rc)
		return rc;
	kmutex_lock(&futex_mutex);
	rc = wake_key(&k, n, FUTEX_BITSET_MATCH_ANY);
	kmutex_unlock(&futex_mutex);
	key_put(&k);
	return rc;
}

/* futex_mutex held; the caller holds references on both keys' objects,
 * so dropping w's old one never frees it. */
static void move_waiter(futex_waiter_t *w, const futex_key_t *to, list_t *dest)
{
	list_remove(&w->link);
	if (to->obj)
		mmobj_ref(to->obj);
	key_put(&w->key);
	w->key = *to;
	list_insert_tail(dest, &w->link);
}

/* Both keys of a two-word operation (requeue, wake-op), or neither. */
static int key_get_pair(uint32_t uaddr, uint32_t uaddr2, bool shared, futex_key_t *k1,
			futex_key_t *k2)
{
	int rc = key_get(curproc, uaddr, shared, k1);
	if (rc == 0 && (rc = key_get(curproc, uaddr2, shared, k2)) != 0)
		key_put(k1);
	return rc;
}

int futex_requeue(uint32_t uaddr, uint32_t uaddr2, bool shared, int nwake,
		  int nrequeue, bool cmp, uint32_t cmpval)
{
	if (nwake < 0 || nrequeue < 0)
		return -EINVAL;
	futex_key_t k1, k2;
	int rc = key_get_pair(uaddr, uaddr2, shared, &k1, &k2);
	if (rc)
		return rc;

	kmutex_lock(&futex_mutex);
	if (cmp) {
		uint32_t cur;
		rc = read_word(uaddr, &cur);
		if (rc == 0 && cur != cmpval)
			rc = -EAGAIN;
		if (rc)
			goto out_unlock;
	}
	list_t moved = LIST_INIT(moved);	/* so a same-bucket move is not seen again */
	list_t *b1 = bucket(&k1), *pos, *tmp;
	int count = 0;
	list_for_each_safe(pos, tmp, b1) {
		futex_waiter_t *w = list_entry(pos, futex_waiter_t, link);
		if (count - nwake >= nrequeue)
			break;
		if (!key_equal(&w->key, &k1))
			continue;
		if (++count <= nwake)
			wake_waiter(w);
		else
			move_waiter(w, &k2, &moved);
	}
	list_t *b2 = bucket(&k2);
	while (!list_empty(&moved)) {
		list_t *l = list_pop_head(&moved);
		list_insert_tail(b2, l);
	}
	rc = count;
out_unlock:
	kmutex_unlock(&futex_mutex);
	key_put(&k2);
	key_put(&k1);
	return rc;
}

static int sign_extend12(uint32_t v)
{
	return (int32_t)(v << 20) >> 20;
}

/* Applies FUTEX_WAKE_OP's operation to old; false for an unknown op. */
static bool apply_op(uint32_t encoded, uint32_t old, uint32_t *new)
{
	uint32_t op = (encoded >> 28) & 0xf;
	int arg = sign_extend12(encoded >> 12);
	if (op & FUTEX_OP_OPARG_SHIFT) {
		arg = (int)(1u << (arg & 31));	/* Linux masks a bad shift */
		op &= ~FUTEX_OP_OPARG_SHIFT;
	}
	switch (op) {
	case FUTEX_OP_SET: *new = (uint32_t)arg; return true;
	case FUTEX_OP_ADD: *new = old + (uint32_t)arg; return true;
	case FUTEX_OP_OR: *new = old | (uint32_t)arg; return true;
	case FUTEX_OP_ANDN: *new = old & ~(uint32_t)arg; return true;
	case FUTEX_OP_XOR: *new = old ^ (uint32_t)arg; return true;
	default: return false;
	}
}

/* FUTEX_WAKE_OP's comparison of the old value; -1 for an unknown one. */
static int compare_op(uint32_t encoded, uint32_t old)
{
	int arg = sign_extend12(encoded);
	int v = (int)old;
	switch ((encoded >> 24) & 0xf) {
	case FUTEX_OP_CMP_EQ: return v == arg;
	case FUTEX_OP_CMP_NE: return v != arg;
	case FUTEX_OP_CMP_LT: return v < arg;
	case FUTEX_OP_CMP_LE: return v <= arg;
	case FUTEX_OP_CMP_GT: return v > arg;
	case FUTEX_OP_CMP_GE: return v >= arg;
	default: return -1;
	}
}

int futex_wake_op(uint32_t uaddr, uint32_t uaddr2, bool shared, int nwake,
		  int nwake2, uint32_t encoded_op)
{
	uint32_t old, new;
	if (!apply_op(encoded_op, 0, &new) || compare_op(encoded_op, 0) < 0)
		return -ENOSYS;
	futex_key_t k1, k2;
	int rc = key_get_pair(uaddr, uaddr2, shared, &k1, &k2);
	if (rc)
		return rc;

	/* The read-modify-write is atomic with respect to other futex calls
	 * (futex_mutex), not to user code storing into the word meanwhile on
	 * another CPU or after a preemption between the two copies.  Atomic
	 * user-memory instructions with a fault fixup come with SMP. */
	kmutex_lock(&futex_mutex);
	rc = read_word(uaddr2, &old);
	if (rc)
		goto out_unlock;
	apply_op(encoded_op, old, &new);
	if (copy_to_user((void *)uaddr2, &new, sizeof(new)) < 0) {
		rc = -EFAULT;
		goto out_unlock;
	}
	rc = wake_key(&k1, nwake, FUTEX_BITSET_MATCH_ANY);
	if (compare_op(encoded_op, old))
		rc += wake_key(&k2, nwake2, FUTEX_BITSET_MATCH_ANY);
out_unlock:
	kmutex_unlock(&futex_mutex);
	key_put(&k2);
	key_put(&k1);
	return rc;
}

size_t futex_nwaiters(void)
{
	kmutex_lock(&futex_mutex);
	size_t n = futex_count;
	kmutex_unlock(&futex_mutex);
	return n;
}
