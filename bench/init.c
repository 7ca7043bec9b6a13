/*
 * init.c - /init of the Linux reference initramfs (bench/run.sh builds it).
 *
 * Linux runs this as process 1 from a tiny initramfs that holds only this
 * program and mbench.  It notes the time-stamp counter at its first line
 * (the first user program's start, compared with M-OS's first program),
 * gives mbench what a normal system would have (/proc, /dev with null and
 * zero, /dev/shm for shm_open, /tmp), runs /mbench with its own arguments,
 * waits for it, and powers the machine off so QEMU exits.  On any error it
 * says so and still powers off: a hung emulator helps nobody.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MBENCH_PATH "/mbench"

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static void say(const char *msg, const char *what)
{
    dprintf(STDOUT_FILENO, "init: %s %s: %s\n", msg, what, strerror(errno));
}

/* Mount fstype on dir, creating dir; EBUSY means it is already there. */
static void mount_at(const char *fstype, const char *dir)
{
    mkdir(dir, 0755);
    if (mount(fstype, dir, fstype, 0, NULL) < 0 && errno != EBUSY)
        say("cannot mount", dir);
}

/* Make sure descriptors 0, 1 and 2 are the console. */
static void open_console(void)
{
    int fd;

    if (fcntl(STDOUT_FILENO, F_GETFD) >= 0)
        return;
    fd = open("/dev/console", O_RDWR);
    if (fd < 0)
        return;
    dup2(fd, STDIN_FILENO);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    if (fd > STDERR_FILENO)
        close(fd);
}

int main(int argc, char **argv)
{
    uint64_t first_tsc = rdtsc();
    pid_t pid;
    int status;

    (void)argc;
    mount_at("devtmpfs", "/dev");
    open_console();
    dprintf(STDOUT_FILENO, "info first_tsc %llu init\n",
            (unsigned long long)first_tsc);
    mount_at("proc", "/proc");
    mount_at("tmpfs", "/dev/shm");
    mount_at("tmpfs", "/tmp");
    pid = fork();
    if (pid == 0) {
        argv[0] = MBENCH_PATH;
        execv(MBENCH_PATH, argv);
        say("cannot run", MBENCH_PATH);
        _exit(127);
    }
    if (pid < 0)
        say("cannot fork for", MBENCH_PATH);
    else
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    sync();
    reboot(RB_POWER_OFF);
    say("cannot power off", "the machine");
    for (;;)
        pause();
}
