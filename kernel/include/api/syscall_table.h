/* The table of implemented system calls (kernel/api/syscall_table.c). */
#pragma once
#include "api/syscall.h"

typedef struct syscall_entry {
	syscall_fn_t fn;
	const char *name;
	bool restartable;	/* interrupted by a signal: may run again (SA_RESTART) */
} syscall_entry_t;

/* The handler for nr, or NULL if M-OS does not implement it. */
const syscall_entry_t *syscall_lookup(uint32_t nr);
