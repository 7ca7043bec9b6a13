/* The index of a vmmap's areas (kernel/vm/vmtree.c): a treap, a binary
 * search tree on the areas' start pages kept balanced by random heap
 * priorities, whose nodes are the vmareas themselves.  Each node also
 * carries, for its subtree, the lowest start, the highest end and the
 * largest free run between two of its areas, so finding the area at a
 * page and finding the highest free run of n pages both take O(log n)
 * expected steps: a process with tens of thousands of areas does not
 * make every fault, mmap and munmap walk a list.
 *
 * The vmmap's sorted list stays the way to walk neighbours; the tree only
 * answers searches.  Areas in one tree never overlap.  The caller holds
 * the map's lock (the tree has none of its own). */
#pragma once
#include "util/types.h"

struct vmarea;

typedef struct vmtree_node {
	struct vmarea *left, *right;
	uint32_t prio;		/* heap order: a parent's is >= its children's */
	uint32_t lo, hi;	/* the subtree's lowest start and highest end */
	uint32_t gap;		/* its largest free run between two areas */
} vmtree_node_t;

void vmtree_insert(struct vmarea **root, struct vmarea *a);
void vmtree_remove(struct vmarea **root, struct vmarea *a);
/* a's end changed (its start did not): refreshes what the tree knows. */
void vmtree_resized(struct vmarea **root, struct vmarea *a);
/* The lowest area ending after page vpn (the first one that contains or
 * follows vpn), or NULL. */
struct vmarea *vmtree_first_after(struct vmarea *root, uint32_t vpn);
/* The first page of the highest free run of npages > 0 in [floor, ceil),
 * every area lying inside those bounds; 0 if there is none. */
uint32_t vmtree_find_free(struct vmarea *root, uint32_t npages, uint32_t floor, uint32_t ceil);
