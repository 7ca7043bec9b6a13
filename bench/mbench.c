/*
 * mbench.c - the micro-benchmark runner, lmbench style.
 *
 * Usage: mbench [-q] [-n ITER_SCALE] [-o PREFIX] [-l] [-c]
 *   -q        quick pass: tiny iteration counts (the host self-test)
 *   -o PREFIX only the benchmarks whose names start with PREFIX
 *   -n SCALE  multiply every iteration count by SCALE (default 1)
 *   -l        list the benchmarks ("list NAME UNIT baseline|os"), exit
 *   -c        calibrate: print the TSC frequency of this machine and exit
 *   -x        exit at once (the program that fork_execve_wait executes)
 *
 * Output, one line each, meant for scripts (bench/run.sh parses it):
 *   mbench start
 *   info first_tsc N         rdtsc at the first line of main
 *   info KEY VALUE           kernel name, scale, directory used
 *   bench NAME TICKS UNIT    e.g. "bench null_syscall 312.5 ticks/call"
 *   bench NAME unsupported errno=38 (Function not implemented)
 *   bench NAME failed signal=11 (Segmentation fault)
 *   mbench done
 *
 * Method: each benchmark runs once untimed to warm up (a quarter of the
 * iterations), then MB_BATCHES timed batches; the median batch is
 * reported as ticks per operation.  When fork works, each benchmark runs
 * in a child process of its own, under an alarm and in its own process
 * group, so one that crashes or hangs is reported and the rest go on.
 * Output goes through write(2) directly, never stdio buffers, so nothing
 * is lost or printed twice across fork.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mbench.h"
#include "mos/exec.h"

#define MB_TIMEOUT_S 120         /* alarm for one benchmark (emulated) */
#define MB_QUICK_SCALE 0.01      /* -q: iteration counts times this */
#define MB_MAP_PAGES 1024        /* pages per mapping in the mmap tests */
#define MB_FILE_IO_SIZE 4096     /* bytes written and read per file */
#define MB_MATRIX_N 48           /* matmul baseline: N x N doubles */
#define MB_CALIBRATE_NS 200000000L

const char *mb_tmpdir = "/tmp";
const char *mb_self_path = "mbench";
int mb_child_signal;

static char self_path_buf[4096];
static char tmpdir_buf[4096];

/* ---- output ---------------------------------------------------------- */

static void out(const char *fmt, ...)
{
    char line[512];
    va_list ap;
    int len;

    va_start(ap, fmt);
    len = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (len < 0)
        return;
    if ((size_t)len >= sizeof(line))
        len = sizeof(line) - 1;
    mb_write_all(STDOUT_FILENO, line, (size_t)len);
}

/* ---- helpers shared with ipc.c ---------------------------------------- */

/* Run fn(arg) in a child process that exits with its return value. */
pid_t mb_spawn(int (*fn)(void *), void *arg)
{
    pid_t pid = fork();

    if (pid == 0)
        _exit(fn(arg));
    return pid;
}

/* Wait for a helper: 0, the errno it exited with, or MB_CHILD_DIED. */
int mb_wait(pid_t pid)
{
    int status;

    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return errno;
    }
    if (WIFSIGNALED(status)) {
        mb_child_signal = WTERMSIG(status);
        return MB_CHILD_DIED;
    }
    return WEXITSTATUS(status);
}

int mb_read_all(int fd, void *buf, size_t len)
{
    char *p = buf;

    while (len > 0) {
        ssize_t got = read(fd, p, len);

        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return errno;
        if (got == 0)
            return EPIPE;   /* the writer went away early */
        p += got;
        len -= (size_t)got;
    }
    return 0;
}

int mb_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t put = write(fd, p, len);

        if (put < 0 && errno == EINTR)
            continue;
        if (put < 0)
            return errno;
        p += put;
        len -= (size_t)put;
    }
    return 0;
}

/* FUTEX_WAIT; 0 when woken or when *addr no longer holds val. */
int mb_futex_wait(volatile uint32_t *addr, uint32_t val, int private_)
{
    int op = FUTEX_WAIT | (private_ ? FUTEX_PRIVATE_FLAG : 0);

    if (syscall(SYS_futex, addr, op, val, NULL, NULL, 0) < 0 &&
        errno != EAGAIN && errno != EINTR)
        return errno;
    return 0;
}

int mb_futex_wake(volatile uint32_t *addr, int private_)
{
    int op = FUTEX_WAKE | (private_ ? FUTEX_PRIVATE_FLAG : 0);

    if (syscall(SYS_futex, addr, op, 1, NULL, NULL, 0) < 0)
        return errno;
    return 0;
}

/* Let the other side of a busy-wait run; spinning alone is enough when
 * the kernel has no sched_yield, because it preempts. */
void mb_cpu_relax(void)
{
    sched_yield();
}

/* ---- baselines: no system calls, they measure the emulator ------------ */

static double mat_a[MB_MATRIX_N][MB_MATRIX_N];
static double mat_b[MB_MATRIX_N][MB_MATRIX_N];
static double mat_c[MB_MATRIX_N][MB_MATRIX_N];
static volatile double sink_double;
static volatile uint32_t sink_word;

static int b_matmul(long n, uint64_t *ticks)
{
    uint64_t t0;
    long it;
    int i, j, k;

    for (i = 0; i < MB_MATRIX_N; i++)
        for (j = 0; j < MB_MATRIX_N; j++) {
            mat_a[i][j] = (double)(i + j) / MB_MATRIX_N;
            mat_b[i][j] = (double)(i - j) / MB_MATRIX_N;
        }
    t0 = mb_rdtsc();
    for (it = 0; it < n; it++) {
        for (i = 0; i < MB_MATRIX_N; i++)
            for (j = 0; j < MB_MATRIX_N; j++) {
                double sum = 0;

                for (k = 0; k < MB_MATRIX_N; k++)
                    sum += mat_a[i][k] * mat_b[k][j];
                mat_c[i][j] = sum;
            }
        mat_a[0][0] = mat_c[1][1];   /* keep iterations dependent */
    }
    *ticks = mb_rdtsc() - t0;
    sink_double = mat_c[MB_MATRIX_N - 1][MB_MATRIX_N - 1];
    return 0;
}

static int b_memcpy(long n, uint64_t *ticks)
{
    char *src = malloc(MB_MIB), *dst = malloc(MB_MIB);
    uint64_t t0;
    long i;

    if (src == NULL || dst == NULL) {
        free(src);
        free(dst);
        return ENOMEM;
    }
    memset(src, 1, MB_MIB);   /* fault everything in before timing */
    memset(dst, 2, MB_MIB);
    t0 = mb_rdtsc();
    for (i = 0; i < n; i++) {
        src[i & (MB_MIB - 1)] = (char)i;
        memcpy(dst, src, MB_MIB);
    }
    *ticks = mb_rdtsc() - t0;
    sink_word = (uint32_t)dst[n & (MB_MIB - 1)];
    free(src);
    free(dst);
    return 0;
}

/* ---- single-process system calls -------------------------------------- */

static int b_null_syscall(long n, uint64_t *ticks)
{
    uint64_t t0;
    long i;

    if (syscall(SYS_getpid) < 0)
        return errno;
    t0 = mb_rdtsc();
    for (i = 0; i < n; i++)
        syscall(SYS_getpid);
    *ticks = mb_rdtsc() - t0;
    return 0;
}

/* n one-byte reads (write_ == 0) or writes of path. */
static int one_byte_io(const char *path, int write_, long n, uint64_t *ticks)
{
    int fd = open(path, write_ ? O_WRONLY : O_RDONLY);
    char c = 0;
    uint64_t t0;
    long i;
    int err = 0;

    if (fd < 0)
        return errno;
    t0 = mb_rdtsc();
    for (i = 0; i < n; i++) {
        ssize_t r = write_ ? write(fd, &c, 1) : read(fd, &c, 1);

        if (r != 1) {
            err = r < 0 ? errno : EIO;
            goto out_close;
        }
    }
    *ticks = mb_rdtsc() - t0;
out_close:
    close(fd);
    return err;
}

static int b_read_zero(long n, uint64_t *ticks)
{
    return one_byte_io("/dev/zero", 0, n, ticks);
}

static int b_write_null(long n, uint64_t *ticks)
{
    return one_byte_io("/dev/null", 1, n, ticks);
}

/* clock_gettime(CLOCK_MONOTONIC) as glibc does it: through the vDSO
 * where the kernel offers one, else a system call. */
static int b_clock_gettime(long n, uint64_t *ticks)
{
    struct timespec ts;
    uint64_t t0;
    long i;

    if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
        return errno;
    t0 = mb_rdtsc();
    for (i = 0; i < n; i++)
        clock_gettime(CLOCK_MONOTONIC, &ts);
    *ticks = mb_rdtsc() - t0;
    sink_word = (uint32_t)ts.tv_nsec;
    return 0;
}

static int b_sched_yield(long n, uint64_t *ticks)
{
    uint64_t t0;
    long i;

    if (sched_yield() < 0)
        return errno;
    t0 = mb_rdtsc();
    for (i = 0; i < n; i++)
        sched_yield();
    *ticks = mb_rdtsc() - t0;
    return 0;
}

/* ---- processes -------------------------------------------------------- */

static int b_fork_exit_wait(long n, uint64_t *ticks)
{
    uint64_t t0 = mb_rdtsc();
    long i;

    for (i = 0; i < n; i++) {
        pid_t pid = fork();
        int err;

        if (pid == 0)
            _exit(0);
        if (pid < 0)
            return errno;
        err = mb_wait(pid);
        if (err != 0)
            return err;
    }
    *ticks = mb_rdtsc() - t0;
    return 0;
}

static int b_fork_execve_wait(long n, uint64_t *ticks)
{
    char *argv[] = { (char *)mb_self_path, "-x", NULL };
    char *envp[] = { NULL };
    uint64_t t0 = mb_rdtsc();
    long i;

    for (i = 0; i < n; i++) {
        pid_t pid = fork();
        int err;

        if (pid == 0) {
            /* execve itself, except on a host that runs i386 programs
             * through qemu-i386 (mos/exec.h; the self-test there). */
            mos_execve(mb_self_path, argv, envp);
            _exit(errno);   /* the parent reports why exec failed */
        }
        if (pid < 0)
            return errno;
        err = mb_wait(pid);
        if (err != 0)
            return err;
    }
    *ticks = mb_rdtsc() - t0;
    return 0;
}

/* ---- memory and files ------------------------------------------------- */

/* n pages: map anonymous memory MB_MAP_PAGES at a time, write one word in
 * every page (a fault each), unmap. */
static int b_mmap_anon_touch(long n, uint64_t *ticks)
{
    uint64_t t0 = mb_rdtsc();
    long done = 0;

    while (done < n) {
        long pages = n - done < MB_MAP_PAGES ? n - done : MB_MAP_PAGES;
        size_t len = (size_t)pages * MB_PAGE_SIZE;
        char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        long i;

        if (p == MAP_FAILED)
            return errno;
        for (i = 0; i < pages; i++)
            p[i * MB_PAGE_SIZE] = 1;
        if (munmap(p, len) < 0)
            return errno;
        done += pages;
    }
    *ticks = mb_rdtsc() - t0;
    return 0;
}

static void tmp_path(char *buf, size_t size, const char *what)
{
    snprintf(buf, size, "%s/mbench.%s.%d", mb_tmpdir, what, (int)getpid());
}

/* Create a file of pages pages, each page's first word its index. */
static int make_file(const char *path, long pages)
{
    uint32_t page[MB_PAGE_SIZE / sizeof(uint32_t)];
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
    long i;
    int err = 0;

    if (fd < 0)
        return errno;
    memset(page, 0, sizeof(page));
    for (i = 0; i < pages && err == 0; i++) {
        page[0] = (uint32_t)i;
        err = mb_write_all(fd, page, sizeof(page));
    }
    if (close(fd) < 0 && err == 0)
        err = errno;
    return err;
}

/* n pages: map a cached file MB_MAP_PAGES at a time and read the first
 * word of every page in order. */
static int b_mmap_file_read(long n, uint64_t *ticks)
{
    char path[4200];
    long pages = n < MB_MAP_PAGES ? n : MB_MAP_PAGES;
    size_t len = (size_t)pages * MB_PAGE_SIZE;
    uint64_t t0;
    uint32_t sum = 0;
    long done = 0;
    int fd, err;

    tmp_path(path, sizeof(path), "map");
    err = make_file(path, pages);
    if (err != 0)
        goto out_unlink;
    fd = open(path, O_RDONLY);
    if (fd < 0) {
        err = errno;
        goto out_unlink;
    }
    t0 = mb_rdtsc();
    while (done < n) {
        long now = n - done < pages ? n - done : pages;
        const char *p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
        long i;

        if (p == MAP_FAILED) {
            err = errno;
            goto out_close;
        }
        for (i = 0; i < now; i++)
            sum += *(const volatile uint32_t *)(p + i * MB_PAGE_SIZE);
        munmap((void *)p, len);
        done += now;
    }
    *ticks = mb_rdtsc() - t0;
    sink_word = sum;
out_close:
    close(fd);
out_unlink:
    unlink(path);
    return err;
}

/* One operation: create a file, write 4 KiB, read it back, close, unlink. */
static int b_file_create_rw_unlink(long n, uint64_t *ticks)
{
    static char buf[MB_FILE_IO_SIZE];
    char path[4200];
    uint64_t t0;
    long i;

    tmp_path(path, sizeof(path), "file");
    t0 = mb_rdtsc();
    for (i = 0; i < n; i++) {
        int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0600);
        int err;

        if (fd < 0)
            return errno;
        err = mb_write_all(fd, buf, sizeof(buf));
        if (err == 0 && lseek(fd, 0, SEEK_SET) < 0)
            err = errno;
        if (err == 0)
            err = mb_read_all(fd, buf, sizeof(buf));
        close(fd);
        if (unlink(path) < 0 && err == 0)
            err = errno;
        if (err != 0)
            return err;
    }
    *ticks = mb_rdtsc() - t0;
    return 0;
}

/* ---- the table -------------------------------------------------------- */

/* name, unit, operations per batch (about 0.05-0.3 s each under TCG),
 * baseline?, function */
static const mb_bench_t benches[] = {
    { "matmul_48", "ticks/matmul",                 32, 1, b_matmul },
    { "memcpy_1MiB", "ticks/MiB",                 256, 1, b_memcpy },
    { "null_syscall", "ticks/call",             50000, 0, b_null_syscall },
    { "read_dev_zero", "ticks/call",            50000, 0, b_read_zero },
    { "write_dev_null", "ticks/call",           50000, 0, b_write_null },
    { "clock_gettime", "ticks/call",            50000, 0, b_clock_gettime },
    { "sched_yield", "ticks/call",              50000, 0, b_sched_yield },
    { "pipe_latency", "ticks/roundtrip",         2000, 0, mb_pipe_latency },
    { "pipe_bandwidth", "ticks/MiB",               32, 0, mb_pipe_bandwidth },
    { "fork_exit_wait", "ticks/fork",             200, 0, b_fork_exit_wait },
    { "fork_execve_wait", "ticks/fork",            60, 0, b_fork_execve_wait },
    { "mmap_anon_touch", "ticks/page",           8192, 0, b_mmap_anon_touch },
    { "mmap_file_read", "ticks/page",            8192, 0, b_mmap_file_read },
    { "file_create_rw_unlink", "ticks/file",
                                            500, 0, b_file_create_rw_unlink },
    { "spsc_ring", "ticks/msg",                200000, 0, mb_spsc_ring },
    { "handoff_pipe_1MiB", "ticks/buffer",         32, 0, mb_handoff_pipe },
    { "handoff_shm_1MiB", "ticks/buffer",         128, 0, mb_handoff_shm },
    { "mq_roundtrip", "ticks/roundtrip",         2000, 0, mb_mq_roundtrip },
    { "thread_switch", "ticks/switch",           8000, 0, mb_thread_switch },
    { "dir_create_100", "ticks/file",             200, 0, mb_dir_create_100 },
    { "dir_lookup_100", "ticks/file",            1000, 0, mb_dir_lookup_100 },
    { "dir_create_1000", "ticks/file",            200, 0, mb_dir_create_1000 },
    { "dir_lookup_1000", "ticks/file",           1000, 0, mb_dir_lookup_1000 },
    { "dir_create_10000", "ticks/file",           200, 0, mb_dir_create_10000 },
    { "dir_lookup_10000", "ticks/file",          1000, 0, mb_dir_lookup_10000 },
    { "dir_create_50000", "ticks/file",           200, 0, mb_dir_create_50000 },
    { "dir_lookup_50000", "ticks/file",          1000, 0, mb_dir_lookup_50000 },
    { "touch_64MiB_4k", "ticks/MiB",              128, 0, mb_touch_4k },
    { "touch_64MiB_huge", "ticks/MiB",            128, 0, mb_touch_huge },
    { "random_64MiB_4k", "ticks/access",       200000, 0, mb_random_4k },
    { "random_64MiB_huge", "ticks/access",     200000, 0, mb_random_huge },
    { "mosring_msg_64B", "ticks/roundtrip",       4000, 0, mb_mosring_msg },
    { "mosring_handoff_1MiB", "ticks/buffer",       64, 0, mb_mosring_handoff },
};

#define NBENCH (sizeof(benches) / sizeof(benches[0]))

static void sort_u64(uint64_t *v, int n)
{
    int i, j;

    for (i = 1; i < n; i++)
        for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t t = v[j];

            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

static void report_failure(const mb_bench_t *b, int err)
{
    if (err == MB_CHILD_DIED)
        out("bench %s failed signal=%d (%s)\n", b->name, mb_child_signal,
            strsignal(mb_child_signal));
    else
        out("bench %s unsupported errno=%d (%s)\n", b->name, err,
            strerror(err));
}

/* Warm up, time MB_BATCHES batches of n operations, print the median. */
static int measure(const mb_bench_t *b, long n)
{
    uint64_t t[MB_BATCHES];
    long warm = n / 4 > 0 ? n / 4 : 1;
    int i, err;

    err = b->run(warm, &t[0]);
    for (i = 0; i < MB_BATCHES && err == 0; i++)
        err = b->run(n, &t[i]);
    if (err != 0) {
        report_failure(b, err);
        return 1;
    }
    sort_u64(t, MB_BATCHES);
    out("bench %s %.1f %s\n", b->name, (double)t[MB_BATCHES / 2] / n,
        b->unit);
    return 0;
}

/* Reap helpers orphaned by a benchmark (we may be process 1). */
static void reap_orphans(void)
{
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
}

/* Run one benchmark in a child of its own; fall back to running it here
 * when the kernel cannot fork.  Returns whether to keep isolating. */
static int run_one(const mb_bench_t *b, long n, int isolate)
{
    pid_t pid;
    int err;

    if (!isolate) {
        measure(b, n);
        return 0;
    }
    pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        alarm(MB_TIMEOUT_S);
        _exit(measure(b, n));
    }
    if (pid < 0) {
        out("info isolation off: fork failed errno=%d (%s)\n", errno,
            strerror(errno));
        measure(b, n);
        return 0;
    }
    err = mb_wait(pid);
    kill(-pid, SIGKILL);   /* helpers left behind by a crash or timeout */
    reap_orphans();
    if (err == MB_CHILD_DIED)
        report_failure(b, err);
    else if (err > 1)
        out("bench %s failed wait=%d (%s)\n", b->name, err, strerror(err));
    return 1;
}

/* ---- set-up ----------------------------------------------------------- */

static void find_self(const char *argv0)
{
    ssize_t len = readlink("/proc/self/exe", self_path_buf,
                           sizeof(self_path_buf) - 1);

    if (len > 0) {
        self_path_buf[len] = '\0';
    } else if (argv0[0] != '/' && strchr(argv0, '/') != NULL &&
               getcwd(self_path_buf, sizeof(self_path_buf) / 2) != NULL) {
        strcat(self_path_buf, "/");
        strncat(self_path_buf, argv0, sizeof(self_path_buf) / 2 - 2);
    } else if (strchr(argv0, '/') == NULL) {
        /* no /proc and a bare name: where M-OS keeps its programs */
        snprintf(self_path_buf, sizeof(self_path_buf), "/bin/%s", argv0);
    } else {
        snprintf(self_path_buf, sizeof(self_path_buf), "%s", argv0);
    }
    mb_self_path = self_path_buf;
}

/* The first of $TMPDIR, /tmp, / where a file can be created. */
static void find_tmpdir(void)
{
    const char *cand[] = { getenv("TMPDIR"), "/tmp", "/" };
    size_t i;

    for (i = 0; i < sizeof(cand) / sizeof(cand[0]); i++) {
        char probe[4200];
        int fd;

        if (cand[i] == NULL || cand[i][0] == '\0')
            continue;
        snprintf(tmpdir_buf, sizeof(tmpdir_buf), "%s", cand[i]);
        if (strcmp(tmpdir_buf, "/") == 0)
            tmpdir_buf[0] = '\0';   /* so paths read "/mbench.x" */
        mb_tmpdir = tmpdir_buf;
        tmp_path(probe, sizeof(probe), "probe");
        fd = open(probe, O_CREAT | O_EXCL | O_WRONLY, 0600);
        if (fd >= 0) {
            close(fd);
            unlink(probe);
            return;
        }
    }
}

/* TSC ticks per second, against CLOCK_MONOTONIC (for the host). */
static void calibrate(void)
{
    struct timespec a, b, pause = { 0, MB_CALIBRATE_NS };
    uint64_t t0, t1;
    double ns;

    clock_gettime(CLOCK_MONOTONIC, &a);
    t0 = mb_rdtsc();
    nanosleep(&pause, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    t1 = mb_rdtsc();
    ns = (b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec);
    out("tsc_hz %.0f\n", (t1 - t0) * 1e9 / ns);
}

static void usage(void)
{
    out("usage: mbench [-q] [-n ITER_SCALE] [-o PREFIX] [-l] [-c]\n");
    _exit(2);
}

int main(int argc, char **argv)
{
    uint64_t first_tsc = mb_rdtsc();
    double scale = 1.0;
    const char *only = "";
    struct utsname un;
    int isolate = 1;
    size_t i;
    int opt;

    while ((opt = getopt(argc, argv, "qn:o:lcx")) != -1) {
        switch (opt) {
        case 'q':
            scale = MB_QUICK_SCALE;
            break;
        case 'n':
            scale = strtod(optarg, NULL);
            if (scale <= 0)
                usage();
            break;
        case 'o':
            only = optarg;
            break;
        case 'l':
            for (i = 0; i < NBENCH; i++)
                out("list %s %s %s\n", benches[i].name, benches[i].unit,
                    benches[i].baseline ? "baseline" : "os");
            return 0;
        case 'c':
            calibrate();
            return 0;
        case 'x':
            _exit(0);
        default:
            usage();
        }
    }
    out("mbench start\n");
    out("info first_tsc %llu mbench\n", (unsigned long long)first_tsc);
    if (uname(&un) == 0)
        out("info kernel %s %s\n", un.sysname, un.release);
    signal(SIGPIPE, SIG_IGN);   /* a dead peer is an error, not a death */
    find_self(argv[0]);
    find_tmpdir();
    out("info scale %g\n", scale);
    out("info tmpdir %s\n", mb_tmpdir[0] ? mb_tmpdir : "/");
    for (i = 0; i < NBENCH; i++) {
        long n = (long)(benches[i].iters * scale);

        if (strncmp(benches[i].name, only, strlen(only)) != 0)
            continue;
        isolate = run_one(&benches[i], n > 0 ? n : 1, isolate);
    }
    out("mbench done\n");
    return 0;
}
