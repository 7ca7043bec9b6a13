/*
 * Double faults run as a separate hardware task with a stack of their own.
 *
 * The usual cause is a kernel stack overflow: the CPU cannot push the page
 * fault's frame onto the guard page below the stack, so the fault becomes
 * a double fault.  Handled on the same stack it would fault a third time
 * and reset the machine; through a task gate the CPU instead saves the
 * faulting state in the main TSS and switches to double_fault_tss, whose
 * handler reports what happened and panics.
 */
#include "entry/double_fault.h"
#include "boot/gdt.h"
#include "boot/idt.h"
#include "main/cpu.h"
#include "mm/kva.h"
#include "mm/page.h"
#include "mm/pagetable.h"
#include "proc/kthread.h"
#include "util/debug.h"
#include "util/printf.h"

#define DF_STACK_SIZE 8192
#define EFLAGS_RESERVED 0x2

static uint8_t df_stack[DF_STACK_SIZE] __aligned(16);

static void __noreturn double_fault_task(void)
{
	uint32_t eip, esp, ebp;
	tss_saved_state(&eip, &esp, &ebp);
	kthread_t *t = cpu_this()->cur_thread;
	kprintf("\n*** double fault at eip %#x, esp %#x\n", eip, esp);
	if (kva_is_guard(esp) || kva_is_guard(esp - 4))
		kprintf("    kernel stack overflow: thread %d (%s) ran into the guard page below its stack\n",
			t ? t->tid : -1, t ? t->name : "?");
	backtrace_print(ebp);
	if (kva_is_guard(esp) || kva_is_guard(esp - 4))
		panic("kernel stack overflow in thread %d (%s)", t ? t->tid : -1, t ? t->name : "?");
	panic("double fault at eip %#x", eip);
}

void double_fault_init(void)
{
	gdt_install_task(GDT_DF_TSS, (uint32_t)double_fault_task,
			 (uint32_t)df_stack + DF_STACK_SIZE, kva_to_pa(kernel_pd),
			 EFLAGS_RESERVED);
	idt_set_task_gate(8, SEL_DF_TSS);
}
