/*
 * The kernel console: the serial log and the VGA screen side by side.
 * console_lock serialises writers so lines from different threads do not
 * interleave mid-line; a panic takes the console without the lock.
 */
#include "drivers/console.h"
#include "drivers/serial.h"
#include "drivers/vga.h"
#include "util/debug.h"
#include "util/spinlock.h"

static spinlock_t console_lock = SPINLOCK_INIT("console output");

void console_init(void)
{
	serial_init();
	vga_init();
}

void console_write(const char *s, size_t n)
{
	bool locked = !panicking;

	if (locked)
		spin_lock(&console_lock);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
		vga_putc(s[i]);
	}
	if (locked)
		spin_unlock(&console_lock);
}
