/* The huge-page policy (kernel/mm/thp.c): when anonymous memory gets
 * 4 MiB pages without MAP_HUGETLB.  Linux's three transparent-huge-page
 * modes: `always` (every private anonymous area, on the first touch of an
 * aligned 4 MiB block inside it), `madvise` (only areas given
 * MADV_HUGEPAGE) and `never`.  MAP_HUGETLB areas use huge pages in every
 * mode.  The default is Config.mk's THP; `transparent_hugepage=MODE` on
 * the kernel command line (Linux's word) and the writable file
 * /proc/sys/vm/transparent_hugepage change it.  One word, read without a
 * lock: a fault that sees the old mode a moment late does no harm. */
#pragma once
#include "util/types.h"

typedef enum thp_mode {
	THP_NEVER,
	THP_MADVISE,
	THP_ALWAYS,
} thp_mode_t;

thp_mode_t thp_mode(void);
/* Sets the mode from its name (a trailing newline is allowed): 0, or
 * -EINVAL for anything else. */
int thp_set_mode(const char *name, size_t len);
/* The modes as Linux's sysfs file shows them, the current one in
 * brackets: "always [madvise] never". */
const char *thp_mode_line(void);
