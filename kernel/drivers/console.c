/*
 * The kernel console: the serial log and VGA virtual terminal 0 side by
 * side, and the serial tty as the console's input.
 *
 * console_lock orders whole console_write calls, so lines from different
 * threads do not interleave mid-line on either device; a panic writes
 * without it.  Each newline becomes \r\n on both devices.  Lock order:
 * console_lock -> COM1 transmitter lock, console_lock -> vt_lock.
 *
 * Input is the serial tty's (drivers/tty/serial_tty.c): the kshell reads
 * edited lines from it, and tests inject bytes into its line discipline.
 */
#include "drivers/console.h"
#include "drivers/serial.h"
#include "drivers/tty.h"
#include "drivers/vt.h"
#include "util/debug.h"
#include "util/spinlock.h"

#define CONSOLE_CHUNK 64
#define NEWLINE_EXPANSION 2	/* \n becomes \r\n */

static spinlock_t console_lock = SPINLOCK_INIT("console output");

void console_init(void)
{
	serial_init();
	vt_init();
}

static void flush(char *chunk, size_t *k)
{
	if (*k == 0)
		return;
	serial_write(chunk, *k);
	vt_console_write(chunk, *k);
	*k = 0;
}

void console_write(const char *s, size_t n)
{
	bool locked = !panicking;
	char chunk[CONSOLE_CHUNK];
	size_t k = 0;

	if (locked)
		spin_lock(&console_lock);
	for (size_t i = 0; i < n; i++) {
		if (k + NEWLINE_EXPANSION > sizeof(chunk))
			flush(chunk, &k);
		if (s[i] == '\n')
			chunk[k++] = '\r';
		chunk[k++] = s[i];
	}
	flush(chunk, &k);
	if (locked)
		spin_unlock(&console_lock);
}

void console_input_init(void)
{
	tty_init_all();
}

size_t console_inject(const char *s, size_t n)
{
	return tty_inject(tty_console(), s, n);
}

int console_read_line(char *buf, size_t size)
{
	size_t len = 0;
	char part[TTY_INPUT_MAX];

	if (!buf || size == 0)
		return -1;
	for (;;) {
		ssize_t n = tty_read(tty_console(), part, sizeof(part));
		if (n < 0 || (n == 0 && len == 0))
			return -1;
		bool end = n > 0 && part[n - 1] == '\n';
		size_t data = (size_t)n - end;
		size_t keep = MIN(data, size - 1 - len);
		for (size_t i = 0; i < keep; i++)
			buf[len++] = part[i];
		if (end || n == 0) {
			buf[len] = '\0';
			return (int)len;
		}
	}
}
