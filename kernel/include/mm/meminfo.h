/* Memory figures for sysinfo(2) and /proc/meminfo (kernel/mm/meminfo.c),
 * in pages of PAGE_SIZE bytes, read together so they agree. */
#pragma once
#include "util/types.h"

typedef struct mm_meminfo {
	size_t total;		/* frames under management */
	size_t free;		/* frames free now */
	size_t cached;		/* page-cache pages (files, block devices, ramfs) */
} mm_meminfo_t;

void mm_meminfo(mm_meminfo_t *mi);
