/*
 * Power-off: the one way the machine stops other than a panic.  Every
 * end of a boot comes here: reboot(2) (halt), the end of init, the end of
 * the kernel test suites or of the kshell, an init= program that cannot
 * start.
 *
 * In order: stop every other process (killed with SIGKILL's status) and
 * wait, at most POWEROFF_STOP_MS, until each has exited, so that no
 * system call changes a file system behind the sync; then vfs_shutdown
 * writes every dirty page back and marks each file system clean, as an
 * unmount would; then QEMU exits through isa-debug-exit with the caller's
 * status.  This sleeps, so it runs in a thread that may (not the idle
 * thread, not an interrupt).
 *
 * The end of init is watched by a kernel thread of the idle process,
 * init's parent, started at boot (so nothing is allocated when init
 * dies): it sleeps on the idle process's child_wait, which init's exit
 * broadcasts, and powers off after init exits or is killed by a signal.
 * With halt_on_init_exit=1 on the command line that is the expected end,
 * and QEMU's status says success exactly when init's exit status was 0;
 * without it, init must not end (Linux panics "Attempted to kill init!"):
 * M-OS says so, then syncs and powers off with the failure status.  init
 * is never reaped, so processes orphaned meanwhile still have a parent.
 *
 * poweroff_lock protects `started`: the first caller powers off; any
 * later one (the watcher, when a halt has killed init) sleeps until the
 * machine stops.
 */
#include "main/poweroff.h"
#include "main/cmdline.h"
#include "main/qemu.h"
#include "drivers/pit.h"
#include "fs/vfs.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/signal.h"
#include "util/debug.h"
#include "util/printf.h"
#include "util/string.h"

#define POWEROFF_STOP_MS 3000	/* how long other processes get to exit */
#define POWEROFF_POLL_MS 10
#define HALT_ON_INIT_EXIT "halt_on_init_exit"
#define STATUS_TEXT_MAX 48

static spinlock_t poweroff_lock = SPINLOCK_INIT("power-off started");
static bool started;
/* Where later callers wait for the end. */
static wait_queue_t never_woken = WAIT_QUEUE_INIT(never_woken);

bool poweroff_started(void)
{
	spin_lock(&poweroff_lock);
	bool s = started;
	spin_unlock(&poweroff_lock);
	return s;
}

/* Kills (with `kill`) or counts the processes other than idle and the
 * caller's that have not exited yet. */
static size_t other_processes(bool kill)
{
	size_t n = 0;
	list_t *l;
	spin_lock(&proc_lock);
	list_for_each(l, proc_list_locked()) {
		proc_t *p = list_entry(l, proc_t, all_link);
		if (p->pid == PID_IDLE || p == curproc || p->state != PROC_RUNNING)
			continue;
		if (kill)
			proc_kill_locked(p, W_EXITCODE(0, SIGKILL));
		n++;
	}
	spin_unlock(&proc_lock);
	return n;
}

static void stop_other_processes(void)
{
	if (other_processes(true) == 0)
		return;
	uint64_t deadline = uptime_ms() + POWEROFF_STOP_MS;
	size_t left;
	while ((left = other_processes(false)) > 0 && uptime_ms() < deadline)
		sched_sleep_ms(POWEROFF_POLL_MS);
	if (left > 0)
		kprintf("poweroff: %u processes did not stop; syncing anyway\n", (unsigned)left);
}

void kernel_poweroff(uint32_t qemu_code)
{
	spin_lock(&poweroff_lock);
	bool first = !started;
	started = true;
	spin_unlock(&poweroff_lock);
	if (!first) {
		for (;;)
			sched_sleep_on(&never_woken, NULL);
	}
	stop_other_processes();
	vfs_shutdown();
	kprintf("M-OS: file systems synced; powering off\n");
	qemu_exit(qemu_code);
}

/* "exited with status N" or "was killed by signal N". */
static void describe_status(int status, char *buf, size_t size)
{
	int sig = status & 0x7f;
	if (sig)
		snprintf(buf, size, "was killed by signal %d", sig);
	else
		snprintf(buf, size, "exited with status %d", (status >> 8) & 0xff);
}

static void *init_watch_main(long arg1, void *arg2)
{
	proc_t *init = arg2;
	spin_lock(&proc_lock);
	while (init->state != PROC_DEAD)
		sched_sleep_on(&curproc->child_wait, &proc_lock);	/* init's parent's */
	int status = init->status;
	spin_unlock(&proc_lock);
	if (poweroff_started())
		kernel_poweroff(QEMU_EXIT_FAILURE);	/* a halt is underway: wait for it */
	char what[STATUS_TEXT_MAX];
	describe_status(status, what, sizeof(what));
	const char *halt = cmdline_get(HALT_ON_INIT_EXIT);
	if (halt && strcmp(halt, "1") == 0) {
		kprintf("init %s; powering off (" HALT_ON_INIT_EXIT "=1)\n", what);
		kernel_poweroff(status == 0 ? QEMU_EXIT_SUCCESS : QEMU_EXIT_FAILURE);
	}
	kprintf("init %s, but init must not end (boot with " HALT_ON_INIT_EXIT "=1 to "
		"power off when it does): syncing, then powering off with a failure status\n",
		what);
	kernel_poweroff(QEMU_EXIT_FAILURE);
}

void poweroff_watch_init(proc_t *init)
{
	KASSERT(init->parent == curproc, "init's parent must watch it");
	kthread_t *t = kthread_create(curproc, init_watch_main, 0, init);
	KASSERT(t, "no memory for the init watcher");
	strlcpy(t->name, "initwatch", sizeof(t->name));
	sched_make_runnable(t);
}
