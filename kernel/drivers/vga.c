/*
 * VGA text mode: an 80x25 array of (character, attribute) cells at
 * physical 0xB8000, reached through the direct map, and the CRT
 * controller's cursor registers.  This file is only the hardware: the
 * virtual terminals (tty/vt.c) keep a buffer per terminal and mirror the
 * active one here, all under vt_lock (so this file has no lock).
 */
#include "drivers/vga.h"
#include "main/io.h"
#include "mm/page.h"
#include "util/string.h"

#define VGA_TEXT_PA 0xB8000
#define CRTC_INDEX 0x3D4
#define CRTC_DATA 0x3D5
#define CRTC_CURSOR_HIGH 0x0E
#define CRTC_CURSOR_LOW 0x0F
#define BYTE_MASK 0xFF
#define BITS_PER_BYTE 8

static uint16_t *const vga_mem = (uint16_t *)(VGA_TEXT_PA + KERNEL_VMA);

void vga_init(void)
{
	for (size_t i = 0; i < VGA_CELLS; i++)
		vga_mem[i] = vga_cell(' ', VGA_ATTR_DEFAULT);
	vga_set_cursor(0);
}

void vga_show(const uint16_t *cells)
{
	memcpy(vga_mem, cells, VGA_CELLS * sizeof(*cells));
}

void vga_set_cell(size_t pos, uint16_t cell)
{
	vga_mem[pos] = cell;
}

uint16_t vga_get_cell(size_t pos)
{
	return vga_mem[pos];
}

void vga_set_cursor(size_t pos)
{
	outb(CRTC_INDEX, CRTC_CURSOR_HIGH);
	outb(CRTC_DATA, (pos >> BITS_PER_BYTE) & BYTE_MASK);
	outb(CRTC_INDEX, CRTC_CURSOR_LOW);
	outb(CRTC_DATA, pos & BYTE_MASK);
}
