/* VGA text mode output, 80x25 (kernel/drivers/vga.c). */
#pragma once
#include "util/types.h"
#define VGA_COLS 80
#define VGA_ROWS 25
void vga_init(void);
void vga_putc(char c);
void vga_clear(void);
