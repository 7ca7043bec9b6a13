/* The system-call layer (kernel/api/syscall.c): `int $0x80` with the
 * Linux i386 convention -- number in eax, arguments in ebx ecx edx esi edi
 * ebp, result (or -errno) in eax.  Handlers take the six argument words;
 * those that need the whole user context (fork, execve, sigreturn) read
 * curthr->user_frame. */
#pragma once
#include "util/types.h"
#include "entry/intr.h"

typedef long (*syscall_fn_t)(uint32_t a1, uint32_t a2, uint32_t a3,
			     uint32_t a4, uint32_t a5, uint32_t a6);

void syscall_init(void);
/* Runs the system call a frame asks for (int $0x80's handler; the
 * sysenter entry calls it too).  Called and returns with interrupts off. */
void syscall_entry(intr_frame_t *frame);
/* Makes typed ^C/^\\/^Z signal the tty's foreground group. */
void tty_signals_init(void);
/* The last step of every entry from user mode: exit if cancelled, deliver
 * signals.  Called with interrupts off. */
void syscall_return_to_user(intr_frame_t *frame);

/* Handlers, by subsystem file (kernel/api/sys_*.c). */
#define SYSCALL(name) long sys_##name(uint32_t a1, uint32_t a2, uint32_t a3, \
				     uint32_t a4, uint32_t a5, uint32_t a6)
