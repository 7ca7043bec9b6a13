/*
 * ringbench.c - the ring library's rows (user/lib/mosring), two processes:
 *
 *   mosring_msg_64B       a 64-byte message there and back through two
 *                         SPSC rings (blocking on futexes when empty)
 *   mosring_handoff_1MiB  a 1 MiB buffer of a producer's private memory
 *                         through a handoff-mode ring: given with
 *                         mos_page_give (MOS_GIVE_MOVE) on M-OS, copied
 *                         into the ring's shared data area on Linux; the
 *                         producer stamps every page of its buffer first
 *                         (on M-OS that faults fresh zero pages in, since
 *                         the previous buffer's pages were moved away)
 *                         and the consumer checks every page.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mbench.h"
#include "mos/syscalls.h"
#include "mosring.h"

#define MSG_SIZE 64
#define MSG_SLOTS 64
#define BUF_SIZE MB_MIB
#define BUF_SLOTS 4
#define WAIT_FOREVER (-1)

typedef struct {
    mosring_t ping, pong;
    long n;
} rt_job_t;

static int ring_pair(rt_job_t *j)
{
    mosring_params_t p = { MOSRING_SPSC, MSG_SLOTS, MSG_SIZE, 0, 0 };
    int rc = mosring_create(&j->ping, &p);
    if (rc == 0 && (rc = mosring_create(&j->pong, &p)) < 0)
        mosring_detach(&j->ping);
    return -rc;
}

static int echo(void *arg)
{
    rt_job_t *j = arg;
    char m[MSG_SIZE];
    long i;

    if (mosring_join(&j->ping, MOSRING_CONSUMER) < 0 ||
        mosring_join(&j->pong, MOSRING_PRODUCER) < 0)
        return EINVAL;
    for (i = 0; i < j->n; i++)
        if (mosring_recv(&j->ping, m, WAIT_FOREVER) < 0 ||
            mosring_send(&j->pong, m, WAIT_FOREVER) < 0)
            return EPIPE;
    return 0;
}

int mb_mosring_msg(long n, uint64_t *ticks)
{
    rt_job_t j = { .n = n };
    char m[MSG_SIZE] = { 1 };
    uint64_t t0;
    long i;
    int err = ring_pair(&j);
    pid_t pid;

    if (err != 0)
        return err;
    pid = mb_spawn(echo, &j);
    if (pid < 0) {
        err = errno;
        goto out;
    }
    mosring_join(&j.ping, MOSRING_PRODUCER);
    mosring_join(&j.pong, MOSRING_CONSUMER);
    t0 = mb_rdtsc();
    for (i = 0; i < n && err == 0; i++)
        if (mosring_send(&j.ping, m, WAIT_FOREVER) < 0 ||
            mosring_recv(&j.pong, m, WAIT_FOREVER) < 0)
            err = EPIPE;
    *ticks = mb_rdtsc() - t0;
    if (err != 0)
        kill(pid, SIGKILL);   /* it may be asleep on a futex */
    {
        int werr = mb_wait(pid);
        err = err ? err : werr;
    }
out:
    mosring_detach(&j.ping);
    mosring_detach(&j.pong);
    return err;
}

typedef struct {
    mosring_t r;
    long n;
} ho_job_t;

static int handoff_producer(void *arg)
{
    ho_job_t *j = arg;
    char *buf;
    long i;

    if (mosring_join(&j->r, MOSRING_PRODUCER) < 0)
        return EINVAL;
    buf = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (buf == MAP_FAILED)
        return ENOMEM;
    for (i = 0; i < j->n; i++) {
        for (size_t off = 0; off < BUF_SIZE; off += MB_PAGE_SIZE)
            *(uint32_t *)(buf + off) = (uint32_t)i;
        if (mosring_send_pages(&j->r, buf, BUF_SIZE, MOS_GIVE_MOVE, WAIT_FOREVER) < 0)
            return EPIPE;
    }
    return 0;
}

int mb_mosring_handoff(long n, uint64_t *ticks)
{
    mosring_params_t p = { MOSRING_SPSC, BUF_SLOTS, 0, BUF_SIZE, 0 };
    ho_job_t j = { .n = n };
    uint64_t t0;
    long i;
    int err = -mosring_create(&j.r, &p);
    pid_t pid;

    if (err != 0)
        return err;
    if (mosring_join(&j.r, MOSRING_CONSUMER) < 0) {
        err = EINVAL;
        goto out;
    }
    pid = mb_spawn(handoff_producer, &j);
    if (pid < 0) {
        err = errno;
        goto out;
    }
    t0 = mb_rdtsc();
    for (i = 0; i < n && err == 0; i++) {
        void *buf;
        size_t len;
        if (mosring_recv_pages(&j.r, &buf, &len, WAIT_FOREVER) < 0 || len != BUF_SIZE) {
            err = EPIPE;
            break;
        }
        for (size_t off = 0; off < BUF_SIZE; off += MB_PAGE_SIZE)
            if (*(const uint32_t *)((char *)buf + off) != (uint32_t)i)
                err = EBADMSG;
        mosring_release_pages(&j.r);
    }
    *ticks = mb_rdtsc() - t0;
    if (err != 0)
        kill(pid, SIGKILL);
    {
        int werr = mb_wait(pid);
        err = err ? err : werr;
    }
out:
    mosring_detach(&j.r);
    return err;
}
