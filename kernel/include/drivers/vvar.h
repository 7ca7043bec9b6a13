/* The vvar page: the clock's state as user space reads it without a
 * system call (the vDSO's time functions, kernel/vdso/vclock.c).  One
 * page, written only by kernel/drivers/clock.c under clock_lock (on every
 * timer tick and when the wall clock is set), mapped read-only into
 * every process one page below its vDSO.
 *
 * Readers use the sequence count: seq is odd while the kernel writes;
 * a reader takes seq, copies the fields, and tries again if seq was odd
 * or has changed.  The times are those of the last tick, the same values
 * the clock system calls return (tick resolution, doc/api.md).
 *
 * This header is shared with the vDSO, which is built as user code: it
 * uses only the compiler's own types. */
#pragma once

struct vvar_data {
	volatile unsigned int seq;	/* odd while being written */
	unsigned int res_nsec;		/* the clocks' resolution */
	long long mono_sec;		/* CLOCK_MONOTONIC at the last tick */
	long long real_sec;		/* CLOCK_REALTIME at the last tick */
	int mono_nsec, real_nsec;	/* 0..999999999 */
};
