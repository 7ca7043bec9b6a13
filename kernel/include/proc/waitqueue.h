/* Wait queues: lists of sleeping threads (kernel/proc/sched.c).  The
 * fields are protected by sched_lock. */
#pragma once
#include "util/types.h"
#include "util/list.h"

typedef struct wait_queue {
	list_t waiters;		/* kthread_t.run_link, FIFO */
	size_t count;
} wait_queue_t;

void wait_queue_init(wait_queue_t *wq);
bool wait_queue_empty(const wait_queue_t *wq);
