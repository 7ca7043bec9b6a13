/* Leaving QEMU (see include/main/qemu.h). */
#include "main/qemu.h"
#include "main/io.h"

void qemu_exit(uint32_t code)
{
	intr_disable();
	outl(QEMU_EXIT_PORT, code);
	for (;;)	/* no debug-exit device: stop here */
		cpu_halt();
}
