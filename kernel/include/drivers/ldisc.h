/* The line discipline (kernel/drivers/tty/ldisc.c), used by the tty core
 * only.  Every function except ldisc_output is called with tty->lock
 * held; echoes take out_lock inside it. */
#pragma once
#include "drivers/tty.h"

/* Processes one typed byte; false if it was dropped. */
bool ldisc_receive(tty_t *tty, uint8_t c);
/* True if a read of n bytes can complete now. */
bool ldisc_readable(tty_t *tty, size_t n);
/* Copies out what a read may take (see tty_read); returns the count. */
size_t ldisc_read(tty_t *tty, uint8_t *buf, size_t n);
/* Called after termios changed from old_lflag. */
void ldisc_mode_changed(tty_t *tty, tcflag_t old_lflag);
void ldisc_flush(tty_t *tty);
/* Output processing (OPOST/ONLCR) to the driver, under out_lock; oflag
 * is the caller's snapshot of termios.c_oflag. */
void ldisc_output(tty_t *tty, tcflag_t oflag, const char *buf, size_t n);
