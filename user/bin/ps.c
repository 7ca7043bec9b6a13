/*
 * ps: list the processes.  As on Linux, ps reads /proc: one line per
 * /proc/PID directory, from its stat file (pid, ppid, process group,
 * state letter, CPU time, threads, name), in pid order.  Without /proc it
 * falls back to M-OS's extension call mos_ps (user/include/mos/syscalls.h),
 * which hands out the kernel's own table as text; without either it says
 * "ps: not supported".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <mos/syscalls.h>

#include "ulib.h"

#define PS_BUF_START 4096
#define PS_BUF_MAX   (1 << 20)
#define STAT_MAX     1024
#define COMM_MAX     64
#define STAT_UTIME_FIELD 14	/* stat's fields, counting from 1 */
#define STAT_THREADS_FIELD 20

/* 0 when printed, -1 with errno set otherwise. */
static int ps_syscall(void)
{
	size_t size;

	for (size = PS_BUF_START; size <= PS_BUF_MAX; size *= 2) {
		char *buf = malloc(size);
		long n;

		if (!buf)
			ul_die(1, "out of memory");
		n = syscall(MOS_SYS_ps, buf, size);
		if (n >= 0) {
			if (ul_write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
				ul_dieerr(1, "write");
			free(buf);
			return 0;
		}
		free(buf);
		if (errno != ERANGE)
			return -1;
	}
	return -1;
}

/* A decimal pid, or -1 for any other name. */
static int name_pid(const char *name)
{
	char *end;
	long v;

	if (name[0] < '1' || name[0] > '9')
		return -1;
	v = strtol(name, &end, 10);
	return *end ? -1 : (int)v;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* One process's line from /proc/PID/stat; nothing if it has gone. */
static void show(int pid, long hz)
{
	char path[64], buf[STAT_MAX], comm[COMM_MAX];
	unsigned long utime = 0, stime = 0;
	int ppid, pgrp, fd, n, field, threads = 0;
	char state, *rest, *tok, *save;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
	n = (int)read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	/* The name is between the first '(' and the last ')'. */
	rest = strrchr(buf, ')');
	tok = strchr(buf, '(');
	if (!rest || !tok || rest < tok)
		return;
	snprintf(comm, sizeof(comm), "%.*s", (int)(rest - tok - 1), tok + 1);
	if (sscanf(rest + 1, " %c %d %d", &state, &ppid, &pgrp) != 3)
		return;
	field = 3;
	for (tok = strtok_r(rest + 1, " ", &save); tok; tok = strtok_r(NULL, " ", &save), field++) {
		if (field == STAT_UTIME_FIELD)
			utime = strtoul(tok, NULL, 10);
		else if (field == STAT_UTIME_FIELD + 1)
			stime = strtoul(tok, NULL, 10);
		else if (field == STAT_THREADS_FIELD)
			threads = atoi(tok);
	}
	unsigned long secs = (utime + stime) / (unsigned long)hz;
	printf("%5d %5d %5d %c %7d %3lu:%02lu %s\n", pid, ppid, pgrp, state, threads,
	       secs / 60, secs % 60, comm);
}

/* 0 when printed, -1 if there is no /proc. */
static int ps_proc(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int *pids = NULL;
	size_t n = 0, cap = 0;
	long hz = sysconf(_SC_CLK_TCK);

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		int pid = name_pid(e->d_name);
		if (pid < 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			pids = realloc(pids, cap * sizeof(*pids));
			if (!pids)
				ul_die(1, "out of memory");
		}
		pids[n++] = pid;
	}
	closedir(d);
	if (n == 0) {		/* /proc is there but not mounted */
		free(pids);
		return -1;
	}
	qsort(pids, n, sizeof(*pids), cmp_int);
	printf("%5s %5s %5s %s %7s %6s %s\n", "PID", "PPID", "PGID", "S", "THREADS", "TIME",
	       "NAME");
	for (size_t i = 0; i < n; i++)
		show(pids[i], hz > 0 ? hz : 100);
	free(pids);
	return fflush(stdout) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	(void)argc;
	ul_setprogname(argv[0]);
	if (ps_proc() == 0)
		return 0;
	if (ps_syscall() == 0)
		return 0;
	if (errno != ENOSYS)
		ul_dieerr(1, "mos_ps");
	ul_die(1, "not supported");
}
