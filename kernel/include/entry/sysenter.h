/* Fast system calls through sysenter/sysexit (kernel/entry/sysenter.c,
 * doc/api.md).  int $0x80 stays; both build the same frame. */
#pragma once
#include "util/types.h"
#include "entry/intr.h"

/* Whether the CPU has sysenter (CPUID's SEP bit). */
bool sysenter_supported(void);
/* Programs the SYSENTER MSRs when the CPU has them (boot, after the GDT). */
void sysenter_init(void);
/* The debug trap a user's TF raises on the entry's first instruction
 * (kernel mode): cleared, and SIGTRAP sent; false for any other trap. */
bool sysenter_single_step(intr_frame_t *f);
