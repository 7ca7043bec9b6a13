/*
 * The kernel console: the serial log and the VGA screen side by side, and
 * serial input for the kshell.
 *
 * console_lock serialises writers so lines from different threads do not
 * interleave mid-line; a panic writes without it.  input_lock protects the
 * input ring; readers sleep on input_wait until a byte arrives.  When the
 * ring is full, further bytes are dropped (the line is not lost, it
 * simply stops growing), as a terminal does.
 */
#include "drivers/console.h"
#include "drivers/serial.h"
#include "drivers/vga.h"
#include "proc/sched.h"
#include "util/debug.h"
#include "util/spinlock.h"

static spinlock_t console_lock = SPINLOCK_INIT("console output");

static spinlock_t input_lock = SPINLOCK_INIT("console input ring");
static uint8_t input_ring[CONSOLE_INPUT_BUF];	/* under input_lock */
static size_t input_head, input_count;
static wait_queue_t input_wait;

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

static bool input_put_locked(uint8_t c)
{
	if (input_count == CONSOLE_INPUT_BUF)
		return false;
	input_ring[(input_head + input_count++) % CONSOLE_INPUT_BUF] = c;
	return true;
}

static void console_rx(uint8_t c)
{
	spin_lock(&input_lock);
	input_put_locked(c);
	sched_wakeup_on(&input_wait);
	spin_unlock(&input_lock);
}

void console_input_init(void)
{
	wait_queue_init(&input_wait);
	serial_set_rx_handler(console_rx);
}

size_t console_inject(const char *s, size_t n)
{
	size_t done = 0;
	spin_lock(&input_lock);
	while (done < n && input_put_locked((uint8_t)s[done]))
		done++;
	sched_broadcast_on(&input_wait);
	spin_unlock(&input_lock);
	return done;
}

int console_getc(void)
{
	spin_lock(&input_lock);
	while (input_count == 0) {
		int rc = sched_cancellable_sleep_on(&input_wait, &input_lock);
		if (rc < 0) {
			spin_unlock(&input_lock);
			return rc;
		}
	}
	uint8_t c = input_ring[input_head];
	input_head = (input_head + 1) % CONSOLE_INPUT_BUF;
	input_count--;
	spin_unlock(&input_lock);
	return c;
}
