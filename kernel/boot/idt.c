/*
 * The interrupt descriptor table.  Every vector gets an interrupt gate
 * (interrupts off on entry) to its stub in kernel/entry/intr_stubs.S; only
 * the system-call vector, int3 and into are reachable from ring 3.
 */
#include "boot/idt.h"
#include "boot/gdt.h"
#include "entry/intr.h"

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t zero;
	uint8_t type_attr;
	uint16_t offset_high;
} __packed;

struct idt_pointer {
	uint16_t limit;
	uint32_t base;
} __packed;

#define GATE_INTR32 0x8E	/* present, DPL 0, 32-bit interrupt gate */
#define GATE_DPL3 0x60
#define STUB_SIZE 16

extern char intr_stubs[];
static struct idt_gate idt[INTR_NVECTORS] __aligned(8);

#define VEC_BREAKPOINT 3
#define VEC_OVERFLOW 4

/* Vectors user code may raise with int: the system call, and int3 and
 * into (debuggers and checked arithmetic), as on Linux. */
static bool user_callable(int v)
{
	return v == INTR_SYSCALL || v == VEC_BREAKPOINT || v == VEC_OVERFLOW;
}

void idt_init(void)
{
	for (int v = 0; v < INTR_NVECTORS; v++) {
		uint32_t addr = (uint32_t)intr_stubs + STUB_SIZE * v;
		idt[v].offset_low = addr & 0xFFFF;
		idt[v].offset_high = addr >> 16;
		idt[v].selector = SEL_KERNEL_CODE;
		idt[v].zero = 0;
		idt[v].type_attr = GATE_INTR32 | (user_callable(v) ? GATE_DPL3 : 0);
	}
	struct idt_pointer ptr = { sizeof(idt) - 1, (uint32_t)idt };
	__asm__ volatile("lidt %0" : : "m"(ptr));
}

#define GATE_TASK 0x85	/* present, DPL 0, task gate */

void idt_set_task_gate(int vector, uint16_t tss_selector)
{
	idt[vector].offset_low = 0;
	idt[vector].offset_high = 0;
	idt[vector].selector = tss_selector;
	idt[vector].zero = 0;
	idt[vector].type_attr = GATE_TASK;
}
