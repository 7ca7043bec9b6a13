/*
 * Kernel entry from a multiboot (v1) loader.
 *
 * The loader jumps to kstart (at its physical address) with paging off, %eax = the loader magic
 * and %ebx = the physical address of the multiboot information.  We are
 * linked at 0xC0100000 but run at 0x00100000, so until paging is on every
 * memory reference subtracts KERNEL_VMA.  The boot page directory maps the
 * first DIRECT_MAP_MAX of physical memory twice with 4 MiB (PSE) pages: at
 * 0 (so the instruction after enabling paging still exists) and at
 * KERNEL_VMA.  kmain() builds the real page directory and drops the
 * identity half.
 */
#include "boot/multiboot.h"

#define KERNEL_VMA 0xC0000000
#define PHYS(x) ((x) - KERNEL_VMA)
#define BOOT_STACK_SIZE 16384
#define DIRECT_MAP_PDES 192		/* 768 MiB of 4 MiB pages */
#define PDE_PRESENT_WRITE_HUGE 0x83
#define CR4_PSE 0x10
#define CR0_PG 0x80000000
#define CR0_WP 0x00010000
#define MB_FLAGS 0x3			/* page-aligned modules, memory info */

	.section .multiboot, "a"
	.balign 4
	.long MULTIBOOT_HEADER_MAGIC
	.long MB_FLAGS
	.long -(MULTIBOOT_HEADER_MAGIC + MB_FLAGS)

	.section .text.boot, "ax"
	.globl kstart
kstart:
	cli
	cld
	movl %eax, %esi			/* keep the loader's magic and info */
	movl %ebx, %edi

	/* Clear the boot page directory, then fill both windows. */
	movl $PHYS(boot_pd), %ebx
	xorl %eax, %eax
	movl $1024, %ecx
	movl %ebx, %edx
1:	movl %eax, (%edx)
	addl $4, %edx
	loop 1b

	movl $PDE_PRESENT_WRITE_HUGE, %eax	/* physical 0, flags */
	xorl %ecx, %ecx
2:	movl %eax, (%ebx, %ecx, 4)		/* identity window */
	movl %eax, 3072(%ebx, %ecx, 4)		/* entry 768 + i: higher half */
	addl $0x400000, %eax
	incl %ecx
	cmpl $DIRECT_MAP_PDES, %ecx
	jb 2b

	movl %cr4, %eax
	orl $CR4_PSE, %eax
	movl %eax, %cr4
	movl %ebx, %cr3
	movl %cr0, %eax
	orl $(CR0_PG | CR0_WP), %eax
	movl %eax, %cr0

	/* Paging is on; continue at the linked (higher-half) address. */
	movl $higher_half, %eax
	jmp *%eax
higher_half:
	movl $(boot_stack + BOOT_STACK_SIZE), %esp
	xorl %ebp, %ebp			/* ends every backtrace */
	pushl %edi			/* multiboot info (physical) */
	pushl %esi			/* loader magic */
	call kmain
3:	cli
	hlt
	jmp 3b

	.bss
	.balign 4096
	.globl boot_pd
boot_pd:
	.skip 4096
	.globl boot_stack
boot_stack:
	.skip BOOT_STACK_SIZE
