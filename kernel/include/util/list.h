/* Intrusive circular doubly-linked lists.  A list_t is both the head of a
 * list and the link embedded in each element; an empty list points at
 * itself.  Callers provide the locking. */
#pragma once
#include "util/types.h"

typedef struct list {
	struct list *prev, *next;
} list_t;

#define LIST_INIT(name) { &(name), &(name) }

static inline void list_init(list_t *l) { l->prev = l->next = l; }
static inline bool list_empty(const list_t *l) { return l->next == l; }
static inline bool list_linked(const list_t *l) { return l->next != l; }

static inline void list_insert_between(list_t *n, list_t *prev, list_t *next)
{
	n->prev = prev;
	n->next = next;
	prev->next = n;
	next->prev = n;
}
static inline void list_insert_head(list_t *head, list_t *n)
{
	list_insert_between(n, head, head->next);
}
static inline void list_insert_tail(list_t *head, list_t *n)
{
	list_insert_between(n, head->prev, head);
}
static inline void list_remove(list_t *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->prev = n->next = n;
}
static inline list_t *list_pop_head(list_t *head)
{
	list_t *n = head->next;
	if (n == head)
		return NULL;
	list_remove(n);
	return n;
}

#define list_entry(link, type, member) container_of(link, type, member)
#define list_for_each(pos, head) \
	for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)
#define list_for_each_safe(pos, tmp, head) \
	for ((pos) = (head)->next, (tmp) = (pos)->next; (pos) != (head); \
	     (pos) = (tmp), (tmp) = (pos)->next)
