/*
 * The 8259A pair.  At reset the master delivers IRQ 0-7 on vectors 8-15,
 * on top of CPU exceptions, so we reinitialise both chips: master at
 * vector 32, slave at 40, cascaded through master IRQ 2.  All lines start
 * masked; irq_register() unmasks a line when it gets a handler.
 * pic_lock protects the mask registers.
 */
#include "drivers/pic.h"
#include "entry/intr.h"
#include "main/io.h"
#include "util/spinlock.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xA0
#define PIC2_DATA 0xA1
#define ICW1_INIT_ICW4 0x11
#define ICW4_8086 0x01
#define OCW2_EOI 0x20
#define OCW3_READ_ISR 0x0B
#define CASCADE_IRQ 2
#define SPURIOUS_MASTER 7
#define SPURIOUS_SLAVE 15

static spinlock_t pic_lock = SPINLOCK_INIT("8259 mask registers");

void pic_init(void)
{
	outb(PIC1_CMD, ICW1_INIT_ICW4); io_wait();
	outb(PIC2_CMD, ICW1_INIT_ICW4); io_wait();
	outb(PIC1_DATA, INTR_IRQ_BASE); io_wait();
	outb(PIC2_DATA, INTR_IRQ_BASE + 8); io_wait();
	outb(PIC1_DATA, 1 << CASCADE_IRQ); io_wait();	/* slave on IRQ 2 */
	outb(PIC2_DATA, CASCADE_IRQ); io_wait();	/* slave identity */
	outb(PIC1_DATA, ICW4_8086); io_wait();
	outb(PIC2_DATA, ICW4_8086); io_wait();
	outb(PIC1_DATA, 0xFF & ~(1 << CASCADE_IRQ));
	outb(PIC2_DATA, 0xFF);
}

void pic_eoi(int irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, OCW2_EOI);
	outb(PIC1_CMD, OCW2_EOI);
}

static void pic_set_mask(int irq, bool masked)
{
	uint16_t port = irq < 8 ? PIC1_DATA : PIC2_DATA;
	uint8_t bit = 1 << (irq & 7);

	spin_lock(&pic_lock);
	uint8_t m = inb(port);
	outb(port, masked ? (m | bit) : (m & ~bit));
	spin_unlock(&pic_lock);
}

void pic_mask(int irq) { pic_set_mask(irq, true); }
void pic_unmask(int irq) { pic_set_mask(irq, false); }

static uint8_t pic_isr(uint16_t cmd_port)
{
	outb(cmd_port, OCW3_READ_ISR);
	return inb(cmd_port);
}

bool pic_is_spurious(int irq)
{
	if (irq == SPURIOUS_MASTER)
		return !(pic_isr(PIC1_CMD) & (1 << 7));
	if (irq == SPURIOUS_SLAVE && !(pic_isr(PIC2_CMD) & (1 << 7))) {
		outb(PIC1_CMD, OCW2_EOI);	/* the master did see the cascade */
		return true;
	}
	return false;
}
