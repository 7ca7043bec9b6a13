/* VGA text-mode hardware, 80x25 cells of (character, attribute), and the
 * hardware cursor (kernel/drivers/vga.c).  Only the virtual terminals
 * (vt.c) draw here, under vt_lock; what is on the screen is always the
 * active terminal's buffer. */
#pragma once
#include "util/types.h"
#define VGA_COLS 80
#define VGA_ROWS 25
#define VGA_CELLS (VGA_COLS * VGA_ROWS)
#define VGA_ATTR_DEFAULT 0x07	/* light grey on black */
#define VGA_ATTR_SHIFT 8

static inline uint16_t vga_cell(char c, uint8_t attr)
{
	return (uint16_t)((uint8_t)c | (uint16_t)attr << VGA_ATTR_SHIFT);
}
static inline char vga_cell_char(uint16_t cell) { return (char)(cell & 0xFF); }

void vga_init(void);
/* Copies a whole screen of cells to the display. */
void vga_show(const uint16_t *cells);
void vga_set_cell(size_t pos, uint16_t cell);
uint16_t vga_get_cell(size_t pos);
/* Puts the hardware cursor on cell pos (row * VGA_COLS + col). */
void vga_set_cursor(size_t pos);
