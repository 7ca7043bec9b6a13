/*
 * The sysenter entry (kernel/entry/sysenter.c tells the story).  The CPU
 * arrives here from __kernel_vsyscall in the vDSO with interrupts off,
 * on this thread's kernel stack (SYSENTER_ESP follows esp0), user ebp =
 * the user esp.  The stub builds the intr_frame_t an int $0x80 would
 * have built -- vector INTR_SYSCALL, user cs/ss, eflags with IF -- so
 * dispatch, signals, restart, fork, execve and sigreturn need no case of
 * their own; sysenter_dispatch fills in eip and argument 6 and says how
 * to leave: sysexit when the frame still returns to the vDSO's return
 * point, else the ordinary iret path (intr_return).
 */
#include "boot/gdt.h"
#include "main/smap.h"

#define EFLAGS_IF 0x200
#define INTR_SYSCALL 0x80

	.text
	.globl sysenter_entry
sysenter_entry:
	pushl $SEL_USER_DATA		/* user_ss */
	pushl %ebp			/* user_esp */
	pushfl				/* the user's flags, but IF */
	orl $EFLAGS_IF, (%esp)
	pushl $SEL_USER_CODE		/* cs */
	pushl $0			/* eip: set by sysenter_dispatch */
	pushl $0			/* error code */
	pushl $INTR_SYSCALL		/* vector */
	pushal
	pushl %ds
	pushl %es
	pushl %fs
	pushl %gs
	movw $SEL_KERNEL_DATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	cld
	SMAP_CLAC			/* a user may enter with AC set: close user access */
	pushl %esp			/* intr_frame_t * */
	call sysenter_dispatch
	addl $4, %esp
	testl %eax, %eax
	jz intr_return			/* the frame changed: iret */

	popl %gs
	popl %fs
	popl %es
	popl %ds
	popal
	addl $8, %esp			/* vector and error code */
	movl (%esp), %edx		/* sysexit's eip */
	movl 12(%esp), %ecx		/* and esp */
	addl $8, %esp			/* to eflags */
	andl $~EFLAGS_IF, (%esp)
	popfl
	sti				/* takes effect after sysexit */
	sysexit

