/* Wait queues: lists of sleeping threads (kernel/proc/sched.c).  The
 * fields are protected by sched_lock. */
#pragma once
#include "util/types.h"
#include "util/list.h"

typedef struct wait_queue {
	list_t waiters;		/* kthread_t.run_link, FIFO */
	size_t count;
	list_t pollers;		/* poll_entry_t.link (proc/pollwait.h) */
	size_t npollers;	/* 0 in a queue never polled, even if zeroed */
} wait_queue_t;

/* A static initializer: wait_queue_t q = WAIT_QUEUE_INIT(q); */
#define WAIT_QUEUE_INIT(wq) { LIST_INIT((wq).waiters), 0, LIST_INIT((wq).pollers), 0 }

void wait_queue_init(wait_queue_t *wq);
bool wait_queue_empty(const wait_queue_t *wq);
