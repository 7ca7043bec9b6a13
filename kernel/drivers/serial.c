/*
 * COM1 at 115200 baud, 8N1, FIFOs on.  Output is polled: the kernel log
 * must work before interrupts do and from inside a panic.  serial_tx_lock
 * makes each serial_write() one uninterrupted run of bytes, so the kernel
 * log and the serial tty's output interleave only between runs.
 * Receiving is interrupt driven once serial_set_rx_handler() installs a
 * receiver (the serial tty's, which queues bytes for a bottom half).
 */
#include "drivers/serial.h"
#include "main/io.h"
#include "entry/intr.h"
#include "util/debug.h"
#include "util/spinlock.h"

#define COM1 0x3F8
#define REG_DATA 0
#define REG_IER 1
#define REG_FCR 2
#define REG_LCR 3
#define REG_MCR 4
#define REG_LSR 5
#define LCR_DLAB 0x80
#define LCR_8N1 0x03
#define FCR_ENABLE_CLEAR 0xC7
#define MCR_DTR_RTS_OUT2 0x0B
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define BAUD_DIVISOR 1		/* 115200 / 115200 */
#define IER_RX_AVAILABLE 0x01

static void (*rx_handler)(uint8_t byte);
static spinlock_t serial_tx_lock = SPINLOCK_INIT("COM1 transmitter");

void serial_init(void)
{
	outb(COM1 + REG_IER, 0);
	outb(COM1 + REG_LCR, LCR_DLAB);
	outb(COM1 + REG_DATA, BAUD_DIVISOR);
	outb(COM1 + REG_IER, 0);
	outb(COM1 + REG_LCR, LCR_8N1);
	outb(COM1 + REG_FCR, FCR_ENABLE_CLEAR);
	outb(COM1 + REG_MCR, MCR_DTR_RTS_OUT2);
}

void serial_putc(char c)
{
	while (!(inb(COM1 + REG_LSR) & LSR_THR_EMPTY))
		;
	outb(COM1 + REG_DATA, (uint8_t)c);
}

void serial_write(const char *s, size_t n)
{
	bool locked = !panicking;

	if (locked)
		spin_lock(&serial_tx_lock);
	for (size_t i = 0; i < n; i++)
		serial_putc(s[i]);
	if (locked)
		spin_unlock(&serial_tx_lock);
}

int serial_getc_nowait(void)
{
	if (!(inb(COM1 + REG_LSR) & LSR_DATA_READY))
		return -1;
	return inb(COM1 + REG_DATA);
}

/* Drains the receive FIFO into the handler. */
static void serial_interrupt(intr_frame_t *f)
{
	int c;
	while ((c = serial_getc_nowait()) >= 0)
		rx_handler((uint8_t)c);
}

void serial_set_rx_handler(void (*handler)(uint8_t byte))
{
	rx_handler = handler;
	irq_register(IRQ_COM1, serial_interrupt);
	outb(COM1 + REG_IER, IER_RX_AVAILABLE);
}
