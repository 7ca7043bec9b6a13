/* The interrupt descriptor table (kernel/boot/idt.c). */
#pragma once
void idt_init(void);
#include "util/types.h"
/* Makes vector a task gate to the TSS selector (double faults). */
void idt_set_task_gate(int vector, uint16_t tss_selector);
