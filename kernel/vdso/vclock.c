/*
 * The vDSO's clock functions (kernel/vdso/): clock_gettime, gettimeofday,
 * time and clock_getres served from the vvar page (drivers/vvar.h)
 * without entering the kernel, for the clocks the kernel keeps there
 * (REALTIME, MONOTONIC and their aliases).  Any other clock, or a
 * gettimeofday that asks for the time zone, is passed to the system call,
 * so every call behaves exactly as the system call would (results as
 * -errno, which glibc expects from a vDSO function).
 *
 * Built with the host gcc as position-independent user code: no libc, no
 * 64-bit division (the kernel stores seconds and nanoseconds separately).
 */
#include "drivers/vvar.h"

#define NR_time 13
#define NR_gettimeofday 78
#define NR_clock_gettime 265
#define NR_clock_getres 266
#define NR_clock_gettime64 403

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define CLOCK_TAI 11
#define NSEC_PER_USEC 1000

struct timespec32 { int tv_sec, tv_nsec; };
struct timespec64 { long long tv_sec, tv_nsec; };
struct timeval32 { int tv_sec, tv_usec; };

extern const struct vvar_data vvar_page __attribute__((visibility("hidden")));

#define barrier() __asm__ volatile("" ::: "memory")

static long syscall2(long nr, long a1, long a2)
{
	long ret;
	__asm__ volatile("int $0x80" : "=a"(ret) : "0"(nr), "b"(a1), "c"(a2) : "memory");
	return ret;
}

enum vclock { VCLOCK_NONE, VCLOCK_REAL, VCLOCK_MONO };

static enum vclock vclock_of(int clock)
{
	switch (clock) {
	case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE: case CLOCK_TAI:
		return VCLOCK_REAL;
	case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE: case CLOCK_BOOTTIME:
		return VCLOCK_MONO;
	default:
		return VCLOCK_NONE;
	}
}

/* A consistent reading of one clock from the vvar page. */
static void vclock_read(enum vclock which, long long *sec, int *nsec)
{
	const struct vvar_data *v = &vvar_page;
	unsigned int seq;
	do {
		seq = v->seq;
		barrier();
		if (which == VCLOCK_REAL) {
			*sec = v->real_sec;
			*nsec = v->real_nsec;
		} else {
			*sec = v->mono_sec;
			*nsec = v->mono_nsec;
		}
		barrier();
	} while ((seq & 1) || seq != v->seq);
}

int __vdso_clock_gettime(int clock, struct timespec32 *ts);
int __vdso_clock_gettime(int clock, struct timespec32 *ts)
{
	enum vclock which = vclock_of(clock);
	long long sec;
	int nsec;
	if (which == VCLOCK_NONE)
		return syscall2(NR_clock_gettime, clock, (long)ts);
	vclock_read(which, &sec, &nsec);
	ts->tv_sec = (int)sec;
	ts->tv_nsec = nsec;
	return 0;
}

int __vdso_clock_gettime64(int clock, struct timespec64 *ts);
int __vdso_clock_gettime64(int clock, struct timespec64 *ts)
{
	enum vclock which = vclock_of(clock);
	long long sec;
	int nsec;
	if (which == VCLOCK_NONE)
		return syscall2(NR_clock_gettime64, clock, (long)ts);
	vclock_read(which, &sec, &nsec);
	ts->tv_sec = sec;
	ts->tv_nsec = nsec;
	return 0;
}

int __vdso_gettimeofday(struct timeval32 *tv, void *tz);
int __vdso_gettimeofday(struct timeval32 *tv, void *tz)
{
	long long sec;
	int nsec;
	if (tz)
		return syscall2(NR_gettimeofday, (long)tv, (long)tz);
	if (tv) {
		vclock_read(VCLOCK_REAL, &sec, &nsec);
		tv->tv_sec = (int)sec;
		tv->tv_usec = nsec / NSEC_PER_USEC;
	}
	return 0;
}

int __vdso_time(int *t);
int __vdso_time(int *t)
{
	long long sec;
	int nsec;
	vclock_read(VCLOCK_REAL, &sec, &nsec);
	if (t)
		*t = (int)sec;
	return (int)sec;
}

int __vdso_clock_getres(int clock, struct timespec32 *res);
int __vdso_clock_getres(int clock, struct timespec32 *res)
{
	if (vclock_of(clock) == VCLOCK_NONE)
		return syscall2(NR_clock_getres, clock, (long)res);
	if (res) {
		res->tv_sec = 0;
		res->tv_nsec = (int)vvar_page.res_nsec;
	}
	return 0;
}
