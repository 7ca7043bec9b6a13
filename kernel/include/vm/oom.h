/* The OOM killer (kernel/vm/oom.c). */
#pragma once
#include "util/types.h"

/* Sends SIGKILL to the user process with the most mapped pages, never
 * init, unless that is the caller; returns whether it was someone else
 * (the caller may then wait for the memory to come back).  Called only
 * when a page fault found no memory at all; takes proc_lock. */
bool vm_oom_kill_other(void);
