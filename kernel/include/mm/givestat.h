/* Counters of zero-copy page giving (kernel/vm/pagegive.c, mos_page_give),
 * kept in mm so that /proc/meminfo (fs, below vm) can show them.
 *
 * given: pages handed to another process by mos_page_give, however they
 * went; moved: those whose frames changed owner outright (never copied,
 * now or later).  The rest were shared copy-on-write: no copy at the
 * call, one later only for a page that either side writes.  Both only
 * grow. */
#pragma once
#include "util/types.h"

void mm_give_account(size_t given, size_t moved);
void mm_give_stats(uint64_t *given, uint64_t *moved);
