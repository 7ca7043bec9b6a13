/*
 * dirs.c - directories that grow: the cost of one create and of one
 * lookup in a directory already holding 100, 1,000, 10,000 or 50,000
 * entries (issue 16: flat within 2x is the target).
 *
 * All rows share one directory, TMPDIR/mbench.dir, whose entries are
 * named e0000000, e0000001, ... and created in order, so the rows grow it
 * step by step (each row first fills it to its size, untimed; how many
 * names exist is found by a binary search with stat).  A create row
 * times open(O_CREAT|O_EXCL) + close of n new names and then removes
 * them, untimed, so the directory keeps its size; a lookup row times
 * stat of n existing names spread over the whole directory.  The last
 * row removes the directory.  Each row runs in a process of its own
 * (mbench.c), which is why the state lives in the file system.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mbench.h"

#define DIRS_LAST_SIZE 50000L
#define DIRS_SPREAD 7919L       /* a prime: lookups hop across the directory */
#define DIRS_PATH_MAX 4200

static void dir_path(char *buf, size_t size)
{
    snprintf(buf, size, "%s/mbench.dir", mb_tmpdir);
}

static void entry_path(char *buf, size_t size, char kind, long i)
{
    snprintf(buf, size, "%s/mbench.dir/%c%07ld", mb_tmpdir, kind, i);
}

static int exists(char kind, long i)
{
    char path[DIRS_PATH_MAX];
    struct stat st;

    entry_path(path, sizeof(path), kind, i);
    return stat(path, &st) == 0;
}

static int create(char kind, long i)
{
    char path[DIRS_PATH_MAX];
    int fd;

    entry_path(path, sizeof(path), kind, i);
    fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0600);
    if (fd < 0)
        return errno;
    close(fd);
    return 0;
}

static int remove_entry(char kind, long i)
{
    char path[DIRS_PATH_MAX];

    entry_path(path, sizeof(path), kind, i);
    return unlink(path) < 0 ? errno : 0;
}

/* How many e-names exist (they are a prefix e0 .. e(count-1)). */
static long count_entries(long max)
{
    long lo = 0, hi = max;      /* lo exist; hi do not, or the cap */

    while (lo < hi) {
        long mid = lo + (hi - lo + 1) / 2;

        if (exists('e', mid - 1))
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* Grows the directory to size entries. */
static int fill(long size)
{
    char path[DIRS_PATH_MAX];
    long i;
    int err;

    dir_path(path, sizeof(path));
    if (mkdir(path, 0700) < 0 && errno != EEXIST)
        return errno;
    for (i = count_entries(size); i < size; i++)
        if ((err = create('e', i)) != 0)
            return err;
    return 0;
}

static int create_row(long size, long n, uint64_t *ticks)
{
    uint64_t t0;
    long i;
    int err = fill(size);

    if (err != 0)
        return err;
    t0 = mb_rdtsc();
    for (i = 0; i < n && err == 0; i++)
        err = create('c', i);
    *ticks = mb_rdtsc() - t0;
    while (i-- > 0)
        remove_entry('c', i);
    return err;
}

static int lookup_row(long size, long n, uint64_t *ticks)
{
    uint64_t t0;
    long i;
    int err = fill(size);

    if (err != 0)
        return err;
    t0 = mb_rdtsc();
    for (i = 0; i < n; i++)
        if (!exists('e', (i * DIRS_SPREAD) % size))
            return ENOENT;
    *ticks = mb_rdtsc() - t0;
    return 0;
}

/* The last row leaves nothing behind. */
static void remove_all(void)
{
    char path[DIRS_PATH_MAX];
    long i;

    for (i = count_entries(DIRS_LAST_SIZE); i-- > 0;)
        remove_entry('e', i);
    dir_path(path, sizeof(path));
    rmdir(path);
}

int mb_dir_create_100(long n, uint64_t *t) { return create_row(100, n, t); }
int mb_dir_lookup_100(long n, uint64_t *t) { return lookup_row(100, n, t); }
int mb_dir_create_1000(long n, uint64_t *t) { return create_row(1000, n, t); }
int mb_dir_lookup_1000(long n, uint64_t *t) { return lookup_row(1000, n, t); }
int mb_dir_create_10000(long n, uint64_t *t) { return create_row(10000, n, t); }
int mb_dir_lookup_10000(long n, uint64_t *t) { return lookup_row(10000, n, t); }
int mb_dir_create_50000(long n, uint64_t *t) { return create_row(50000, n, t); }

int mb_dir_lookup_50000(long n, uint64_t *t)
{
    static int runs;            /* the runner calls a row 1 + MB_BATCHES times */
    int err = lookup_row(DIRS_LAST_SIZE, n, t);

    if (err != 0 || ++runs == MB_RUNS_PER_ROW)
        remove_all();
    return err;
}
