/* SMEP and SMAP (kernel/main/smap.c; doc/boot.md).
 *
 * When CPUID says the CPU has them, boot sets CR4.SMEP (the kernel never
 * executes an instruction from a user page) and CR4.SMAP (the kernel
 * never reads or writes a user page unless EFLAGS.AC is set).  Only the
 * user-copy routines (kernel/api/usercopy_asm.S) set AC, with stac, and
 * clear it again with clac; every interrupt entry clears it too, so a
 * handler or a thread switched to during a copy's page fault never runs
 * with user access open.  stac and clac are undefined instructions on a
 * CPU without SMAP: each use is recorded in the .smap_sites section, and
 * smap_init overwrites them with NOPs on such a CPU, before any runs. */
#pragma once

#define SMAP_SITE_BYTES 3		/* stac and clac are 3 bytes long */

#ifdef __ASSEMBLER__
/* Opens (SMAP_STAC) and closes (SMAP_CLAC) the kernel's access to user pages. */
	.macro SMAP_INSN b0, b1, b2
6661:	.byte \b0, \b1, \b2
	.pushsection .smap_sites, "a"
	.long 6661b
	.popsection
	.endm
	.macro SMAP_STAC
	SMAP_INSN 0x0f, 0x01, 0xcb
	.endm
	.macro SMAP_CLAC
	SMAP_INSN 0x0f, 0x01, 0xca
	.endm
#else
#include "util/types.h"

#define CR4_SMEP (1u << 20)
#define CR4_SMAP (1u << 21)

/* Turns SMEP and SMAP on when the CPU has them, else patches out every
 * stac and clac.  Once, at boot, after the kernel's page tables. */
void smap_init(void);
/* What the CPU offers (CPUID leaf 7). */
bool smap_cpu_has_smep(void);
bool smap_cpu_has_smap(void);
#endif
