/*
 * Fast system calls: the sysenter entry (doc/api.md).
 *
 * User space enters through __kernel_vsyscall in the vDSO (kernel/vdso/),
 * which pushes ecx, edx and ebp, sets ebp = esp and executes sysenter.
 * The CPU loads cs and eip from the SYSENTER MSRs (programmed once at
 * boot, tss_enable_sysenter) and esp from SYSENTER_ESP, which the
 * scheduler rewrites at every thread switch together with the TSS's esp0
 * (boot/gdt.c): so the entry is on the running thread's kernel stack with
 * no trampoline stack in between.  The stub (sysenter_stub.S) builds the
 * same intr_frame_t as an int $0x80; here the frame gets the return
 * address (the vDSO's return point, from the process's vdso_base) and
 * argument 6 (the word the vDSO saved at the user esp), and the system
 * call runs through the int $0x80 path's code.
 *
 * Leaving: sysexit loads eip from edx and esp from ecx, which the vDSO's
 * return point pops back (and ebp with them), so it is the same as an
 * iret exactly when the frame still returns there with the user's flat
 * selectors and no trap flag.  Anything that rewrote the frame -- execve,
 * a signal handler's frame, a restart (eip backed up over the vDSO's
 * int $0x80, where the call runs again with ebp = argument 6) --
 * changed eip and leaves through iret.
 *
 * sysenter does not clear the trap flag: a user that sets TF and then
 * executes sysenter takes a debug trap on the entry's first instruction,
 * in kernel mode.  sysenter_single_step clears TF there and gives the
 * thread the SIGTRAP a single step would have raised.
 *
 * cpu->sysenter_calls counts entries (mos_meminfo reports it: the tests
 * check that glibc uses this path); it is written with interrupts off.
 */
#include "entry/sysenter.h"
#include "api/syscall.h"
#include "api/usercopy.h"
#include "boot/gdt.h"
#include "main/cpu.h"
#include "main/io.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/signal.h"
#include "util/debug.h"
#include "util/errno.h"
#include "vdso_syms.h"

#define CPUID_FEATURES 1
#define CPUID_EDX_SEP (1u << 11)
#define EFLAGS_TF 0x100u
#define EFLAGS_NT 0x4000u
#define EFLAGS_VM 0x20000u

extern char sysenter_entry[];

static bool sysenter_present;

bool sysenter_supported(void)
{
	uint32_t eax = CPUID_FEATURES, ebx, ecx, edx;
	__asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx));
	return edx & CPUID_EDX_SEP;
}

void sysenter_init(void)
{
	sysenter_present = sysenter_supported();
	if (sysenter_present)
		tss_enable_sysenter((uint32_t)sysenter_entry);
	dbg(DBG_BOOT, "sysenter: %s\n", sysenter_present ? "enabled" : "not offered by this CPU");
}

/* Whether sysexit leaves exactly as iret would with this frame. */
static bool sysexit_safe(const intr_frame_t *f, uint32_t return_point)
{
	return f->eip == return_point && f->cs == SEL_USER_CODE &&
	       f->user_ss == SEL_USER_DATA &&
	       !(f->eflags & (EFLAGS_TF | EFLAGS_NT | EFLAGS_VM));
}

/* Called by the stub with interrupts off; returns with them off, true
 * to leave by sysexit. */
bool sysenter_dispatch(intr_frame_t *f);
bool sysenter_dispatch(intr_frame_t *f)
{
	uint32_t return_point = curproc->vdso_base + VDSO_OFF_vdso_sysenter_return;
	uint32_t arg6;

	cpu_this()->sysenter_calls++;
	f->eip = return_point;
	intr_enable();
	int rc = copy_from_user(&arg6, (const void *)f->user_esp, sizeof(arg6));
	intr_disable();
	if (rc < 0) {
		f->eax = (uint32_t)-EFAULT;
	} else {
		f->ebp = arg6;
		syscall_entry(f);
	}
	syscall_return_to_user(f);
	return sysexit_safe(f, return_point);
}

bool sysenter_single_step(intr_frame_t *f)
{
	if (intr_from_user(f) || f->eip != (uint32_t)sysenter_entry)
		return false;
	f->eflags &= ~EFLAGS_TF;
	signal_force_fault(curthr, SIGTRAP, TRAP_TRACE, f->eip);
	return true;
}
