/*
 * Virtual terminals: NTERMS screen buffers of VGA cells, each with a
 * cursor and a tty; the active one is mirrored on the VGA hardware.
 *
 * Drawing writes the terminal's buffer and, when it is the active one,
 * the same cell on the screen, so switching is one copy of the buffer to
 * the hardware.  Scrolling moves the buffer up a line (and recopies the
 * screen when active).  The cursor sits at (row, col) with 0 <= row <
 * VGA_ROWS and 0 <= col <= VGA_COLS: col == VGA_COLS is a pending wrap,
 * taken when the next character is drawn.
 *
 * vt_lock protects every buffer and cursor, `active` and the hardware.
 * It is taken below a tty's out_lock (tty output) and the console lock
 * (the kernel log on VT 0); it is skipped once a panic has begun, since
 * the panicking CPU may have been interrupted inside it.
 */
#include "drivers/vt.h"
#include "util/debug.h"
#include "util/errno.h"
#include "util/printf.h"
#include "util/string.h"

_Static_assert(NTERMS >= 1 && NTERMS <= VT_MAX_TERMS,
	       "NTERMS must be between 1 and VT_MAX_TERMS");

#define TAB_WIDTH 8

typedef struct vt {
	uint16_t cells[VGA_CELLS];
	int row, col;
	tty_t tty;
} vt_t;

static spinlock_t vt_lock = SPINLOCK_INIT("virtual terminal screens and VGA");
static vt_t vts[NTERMS];
static int active;

static bool vt_lock_take(void)
{
	if (panicking)
		return false;
	spin_lock(&vt_lock);
	return true;
}

static void vt_lock_drop(bool locked)
{
	if (locked)
		spin_unlock(&vt_lock);
}

static bool is_active(const vt_t *vt) { return vt == &vts[active]; }

static size_t cursor_pos(const vt_t *vt)
{
	return (size_t)vt->row * VGA_COLS + (size_t)MIN(vt->col, VGA_COLS - 1);
}

static void blank(uint16_t *cells, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cells[i] = vga_cell(' ', VGA_ATTR_DEFAULT);
}

static void scroll(vt_t *vt)
{
	memmove(vt->cells, vt->cells + VGA_COLS, (VGA_CELLS - VGA_COLS) * sizeof(uint16_t));
	blank(vt->cells + VGA_CELLS - VGA_COLS, VGA_COLS);
	if (is_active(vt))
		vga_show(vt->cells);
}

static void line_feed(vt_t *vt)
{
	if (++vt->row == VGA_ROWS) {
		vt->row = VGA_ROWS - 1;
		scroll(vt);
	}
}

static void draw(vt_t *vt, char c)
{
	if (vt->col == VGA_COLS) {
		vt->col = 0;
		line_feed(vt);
	}
	size_t pos = (size_t)vt->row * VGA_COLS + (size_t)vt->col;
	vt->cells[pos] = vga_cell(c, VGA_ATTR_DEFAULT);
	if (is_active(vt))
		vga_set_cell(pos, vt->cells[pos]);
	vt->col++;
}

static void vt_putc(vt_t *vt, char c)
{
	switch (c) {
	case '\n':
		line_feed(vt);
		break;
	case '\r':
		vt->col = 0;
		break;
	case '\b':
		if (vt->col > 0)
			vt->col--;
		break;
	case '\t':
		vt->col = MIN(ALIGN_UP(vt->col + 1, TAB_WIDTH), VGA_COLS);
		break;
	default:
		if ((uint8_t)c >= ' ')
			draw(vt, c);
	}
}

static void vt_write_locked(vt_t *vt, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		vt_putc(vt, s[i]);
	if (is_active(vt))
		vga_set_cursor(cursor_pos(vt));
}

void vt_init(void)
{
	for (int i = 0; i < NTERMS; i++)
		blank(vts[i].cells, VGA_CELLS);
	active = 0;
	vga_init();
}

void vt_console_write(const char *s, size_t n)
{
	bool locked = vt_lock_take();
	if (!locked && active != 0) {
		active = 0;
		vga_show(vts[0].cells);
	}
	vt_write_locked(&vts[0], s, n);
	vt_lock_drop(locked);
}

static void vt_tty_output(tty_t *tty, const char *buf, size_t n)
{
	bool locked = vt_lock_take();
	vt_write_locked(tty->driver_data, buf, n);
	vt_lock_drop(locked);
}

static const tty_driver_t vt_tty_driver = { .output = vt_tty_output };

void vt_tty_init(void)
{
	for (int i = 0; i < NTERMS; i++) {
		char name[DEV_NAME_MAX];
		snprintf(name, sizeof(name), "tty%d", i);
		tty_init(&vts[i].tty, name, MKDEV(TTY_MAJOR, TTY_VT_MINOR_BASE + i),
			 &vt_tty_driver, &vts[i]);
	}
}

tty_t *vt_tty(int n)
{
	return n >= 0 && n < NTERMS ? &vts[n].tty : NULL;
}

int vt_switch(int n)
{
	if (n < 0 || n >= NTERMS)
		return -EINVAL;
	bool locked = vt_lock_take();
	if (n != active) {
		active = n;
		vga_show(vts[n].cells);
		vga_set_cursor(cursor_pos(&vts[n]));
	}
	vt_lock_drop(locked);
	return 0;
}

int vt_active(void)
{
	bool locked = vt_lock_take();
	int n = active;
	vt_lock_drop(locked);
	return n;
}

uint16_t vt_cell_at(int n, int row, int col)
{
	if (n < 0 || n >= NTERMS || row < 0 || row >= VGA_ROWS || col < 0 || col >= VGA_COLS)
		return 0;
	bool locked = vt_lock_take();
	uint16_t cell = vts[n].cells[row * VGA_COLS + col];
	vt_lock_drop(locked);
	return cell;
}

void vt_cursor(int n, int *row, int *col)
{
	if (n < 0 || n >= NTERMS)
		return;
	bool locked = vt_lock_take();
	*row = vts[n].row;
	*col = vts[n].col;
	vt_lock_drop(locked);
}
