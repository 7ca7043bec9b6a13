/* Powering off (kernel/main/poweroff.c): the end of every boot but a
 * panic.  Stops every other process, writes every file system back and
 * marks it clean (vfs_shutdown), then leaves QEMU with qemu_code
 * (main/qemu.h).  Sleeps: call it from a thread that may.  Only the first
 * caller proceeds; later ones sleep until the machine stops. */
#pragma once
#include "util/types.h"

struct proc;

void kernel_poweroff(uint32_t qemu_code) __noreturn;
/* Whether a power-off is underway. */
bool poweroff_started(void);
/* Starts the thread that powers off when init (a child of the caller,
 * the idle process) ends: with QEMU's success status if init exited
 * with 0 and halt_on_init_exit=1 is on the command line, else with the
 * failure status and a message saying init must not end. */
void poweroff_watch_init(struct proc *init);
