/* 16550 UART on COM1: the kernel log (kernel/drivers/serial.c). */
#pragma once
#include "util/types.h"
void serial_init(void);
void serial_putc(char c);
/* A received byte, or -1 if none is waiting. */
int serial_getc_nowait(void);
/* Calls handler (in interrupt context) for every byte received. */
void serial_set_rx_handler(void (*handler)(uint8_t byte));
