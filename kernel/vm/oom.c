/*
 * The OOM killer.  There is no swap, and mapped pages are evictable, so
 * when a page fault finds no memory at all the process that asked may be
 * an idle one whose program text was taken by another eating all memory.
 * Killing whoever faulted would then kill the innocent (often init); so
 * the process with the most mapped pages dies instead (as Linux's OOM
 * killer, never init), and the faulting one waits for its memory
 * (vm/fault.c).  The size is the count of present user PTEs, read from
 * each page directory under proc_lock: a process's directory lives as
 * long as the process, and on one CPU nothing changes it meanwhile (with
 * SMP the count is a hint, which is all it needs to be).
 */
#include "vm/oom.h"
#include "mm/pagetable.h"
#include "proc/proc.h"
#include "proc/signal.h"
#include "util/printf.h"

bool vm_oom_kill_other(void)
{
	proc_t *victim = NULL;
	size_t most = 0;
	list_t *l;
	spin_lock(&proc_lock);
	list_for_each(l, proc_list_locked()) {
		proc_t *p = list_entry(l, proc_t, all_link);
		if (p->state != PROC_RUNNING || !p->vmmap || !p->pagedir || p->pid == PID_INIT)
			continue;
		size_t pages = pt_count_user_pages(p->pagedir) + 1;
		if (pages > most) {
			most = pages;
			victim = p;
		}
	}
	bool other = victim && victim != curproc;
	if (other && !victim->oom_killed) {	/* (a dying victim is waited for) */
		kprintf("out of memory: killing pid %d (%s), %u pages mapped\n", victim->pid,
			victim->name, (unsigned)(most - 1));
		victim->oom_killed = true;	/* its threads touch no more memory */
		signal_send_proc_locked(victim, SIGKILL);
	}
	spin_unlock(&proc_lock);
	return other;
}
