/* Global descriptor table and TSS (kernel/boot/gdt.c).  The layout follows
 * Linux i386 where user space can see it: TLS descriptors are entries 6..8,
 * which set_thread_area hands out. */
#pragma once

#define GDT_NULL 0
#define GDT_KERNEL_CODE 1
#define GDT_KERNEL_DATA 2
#define GDT_USER_CODE 3
#define GDT_USER_DATA 4
#define GDT_TSS 5
#define GDT_TLS_MIN 6
#define GDT_TLS_ENTRIES 3
#define GDT_DF_TSS (GDT_TLS_MIN + GDT_TLS_ENTRIES)	/* double-fault task */
#define GDT_ENTRIES (GDT_DF_TSS + 1)

#define SEL_KERNEL_CODE (GDT_KERNEL_CODE << 3)
#define SEL_KERNEL_DATA (GDT_KERNEL_DATA << 3)
#define SEL_USER_CODE ((GDT_USER_CODE << 3) | 3)
#define SEL_USER_DATA ((GDT_USER_DATA << 3) | 3)
#define SEL_TSS (GDT_TSS << 3)
/* Present bit in a descriptor's high word. */
#define GDT_DESC_PRESENT 0x8000u
#define SEL_DF_TSS (GDT_DF_TSS << 3)

#ifndef __ASSEMBLY__
#include "util/types.h"
void gdt_init(void);
/* The stack the CPU switches to on an interrupt from user mode (and,
 * once tss_enable_sysenter ran, on sysenter: the SYSENTER_ESP MSR is
 * rewritten with it at every thread switch). */
void tss_set_kernel_stack(uint32_t esp0);
/* Programs the SYSENTER MSRs: kernel code segment (so sysexit's user
 * selectors are GDT_USER_CODE/DATA, which must follow the kernel's),
 * the current kernel stack, and the entry point. */
void tss_enable_sysenter(uint32_t entry);
/* Sets up a second TSS in GDT slot `index` that starts at eip on stack
 * esp with page directory cr3 (for the double-fault task gate). */
void gdt_install_task(int index, uint32_t eip, uint32_t esp, uint32_t cr3,
		      uint32_t eflags);
/* What the CPU saved in the main TSS when it last left it by a task
 * switch (the state at a double fault). */
/* Loads a thread's TLS descriptors (raw low/high words) into the GDT. */
void gdt_load_tls(const uint32_t tls[GDT_TLS_ENTRIES][2]);
void tss_saved_state(uint32_t *eip, uint32_t *esp, uint32_t *ebp);
#endif
