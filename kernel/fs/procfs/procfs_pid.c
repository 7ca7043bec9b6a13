/*
 * /proc/PID and /proc/PID/task/TID: a process's (or one thread's) files,
 * in Linux 6.1's formats: stat, status, statm, cmdline, environ, comm,
 * maps, mounts, the links exe, cwd, root and fd/N.
 *
 * Each file starts from a snapshot taken under proc_lock (and sched_lock
 * for the scheduling and CPU-time fields), so a line never mixes two
 * moments; the address-space parts come from the VM (procfs_vm_ops), the
 * working directory and descriptors are referenced under proc_lock and
 * named afterwards.  A zombie shows state Z and no memory; a reaped
 * process's files fail with -ESRCH (procfs.c).
 *
 * What M-OS does not have yet reads as Linux shows it for a process
 * without it: no controlling terminal (tty_nr 0, tpgid -1), no page-fault
 * counts, no peak sizes (VmPeak and VmHWM are the current ones).
 */
#include "procfs_priv.h"
#include "fs/file.h"
#include "fs/namev.h"
#include "fs/pipe.h"
#include "drivers/pit.h"
#include "mm/page.h"
#include "proc/cred.h"
#include "proc/kthread.h"
#include "proc/sched.h"
#include "util/errno.h"
#include "util/string.h"

#define COMM_LEN 16		/* Linux's TASK_COMM_LEN, with the NUL */
#define EXIT_SIGNAL_CHILD 17	/* SIGCHLD: what a process's parent is sent */
#define RLIM_INFINITY_32 0xffffffffu
#define KB_PER_PAGE (PAGE_SIZE / 1024)
#define NICE_TO_PRIO_BASE 20	/* stat's priority: 20 + nice for time sharing */

typedef struct snap {
	char comm[COMM_LEN];
	char state;
	int pid, tid, ppid, pgid, sid, nthreads, sigq, exit_code;
	bool zombie;
	uint64_t utime, stime, cutime, cstime;	/* ticks */
	uint64_t pnd_thread, pnd_shared, blocked, ignored, caught;
	int nice, policy, rt_prio;
	uint64_t start_ticks;
	uint32_t umask;
	cred_t cred;
} snap_t;

static char state_of(const kthread_t *t)
{
	switch (t->state) {
	case KT_RUNNABLE: return 'R';
	case KT_SLEEP: return 'D';
	case KT_SLEEP_CANCELLABLE: return 'S';
	default: return 'Z';
	}
}

static const char *state_name(char s)
{
	switch (s) {
	case 'R': return "R (running)";
	case 'D': return "D (disk sleep)";
	case 'S': return "S (sleeping)";
	case 'T': return "T (stopped)";
	default: return "Z (zombie)";
	}
}

/* Times of thread t (or of every thread of p when t is NULL); sched_lock
 * held. */
static void add_times(snap_t *s, proc_t *p, kthread_t *t)
{
	list_t *l;
	list_for_each(l, &p->threads) {
		kthread_t *k = list_entry(l, kthread_t, proc_link);
		if (t && k != t)
			continue;
		s->utime += k->utime_ticks;
		s->stime += k->stime_ticks;
	}
}

static int take_snap(const procfs_target_t *t, snap_t *s)
{
	memset(s, 0, sizeof(*s));
	kthread_t *thr;
	spin_lock(&proc_lock);
	proc_t *p = procfs_target_proc_locked(t, &thr);
	if (!p) {
		spin_unlock(&proc_lock);
		return -ESRCH;
	}
	strlcpy(s->comm, p->name, sizeof(s->comm));
	s->pid = p->pid;
	s->tid = t->tid ? t->tid : p->pid;
	s->ppid = p->parent ? p->parent->pid : 0;
	s->pgid = p->pgid;
	s->sid = p->sid;
	s->zombie = p->state == PROC_DEAD;
	s->exit_code = s->zombie ? p->status : 0;
	s->sigq = p->sigq_count;
	s->pnd_shared = p->sig_pending;
	s->cutime = p->cutime_ticks;
	s->cstime = p->cstime_ticks;
	s->start_ticks = p->start_ticks;
	s->umask = p->umask;
	cred_get(p, &s->cred);
	for (int sig = 1; sig <= NSIG; sig++) {
		uint32_t h = p->sigactions[sig].handler;
		if (h == SIG_IGN)
			s->ignored |= SIGBIT(sig);
		else if (h != SIG_DFL)
			s->caught |= SIGBIT(sig);
	}
	list_t *l;
	list_for_each(l, &p->threads)
		if (list_entry(l, kthread_t, proc_link)->state != KT_EXITED)
			s->nthreads++;
	spin_lock(&sched_lock);
	add_times(s, p, t->tid ? thr : NULL);
	s->state = s->zombie || !thr ? 'Z' : p->stopped ? 'T' : state_of(thr);
	if (thr) {
		s->pnd_thread = thr->sig_pending;
		s->blocked = thr->sig_blocked;
		s->nice = thr->sched.nice;
		s->policy = thr->sched.policy;
		s->rt_prio = thr->sched.priority;
	}
	spin_unlock(&sched_lock);
	spin_unlock(&proc_lock);
	return 0;
}

static uint64_t to_clock_ticks(uint64_t ticks)
{
	return ticks * PROCFS_USER_HZ / HZ;
}

/* The address-space figures, all zero for a zombie or kernel process. */
static void vm_info(const procfs_target_t *t, procfs_vm_info_t *in)
{
	if (!procfs_vm_ops || procfs_vm_ops->info(t->pid, in) < 0)
		memset(in, 0, sizeof(*in));
}

static int show_stat(const procfs_target_t *t, procfs_buf_t *b)
{
	snap_t s;
	int rc = take_snap(t, &s);
	if (rc < 0)
		return rc;
	procfs_vm_info_t in;
	vm_info(t, &in);
	int prio = s.rt_prio > 0 ? -1 - s.rt_prio : NICE_TO_PRIO_BASE + s.nice;
	procfs_printf(b, "%d (%s) %c %d %d %d 0 -1 0 0 0 0 0 %llu %llu %llu %llu %d %d %d 0 %llu ",
		      s.tid, s.comm, s.state, s.ppid, s.pgid, s.sid,
		      to_clock_ticks(s.utime), to_clock_ticks(s.stime), to_clock_ticks(s.cutime),
		      to_clock_ticks(s.cstime), prio, s.nice, s.nthreads,
		      to_clock_ticks(s.start_ticks));
	procfs_printf(b, "%u %u %u %u %u %u 0 0 %u %u %u %u 0 0 0 %d 0 %d %d 0 0 0 ",
		      in.size_pages * PAGE_SIZE, in.rss_pages, RLIM_INFINITY_32, in.start_code,
		      in.end_code, in.start_stack, (uint32_t)(s.pnd_thread | s.pnd_shared),
		      (uint32_t)s.blocked, (uint32_t)s.ignored, (uint32_t)s.caught,
		      t->tid && t->tid != t->pid ? -1 : EXIT_SIGNAL_CHILD, s.rt_prio, s.policy);
	procfs_printf(b, "%u %u %u %u %u %u %u %d\n", in.start_data, in.end_data, in.start_brk,
		      in.arg_start, in.arg_end, in.env_start, in.env_end, s.exit_code);
	return 0;
}

static void vm_line(procfs_buf_t *b, const char *name, uint32_t pages)
{
	procfs_printf(b, "%s\t%8u kB\n", name, pages * KB_PER_PAGE);
}

static void status_vm(const procfs_target_t *t, procfs_buf_t *b)
{
	procfs_vm_info_t in;
	if (!procfs_vm_ops || procfs_vm_ops->info(t->pid, &in) < 0)
		return;	/* a zombie or kernel process: no Vm lines, as Linux */
	vm_line(b, "VmPeak:", in.size_pages);
	vm_line(b, "VmSize:", in.size_pages);
	vm_line(b, "VmLck:", 0);
	vm_line(b, "VmPin:", 0);
	vm_line(b, "VmHWM:", in.rss_pages);
	vm_line(b, "VmRSS:", in.rss_pages);
	vm_line(b, "RssAnon:", in.rss_pages - in.shared_pages);
	vm_line(b, "RssFile:", in.shared_pages);
	vm_line(b, "RssShmem:", 0);
	vm_line(b, "VmData:", in.data_pages);
	vm_line(b, "VmStk:", in.stack_pages);
	vm_line(b, "VmExe:", in.text_pages);
	vm_line(b, "VmLib:", 0);
	vm_line(b, "VmPTE:", 0);
	vm_line(b, "VmSwap:", 0);
}

/* Octal digit i (0: the lowest) of v (the kernel's printf has no %o). */
static char octal_digit(uint32_t v, int i)
{
	return (char)('0' + ((v >> (3 * i)) & 7));
}

static int show_status(const procfs_target_t *t, procfs_buf_t *b)
{
	snap_t s;
	int rc = take_snap(t, &s);
	if (rc < 0)
		return rc;
	procfs_printf(b, "Name:\t%s\nUmask:\t%c%c%c%c\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\n"
		      "PPid:\t%d\nTracerPid:\t0\nUid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n"
		      "FDSize:\t%d\nGroups:\t",
		      s.comm, octal_digit(s.umask, 3), octal_digit(s.umask, 2),
		      octal_digit(s.umask, 1), octal_digit(s.umask, 0), state_name(s.state), s.pid, s.tid, s.ppid,
		      s.cred.uid.real, s.cred.uid.eff, s.cred.uid.saved, s.cred.uid.fs,
		      s.cred.gid.real, s.cred.gid.eff, s.cred.gid.saved, s.cred.gid.fs, VFS_NFILES);
	for (uint32_t i = 0; i < s.cred.ngroups; i++)
		procfs_printf(b, "%u ", s.cred.groups[i]);
	procfs_printf(b, "\nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n",
		      s.pid, s.tid, s.pgid, s.sid);
	status_vm(t, b);
	procfs_printf(b, "Threads:\t%d\nSigQ:\t%d/%d\nSigPnd:\t%016llx\nShdPnd:\t%016llx\n"
		      "SigBlk:\t%016llx\nSigIgn:\t%016llx\nSigCgt:\t%016llx\n",
		      s.nthreads, s.sigq, SIGQUEUE_MAX, s.pnd_thread, s.pnd_shared, s.blocked,
		      s.ignored, s.caught);
	procfs_printf(b, "CapInh:\t%016llx\nCapPrm:\t%016llx\nCapEff:\t%016llx\n"
		      "CapBnd:\t%016llx\nCapAmb:\t%016llx\nNoNewPrivs:\t0\nSeccomp:\t0\n"
		      "Cpus_allowed:\t1\nCpus_allowed_list:\t0\nMems_allowed:\t1\n"
		      "Mems_allowed_list:\t0\nvoluntary_ctxt_switches:\t0\n"
		      "nonvoluntary_ctxt_switches:\t0\n",
		      0ull, 0ull, 0ull, 0ull, 0ull);
	return 0;
}

static int show_statm(const procfs_target_t *t, procfs_buf_t *b)
{
	procfs_vm_info_t in;
	vm_info(t, &in);
	procfs_printf(b, "%u %u %u %u 0 %u 0\n", in.size_pages, in.rss_pages, in.shared_pages,
		      in.text_pages, in.data_pages + in.stack_pages);
	return 0;
}

/* Strings from the process's memory; none for a zombie. */
static int show_strings(const procfs_target_t *t, bool env, procfs_buf_t *b)
{
	int rc = procfs_vm_ops ? procfs_vm_ops->args(t->pid, env, b) : 0;
	return rc == -ESRCH ? 0 : rc;
}

static int show_cmdline(const procfs_target_t *t, procfs_buf_t *b)
{
	return show_strings(t, false, b);
}

static int show_environ(const procfs_target_t *t, procfs_buf_t *b)
{
	return show_strings(t, true, b);
}

static int show_comm(const procfs_target_t *t, procfs_buf_t *b)
{
	snap_t s;
	int rc = take_snap(t, &s);
	if (rc == 0)
		procfs_printf(b, "%s\n", s.comm);
	return rc;
}

static int show_maps(const procfs_target_t *t, procfs_buf_t *b)
{
	int rc = procfs_vm_ops ? procfs_vm_ops->maps(t->pid, b) : 0;
	return rc == -ESRCH ? 0 : rc;
}

static int show_exe(const procfs_target_t *t, procfs_buf_t *b)
{
	int rc = procfs_vm_ops ? procfs_vm_ops->exe(t->pid, b) : -ENOENT;
	return rc == -ESRCH ? -ENOENT : rc;
}

/* The name of directory dir into b. */
static int put_dir_path(vnode_t *dir, procfs_buf_t *b)
{
	int n = namev_path(dir, b->data, b->cap);
	if (n == -ERANGE)
		b->overflow = true;
	else if (n > 0)
		b->len = (size_t)n - 1;
	return n == -ERANGE ? 0 : MIN(n, 0);
}

static int show_cwd(const procfs_target_t *t, procfs_buf_t *b)
{
	kthread_t *thr;
	spin_lock(&proc_lock);
	proc_t *p = procfs_target_proc_locked(t, &thr);
	vnode_t *cwd = p ? p->cwd : NULL;
	if (cwd)
		vref(cwd);
	spin_unlock(&proc_lock);
	if (!cwd)
		return p ? -ENOENT : -ESRCH;
	int rc = put_dir_path(cwd, b);
	vput(cwd);
	return rc;
}

static int show_root(const procfs_target_t *t, procfs_buf_t *b)
{
	procfs_printf(b, "/");
	return 0;
}

int procfs_show_fd(const procfs_target_t *t, int fd, procfs_buf_t *b)
{
	kthread_t *thr;
	file_t *f = NULL;
	spin_lock(&proc_lock);
	proc_t *p = procfs_target_proc_locked(t, &thr);
	if (p && p->files)
		f = fd_get(p->files, fd);
	spin_unlock(&proc_lock);
	if (!f)
		return p ? -ENOENT : -ESRCH;
	vnode_t *vn = f->f_vnode;
	int rc = 0;
	if (pipe_is_pipe(vn))
		procfs_printf(b, "pipe:[%u]", (unsigned)vn->vn_ino);
	else if (f->f_path)
		procfs_printf(b, "%s", f->f_path);
	else if (S_ISDIR(vn->vn_mode))
		rc = put_dir_path(vn, b);
	else
		procfs_printf(b, "%s:[%u]", vn->vn_fs->fs_type, (unsigned)vn->vn_ino);
	fput(f);
	return rc;
}

#define FILE(name, kind, fn) { name, kind, PROCFS_FILE_MODE, fn, NULL }
#define LINK(name, kind, fn) { name, kind, PROCFS_LINK_MODE, fn, NULL }
#define DIR(name, kind) { name, kind, PROCFS_DIR_MODE, NULL, NULL }

static const procfs_node_t pid_nodes[] = {
	FILE("stat", PK_P_STAT, show_stat),
	FILE("status", PK_P_STATUS, show_status),
	FILE("statm", PK_P_STATM, show_statm),
	FILE("cmdline", PK_P_CMDLINE, show_cmdline),
	FILE("environ", PK_P_ENVIRON, show_environ),
	FILE("comm", PK_P_COMM, show_comm),
	FILE("maps", PK_P_MAPS, show_maps),
	FILE("mounts", PK_P_MOUNTS, procfs_show_mounts),
	LINK("exe", PK_P_EXE, show_exe),
	LINK("cwd", PK_P_CWD, show_cwd),
	LINK("root", PK_P_ROOT, show_root),
	DIR("fd", PK_FD),
	DIR("task", PK_TASK),
};

/* A thread's directory: the same files, without fd/ and task/. */
#define TID_NODES (ARRAY_SIZE(pid_nodes) - 2)

const procfs_table_t procfs_pid_table = { pid_nodes, ARRAY_SIZE(pid_nodes) };
const procfs_table_t procfs_tid_table = { pid_nodes, TID_NODES };
