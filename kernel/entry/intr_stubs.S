/*
 * Interrupt entry stubs.  Vector n's stub is at intr_stubs + 16 * n (the
 * IDT is filled from that rule).  Each stub makes the stack look the same
 * for every vector -- pushing a zero where the CPU pushes no error code --
 * pushes its vector number and joins intr_common, which saves the general
 * and segment registers into an intr_frame_t and calls intr_dispatch().
 * intr_return is also the first code a new user thread runs (issue 6).
 */
#include "boot/gdt.h"
#include "main/smap.h"

#define STUB_ALIGN 16

	.altmacro
	.macro INTR_STUB n
	.balign STUB_ALIGN
	/* Vectors 8, 10-14, 17, 21, 29 and 30 get an error code from the CPU. */
	.if (\n == 8) || ((\n >= 10) && (\n <= 14)) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
	.else
	pushl $0
	.endif
	pushl $\n
	jmp intr_common
	.endm

	.text
	.balign STUB_ALIGN
	.globl intr_stubs
intr_stubs:
	.set vec, 0
	.rept 256
	INTR_STUB %vec
	.set vec, vec + 1
	.endr

intr_common:
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
	SMAP_CLAC			/* no user access in handlers (iret restores AC) */
	pushl %esp			/* intr_frame_t * */
	call intr_dispatch
	addl $4, %esp

	.globl intr_return
intr_return:
	popl %gs
	popl %fs
	popl %es
	popl %ds
	popal
	addl $8, %esp			/* vector and error code */
	iret

/*
 * void userland_enter(intr_frame_t *frame) -- never returns.
 * Starts (or resumes) user mode from a frame built on the kernel stack:
 * the first instruction of a new program after exec, or a forked child's
 * return from fork.  Interrupts must be off; iret turns them on.
 */
	.globl userland_enter
userland_enter:
	movl 4(%esp), %esp
	jmp intr_return
