/*
 * bench/hugepage.c - huge pages against 4 KiB pages (doc/benchmarks.md).
 *
 * touch_64MiB_*: map 64 MiB of anonymous memory, store one word in every
 * 4 KiB page, unmap; n MiB per batch, so the unit is ticks per MiB.  The
 * huge variant asks for 4 MiB pages with MAP_HUGETLB and, where that is
 * refused (Linux without a hugetlbfs pool), with MADV_HUGEPAGE on a
 * 4 MiB-aligned range (a Linux without THP, as i386 non-PAE, then simply
 * uses 4 KiB pages: the row says so by its numbers).  The 4k variant
 * gives MADV_NOHUGEPAGE so a transparent mode cannot change it.
 *
 * random_64MiB_*: one 64 MiB region, populated first (untimed), then n
 * loads at pseudo-random 4 KiB pages: the TLB-reach row (ticks per
 * access).  Under QEMU TCG the guest TLB is QEMU's software TLB, so this
 * measures that, not a hardware TLB.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include "mbench.h"

#define HP_MIB (1024u * 1024u)
#define HP_HUGE (4u * HP_MIB)
#define HP_REGION (64u * HP_MIB)
#define HP_LCG_MUL 1664525u
#define HP_LCG_ADD 1013904223u

static volatile uint32_t hp_sink;

/* A 64 MiB anonymous region, huge or not; unmap *len bytes at *base. */
static char *hp_map(int huge, char **base, size_t *len)
{
    char *p;

    if (huge) {
        p = mmap(NULL, HP_REGION, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
        if (p != MAP_FAILED) {
            *base = p;
            *len = HP_REGION;
            return p;
        }
    }
    *len = HP_REGION + HP_HUGE;
    *base = mmap(NULL, *len, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (*base == MAP_FAILED)
        return NULL;
    p = (char *)(((uintptr_t)*base + HP_HUGE - 1) & ~(uintptr_t)(HP_HUGE - 1));
    madvise(p, HP_REGION, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);  /* advice */
    return p;
}

static int hp_touch(int huge, long n, uint64_t *ticks)
{
    uint64_t t0 = mb_rdtsc();
    long done = 0;

    while (done < n) {
        long mib = n - done < (long)(HP_REGION / HP_MIB) ? n - done : (long)(HP_REGION / HP_MIB);
        char *base, *p;
        size_t len, off;

        if (!(p = hp_map(huge, &base, &len)))
            return errno;
        for (off = 0; off < (size_t)mib * HP_MIB; off += MB_PAGE_SIZE)
            p[off] = 1;
        if (munmap(base, len) < 0)
            return errno;
        done += mib;
    }
    *ticks = mb_rdtsc() - t0;
    return 0;
}

static int hp_random(int huge, long n, uint64_t *ticks)
{
    char *base, *p;
    size_t len, off;
    uint32_t x = 12345, sum = 0;
    uint64_t t0;
    long i;

    if (!(p = hp_map(huge, &base, &len)))
        return errno;
    for (off = 0; off < HP_REGION; off += MB_PAGE_SIZE)
        p[off] = (char)off;
    t0 = mb_rdtsc();
    for (i = 0; i < n; i++) {
        x = x * HP_LCG_MUL + HP_LCG_ADD;
        sum += (uint8_t)p[(x >> 6) % (HP_REGION / MB_PAGE_SIZE) * MB_PAGE_SIZE + (x & 63)];
    }
    *ticks = mb_rdtsc() - t0;
    hp_sink = sum;
    return munmap(base, len) < 0 ? errno : 0;
}

int mb_touch_4k(long n, uint64_t *ticks) { return hp_touch(0, n, ticks); }
int mb_touch_huge(long n, uint64_t *ticks) { return hp_touch(1, n, ticks); }
int mb_random_4k(long n, uint64_t *ticks) { return hp_random(0, n, ticks); }
int mb_random_huge(long n, uint64_t *ticks) { return hp_random(1, n, ticks); }
