/* ELF32 executables (kernel/api/elf.c): the static i386 programs that
 * `gcc -m32 -static` makes, ET_EXEC, and static-pie ET_DYN loaded at a
 * fixed base.  Anything else -- wrong magic, class, byte order, machine,
 * a dynamic interpreter, segments that overlap the kernel, lie outside the
 * file or overflow -- is -ENOEXEC, with nothing left mapped. */
#pragma once
#include "util/types.h"
#include "vm/vmmap.h"

struct vnode;

#define ELF_DYN_BASE 0x00400000u	/* where static-pie programs go */

typedef struct elf_image {
	uint32_t entry;		/* first instruction */
	uint32_t phdr;		/* user address of the program headers */
	uint32_t phent, phnum;
	uint32_t brk_start;	/* end of the highest segment */
	bool exec_stack;	/* PT_GNU_STACK asked for an executable stack */
} elf_image_t;

/* Maps vn's segments into map (a new, inactive address space). */
int elf_load(struct vnode *vn, vmmap_t *map, elf_image_t *img);
