/* Multiboot (version 1) information structures, as the specification lays
 * them out.  Only the fields M-OS reads are named. */
#pragma once

#define MULTIBOOT_HEADER_MAGIC 0x1BADB002
#define MULTIBOOT_LOADER_MAGIC 0x2BADB002
#define MULTIBOOT_INFO_MEMORY (1u << 0)
#define MULTIBOOT_INFO_CMDLINE (1u << 2)
#define MULTIBOOT_INFO_MODS (1u << 3)
#define MULTIBOOT_INFO_MEM_MAP (1u << 6)
#define MULTIBOOT_MEMORY_AVAILABLE 1

#ifndef __ASSEMBLY__
#include "util/types.h"

typedef struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;	/* KiB below 1 MiB, above 1 MiB */
	uint32_t boot_device;
	uint32_t cmdline;		/* physical address of a C string */
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
} __packed multiboot_info_t;

typedef struct multiboot_mmap_entry {
	uint32_t size;			/* of the rest of this entry */
	uint64_t addr, len;
	uint32_t type;
} __packed multiboot_mmap_entry_t;

typedef struct multiboot_module {
	uint32_t start, end, string, reserved;
} __packed multiboot_module_t;
#endif /* __ASSEMBLY__ */
