/* 16550 UART on COM1: the kernel log and the serial tty's device
 * (kernel/drivers/serial.c). */
#pragma once
#include "util/types.h"
void serial_init(void);
/* Sends one byte, polling; takes no lock (the panic path uses it). */
void serial_putc(char c);
/* Sends n bytes as one run under the transmitter lock (no other
 * serial_write interleaves); lockless once a panic has begun. */
void serial_write(const char *s, size_t n);
/* A received byte, or -1 if none is waiting. */
int serial_getc_nowait(void);
/* Calls handler (in interrupt context) for every byte received. */
void serial_set_rx_handler(void (*handler)(uint8_t byte));
