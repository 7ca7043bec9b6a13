/*
 * The vDSO's entry points that are code, not C (kernel/vdso/):
 *
 * __kernel_vsyscall: a system call with Linux i386's convention (number
 * in eax, arguments in ebx ecx edx esi edi ebp).  It saves ecx, edx and
 * ebp on the user stack, points ebp at them (the kernel reads argument 6
 * from 0(%ebp)) and enters with sysenter.  The kernel's sysexit comes
 * back to vdso_sysenter_return with ecx and edx clobbered; the pops give
 * them back.  The int $0x80 just before it is where a system call that
 * must run again (a signal interrupted it, restart) goes: the kernel
 * backs eip up over it, with the registers as at entry and ebp holding
 * argument 6.
 *
 * __kernel_sigreturn / __kernel_rt_sigreturn: the return addresses the
 * kernel puts in a signal frame when the handler came without
 * SA_RESTORER.
 */
#define NR_sigreturn 119
#define NR_rt_sigreturn 173

	.text
	.globl __kernel_vsyscall
	.type __kernel_vsyscall, @function
	.balign 16
__kernel_vsyscall:
	pushl %ecx
	pushl %edx
	pushl %ebp
	movl %esp, %ebp
	sysenter
	int $0x80
	.globl vdso_sysenter_return
	.hidden vdso_sysenter_return
vdso_sysenter_return:
	popl %ebp
	popl %edx
	popl %ecx
	ret
	.size __kernel_vsyscall, . - __kernel_vsyscall

	.globl __kernel_sigreturn
	.type __kernel_sigreturn, @function
	.balign 16
__kernel_sigreturn:
	popl %eax
	movl $NR_sigreturn, %eax
	int $0x80
	.size __kernel_sigreturn, . - __kernel_sigreturn

	.globl __kernel_rt_sigreturn
	.type __kernel_rt_sigreturn, @function
	.balign 16
__kernel_rt_sigreturn:
	movl $NR_rt_sigreturn, %eax
	int $0x80
	.size __kernel_rt_sigreturn, . - __kernel_rt_sigreturn

	.section .note.GNU-stack, "", @progbits
