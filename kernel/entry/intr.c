/*
 * Interrupt dispatch, exception reports and bottom halves.
 *
 * intr_dispatch() runs with interrupts off.  For a hardware IRQ it calls the
 * registered handler, acknowledges the PIC, and -- when this is the
 * outermost interrupt -- runs pending bottom halves with interrupts on.
 * An exception with no handler is a kernel bug: it is reported (vector,
 * name, error code, registers, CR2 for page faults, a backtrace) and the
 * kernel panics; it never falls through to a triple fault.
 *
 * intr_handlers is written only at boot, before interrupts are enabled.
 * bh_lock protects bh_pending.  cpu->in_bottom_half keeps a nested
 * interrupt from running bottom halves inside one that is running.
 */
#include "entry/intr.h"
#include "util/random.h"
#include "entry/sysenter.h"
#include "main/cpu.h"
#include "main/io.h"
#include "main/smap.h"
#include "drivers/pic.h"
#include "util/debug.h"
#include "util/printf.h"
#include "util/errno.h"
#include "util/spinlock.h"
#include "proc/sched.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/signal.h"
#include "api/syscall.h"
#include "api/usercopy.h"
#include "vm/fault.h"

static intr_handler_t intr_handlers[INTR_NVECTORS];

static spinlock_t bh_lock = SPINLOCK_INIT("bottom-half queue");
static list_t bh_pending = LIST_INIT(bh_pending);	/* under bh_lock */
static bool in_bottom_half;				/* per CPU */

static const char *const exception_names[32] = {
	"divide error", "debug", "non-maskable interrupt", "breakpoint",
	"overflow", "bound range exceeded", "invalid opcode",
	"device not available", "double fault", "coprocessor segment overrun",
	"invalid TSS", "segment not present", "stack-segment fault",
	"general protection fault", "page fault", "reserved (15)",
	"x87 floating-point error", "alignment check", "machine check",
	"SIMD floating-point exception", "virtualization exception",
	"control protection exception", "reserved (22)", "reserved (23)",
	"reserved (24)", "reserved (25)", "reserved (26)", "reserved (27)",
	"hypervisor injection", "VMM communication", "security exception",
	"reserved (31)",
};

#define EXC_DIVIDE 0
#define EXC_DEBUG 1
#define EXC_BREAKPOINT 3
#define EXC_OVERFLOW 4
#define EXC_BOUND 5
#define EXC_INVALID_OPCODE 6
#define EXC_SEGMENT_NOT_PRESENT 11
#define EXC_STACK_FAULT 12
#define EXC_GENERAL_PROTECTION 13
#define EXC_PAGE_FAULT 14
#define EXC_X87 16
#define EXC_ALIGNMENT 17
#define EXC_SIMD 19
#define PF_ERR_RESERVED 0x8
#define PF_ERR_FETCH 0x10

void intr_init(void)
{
	pic_init();
}

void intr_register(int vector, intr_handler_t handler)
{
	KASSERT(vector >= 0 && vector < INTR_NVECTORS, "vector %d", vector);
	KASSERT(intr_handlers[vector] == NULL, "vector %d already has a handler",
		vector);
	intr_handlers[vector] = handler;
}

void intr_unregister(int vector)
{
	KASSERT(vector >= 0 && vector < INTR_NVECTORS, "vector %d", vector);
	intr_handlers[vector] = NULL;
}

void irq_register(int irq, intr_handler_t handler)
{
	intr_register(INTR_IRQ_BASE + irq, handler);
	pic_unmask(irq);
}

bool intr_from_user(const intr_frame_t *f)
{
	return (f->cs & 3) == 3;
}

const char *intr_vector_name(uint32_t vector)
{
	if (vector < 32)
		return exception_names[vector];
	if (vector >= INTR_IRQ_BASE && vector < INTR_IRQ_BASE + INTR_NIRQS)
		return "hardware interrupt";
	return vector == INTR_SYSCALL ? "system call" : "software interrupt";
}

void intr_report(const intr_frame_t *f, const char *what)
{
	kprintf("\n*** %s: vector %u (%s), error code %#x\n", what, f->vector,
		intr_vector_name(f->vector), f->error);
	if (f->vector == EXC_PAGE_FAULT) {
		uint32_t e = f->error;
		kprintf("    faulting address %#010x: %s, %s, %s mode%s%s\n",
			read_cr2(), e & PF_ERR_PRESENT ? "protection violation" : "page not present",
			e & PF_ERR_WRITE ? "write" : "read",
			e & PF_ERR_USER ? "user" : "kernel",
			e & PF_ERR_RESERVED ? ", reserved bit set" : "",
			e & PF_ERR_FETCH ? ", instruction fetch" : "");
	}
	uint32_t off;
	const char *fn = ksym_lookup(f->eip, &off);
	kprintf("    eip %#010x <%s+%#x>  cs %#06x  eflags %#010x\n", f->eip,
		fn ? fn : "?", off, f->cs, f->eflags);
	kprintf("    eax %#010x  ebx %#010x  ecx %#010x  edx %#010x\n",
		f->eax, f->ebx, f->ecx, f->edx);
	kprintf("    esi %#010x  edi %#010x  ebp %#010x  esp %#010x\n",
		f->esi, f->edi, f->ebp,
		intr_from_user(f) ? f->user_esp : (uint32_t)&f->user_esp);
	kprintf("    ds %#06x es %#06x fs %#06x gs %#06x", f->ds, f->es, f->fs, f->gs);
	if (intr_from_user(f))
		kprintf(" ss %#06x", f->user_ss);
	kprintf("  cr0 %#010x cr3 %#010x cr4 %#010x\n", read_cr0(), read_cr3(), read_cr4());
	if (!intr_from_user(f))
		backtrace_print(f->ebp);
}

static void handle_irq(intr_frame_t *f)
{
	cpu_t *cpu = cpu_this();
	int irq = f->vector - INTR_IRQ_BASE;

	if (pic_is_spurious(irq))
		return;
	cpu->intr_depth++;
	random_add_interrupt(irq);
	if (intr_handlers[f->vector])
		intr_handlers[f->vector](f);
	else
		dbg(DBG_INTR, "unexpected IRQ %d\n", irq);
	pic_eoi(irq);
	cpu->intr_depth--;
	if (cpu->intr_depth == 0 && !in_bottom_half) {
		bh_run_pending();
		sched_preempt_point();
	}
}

/* The signal a user-mode exception raises, as on Linux. */
static int exception_signal(uint32_t vector)
{
	switch (vector) {
	case EXC_DIVIDE: case EXC_X87: case EXC_SIMD: return SIGFPE;
	case EXC_INVALID_OPCODE: return SIGILL;
	case EXC_DEBUG: case EXC_BREAKPOINT: return SIGTRAP;
	case EXC_SEGMENT_NOT_PRESENT: case EXC_ALIGNMENT: return SIGBUS;
	default: return SIGSEGV;
	}
}

/* si_code for the signal a fault raises. */
static int fault_code(const intr_frame_t *f)
{
	switch (f->vector) {
	case EXC_PAGE_FAULT: return (f->error & PF_ERR_PRESENT) ? SEGV_ACCERR : SEGV_MAPERR;
	case EXC_DIVIDE: return FPE_INTDIV;
	case EXC_INVALID_OPCODE: return ILL_ILLOPN;
	case EXC_ALIGNMENT: return BUS_ADRALN;
	case EXC_BREAKPOINT: return TRAP_BRKPT;
	case EXC_DEBUG: return TRAP_TRACE;
	default: return SI_KERNEL;
	}
}

/* A user program's fault ends it as the matching signal would, unless it
 * handles that signal: one line on the console says what happened. */
static void user_exception(intr_frame_t *f, uint32_t fault_addr)
{
	int sig = exception_signal(f->vector);
	kthread_t *t = curthr;
	kprintf("pid %d (%s): %s at eip %#x", t->proc->pid, t->proc->name,
		exception_names[f->vector], f->eip);
	if (f->vector == EXC_PAGE_FAULT)
		kprintf(", address %#x", fault_addr);
	kprintf(": signal %d\n", sig);
	signal_force_fault(t, sig, fault_code(f), f->vector == EXC_PAGE_FAULT ? fault_addr : f->eip);
}

/* Page faults: user addresses go to the VM; what it cannot resolve is
 * SIGSEGV (no mapping, or not allowed), SIGKILL (no memory) or SIGBUS
 * (no page: past the end of a file, an I/O error) in user mode, -EFAULT
 * in a user-copy routine; any other kernel fault is a bug. */
/* The kernel ran into SMEP or SMAP (main/smap.h): a bug, never retried
 * (a present user page would fault again at once). */
static void check_smep_smap(intr_frame_t *f, uint32_t addr)
{
	uint32_t cr4 = read_cr4();
	if (addr >= USER_END)
		return;
	if ((cr4 & CR4_SMEP) && (f->error & PF_ERR_FETCH)) {
		intr_report(f, "kernel page fault");
		panic("SMEP: the kernel executed user address %#x", addr);
	}
	if ((cr4 & CR4_SMAP) && (f->error & PF_ERR_PRESENT) && !(f->eflags & EFLAGS_AC)) {
		intr_report(f, "kernel page fault");
		panic("SMAP: the kernel touched user address %#x outside the user-copy routines "
		      "(eip %#x)", addr, f->eip);
	}
}

static void page_fault(intr_frame_t *f)
{
	uint32_t addr = read_cr2();
	bool from_user = intr_from_user(f);
	kthread_t *t = curthr;

	if (!from_user)
		check_smep_smap(f, addr);

	int rc = -EFAULT;
	if (addr < USER_END && t && t->proc->vmmap && (from_user || (f->eflags & EFLAGS_IF))) {
		intr_enable();	/* filling a page may sleep */
		rc = vm_handle_fault(addr, f->error);
		intr_disable();
		if (rc == 0)
			return;
	}
	if (from_user && rc == -ENOMEM) {
		/* No memory, and the OOM killer (vm/fault.c) found this process
		 * the biggest: killed. */
		kprintf("pid %d (%s): out of memory at address %#x: killed\n",
			t->proc->pid, t->proc->name, addr);
		t->proc->oom_killed = true;	/* its threads touch no more memory */
		signal_force(t, SIGKILL);
		return;
	}
	if (from_user && rc != -EFAULT) {
		/* A page that cannot be had: past the end of a mapped file, or
		 * the disk failed. */
		kprintf("pid %d (%s): no page at address %#x (error %d): signal %d\n",
			t->proc->pid, t->proc->name, addr, rc, SIGBUS);
		signal_force_fault(t, SIGBUS, BUS_ADRERR, addr);
		return;
	}
	if (from_user) {
		user_exception(f, addr);
		return;
	}
	uint32_t fixup = usercopy_fixup(f->eip);
	if (fixup && addr < USER_END) {
		f->eip = fixup;
		return;
	}
	intr_report(f, "kernel page fault");
	panic("page fault at %#x in the kernel (eip %#x)", addr, f->eip);
}

void intr_dispatch(intr_frame_t *f)
{
	uint32_t v = f->vector;

	if (v >= INTR_IRQ_BASE && v < INTR_IRQ_BASE + INTR_NIRQS) {
		handle_irq(f);
	} else if (intr_handlers[v]) {
		intr_handlers[v](f);
	} else if (v == EXC_PAGE_FAULT) {
		page_fault(f);
	} else if (v < 32 && intr_from_user(f)) {
		user_exception(f, 0);
	} else if (v == EXC_DEBUG && sysenter_single_step(f)) {
		/* a user's trap flag carried through sysenter: SIGTRAP sent */
	} else if (v < 32) {
		intr_report(f, "unhandled CPU exception");
		panic("%s (vector %u) at eip %#x", exception_names[v], v, f->eip);
	} else {
		dbg(DBG_INTR, "unexpected interrupt vector %u\n", v);
	}
	if (intr_from_user(f))
		syscall_return_to_user(f);
}

void bh_init_work(bh_work_t *w, void (*fn)(void *), void *arg)
{
	list_init(&w->link);
	w->pending = false;
	w->fn = fn;
	w->arg = arg;
}

void bh_schedule(bh_work_t *w)
{
	spin_lock(&bh_lock);
	if (!w->pending) {
		w->pending = true;
		list_insert_tail(&bh_pending, &w->link);
	}
	spin_unlock(&bh_lock);
}

/* Called with interrupts off; enables them around each work item. */
void bh_run_pending(void)
{
	in_bottom_half = true;
	for (;;) {
		spin_lock(&bh_lock);
		list_t *l = list_pop_head(&bh_pending);
		bh_work_t *w = l ? list_entry(l, bh_work_t, link) : NULL;
		if (w)
			w->pending = false;
		spin_unlock(&bh_lock);
		if (!w)
			break;
		intr_enable();
		w->fn(w->arg);
		intr_disable();
	}
	in_bottom_half = false;
}
