/* The interrupt descriptor table (kernel/boot/idt.c). */
#pragma once
void idt_init(void);
