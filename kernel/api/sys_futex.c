/*
 * futex(2) and futex_time64(2): argument decoding over vm/futex.c.
 *
 * Checks come in Linux's order: FUTEX_CLOCK_REALTIME with an operation
 * that has no timeout is ENOSYS; the timeout is read (EFAULT) and checked
 * (EINVAL) before anything else; then the operation's own checks (a zero
 * bitset, negative counts: EINVAL; an unaligned word: EINVAL; a word
 * outside user space or not mapped where a shared key needs it: EFAULT).
 * Priority-inheritance operations and FUTEX_FD are ENOSYS.
 *
 * Timeouts: FUTEX_WAIT's is relative (MONOTONIC); FUTEX_WAIT_BITSET's is
 * an absolute time on MONOTONIC, or on REALTIME with the flag.  Both
 * become a deadline in timer ticks when the call starts, rounded up so
 * the wait lasts at least the time asked; setting the wall clock during
 * an absolute REALTIME wait does not move its end (unlike Linux).
 *
 * Signals: a wait without a timeout returns -ERESTARTSYS, so a handler
 * with SA_RESTART (or no handler) restarts it, and without SA_RESTART the
 * call fails with EINTR; a wait with a timeout fails with EINTR after a
 * handler, as Linux does (Linux restarts it only when no handler ran).
 */
#include "api/linux_abi.h"
#include "api/syscall_handlers.h"
#include "api/usercopy.h"
#include "drivers/clock.h"
#include "drivers/pit.h"
#include "proc/signal.h"
#include "vm/futex.h"
#include "util/errno.h"

#define NSEC_PER_TICK (NSEC_PER_SEC / HZ)
#define FUTEX_MAX_TIMEOUT_SEC 0x7fffffffll	/* longer is forever, in effect */

/* The timeout argument read into *ns (relative or absolute). */
static long read_timeout(uint32_t uts, bool ts64, int64_t *ns)
{
	int64_t sec, nsec;
	int rc = timespec_from_user(uts, ts64, &sec, &nsec);
	if (rc)
		return rc;
	*ns = MIN(sec, FUTEX_MAX_TIMEOUT_SEC) * NSEC_PER_SEC + nsec;
	return 0;
}

/* The tick by which `rel` nanoseconds from now have surely passed. */
static uint64_t deadline_after(int64_t rel)
{
	if (rel <= 0)
		return ticks_now();
	/* +1: the current tick is partly gone already */
	return ticks_now() + (uint64_t)((rel + NSEC_PER_TICK - 1) / NSEC_PER_TICK) + 1;
}

static long do_futex(uint32_t uaddr, uint32_t op, uint32_t val, uint32_t utime,
		     uint32_t uaddr2, uint32_t val3, bool ts64)
{
	int cmd = (int)(op & FUTEX_CMD_MASK);
	bool shared = !(op & FUTEX_PRIVATE_FLAG);
	bool realtime = op & FUTEX_CLOCK_REALTIME;
	bool waits = cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET;

	if (realtime && !waits)
		return -ENOSYS;
	uint64_t deadline = FUTEX_NO_DEADLINE;
	if (waits && utime) {
		int64_t ns;
		long rc = read_timeout(utime, ts64, &ns);
		if (rc)
			return rc;
		if (cmd == FUTEX_WAIT)
			deadline = deadline_after(ns);
		else
			deadline = deadline_after(ns - (realtime ? clock_realtime_ns()
							      : clock_monotonic_ns()));
	}

	switch (cmd) {
	case FUTEX_WAIT:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fall through */
	case FUTEX_WAIT_BITSET: {
		if (val3 == 0)
			return -EINVAL;
		int rc = futex_wait(uaddr, shared, val, val3, deadline);
		if (rc == -EINTR && deadline == FUTEX_NO_DEADLINE)
			rc = -ERESTARTSYS;
		return rc;
	}
	case FUTEX_WAKE:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fall through */
	case FUTEX_WAKE_BITSET:
		if (val3 == 0)
			return -EINVAL;
		return futex_wake(uaddr, shared, (int)val, val3);
	case FUTEX_REQUEUE:
		return futex_requeue(uaddr, uaddr2, shared, (int)val, (int)utime, false, 0);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(uaddr, uaddr2, shared, (int)val, (int)utime, true, val3);
	case FUTEX_WAKE_OP:
		return futex_wake_op(uaddr, uaddr2, shared, (int)val, (int)utime, val3);
	default:	/* FUTEX_FD, the PI operations, unknown ones */
		return -ENOSYS;
	}
}

SYSCALL(futex)
{
	return do_futex(a1, a2, a3, a4, a5, a6, false);
}

SYSCALL(futex_time64)
{
	return do_futex(a1, a2, a3, a4, a5, a6, true);
}
