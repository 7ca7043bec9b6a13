/*
 * System-call dispatch.
 *
 * syscall_table maps Linux i386 numbers to handlers (the names are for the
 * syscall debug channel).  A number without a handler returns -ENOSYS and
 * is logged once per call on `syscall`.  Interrupts are on while a
 * handler runs; the entry path turns them off again before the register
 * frame is restored.
 */
#include "api/syscall.h"
#include "api/syscall_table.h"
#include "api/thread.h"
#include "main/cpu.h"
#include "main/io.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/signal.h"
#include "util/debug.h"
#include "util/errno.h"

void syscall_entry(intr_frame_t *f)
{
	kthread_t *t = curthr;
	uint32_t nr = f->eax;
	long ret = -ENOSYS;

	t->user_frame = f;
	t->syscall_nr = nr;
	cpu_this()->syscalls++;
	intr_enable();
	const syscall_entry_t *e = syscall_lookup(nr);
	if (e) {
		ret = e->fn(f->ebx, f->ecx, f->edx, f->esi, f->edi, f->ebp);
		dbg(DBG_SYSCALL, "pid %d: %s(%#x, %#x, %#x) = %ld\n", t->proc->pid,
		    e->name, f->ebx, f->ecx, f->edx, ret);
	} else {
		dbg(DBG_SYSCALL, "pid %d: unimplemented system call %u (-ENOSYS)\n",
		    t->proc->pid, nr);
	}
	if (ret == -EINTR && e && e->restartable)
		ret = -ERESTARTSYS;	/* the signal layer decides: again, or EINTR */
	f->eax = (uint32_t)ret;	/* execve and sigreturn return the new eax */
	sched_preempt_point();	/* a thread it woke or reprioritised may outrank us */
	intr_disable();
}

void syscall_init(void)
{
	intr_register(INTR_SYSCALL, syscall_entry);
	thread_init();
	tty_signals_init();
}

void syscall_return_to_user(intr_frame_t *f)
{
	kthread_t *t = curthr;
	t->user_frame = f;
	intr_enable();
	kthread_testcancel();
	signal_deliver(f);
	intr_disable();
}
