/*
 * The vDSO image (build/vdso/vdso.so, kernel/vdso/Makefile.vdso),
 * embedded in the kernel: kernel/vm/vdso.c copies it into the pages it
 * maps into every process.
 */
	.section .rodata
	.balign 4096
	.globl vdso_image
vdso_image:
	.incbin VDSO_SO_PATH
	.globl vdso_image_end
vdso_image_end:

