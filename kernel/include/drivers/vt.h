/* Virtual terminals on the VGA text screen (kernel/drivers/tty/vt.c).
 *
 * NTERMS terminals (Config.mk's NTERMS), each a tty (tty0.., 4:0..) with
 * its own screen buffer and cursor; one is active: it is on the screen
 * and the keyboard types into it.  Alt+F1..Alt+F<NTERMS> switch.  VT 0
 * also shows the kernel log.  The terminal understands \n (line feed),
 * \r, \b, \t and \a (ignored); other control bytes are not drawn and
 * there are no escape sequences yet.  vt_lock protects every buffer, the
 * cursors, the active index and the VGA hardware. */
#pragma once
#include "drivers/tty.h"
#include "drivers/vga.h"

#define NTERMS CONFIG_NTERMS
#define VT_MAX_TERMS 12		/* Alt+F1 .. Alt+F12 */

/* Blank screens, VT 0 shown: early boot, before the console prints. */
void vt_init(void);
/* The kernel log's path to VT 0 (no output processing: the console
 * sends \r\n).  Lockless during a panic, when it also brings VT 0 to
 * the screen. */
void vt_console_write(const char *s, size_t n);
/* Sets up the VT ttys (registration is tty_init_all's). */
void vt_tty_init(void);
tty_t *vt_tty(int n);
/* Shows VT n; -EINVAL if there is no such terminal. */
int vt_switch(int n);
int vt_active(void);
/* A cell of VT n's buffer and its cursor, for tests and debugging. */
uint16_t vt_cell_at(int n, int row, int col);
void vt_cursor(int n, int *row, int *col);
