/*
 * The page-give counters (mm/givestat.h).  give_lock protects both; they
 * are 64-bit, so a long-running system never sees them wrap.
 */
#include "mm/givestat.h"
#include "util/spinlock.h"

static spinlock_t give_lock = SPINLOCK_INIT("page-give counters");
static uint64_t pages_given, pages_moved;

void mm_give_account(size_t given, size_t moved)
{
	spin_lock(&give_lock);
	pages_given += given;
	pages_moved += moved;
	spin_unlock(&give_lock);
}

void mm_give_stats(uint64_t *given, uint64_t *moved)
{
	spin_lock(&give_lock);
	*given = pages_given;
	*moved = pages_moved;
	spin_unlock(&give_lock);
}
