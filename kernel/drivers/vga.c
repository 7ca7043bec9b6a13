/*
 * VGA text mode: an 80x25 array of (character, attribute) cells at
 * physical 0xB8000, reached through the direct map.  Only the console
 * writes here (under console_lock); the virtual terminals of issue 4 take
 * over the screen later.
 */
#include "drivers/vga.h"
#include "main/io.h"
#include "mm/page.h"
#include "util/string.h"

#define VGA_TEXT_PA 0xB8000
#define VGA_ATTR_DEFAULT 0x07	/* light grey on black */
#define CRTC_INDEX 0x3D4
#define CRTC_DATA 0x3D5
#define CRTC_CURSOR_HIGH 0x0E
#define CRTC_CURSOR_LOW 0x0F
#define TAB_WIDTH 8

static uint16_t *const vga_mem = (uint16_t *)(VGA_TEXT_PA + KERNEL_VMA);
static int row, col;

static uint16_t cell(char c) { return (uint16_t)(uint8_t)c | (VGA_ATTR_DEFAULT << 8); }

static void vga_move_cursor(void)
{
	uint16_t pos = row * VGA_COLS + col;
	outb(CRTC_INDEX, CRTC_CURSOR_HIGH);
	outb(CRTC_DATA, pos >> 8);
	outb(CRTC_INDEX, CRTC_CURSOR_LOW);
	outb(CRTC_DATA, pos & 0xFF);
}

void vga_clear(void)
{
	for (int i = 0; i < VGA_COLS * VGA_ROWS; i++)
		vga_mem[i] = cell(' ');
	row = col = 0;
	vga_move_cursor();
}

void vga_init(void)
{
	vga_clear();
}

static void vga_scroll(void)
{
	memmove(vga_mem, vga_mem + VGA_COLS, (VGA_ROWS - 1) * VGA_COLS * 2);
	for (int i = 0; i < VGA_COLS; i++)
		vga_mem[(VGA_ROWS - 1) * VGA_COLS + i] = cell(' ');
	row = VGA_ROWS - 1;
}

void vga_putc(char c)
{
	switch (c) {
	case '\n':
		col = 0;
		row++;
		break;
	case '\r':
		col = 0;
		break;
	case '\b':
		if (col > 0)
			col--;
		break;
	case '\t':
		col = ALIGN_UP(col + 1, TAB_WIDTH);
		break;
	default:
		vga_mem[row * VGA_COLS + col] = cell(c);
		col++;
	}
	if (col >= VGA_COLS) {
		col = 0;
		row++;
	}
	if (row >= VGA_ROWS)
		vga_scroll();
	vga_move_cursor();
}
