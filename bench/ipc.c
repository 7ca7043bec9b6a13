/*
 * ipc.c - benchmarks with two processes or two threads.
 *
 * Each one starts a helper (a child process from mb_spawn, or a thread),
 * lets it get ready untimed, then times n operations from the parent's
 * side only, so one clock is used throughout.  The helper starts work
 * only when told to ("go": a byte on a pipe or a flag in shared memory),
 * so set-up never lands inside the timed interval.  A helper exits with
 * the errno of its first failing call; the parent reports the first error
 * of either side.  File descriptors the helper does not use are closed in
 * it, so a side that gives up is seen by the other as end of file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mbench.h"
#include "ring.h"

#define STREAM_CHUNK (64 * 1024)     /* write size for pipe_bandwidth */
#define HANDOFF_SIZE MB_MIB          /* one buffer handed over */
#define HANDOFF_SLOTS 2              /* buffers in the shared pool */
#define MQ_MSG_SIZE 64
#define MQ_DEPTH 8

enum { SLOT_EMPTY, SLOT_FULL };

/* Two pipes: down (parent -> helper) and up (helper -> parent). */
typedef struct {
    int down[2];
    int up[2];
    long n;
} pipes_t;

static int pipes_open(pipes_t *p, long n)
{
    p->n = n;
    p->up[0] = p->up[1] = -1;
    if (pipe(p->down) < 0)
        return errno;
    if (pipe(p->up) < 0) {
        int err = errno;

        close(p->down[0]);
        close(p->down[1]);
        return err;
    }
    return 0;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* In the helper: keep the read end of down and the write end of up. */
static void pipes_helper_side(pipes_t *p)
{
    close_fd(&p->down[1]);
    close_fd(&p->up[0]);
}

static void pipes_parent_side(pipes_t *p)
{
    close_fd(&p->down[0]);
    close_fd(&p->up[1]);
}

static void pipes_close(pipes_t *p)
{
    close_fd(&p->down[0]);
    close_fd(&p->down[1]);
    close_fd(&p->up[0]);
    close_fd(&p->up[1]);
}

/* Start fn in a child with its ends of p; afterwards wait and combine. */
static pid_t pipes_spawn(pipes_t *p, int (*fn)(void *))
{
    pid_t pid = mb_spawn(fn, p);

    if (pid >= 0)
        pipes_parent_side(p);
    return pid;
}

/* The parent's error wins; otherwise the helper's. */
static int finish(pid_t pid, int err)
{
    int child_err = mb_wait(pid);

    return err != 0 ? err : child_err;
}

/* ---- pipe latency: one byte there and back ---------------------------- */

static int echo_helper(void *arg)
{
    pipes_t *p = arg;
    char c;
    long i;
    int err;

    pipes_helper_side(p);
    for (i = 0; i < p->n; i++) {
        err = mb_read_all(p->down[0], &c, 1);
        if (err == 0)
            err = mb_write_all(p->up[1], &c, 1);
        if (err != 0)
            return err;
    }
    return 0;
}

int mb_pipe_latency(long n, uint64_t *ticks)
{
    pipes_t p;
    uint64_t t0;
    pid_t pid;
    char c = 'x';
    long i;
    int err = pipes_open(&p, n);

    if (err != 0)
        return err;
    pid = pipes_spawn(&p, echo_helper);
    if (pid < 0) {
        err = errno;
        goto out_close;
    }
    t0 = mb_rdtsc();
    for (i = 0; i < n && err == 0; i++) {
        err = mb_write_all(p.down[1], &c, 1);
        if (err == 0)
            err = mb_read_all(p.up[0], &c, 1);
    }
    *ticks = mb_rdtsc() - t0;
    pipes_close(&p);
    return finish(pid, err);
out_close:
    pipes_close(&p);
    return err;
}

/* ---- pipe bandwidth: n MiB one way in 64 KiB writes ------------------- */

static int stream_helper(void *arg)
{
    pipes_t *p = arg;
    char *buf = malloc(STREAM_CHUNK);
    long chunks = p->n * (MB_MIB / STREAM_CHUNK);
    char go;
    long i;
    int err;

    pipes_helper_side(p);
    if (buf == NULL)
        return ENOMEM;
    memset(buf, 'b', STREAM_CHUNK);
    err = mb_read_all(p->down[0], &go, 1);
    for (i = 0; i < chunks && err == 0; i++)
        err = mb_write_all(p->up[1], buf, STREAM_CHUNK);
    free(buf);
    return err;
}

int mb_pipe_bandwidth(long n, uint64_t *ticks)
{
    char *buf = malloc(STREAM_CHUNK);
    long chunks = n * (MB_MIB / STREAM_CHUNK);
    pipes_t p;
    uint64_t t0;
    pid_t pid;
    long i;
    int err;

    if (buf == NULL)
        return ENOMEM;
    memset(buf, 0, STREAM_CHUNK);
    err = pipes_open(&p, n);
    if (err != 0)
        goto out_free;
    pid = pipes_spawn(&p, stream_helper);
    if (pid < 0) {
        err = errno;
        pipes_close(&p);
        goto out_free;
    }
    t0 = mb_rdtsc();
    err = mb_write_all(p.down[1], "g", 1);
    for (i = 0; i < chunks && err == 0; i++)
        err = mb_read_all(p.up[0], buf, STREAM_CHUNK);
    *ticks = mb_rdtsc() - t0;
    pipes_close(&p);
    err = finish(pid, err);
out_free:
    free(buf);
    return err;
}

/* ---- handing 1 MiB buffers over a pipe -------------------------------- */

/* The producer "fills" a buffer by stamping every page with its number;
 * the consumer checks every page's stamp.  Both hand-off benchmarks do
 * exactly this, so only the way the buffer travels differs. */
static void stamp_pages(char *buf, uint32_t seq)
{
    size_t off;

    for (off = 0; off < HANDOFF_SIZE; off += MB_PAGE_SIZE)
        *(volatile uint32_t *)(buf + off) = seq;
}

static int check_pages(const char *buf, uint32_t seq)
{
    size_t off;

    for (off = 0; off < HANDOFF_SIZE; off += MB_PAGE_SIZE)
        if (*(const volatile uint32_t *)(buf + off) != seq)
            return EBADMSG;
    return 0;
}

static int buffer_producer(void *arg)
{
    pipes_t *p = arg;
    char *buf = malloc(HANDOFF_SIZE);
    char go;
    long i;
    int err;

    pipes_helper_side(p);
    if (buf == NULL)
        return ENOMEM;
    memset(buf, 0, HANDOFF_SIZE);
    err = mb_read_all(p->down[0], &go, 1);
    for (i = 0; i < p->n && err == 0; i++) {
        stamp_pages(buf, (uint32_t)i);
        err = mb_write_all(p->up[1], buf, HANDOFF_SIZE);
    }
    free(buf);
    return err;
}

int mb_handoff_pipe(long n, uint64_t *ticks)
{
    char *buf = malloc(HANDOFF_SIZE);
    pipes_t p;
    uint64_t t0;
    pid_t pid;
    long i;
    int err;

    if (buf == NULL)
        return ENOMEM;
    memset(buf, 0, HANDOFF_SIZE);
    err = pipes_open(&p, n);
    if (err != 0)
        goto out_free;
    pid = pipes_spawn(&p, buffer_producer);
    if (pid < 0) {
        err = errno;
        pipes_close(&p);
        goto out_free;
    }
    t0 = mb_rdtsc();
    err = mb_write_all(p.down[1], "g", 1);
    for (i = 0; i < n && err == 0; i++) {
        err = mb_read_all(p.up[0], buf, HANDOFF_SIZE);
        if (err == 0)
            err = check_pages(buf, (uint32_t)i);
    }
    *ticks = mb_rdtsc() - t0;
    pipes_close(&p);
    err = finish(pid, err);
out_free:
    free(buf);
    return err;
}

/* ---- handing 1 MiB buffers through shared memory and a futex ---------- */

/* A POSIX shared-memory object: this header page, then HANDOFF_SLOTS
 * buffers.  state[s] is SLOT_EMPTY (the producer may fill buffer s) or
 * SLOT_FULL (the consumer may read it); each side waits on the futex at
 * state[s] for the other to flip it, and wakes the other after flipping. */
typedef struct {
    uint32_t state[HANDOFF_SLOTS];
    uint32_t go;
    long n;
} handoff_hdr_t;

#define HANDOFF_MAP_SIZE (MB_PAGE_SIZE + HANDOFF_SLOTS * HANDOFF_SIZE)

static char *slot_buf(handoff_hdr_t *h, int s)
{
    return (char *)h + MB_PAGE_SIZE + (size_t)s * HANDOFF_SIZE;
}

/* Wait until state[s] == want (the other value means "not yet"). */
static int slot_wait(handoff_hdr_t *h, int s, uint32_t want)
{
    while (__atomic_load_n(&h->state[s], __ATOMIC_ACQUIRE) != want) {
        int err = mb_futex_wait(&h->state[s], !want, 0);

        if (err != 0)
            return err;
    }
    return 0;
}

static int slot_set(handoff_hdr_t *h, int s, uint32_t value)
{
    __atomic_store_n(&h->state[s], value, __ATOMIC_RELEASE);
    return mb_futex_wake(&h->state[s], 0);
}

static int shm_producer(void *arg)
{
    handoff_hdr_t *h = arg;
    long i;
    int err = 0;

    while (!__atomic_load_n(&h->go, __ATOMIC_ACQUIRE))
        mb_cpu_relax();
    for (i = 0; i < h->n && err == 0; i++) {
        int s = (int)(i % HANDOFF_SLOTS);

        err = slot_wait(h, s, SLOT_EMPTY);
        if (err == 0) {
            stamp_pages(slot_buf(h, s), (uint32_t)i);
            err = slot_set(h, s, SLOT_FULL);
        }
    }
    return err;
}

/* Map a fresh, already unlinked shared-memory object of len bytes. */
static void *shm_map(size_t len, int *err)
{
    char name[64];
    void *p;
    int fd;

    snprintf(name, sizeof(name), "/mbench.%d", (int)getpid());
    fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
    if (fd < 0) {
        *err = errno;
        return NULL;
    }
    shm_unlink(name);
    if (ftruncate(fd, (off_t)len) < 0) {
        *err = errno;
        close(fd);
        return NULL;
    }
    p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    *err = p == MAP_FAILED ? errno : 0;
    close(fd);
    return p == MAP_FAILED ? NULL : p;
}

int mb_handoff_shm(long n, uint64_t *ticks)
{
    handoff_hdr_t *h;
    uint64_t t0;
    pid_t pid;
    long i;
    int err;

    h = shm_map(HANDOFF_MAP_SIZE, &err);
    if (h == NULL)
        return err;
    memset(h, 0, HANDOFF_MAP_SIZE);   /* fault the pool in, untimed */
    h->n = n;
    pid = mb_spawn(shm_producer, h);
    if (pid < 0) {
        err = errno;
        goto out_unmap;
    }
    t0 = mb_rdtsc();
    __atomic_store_n(&h->go, 1, __ATOMIC_RELEASE);
    for (i = 0; i < n && err == 0; i++) {
        int s = (int)(i % HANDOFF_SLOTS);

        err = slot_wait(h, s, SLOT_FULL);
        if (err == 0)
            err = check_pages(slot_buf(h, s), (uint32_t)i);
        if (err == 0)
            err = slot_set(h, s, SLOT_EMPTY);
    }
    *ticks = mb_rdtsc() - t0;
    if (err != 0)
        kill(pid, SIGKILL);   /* it may be asleep on a futex */
    err = finish(pid, err);
out_unmap:
    munmap(h, HANDOFF_MAP_SIZE);
    return err;
}

/* ---- lock-free ring in shared memory ---------------------------------- */

typedef struct {
    ring_t *ring;
    long n;
} ring_job_t;

static int ring_producer(void *arg)
{
    ring_job_t *job = arg;
    ring_msg_t m;
    long i;

    memset(&m, 0, sizeof(m));
    while (!__atomic_load_n(&job->ring->go, __ATOMIC_ACQUIRE))
        mb_cpu_relax();
    for (i = 0; i < job->n; i++) {
        m.seq = (uint32_t)i;
        m.offset = (uint64_t)i * MB_PAGE_SIZE;
        ring_push(job->ring, &m);
    }
    return 0;
}

int mb_spsc_ring(long n, uint64_t *ticks)
{
    ring_job_t job = { NULL, n };
    ring_msg_t m;
    uint64_t t0;
    pid_t pid;
    long i;
    int err = 0;

    job.ring = mmap(NULL, sizeof(ring_t), PROT_READ | PROT_WRITE,
                    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (job.ring == MAP_FAILED)
        return errno;
    memset(job.ring, 0, sizeof(ring_t));
    pid = mb_spawn(ring_producer, &job);
    if (pid < 0) {
        err = errno;
        goto out_unmap;
    }
    t0 = mb_rdtsc();
    __atomic_store_n(&job.ring->go, 1, __ATOMIC_RELEASE);
    for (i = 0; i < n && err == 0; i++) {
        ring_pop(job.ring, &m);
        if (m.seq != (uint32_t)i)
            err = EBADMSG;
    }
    *ticks = mb_rdtsc() - t0;
    if (err != 0)
        kill(pid, SIGKILL);
    err = finish(pid, err);
out_unmap:
    munmap(job.ring, sizeof(ring_t));
    return err;
}

/* ---- POSIX message queues: request and reply -------------------------- */

typedef struct {
    mqd_t req, rep;
    long n;
} mq_pair_t;

static int mq_echo_helper(void *arg)
{
    mq_pair_t *q = arg;
    char msg[MQ_MSG_SIZE];
    long i;

    for (i = 0; i < q->n; i++) {
        ssize_t len = mq_receive(q->req, msg, sizeof(msg), NULL);

        if (len < 0 || mq_send(q->rep, msg, (size_t)len, 0) < 0)
            return errno;
    }
    return 0;
}

static mqd_t mq_make(const char *what, int *err)
{
    struct mq_attr attr;
    char name[64];
    mqd_t q;

    memset(&attr, 0, sizeof(attr));
    attr.mq_maxmsg = MQ_DEPTH;
    attr.mq_msgsize = MQ_MSG_SIZE;
    snprintf(name, sizeof(name), "/mbench.%s.%d", what, (int)getpid());
    q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    *err = q == (mqd_t)-1 ? errno : 0;
    if (q != (mqd_t)-1)
        mq_unlink(name);   /* the descriptors keep it alive */
    return q;
}

int mb_mq_roundtrip(long n, uint64_t *ticks)
{
    mq_pair_t q = { (mqd_t)-1, (mqd_t)-1, n };
    char msg[MQ_MSG_SIZE];
    uint64_t t0;
    pid_t pid;
    long i;
    int err;

    memset(msg, 'm', sizeof(msg));
    q.req = mq_make("req", &err);
    if (err != 0)
        return err;
    q.rep = mq_make("rep", &err);
    if (err != 0)
        goto out_close;
    pid = mb_spawn(mq_echo_helper, &q);
    if (pid < 0) {
        err = errno;
        goto out_close;
    }
    t0 = mb_rdtsc();
    for (i = 0; i < n && err == 0; i++) {
        if (mq_send(q.req, msg, sizeof(msg), 0) < 0 ||
            mq_receive(q.rep, msg, sizeof(msg), NULL) < 0)
            err = errno;
    }
    *ticks = mb_rdtsc() - t0;
    if (err != 0)
        kill(pid, SIGKILL);
    err = finish(pid, err);
out_close:
    mq_close(q.req);
    if (q.rep != (mqd_t)-1)
        mq_close(q.rep);
    return err;
}

/* ---- a switch between two threads of one process ---------------------- */

/* turn says whose go it is: 0 the main thread, 1 the helper thread.  Each
 * flips it to the other and sleeps on the futex until it is flipped back,
 * so every flip is one switch.  stop ends the helper early on error. */
typedef struct {
    uint32_t turn;
    uint32_t stop;
    long rounds;
    int err;
} pingpong_t;

static int pass_turn(uint32_t *turn, uint32_t to)
{
    __atomic_store_n(turn, to, __ATOMIC_RELEASE);
    return mb_futex_wake(turn, 1);
}

static int await_turn(uint32_t *turn, uint32_t mine)
{
    uint32_t now;

    while ((now = __atomic_load_n(turn, __ATOMIC_ACQUIRE)) != mine) {
        int err = mb_futex_wait(turn, now, 1);

        if (err != 0)
            return err;
    }
    return 0;
}

static void *pong_thread(void *arg)
{
    pingpong_t *pp = arg;
    long i;

    for (i = 0; i < pp->rounds && pp->err == 0; i++) {
        pp->err = await_turn(&pp->turn, 1);
        if (__atomic_load_n(&pp->stop, __ATOMIC_ACQUIRE))
            break;
        if (pp->err == 0)
            pp->err = pass_turn(&pp->turn, 0);
    }
    return NULL;
}

int mb_thread_switch(long n, uint64_t *ticks)
{
    pingpong_t pp = { 0, 0, n / 2 > 0 ? n / 2 : 1, 0 };
    pthread_t th;
    uint64_t t0;
    long i;
    int err;

    err = pthread_create(&th, NULL, pong_thread, &pp);
    if (err != 0)
        return err;
    t0 = mb_rdtsc();
    for (i = 0; i < pp.rounds && err == 0; i++) {
        err = pass_turn(&pp.turn, 1);
        if (err == 0)
            err = await_turn(&pp.turn, 0);
    }
    *ticks = (mb_rdtsc() - t0) * n / (2 * pp.rounds);
    if (err != 0) {
        __atomic_store_n(&pp.stop, 1, __ATOMIC_RELEASE);
        pass_turn(&pp.turn, 1);
    }
    pthread_join(th, NULL);
    return err != 0 ? err : pp.err;
}
