/* Debug channels, panic and assertions (kernel/util/debug.c).
 *
 * dbg(CH, fmt, ...) prints "[ch] message" on the console when channel CH is
 * enabled.  The enabled set starts as Config.mk's DBG and is replaced by the
 * dbg= kernel argument.  panic() prints the reason with file, line and
 * function, a backtrace, and stops the machine (leaving QEMU with the panic
 * status of the isa-debug-exit device).  KASSERT is for kernel invariants,
 * never for user input. */
#pragma once
#include "util/types.h"

enum dbg_channel {
	DBG_ERROR, DBG_TEST, DBG_BOOT, DBG_MM, DBG_SLAB, DBG_INTR, DBG_SCHED,
	DBG_PROC, DBG_SYSCALL, DBG_VFS, DBG_DISK, DBG_TTY, DBG_VM,
	DBG_NCHANNELS
};

extern uint32_t dbg_enabled_mask;
void dbg_set_channels(const char *list);
const char *dbg_channel_name(enum dbg_channel ch);
void dbg_print(enum dbg_channel ch, const char *fmt, ...) __printf(2, 3);

#define dbg(ch, ...) do { \
	if (dbg_enabled_mask & (1u << (ch))) dbg_print((ch), __VA_ARGS__); \
} while (0)

void panic_at(const char *file, int line, const char *func,
	      const char *fmt, ...) __printf(4, 5) __noreturn;
/* Set once a panic has begun: the console then ignores its lock. */
extern volatile bool panicking;
#define panic(...) panic_at(__FILE__, __LINE__, __func__, __VA_ARGS__)

#define KASSERT(cond, ...) do { \
	if (unlikely(!(cond))) \
		panic_at(__FILE__, __LINE__, __func__, \
			 "assertion failed: " #cond ": " __VA_ARGS__); \
} while (0)

/* Prints a backtrace starting at frame pointer ebp (0: the caller's). */
void backtrace_print(uint32_t ebp);
/* Names the function containing addr; *offset gets addr's offset in it. */
const char *ksym_lookup(uint32_t addr, uint32_t *offset);
