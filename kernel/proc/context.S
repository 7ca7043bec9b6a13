/*
 * void context_switch(uint32_t *save_esp, uint32_t new_esp)
 *
 * Saves the callee-saved registers (the C calling convention lets the
 * caller assume only these survive a call) on the current stack, stores
 * the stack pointer in *save_esp, loads new_esp and pops the same four
 * registers of the thread being resumed.  Its `ret` returns into that
 * thread's own call to context_switch -- or, for a new thread, into
 * kthread_start, whose address kthread_create left on its stack.
 */
	.text
	.globl context_switch
context_switch:
	movl 4(%esp), %eax		/* save_esp */
	movl 8(%esp), %edx		/* new_esp */
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	movl %esp, (%eax)
	movl %edx, %esp
	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	ret
