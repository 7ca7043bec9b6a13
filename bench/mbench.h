/*
 * mbench.h - what the benchmark files share.
 *
 * mbench is one static i386 program that runs unchanged on Linux and on
 * M-OS (both speak the Linux i386 system-call ABI), so the two kernels can
 * be compared side by side in the same emulator.  Every benchmark is a
 * function that performs N operations and reports how many time-stamp
 * counter ticks they took; the runner in mbench.c turns that into ticks
 * per operation.  A benchmark returns 0 on success or a positive errno for
 * the first call that failed (the kernel lacks it: "unsupported"), or
 * MB_CHILD_DIED when a helper process it started was killed by a signal.
 *
 * The files: mbench.c (runner, output, baselines, single-process system
 * calls, files and memory), ipc.c (everything with two processes or two
 * threads), dirs.c (directories that grow), ring.h (the lock-free
 * single-producer/single-consumer ring).
 * threads), ring.h (the lock-free single-producer/single-consumer ring),
 * ringbench.c (user/lib/mosring's rows, linked with its source).
 */
#ifndef MBENCH_H
#define MBENCH_H

#include <stdint.h>
#include <sys/types.h>

#define MB_PAGE_SIZE 4096
#define MB_MIB (1024 * 1024)
#define MB_BATCHES 5             /* timed batches; the median is reported */
#define MB_RUNS_PER_ROW (1 + MB_BATCHES)   /* a warm-up, then the batches */

/* Returned by a benchmark whose helper process died of mb_child_signal. */
#define MB_CHILD_DIED (-1)

typedef struct {
    const char *name;   /* printed name, one word */
    const char *unit;   /* what one operation is, e.g. "ticks/call" */
    long iters;         /* operations per timed batch at scale 1 */
    int baseline;       /* 1: no system calls, measures the emulator */
    int (*run)(long n, uint64_t *ticks);  /* 0, errno or MB_CHILD_DIED */
} mb_bench_t;

/* The processor's time-stamp counter. */
static inline uint64_t mb_rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* Set by mbench.c before any benchmark runs. */
extern const char *mb_tmpdir;      /* a writable directory for files */
extern const char *mb_self_path;   /* this program, for execve */
extern int mb_child_signal;        /* signal that killed a helper */

/* Process helpers (mbench.c). */
pid_t mb_spawn(int (*fn)(void *), void *arg);
int mb_wait(pid_t pid);
int mb_read_all(int fd, void *buf, size_t len);
int mb_write_all(int fd, const void *buf, size_t len);
int mb_futex_wait(volatile uint32_t *addr, uint32_t val, int private_);
int mb_futex_wake(volatile uint32_t *addr, int private_);
void mb_cpu_relax(void);

/* Benchmarks with two processes or threads (ipc.c). */
int mb_pipe_latency(long n, uint64_t *ticks);
int mb_pipe_bandwidth(long n, uint64_t *ticks);
int mb_spsc_ring(long n, uint64_t *ticks);
int mb_handoff_pipe(long n, uint64_t *ticks);
int mb_handoff_shm(long n, uint64_t *ticks);
int mb_mq_roundtrip(long n, uint64_t *ticks);
int mb_thread_switch(long n, uint64_t *ticks);

/* Create and lookup in a directory of 100 .. 50,000 entries (dirs.c). */
int mb_dir_create_100(long n, uint64_t *ticks);
int mb_dir_lookup_100(long n, uint64_t *ticks);
int mb_dir_create_1000(long n, uint64_t *ticks);
int mb_dir_lookup_1000(long n, uint64_t *ticks);
int mb_dir_create_10000(long n, uint64_t *ticks);
int mb_dir_lookup_10000(long n, uint64_t *ticks);
int mb_dir_create_50000(long n, uint64_t *ticks);
int mb_dir_lookup_50000(long n, uint64_t *ticks);
/* Huge pages against 4 KiB pages (hugepage.c). */
int mb_touch_4k(long n, uint64_t *ticks);
int mb_touch_huge(long n, uint64_t *ticks);
int mb_random_4k(long n, uint64_t *ticks);
int mb_random_huge(long n, uint64_t *ticks);
/* The ring library's rows (ringbench.c). */
int mb_mosring_msg(long n, uint64_t *ticks);
int mb_mosring_handoff(long n, uint64_t *ticks);

#endif
