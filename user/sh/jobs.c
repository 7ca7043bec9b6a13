/*
 * Jobs: the table of background and stopped jobs, and job control.
 *
 * A job is what one list item ran in its own process group (with job
 * control; without it, in the shell's group): a background item's
 * subshell, or a foreground pipeline that was stopped (^Z).  Each has a
 * number (the smallest free one, from 1), its group, its processes, a
 * state (running, stopped, done with a status) and its text.  The most
 * recent job is the "current" one (`fg` and `bg` without %N).
 *
 * The foreground: jobs_wait_fg waits for a pipeline's processes with
 * WUNTRACED; if one stops, the whole job is stopped: it enters the
 * table, "[N]+ Stopped TEXT" is printed and the shell takes the terminal
 * back.  `fg` gives a job the terminal, continues its group (SIGCONT)
 * and waits for it the same way; `bg` only continues it.  Finished jobs
 * are collected without blocking (jobs_reap: WNOHANG, WUNTRACED,
 * WCONTINUED) and reported ("Done", "Exit N", the signal) before the
 * next prompt (jobs_report).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sh.h"
#include "ulib.h"

#define MAX_JOBS  64
#define MAX_PROCS 32		/* processes of one job we keep track of */

enum job_state { JOB_RUNNING, JOB_STOPPED, JOB_DONE };

struct job {
	int id;			/* %N */
	pid_t pgid;
	pid_t pids[MAX_PROCS];
	int alive[MAX_PROCS];	/* not yet reaped */
	int npids;
	enum job_state state;
	int status;		/* when done: the last process's */
	char *text;
};

static struct job jobs[MAX_JOBS];
static int njobs;

static void job_remove(int i)
{
	free(jobs[i].text);
	memmove(&jobs[i], &jobs[i + 1], (size_t)(njobs - i - 1) * sizeof jobs[0]);
	njobs--;
}

static int free_id(void)
{
	int id, i;

	for (id = 1;; id++) {
		for (i = 0; i < njobs && jobs[i].id != id; i++)
			;
		if (i == njobs)
			return id;
	}
}

static struct job *job_new(pid_t pgid, const pid_t *pids, int n, const char *text)
{
	int i;

	if (njobs == MAX_JOBS) {	/* forget the oldest finished, or oldest */
		for (i = 0; i < njobs - 1 && jobs[i].state != JOB_DONE; i++)
			;
		job_remove(i);
	}
	struct job *j = &jobs[njobs];
	memset(j, 0, sizeof *j);
	j->id = free_id();
	j->pgid = pgid;
	for (i = 0; i < n && i < MAX_PROCS; i++) {
		j->pids[i] = pids[i];
		j->alive[i] = 1;
	}
	j->npids = i;
	j->state = JOB_RUNNING;
	j->text = strdup(text ? text : "");
	njobs++;
	return j;
}

void jobs_add(pid_t pid, const char *text)
{
	struct job *j = job_new(sh.jobctl ? pid : 0, &pid, 1, text);

	if (sh.interactive)
		fprintf(stderr, "[%d] %d\n", j->id, (int)pid);
}

/* The job with process pid, and the process's index in it. */
static struct job *job_of(pid_t pid, int *idx)
{
	int i, k;

	for (i = 0; i < njobs; i++)
		for (k = 0; k < jobs[i].npids; k++)
			if (jobs[i].pids[k] == pid) {
				*idx = k;
				return &jobs[i];
			}
	return NULL;
}

static int job_alive(const struct job *j)
{
	int k, n = 0;

	for (k = 0; k < j->npids; k++)
		n += j->alive[k];
	return n;
}

/* Record what waitpid said about process k of job j. */
static void job_update(struct job *j, int k, int st)
{
	if (WIFSTOPPED(st)) {
		j->state = JOB_STOPPED;
	} else if (WIFCONTINUED(st)) {
		j->state = JOB_RUNNING;
	} else {
		j->alive[k] = 0;
		if (k == j->npids - 1)
			j->status = sh_wait_status(st, 0);
		if (!job_alive(j))
			j->state = JOB_DONE;
	}
}

void jobs_reap(void)
{
	struct job *j;
	pid_t pid;
	int st, k;

	while ((pid = waitpid(-1, &st, WNOHANG | WUNTRACED | WCONTINUED)) > 0) {
		j = job_of(pid, &k);
		if (j)
			job_update(j, k, st);
	}
}

static void job_line(const struct job *j)
{
	char state[32];

	if (j->state == JOB_RUNNING)
		snprintf(state, sizeof state, "Running");
	else if (j->state == JOB_STOPPED)
		snprintf(state, sizeof state, "Stopped");
	else if (j->status == 0)
		snprintf(state, sizeof state, "Done");
	else if (j->status > SH_STATUS_SIGNAL && strsignal(j->status - SH_STATUS_SIGNAL))
		snprintf(state, sizeof state, "%s", strsignal(j->status - SH_STATUS_SIGNAL));
	else
		snprintf(state, sizeof state, "Exit %d", j->status);
	fprintf(stderr, "[%d]%c %-12s %s\n", j->id, j == &jobs[njobs - 1] ? '+' : ' ',
		state, j->text ? j->text : "");
}

void jobs_report(void)
{
	int i;

	for (i = 0; i < njobs;) {
		if (jobs[i].state == JOB_DONE) {
			job_line(&jobs[i]);
			job_remove(i);
		} else {
			i++;
		}
	}
}

void jobs_print(void)
{
	int i;

	for (i = 0; i < njobs; i++)
		job_line(&jobs[i]);
	fflush(stderr);
}

/*
 * Wait for job j in the foreground: until all its processes are gone
 * (the job leaves the table; returns the last one's status) or one
 * stops (reported; the job stays, stopped).
 */
static int wait_job(struct job *j, int report)
{
	int st, k, status;
	pid_t pid;

	while (job_alive(j) && j->state != JOB_STOPPED) {
		pid = waitpid(j->pgid ? -j->pgid : j->pids[0], &st, WUNTRACED);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		struct job *owner = job_of(pid, &k);
		if (owner == j && !WIFSTOPPED(st) && k == j->npids - 1)
			j->status = sh_wait_status(st, report);
		if (owner)
			job_update(owner, k, st);
	}
	if (sh.jobctl)
		tcsetpgrp(sh.tty, sh.pgid);
	if (j->state == JOB_STOPPED) {
		fputc('\n', stderr);
		job_line(j);
		return SH_STATUS_SIGNAL + SIGTSTP;
	}
	status = j->status;
	job_remove((int)(j - jobs));
	return status;
}

int jobs_wait_fg(const pid_t *pids, int n)
{
	struct job *j;

	if (n == 0)
		return 1;
	if (!sh.jobctl) {	/* no stops to see: wait for each in turn */
		int i, status = 0;
		for (i = 0; i < n; i++)
			status = sh_waitpid(pids[i]);
		return status;
	}
	j = job_new(pids[0], pids, n, sh.cur_text);	/* the group exec.c made */
	return wait_job(j, 1);
}

static int job_wait_one(int i)
{
	int st, k, status;
	struct job *j = &jobs[i];

	while (j->state == JOB_RUNNING) {
		pid_t pid = waitpid(-1, &st, WUNTRACED);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		struct job *owner = job_of(pid, &k);
		if (owner)
			job_update(owner, k, st);
	}
	if (j->state != JOB_DONE)
		return SH_STATUS_SIGNAL + SIGTSTP;
	status = j->status;
	job_remove(i);
	return status;
}

int jobs_wait(pid_t pid)
{
	int i, k, status = 0;
	struct job *j;

	if (pid == 0) {
		for (i = 0; i < njobs;) {
			if (jobs[i].state == JOB_STOPPED) {
				i++;
				continue;
			}
			status = job_wait_one(i);
			i = 0;
		}
		return status;
	}
	j = job_of(pid, &k);
	if (j)
		return job_wait_one((int)(j - jobs));
	ul_warn("wait: pid %d is not a child of this shell", (int)pid);
	return SH_STATUS_NOT_FOUND;
}

/* The job "%N" (or the current one, for NULL) names; NULL if none. */
static struct job *job_arg(const char *name, const char *who)
{
	int i;
	long id;
	char *end;

	if (!name) {
		if (njobs == 0)
			ul_warn("%s: no current job", who);
		return njobs ? &jobs[njobs - 1] : NULL;
	}
	id = strtol(name + (name[0] == '%'), &end, 10);
	for (i = 0; *end == '\0' && i < njobs; i++)
		if (jobs[i].id == id)
			return &jobs[i];
	ul_warn("%s: %s: no such job", who, name);
	return NULL;
}

/* Continue job j's group. */
static void job_continue(struct job *j)
{
	if (j->pgid)
		kill(-j->pgid, SIGCONT);
	else
		kill(j->pids[0], SIGCONT);
	j->state = JOB_RUNNING;
}

int jobs_fg(int argc, char **argv)
{
	struct job *j = job_arg(argc > 1 ? argv[1] : NULL, "fg");

	if (!j)
		return 1;
	if (!sh.jobctl) {
		ul_warn("fg: no job control");
		return 1;
	}
	fprintf(stderr, "%s\n", j->text);
	tcsetpgrp(sh.tty, j->pgid);
	job_continue(j);
	return wait_job(j, 1);
}

int jobs_bg(int argc, char **argv)
{
	struct job *j = job_arg(argc > 1 ? argv[1] : NULL, "bg");

	if (!j)
		return 1;
	job_continue(j);
	fprintf(stderr, "[%d] %s &\n", j->id, j->text);
	return 0;
}
