/* Inside the proc file system (kernel/fs/procfs/): what the glue
 * (procfs.c), the per-process files (procfs_pid.c) and the system files
 * (procfs_sys.c) share.
 *
 * A file is named by its inode number, which says everything about it:
 * bits 0-9 its kind (PK_*, or PK_FD_BASE + a descriptor), bits 10-25 the
 * process id (or, with PROCFS_INO_TASK, the thread id of a task/TID
 * entry), 0 for the files of the root.  So vnodes need no private data,
 * and a file of a process that is gone simply fails (-ESRCH). */
#pragma once
#include "fs/procfs.h"
#include "fs/vnode.h"
#include "proc/proc.h"

#define PROCFS_KIND_BITS 10
#define PROCFS_KIND_MASK ((1u << PROCFS_KIND_BITS) - 1)
#define PROCFS_ID_MASK 0xffffu
#define PROCFS_INO_TASK (1u << 26)
#define PROCFS_DIR_MODE (S_IFDIR | 0555)
#define PROCFS_FILE_MODE (S_IFREG | 0444)
#define PROCFS_KNOB_MODE (S_IFREG | 0644)	/* a file root may write (store) */
#define PROCFS_LINK_MODE (S_IFLNK | 0777)
#define PROCFS_USER_HZ 100	/* clock ticks as /proc counts them (sysconf's CLK_TCK) */

typedef enum procfs_kind {
	PK_NONE,	/* no file: inode number 0 is never used */
	/* directories */
	PK_ROOT, PK_SYS, PK_SYS_KERNEL, PK_SYS_VM, PK_PID, PK_TASK, PK_FD,
	/* the root's and /proc/sys's files */
	PK_SELF, PK_THREAD_SELF, PK_MEMINFO, PK_CPUINFO, PK_UPTIME, PK_LOADAVG, PK_MOUNTS,
	PK_STAT, PK_VERSION, PK_FILESYSTEMS, PK_OSTYPE, PK_OSRELEASE, PK_HOSTNAME,
	PK_DOMAINNAME, PK_KVERSION, PK_PID_MAX, PK_THREADS_MAX, PK_THP,
	/* a process's (or a thread's) files */
	PK_P_STAT, PK_P_STATUS, PK_P_STATM, PK_P_CMDLINE, PK_P_ENVIRON, PK_P_EXE, PK_P_CWD,
	PK_P_ROOT, PK_P_MAPS, PK_P_COMM, PK_P_MOUNTS,
	PK_FD_BASE = 512,	/* PID/fd/N: PK_FD_BASE + N */
} procfs_kind_t;

/* Whose file it is: pid for a process's, tid too for a task/TID's. */
typedef struct procfs_target {
	int pid;
	int tid;	/* 0: the process as a whole */
} procfs_target_t;

/* An entry of a fixed directory.  show generates a file's contents or a
 * symlink's target: 0 or a negative errno (-ESRCH: the process is gone).
 * store (a knob's, else NULL) takes what a write gives, whole: 0 or a
 * negative errno. */
typedef struct procfs_node {
	const char *name;
	procfs_kind_t kind;
	mode_t mode;
	int (*show)(const procfs_target_t *t, procfs_buf_t *b);
	int (*store)(const char *buf, size_t n);
} procfs_node_t;

typedef struct procfs_table {
	const procfs_node_t *nodes;
	size_t n;
} procfs_table_t;

/* The fixed entries of the root, /proc/sys, /proc/sys/kernel,
 * /proc/sys/vm (procfs_sys.c), a process directory and a task/TID one
 * (procfs_pid.c). */
extern const procfs_table_t procfs_root_table, procfs_sys_table, procfs_sys_kernel_table,
	procfs_sys_vm_table;
extern const procfs_table_t procfs_pid_table, procfs_tid_table;

static inline ino_t procfs_ino(procfs_kind_t kind, int id, bool task)
{
	return (task ? PROCFS_INO_TASK : 0) | ((uint32_t)id & PROCFS_ID_MASK) << PROCFS_KIND_BITS |
	       (uint32_t)kind;
}

/* The process a target names, proc_lock held (NULL: gone); *thr gets
 * the target's thread (a task's, or the process's first live one, NULL
 * for a zombie). */
proc_t *procfs_target_proc_locked(const procfs_target_t *t, kthread_t **thr);
/* The owner of p's files in /proc: its effective ids, as on Linux. */
uint32_t procfs_uid(proc_t *p);
uint32_t procfs_gid(proc_t *p);

/* procfs_pid.c: a PID/fd/N link's target. */
int procfs_show_fd(const procfs_target_t *t, int fd, procfs_buf_t *b);
/* The mount table in /proc/mounts's format (procfs_sys.c). */
int procfs_show_mounts(const procfs_target_t *t, procfs_buf_t *b);
