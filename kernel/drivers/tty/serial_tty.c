/*
 * The serial tty, ttyS0 (4:64): the line discipline over COM1.  It is the
 * console the kshell reads and, through /dev/console, the terminal of the
 * first user process.  Output goes out with serial_write (one run per
 * chunk, under the UART's transmitter lock); received bytes arrive in the
 * UART interrupt and go to the flip buffer, so the discipline (echo,
 * wakeups) runs in a bottom half.  The tty's own locks are described in
 * tty.h; this file has no state beyond the tty itself.
 */
#include "drivers/serial.h"
#include "drivers/tty.h"

static tty_t serial_tty;

static void serial_tty_output(tty_t *tty, const char *buf, size_t n)
{
	serial_write(buf, n);
}

static const tty_driver_t serial_tty_driver = { .output = serial_tty_output };

static void serial_tty_rx(uint8_t c)
{
	tty_receive_irq(&serial_tty, c);
}

void tty_serial_init(void)
{
	tty_init(&serial_tty, "ttyS0", MKDEV(TTY_MAJOR, TTY_SERIAL_MINOR_BASE),
		 &serial_tty_driver, NULL);
	serial_set_rx_handler(serial_tty_rx);
}

tty_t *tty_serial(void)
{
	return &serial_tty;
}
