/*
 * t_proc: the /proc file system, as Linux shows it.  Every check holds on
 * both M-OS and Linux:
 *  - /proc/self names the caller; /proc/self/stat's pid, comm, ppid and
 *    pgrp fields and its 52 fields; status's Name, Pid, PPid, Tgid,
 *    Threads, Vm lines, SigBlk and SigIgn after sigprocmask/SIG_IGN;
 *    statm's seven numbers; comm; cmdline equals argv, environ the
 *    initial environment;
 *  - maps: the line covering a local variable is [stack], the one
 *    covering a global is writable, the one covering main executable and
 *    named by /proc/self/exe;
 *  - exe opens the program (same inode), and execve("/proc/self/exe")
 *    runs it again; cwd follows chdir; root is "/";
 *  - fd/: a pipe's ends read "pipe:[INODE]" with fstat's inode, /dev/null
 *    its name, and the directory lists them; task/ lists the threads
 *    (a second pthread too), task/TID/stat names the thread;
 *  - a child's directory shows it (PPid), its stat says Z once it has
 *    exited, and disappears when it is reaped (ENOENT), while a status
 *    descriptor opened before reads ESRCH; bad pids are ENOENT;
 *  - reads at offsets, one byte at a time, after lseek; EFAULT for a bad
 *    buffer; getdents on /proc lists "self" and our pid;
 *  - meminfo (MemTotal > MemFree > 0), uptime, loadavg, stat (cpu,
 *    btime, processes), mounts (/ and /proc), version and
 *    sys/kernel/{ostype,osrelease,hostname} against uname, pid_max,
 *    filesystems lists proc, cpuinfo has processor and flags.
 * Under qemu-i386, /proc/self describes the emulator: the checks of this
 * process's own stat, status, cmdline, maps, exe and task/ are skipped.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "utest.h"

#define BUF_SIZE 65536
#define EXE_CHILD_ARG "--re-exec"
#define EXE_CHILD_CODE 42
#define STAT_FIELDS 52
#define ZOMBIE_WAIT_MS 5000
#define HIGH_FD 100

static int global_counter = 1;
static void *volatile bad_ptr = (void *)4;	/* unmapped (volatile: no compile-time warning) */
static char *initial_env;	/* the environment strings as exec gave them */
static size_t initial_env_len;

/* The whole file at path into buf (NUL-terminated): its length, or -1. */
static ssize_t read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	size_t len = 0;
	ssize_t n;
	while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	return (ssize_t)len;
}

static char buf[BUF_SIZE], buf2[BUF_SIZE];

/* The value after "Name:" in a status-style file, or NULL. */
static const char *field(const char *text, const char *name)
{
	static char value[256];
	size_t n = strlen(name);
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, name, n) == 0 && l[n] == ':') {
			const char *v = l + n + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			size_t k = strcspn(v, "\n");
			if (k >= sizeof(value))
				k = sizeof(value) - 1;
			memcpy(value, v, k);
			value[k] = '\0';
			return value;
		}
	}
	return NULL;
}

static long field_long(const char *text, const char *name)
{
	const char *v = field(text, name);
	return v ? strtol(v, NULL, 10) : -1;
}

static void test_self(void)
{
	char link[64], want[32];
	ssize_t n = readlink("/proc/self", link, sizeof(link) - 1);
	UT_CHECK(n > 0, "readlink /proc/self: %s", strerror(errno));
	link[n > 0 ? n : 0] = '\0';
	snprintf(want, sizeof(want), "%d", (int)getpid());
	UT_CHECK(strcmp(link, want) == 0, "/proc/self -> '%s', want '%s'", link, want);
	struct stat a, b;
	UT_CHECK(stat("/proc/self", &a) == 0 && S_ISDIR(a.st_mode), "/proc/self is a directory");
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d", (int)getpid());
	UT_CHECK(stat(path, &b) == 0 && a.st_ino == b.st_ino, "/proc/self is /proc/PID");
	UT_CHECK(lstat("/proc/self", &a) == 0 && S_ISLNK(a.st_mode), "lstat: a symlink");
}

static void test_stat(void)
{
	UT_CHECK(read_file("/proc/self/stat", buf, sizeof(buf)) > 0, "read stat: %s",
		 strerror(errno));
	int pid = 0, ppid = 0, pgrp = 0;
	char comm[64] = "", state = 0;
	UT_CHECK(sscanf(buf, "%d (%63[^)]) %c %d %d", &pid, comm, &state, &ppid, &pgrp) == 5,
		 "stat parses: %s", buf);
	UT_CHECK(pid == getpid(), "stat pid %d, getpid %d", pid, (int)getpid());
	UT_CHECK(ppid == getppid(), "stat ppid %d, getppid %d", ppid, (int)getppid());
	UT_CHECK(pgrp == getpgrp(), "stat pgrp %d, getpgrp %d", pgrp, (int)getpgrp());
	UT_CHECK(strcmp(comm, "t_proc") == 0, "stat comm '%s'", comm);
	UT_CHECK(state == 'R', "stat state of the reader '%c'", state);
	int fields = 0;
	for (char *t = strtok(strrchr(buf, ')') + 1, " \n"); t; t = strtok(NULL, " \n"))
		fields++;
	UT_CHECK(fields + 2 == STAT_FIELDS, "stat has %d fields, want %d", fields + 2, STAT_FIELDS);
}

static void test_status(void)
{
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	signal(SIGUSR2, SIG_IGN);
	UT_CHECK(read_file("/proc/self/status", buf, sizeof(buf)) > 0, "read status");
	sigprocmask(SIG_SETMASK, &old, NULL);
	signal(SIGUSR2, SIG_DFL);
	const char *name = field(buf, "Name");
	UT_CHECK(name && strcmp(name, "t_proc") == 0, "Name: '%s'", name ? name : "(none)");
	UT_CHECK(field_long(buf, "Pid") == getpid(), "Pid: %ld", field_long(buf, "Pid"));
	UT_CHECK(field_long(buf, "Tgid") == getpid(), "Tgid: %ld", field_long(buf, "Tgid"));
	UT_CHECK(field_long(buf, "PPid") == getppid(), "PPid: %ld, getppid %d",
		 field_long(buf, "PPid"), (int)getppid());
	UT_CHECK(field_long(buf, "Threads") == 1, "Threads: %ld", field_long(buf, "Threads"));
	const char *st = field(buf, "State");
	UT_CHECK(st && strcmp(st, "R (running)") == 0, "State: '%s'", st ? st : "(none)");
	long size = field_long(buf, "VmSize"), rss = field_long(buf, "VmRSS");
	UT_CHECK(rss > 0 && size >= rss, "VmSize %ld kB >= VmRSS %ld kB > 0", size, rss);
	UT_CHECK(field(buf, "Uid") && field(buf, "Gid"), "Uid and Gid lines");
	const char *blk = field(buf, "SigBlk");
	UT_CHECK(blk && strlen(blk) == 16 && (strtoull(blk, NULL, 16) & (1ull << (SIGUSR1 - 1))),
		 "SigBlk shows SIGUSR1: '%s'", blk ? blk : "(none)");
	const char *ign = field(buf, "SigIgn");
	UT_CHECK(ign && (strtoull(ign, NULL, 16) & (1ull << (SIGUSR2 - 1))),
		 "SigIgn shows SIGUSR2: '%s'", ign ? ign : "(none)");
	UT_CHECK(field(buf, "SigPnd") && field(buf, "ShdPnd") && field(buf, "SigQ"),
		 "SigQ, SigPnd, ShdPnd lines");

	unsigned long v[7];
	UT_CHECK(read_file("/proc/self/statm", buf, sizeof(buf)) > 0 &&
		 sscanf(buf, "%lu %lu %lu %lu %lu %lu %lu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
			&v[6]) == 7, "statm has 7 numbers: %s", buf);
	UT_CHECK(v[0] >= v[1] && v[1] > 0, "statm size %lu >= resident %lu > 0", v[0], v[1]);
	UT_CHECK(read_file("/proc/self/comm", buf, sizeof(buf)) > 0 &&
		 strcmp(buf, "t_proc\n") == 0, "comm '%s'", buf);
}

static void test_cmdline(int argc, char **argv)
{
	ssize_t n = read_file("/proc/self/cmdline", buf, sizeof(buf));
	size_t want = 0;
	for (int i = 0; i < argc; i++) {
		memcpy(buf2 + want, argv[i], strlen(argv[i]) + 1);
		want += strlen(argv[i]) + 1;
	}
	UT_CHECK(n == (ssize_t)want && memcmp(buf, buf2, want) == 0,
		 "cmdline (%zd bytes) is argv (%zu bytes)", n, want);
	n = read_file("/proc/self/environ", buf, sizeof(buf));
	UT_CHECK(n == (ssize_t)initial_env_len && memcmp(buf, initial_env, initial_env_len) == 0,
		 "environ (%zd bytes) is the initial environment (%zu bytes)", n, initial_env_len);
}

/* The maps line covering addr (into line), or 0. */
static int maps_line(uintptr_t addr, char *line, size_t size)
{
	if (read_file("/proc/self/maps", buf, sizeof(buf)) <= 0)
		return 0;
	for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n")) {
		unsigned long lo, hi;
		if (sscanf(l, "%lx-%lx", &lo, &hi) == 2 && lo <= addr && addr < hi) {
			snprintf(line, size, "%s", l);
			return 1;
		}
	}
	return 0;
}

static void test_maps(void)
{
	char line[512], exe[256] = "";
	int local = 0;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	UT_CHECK(n > 0 && exe[0] == '/', "exe is an absolute path: '%s'", exe);
	UT_CHECK(maps_line((uintptr_t)&local, line, sizeof(line)) && strstr(line, "[stack]") &&
		 strstr(line, " rw"), "the stack's line: '%s'", line);
	UT_CHECK(maps_line((uintptr_t)&global_counter, line, sizeof(line)) &&
		 strncmp(strchr(line, ' ') + 1, "rw", 2) == 0, "the global's line: '%s'", line);
	UT_CHECK(maps_line((uintptr_t)&test_maps, line, sizeof(line)) &&
		 strchr(line, ' ')[3] == 'x' && strstr(line, exe), "the code's line: '%s'", line);
	unsigned long lo, hi, off, ino;
	unsigned maj, min;
	char perms[8];
	UT_CHECK(sscanf(line, "%lx-%lx %4s %lx %x:%x %lu", &lo, &hi, perms, &off, &maj, &min, &ino)
		 == 7 && ino != 0 && strlen(perms) == 4, "the code's line parses: '%s'", line);
	struct stat st;
	UT_CHECK(stat(exe, &st) == 0 && st.st_ino == ino, "its inode %lu is the program's", ino);
}

static void test_exe(char **argv)
{
	struct stat a, b;
	char exe[256];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	int fd = open("/proc/self/exe", O_RDONLY);
	UT_CHECK(fd >= 0, "open /proc/self/exe: %s", strerror(errno));
	UT_CHECK(fd >= 0 && fstat(fd, &a) == 0 && stat(exe, &b) == 0 && a.st_ino == b.st_ino &&
		 a.st_dev == b.st_dev, "it is the program");
	if (fd >= 0)
		close(fd);
	pid_t pid = fork();
	if (pid == 0) {
		char *args[] = { argv[0], EXE_CHILD_ARG, NULL };
		execve("/proc/self/exe", args, environ);
		_exit(1);
	}
	int status;
	UT_CHECK(ut_wait(pid, &status, ZOMBIE_WAIT_MS) == pid, "wait re-exec child");
	UT_CHECK_EXITED(status, EXE_CHILD_CODE, "execve(/proc/self/exe)");
}

static void test_cwd(void)
{
	char link[4096], cwd[4096];
	UT_CHECK(chdir("/") == 0, "chdir /");
	ssize_t n = readlink("/proc/self/cwd", link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	UT_CHECK(strcmp(link, "/") == 0, "cwd at / reads '%s'", link);
	const char *dir = ut_scratch_dir("t_proc");
	UT_CHECK(chdir(dir) == 0 && getcwd(cwd, sizeof(cwd)), "chdir %s", dir);
	n = readlink("/proc/self/cwd", link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	UT_CHECK(strcmp(link, cwd) == 0, "cwd reads '%s', getcwd '%s'", link, cwd);
	n = readlink("/proc/self/root", link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	UT_CHECK(strcmp(link, "/") == 0, "root reads '%s'", link);
	UT_CHECK(chdir("/") == 0 && rmdir(dir) == 0, "remove %s", dir);
}

static int dir_has(const char *path, const char *name)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int found = 0;
	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, name) == 0)
			found = 1;
	closedir(d);
	return found;
}

static void test_fd(void)
{
	int p[2];
	UT_CHECK(pipe(p) == 0, "pipe");
	char path[64], link[256], want[64], name[16];
	struct stat st;
	fstat(p[0], &st);
	snprintf(want, sizeof(want), "pipe:[%lu]", (unsigned long)st.st_ino);
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", p[i]);
		ssize_t n = readlink(path, link, sizeof(link) - 1);
		link[n > 0 ? n : 0] = '\0';
		UT_CHECK(strcmp(link, want) == 0, "%s -> '%s', want '%s'", path, link, want);
		snprintf(name, sizeof(name), "%d", p[i]);
		UT_CHECK(dir_has("/proc/self/fd", name), "fd/ lists %s", name);
	}
	int fd = open("/dev/null", O_RDONLY);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	UT_CHECK(strcmp(link, "/dev/null") == 0, "%s -> '%s'", path, link);
	close(fd);
	UT_EXPECT_ERRNO(readlink(path, link, sizeof(link)), ENOENT);
	UT_CHECK(dup2(p[0], HIGH_FD) == HIGH_FD, "dup2");
	snprintf(name, sizeof(name), "%d", HIGH_FD);
	UT_CHECK(dir_has("/proc/self/fd", name), "fd/ lists %d", HIGH_FD);
	close(HIGH_FD);
	close(p[0]);
	close(p[1]);
	UT_CHECK(!dir_has("/proc/self/fd", name), "a closed descriptor is not listed");
}

static volatile int thread_may_end;

static void *thread_main(void *arg)
{
	*(int *)arg = (int)syscall(SYS_gettid);
	while (!thread_may_end)
		ut_sleep_ms(5);
	char path[64], link[64], want[64];
	ssize_t n = readlink("/proc/thread-self", link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	snprintf(want, sizeof(want), "%d/task/%d", (int)getpid(), *(int *)arg);
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", *(int *)arg);
	int pid = 0;
	int ok = strcmp(link, want) == 0 && read_file(path, buf2, sizeof(buf2)) > 0 &&
		 sscanf(buf2, "%d", &pid) == 1 && pid == *(int *)arg;
	return ok ? arg : NULL;
}

static void test_task(void)
{
	char name[16];
	snprintf(name, sizeof(name), "%d", (int)getpid());
	UT_CHECK(dir_has("/proc/self/task", name), "task/ lists the main thread");
	pthread_t th;
	int tid = 0;
	void *ret = NULL;
	UT_CHECK(pthread_create(&th, NULL, thread_main, &tid) == 0, "pthread_create");
	ut_sleep_ms(50);
	snprintf(name, sizeof(name), "%d", tid);
	UT_CHECK(tid > 0 && dir_has("/proc/self/task", name), "task/ lists thread %d", tid);
	UT_CHECK(read_file("/proc/self/status", buf, sizeof(buf)) > 0 &&
		 field_long(buf, "Threads") == 2, "Threads: 2");
	thread_may_end = 1;
	pthread_join(th, &ret);
	UT_CHECK(ret == &tid, "the thread's thread-self and task/TID/stat name it");
	UT_CHECK(!dir_has("/proc/self/task", name), "a joined thread is not listed");
}

/* The state letter in /proc/PID/stat, or 0. */
static char state_of(pid_t pid)
{
	char path[64], state = 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_file(path, buf2, sizeof(buf2)) <= 0)
		return 0;
	char *r = strrchr(buf2, ')');
	return r && sscanf(r + 1, " %c", &state) == 1 ? state : 0;
}

static void test_child(void)
{
	int go[2];
	UT_CHECK(pipe(go) == 0, "pipe");
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(go[1]);
		read(go[0], &c, 1);
		_exit(0);
	}
	close(go[0]);
	char path[64];
	struct stat st;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	UT_CHECK(read_file(path, buf, sizeof(buf)) > 0 && field_long(buf, "PPid") == getpid(),
		 "the child's PPid is us");
	int fd = open(path, O_RDONLY);
	UT_CHECK(fd >= 0, "open the child's status");
	close(go[1]);	/* the child exits */
	long long until = ut_now_ms() + ZOMBIE_WAIT_MS;
	while (state_of(pid) != 'Z' && ut_now_ms() < until)
		ut_sleep_ms(10);
	UT_CHECK(state_of(pid) == 'Z', "an exited child is a zombie (state '%c')", state_of(pid));
	int status;
	UT_CHECK(waitpid(pid, &status, 0) == pid, "reap");
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	UT_EXPECT_ERRNO(stat(path, &st), ENOENT);
	char name[16];
	snprintf(name, sizeof(name), "%d", (int)pid);
	UT_CHECK(!dir_has("/proc", name), "a reaped child is not listed");
	UT_EXPECT_ERRNO(read(fd, buf, sizeof(buf)), ESRCH);
	close(fd);
	UT_EXPECT_ERRNO(open("/proc/999999/stat", O_RDONLY), ENOENT);
	UT_EXPECT_ERRNO(open("/proc/0/stat", O_RDONLY), ENOENT);
	UT_EXPECT_ERRNO(open("/proc/abc", O_RDONLY), ENOENT);
	UT_EXPECT_ERRNO(open("/proc/self/nonesuch", O_RDONLY), ENOENT);
}

static void test_reads(void)
{
	ssize_t len = read_file("/proc/version", buf, sizeof(buf));
	UT_CHECK(len > 10, "version: %zd bytes", len);
	int fd = open("/proc/version", O_RDONLY);
	size_t got = 0;
	char c;
	while (got < sizeof(buf2) && read(fd, &c, 1) == 1)
		buf2[got++] = c;
	UT_CHECK((ssize_t)got == len && memcmp(buf, buf2, got) == 0, "byte by byte: %zu", got);
	UT_CHECK(lseek(fd, 5, SEEK_SET) == 5 && read(fd, buf2, 10) == 10 &&
		 memcmp(buf2, buf + 5, 10) == 0, "lseek and read at 5");
	UT_CHECK(pread(fd, buf2, 4, 2) == 4 && memcmp(buf2, buf + 2, 4) == 0, "pread at 2");
	UT_CHECK(lseek(fd, len, SEEK_SET) == len && read(fd, buf2, 10) == 0, "read at the end: 0");
	UT_EXPECT_ERRNO(pread(fd, bad_ptr, 10, 0), EFAULT);
	UT_EXPECT_ERRNO(write(fd, "x", 1), EBADF);
	close(fd);
	char pid[16];
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	UT_CHECK(dir_has("/proc", "self") && dir_has("/proc", pid) && dir_has("/proc", "meminfo"),
		 "/proc lists self, meminfo and our pid");
	UT_CHECK(dir_has("/proc/self", "status") && dir_has("/proc/self", "fd") &&
		 dir_has("/proc/self", "task") && dir_has("/proc/self", "maps"),
		 "/proc/self lists status, fd, task, maps");
	UT_EXPECT_ERRNO(readlink("/proc/self", bad_ptr, 10), EFAULT);
}

static void test_system(void)
{
	UT_CHECK(read_file("/proc/meminfo", buf, sizeof(buf)) > 0, "read meminfo");
	long total = field_long(buf, "MemTotal"), free_kb = field_long(buf, "MemFree");
	UT_CHECK(total > free_kb && free_kb > 0, "MemTotal %ld > MemFree %ld > 0", total, free_kb);
	UT_CHECK(field(buf, "MemAvailable") && field(buf, "Cached") && field(buf, "Buffers") &&
		 strstr(field(buf, "MemTotal"), " kB"), "MemAvailable, Cached, Buffers, in kB");
	double up = 0, idle = 0, l1, l5, l15;
	UT_CHECK(read_file("/proc/uptime", buf, sizeof(buf)) > 0 &&
		 sscanf(buf, "%lf %lf", &up, &idle) == 2 && up > 0, "uptime: %s", buf);
	int run, all, last;
	UT_CHECK(read_file("/proc/loadavg", buf, sizeof(buf)) > 0 &&
		 sscanf(buf, "%lf %lf %lf %d/%d %d", &l1, &l5, &l15, &run, &all, &last) == 6 &&
		 run >= 1 && all >= run && l1 >= 0, "loadavg: %s", buf);
	UT_CHECK(read_file("/proc/stat", buf, sizeof(buf)) > 0 && strncmp(buf, "cpu ", 4) == 0 &&
		 strstr(buf, "\nbtime ") && strstr(buf, "\nprocesses ") &&
		 strstr(buf, "\nprocs_running "), "stat: cpu, btime, processes, procs_running");
	int root = 0, proc = 0;
	UT_CHECK(read_file("/proc/self/mounts", buf, sizeof(buf)) > 0, "read self/mounts");
	for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n")) {
		char src[256], dir[256], type[64];
		if (sscanf(l, "%255s %255s %63s", src, dir, type) != 3)
			continue;
		root |= strcmp(dir, "/") == 0;
		proc |= strcmp(dir, "/proc") == 0 && strcmp(type, "proc") == 0;
	}
	UT_CHECK(root && proc, "mounts has / and /proc (proc)");
	UT_CHECK(read_file("/proc/mounts", buf, sizeof(buf)) > 0, "/proc/mounts");
	struct utsname u;
	uname(&u);
	char want[512];
	snprintf(want, sizeof(want), "%s\n", u.sysname);
	UT_CHECK(read_file("/proc/sys/kernel/ostype", buf, sizeof(buf)) > 0 &&
		 strcmp(buf, want) == 0, "ostype '%s'", buf);
	snprintf(want, sizeof(want), "%s\n", u.release);
	UT_CHECK(read_file("/proc/sys/kernel/osrelease", buf, sizeof(buf)) > 0 &&
		 strcmp(buf, want) == 0, "osrelease '%s'", buf);
	snprintf(want, sizeof(want), "%s\n", u.nodename);
	UT_CHECK(read_file("/proc/sys/kernel/hostname", buf, sizeof(buf)) > 0 &&
		 strcmp(buf, want) == 0, "hostname '%s'", buf);
	UT_CHECK(read_file("/proc/sys/kernel/pid_max", buf, sizeof(buf)) > 0 && atol(buf) > 0,
		 "pid_max %s", buf);
	snprintf(want, sizeof(want), "%s version %s", u.sysname, u.release);
	UT_CHECK(read_file("/proc/version", buf, sizeof(buf)) > 0 &&
		 strncmp(buf, want, strlen(want)) == 0, "version '%s'", buf);
	UT_CHECK(read_file("/proc/filesystems", buf, sizeof(buf)) > 0 && strstr(buf, "\tproc\n"),
		 "filesystems lists proc");
	UT_CHECK(read_file("/proc/cpuinfo", buf, sizeof(buf)) > 0 && strstr(buf, "processor") &&
		 strstr(buf, "flags"), "cpuinfo: processor and flags");
}

int main(int argc, char **argv, char **envp)
{
	if (argc > 1 && strcmp(argv[1], EXE_CHILD_ARG) == 0)
		return EXE_CHILD_CODE;
	if (envp[0]) {	/* the strings lie one after another, as exec left them */
		char **last = envp;
		while (last[1])
			last++;
		initial_env = envp[0];
		initial_env_len = (size_t)(*last + strlen(*last) + 1 - envp[0]);
	}
	initial_env = initial_env ? memcpy(malloc(initial_env_len + 1), initial_env,
					   initial_env_len) : "";
	test_self();
	if (ut_emulated()) {	/* /proc/self describes the emulator there */
		UT_SKIP("stat, status, cmdline, maps, exe, task/ of this process");
	} else {
		test_stat();
		test_status();
		test_cmdline(argc, argv);
		test_maps();
		test_exe(argv);
		test_task();
	}
	test_cwd();
	test_fd();
	test_child();
	test_reads();
	test_system();
	return ut_done("t_proc");
}
