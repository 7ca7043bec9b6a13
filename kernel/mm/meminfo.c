/*
 * Memory figures (mm/meminfo.h): the frame allocator's counts and the
 * page cache's resident pages, each read under its own lock; the three
 * may be a moment apart, never inconsistent (free + cached <= total).
 */
#include "mm/meminfo.h"
#include "mm/frame.h"
#include "mm/pframe.h"

void mm_meminfo(mm_meminfo_t *mi)
{
	pframe_stats_t st;
	pframe_get_stats(&st);
	mi->total = frame_total_count();
	mi->free = frame_free_count();
	mi->cached = MIN(st.resident, mi->total - mi->free);
}
