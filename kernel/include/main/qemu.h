/* Leaving QEMU through the isa-debug-exit device (iobase 0xf4).  QEMU exits
 * with status (code << 1) | 1; tools/run-tests.sh maps the statuses back.
 * On a machine without the device the write does nothing and the caller
 * halts instead. */
#pragma once
#include "util/types.h"
#define QEMU_EXIT_PORT 0xf4
#define QEMU_EXIT_SUCCESS 0	/* QEMU exit status 1 */
#define QEMU_EXIT_FAILURE 1	/* QEMU exit status 3 */
#define QEMU_EXIT_PANIC 2	/* QEMU exit status 5 */
void qemu_exit(uint32_t code) __noreturn;
