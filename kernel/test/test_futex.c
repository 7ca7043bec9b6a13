/* Suite "futex": the kernel side of futexes without user mode.  Waiter
 * threads run in processes of their own whose address spaces the suite
 * builds (a MAP_SHARED anonymous page, a private page, and a copy made
 * as fork does); they call futex_wait as the system call would, and the
 * suite wakes them with futex_wake_addr, the entry point thread exit
 * uses (CLONE_CHILD_CLEARTID).  Proves: a shared word is one futex in
 * both address spaces and a private one is not; a word in a private
 * mapping is keyed by the address space even for a shared wake; a
 * timed wait times out; killing a sleeper takes it off the table; bad
 * addresses are errors; nothing leaks (the framework checks objects,
 * frames and processes). */
#include "test/ktest.h"
#include "drivers/pit.h"
#include "mm/page.h"
#include "mm/pagetable.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "util/errno.h"
#include "vm/futex.h"
#include "vm/mmap.h"
#include "vm/vmmap.h"

#define FBASE 0x20000000u			/* the shared page */
#define FPRIV (FBASE + PAGE_SIZE)		/* the private page */
#define SETTLE_LIMIT_MS 2000
#define NWAITERS 3

enum { W_SHARED, W_PRIVATE, W_TIMED };
static volatile int results[NWAITERS];

/* arg1: slot in results; arg2: which wait. */
static void *waiter(long slot, void *kind)
{
	switch ((long)kind) {
	case W_SHARED:
		results[slot] = futex_wait(FBASE, true, 0, FUTEX_BITSET_MATCH_ANY, FUTEX_NO_DEADLINE);
		break;
	case W_PRIVATE:
		results[slot] = futex_wait(FPRIV, false, 0, FUTEX_BITSET_MATCH_ANY, FUTEX_NO_DEADLINE);
		break;
	default:
		results[slot] = futex_wait(FBASE, true, 0, FUTEX_BITSET_MATCH_ANY, ticks_now() + 3);
		break;
	}
	return NULL;
}

/* A process with the given address space, its one thread a waiter. */
static proc_t *spawn_waiter(vmmap_t *map, long slot, long kind)
{
	int err = 0;
	proc_t *p = proc_create("futex-waiter", &err);
	if (!p)
		return NULL;
	p->pagedir = map->pd;
	p->vmmap = map;
	results[slot] = 1;
	kthread_t *t = kthread_create(p, waiter, slot, (void *)kind);
	if (!t)
		return NULL;
	sched_make_runnable(t);
	return p;
}

static vmmap_t *new_space(void)
{
	pde_t *pd = pt_create_pd();
	vmmap_t *map = pd ? vmmap_create(pd) : NULL;
	if (!map)
		return NULL;
	vm_mmap(map, FBASE, PAGE_SIZE, PROT_READ | PROT_WRITE,
		MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
	vm_mmap(map, FPRIV, PAGE_SIZE, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
	return map;
}

static bool await_waiters(size_t n)
{
	for (int ms = 0; ms < SETTLE_LIMIT_MS; ms += 10) {
		if (futex_nwaiters() == n)
			return true;
		sched_sleep_ms(10);
	}
	return false;
}

static void reap(proc_t *p)
{
	if (!p)
		return;
	int pid = p->pid;	/* p is freed by the reaping */
	KT_EQ(proc_waitpid(pid, NULL, 0), pid);
}

static void test_futex(void)
{
	vmmap_t *m1 = new_space();
	KT_ASSERT(m1 != NULL, "address space");
	if (!m1)
		return;
	vmmap_t *m2 = vmmap_clone(m1, pt_create_pd());	/* as fork */
	KT_ASSERT(m2 != NULL, "clone");

	/* The original space is only woken through, never run: a process
	 * record is all futex_wake_addr needs of it. */
	proc_t probe = { 0 };
	proc_t *p1 = &probe;
	p1->vmmap = m1;

	/* Errors, with nobody waiting. */
	KT_EQ(futex_wake_addr(p1, FBASE, 1), 0);
	KT_EQ(futex_wake_addr(p1, FBASE + 2, 1), -EINVAL);
	KT_EQ(futex_wake_addr(p1, FBASE + 2 * PAGE_SIZE, 1), -EFAULT);	/* unmapped */
	KT_EQ(futex_wake_addr(p1, USER_END, 1), -EFAULT);

	/* A sleeper on the shared page in the copy, one on the private page
	 * of the copy, one on the private page of the original. */
	proc_t *a = m2 ? spawn_waiter(m2, 0, W_SHARED) : NULL;
	vmmap_t *m3 = vmmap_clone(m1, pt_create_pd());
	proc_t *b = m3 ? spawn_waiter(m3, 1, W_PRIVATE) : NULL;
	KT_ASSERT(a && b, "waiter processes");
	KT_ASSERT(await_waiters(2), "two sleepers queued (%zu)", futex_nwaiters());

	KT_EQ(futex_wake_addr(p1, FPRIV, 5), 0);	/* their own copies: not ours */
	KT_EQ(futex_wake_addr(p1, FBASE, 5), 1);	/* the shared page: the copy's sleeper */
	reap(a);
	KT_EQ(results[0], 0);
	KT_EQ(futex_nwaiters(), 1);
	/* The private sleeper is reached through its own process, even by a
	 * shared wake: its word is in a private mapping. */
	KT_EQ(futex_wake_addr(b, FPRIV, 5), 1);
	reap(b);
	KT_EQ(results[1], 0);

	/* A timed wait ends by itself; a killed sleeper leaves the table. */
	vmmap_t *m4 = vmmap_clone(m1, pt_create_pd());
	proc_t *c = m4 ? spawn_waiter(m4, 2, W_TIMED) : NULL;
	KT_ASSERT(c != NULL, "timed waiter");
	reap(c);
	KT_EQ(results[2], -ETIMEDOUT);
	vmmap_t *m5 = vmmap_clone(m1, pt_create_pd());
	proc_t *d = m5 ? spawn_waiter(m5, 0, W_SHARED) : NULL;
	KT_ASSERT(d && await_waiters(1), "a sleeper to kill");
	if (d)
		proc_kill(d, W_EXITCODE(0, 9));
	reap(d);
	KT_EQ(results[0], -EINTR);
	KT_EQ(futex_nwaiters(), 0);
	KT_EQ(futex_wake_addr(p1, FBASE, 5), 0);

	/* Reaping each waiter freed its space; the original is ours. */
	pde_t *pd = m1->pd;
	vmmap_destroy(m1);
	pt_destroy_pd(pd);
}

KTEST_SUITE("futex", test_futex);
