/*
 * The treap that indexes a vmmap's areas (see include/vm/vmtree.h).
 *
 * Invariants: in-order is by start page (areas do not overlap, so also
 * by end); a node's priority is at least its children's; a node's lo, hi
 * and gap describe its whole subtree and are recomputed (update()) on
 * the way back up from every change below it.  The priorities come from
 * the kernel's random generator, so the expected depth is O(log n)
 * whatever order areas come and go in.  Recursion depth is the tree's
 * depth (about 2 log2 n: some 40 frames for 65530 areas).
 */
#include "vm/vmtree.h"
#include "vm/vmmap.h"
#include "util/debug.h"
#include "util/random.h"

static vmtree_node_t *node(vmarea_t *a) { return &a->tree; }

static void update(vmarea_t *t)
{
	vmarea_t *l = node(t)->left, *r = node(t)->right;
	uint32_t gap = 0;
	node(t)->lo = l ? node(l)->lo : t->start;
	node(t)->hi = r ? node(r)->hi : t->end;
	if (l)
		gap = MAX(node(l)->gap, t->start - node(l)->hi);
	if (r)
		gap = MAX(gap, MAX(node(r)->gap, node(r)->lo - t->end));
	node(t)->gap = gap;
}

/* Cuts t into the areas starting below key (*l) and the others (*r). */
static void split(vmarea_t *t, uint32_t key, vmarea_t **l, vmarea_t **r)
{
	if (!t) {
		*l = *r = NULL;
		return;
	}
	if (t->start < key) {
		split(node(t)->right, key, &node(t)->right, r);
		*l = t;
	} else {
		split(node(t)->left, key, l, &node(t)->left);
		*r = t;
	}
	update(t);
}

/* Joins two treaps, every area of a below every area of b. */
static vmarea_t *join(vmarea_t *a, vmarea_t *b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	if (node(a)->prio >= node(b)->prio) {
		node(a)->right = join(node(a)->right, b);
		update(a);
		return a;
	}
	node(b)->left = join(a, node(b)->left);
	update(b);
	return b;
}

static vmarea_t *insert(vmarea_t *t, vmarea_t *a)
{
	if (!t)
		return a;
	if (node(a)->prio > node(t)->prio) {
		split(t, a->start, &node(a)->left, &node(a)->right);
		update(a);
		return a;
	}
	if (a->start < t->start)
		node(t)->left = insert(node(t)->left, a);
	else
		node(t)->right = insert(node(t)->right, a);
	update(t);
	return t;
}

void vmtree_insert(vmarea_t **root, vmarea_t *a)
{
	node(a)->left = node(a)->right = NULL;
	node(a)->prio = random_u32();
	update(a);
	*root = insert(*root, a);
}

static vmarea_t *tree_remove(vmarea_t *t, vmarea_t *a)
{
	KASSERT(t, "vmtree: area %#x-%#x is not in the tree", a->start, a->end);
	if (t == a)
		return join(node(a)->left, node(a)->right);
	if (a->start < t->start)
		node(t)->left = tree_remove(node(t)->left, a);
	else
		node(t)->right = tree_remove(node(t)->right, a);
	update(t);
	return t;
}

void vmtree_remove(vmarea_t **root, vmarea_t *a)
{
	*root = tree_remove(*root, a);
}

static void refresh(vmarea_t *t, vmarea_t *a)
{
	KASSERT(t, "vmtree: area %#x-%#x is not in the tree", a->start, a->end);
	if (t != a)
		refresh(a->start < t->start ? node(t)->left : node(t)->right, a);
	update(t);
}

void vmtree_resized(vmarea_t **root, vmarea_t *a)
{
	refresh(*root, a);
}

vmarea_t *vmtree_first_after(vmarea_t *t, uint32_t vpn)
{
	vmarea_t *best = NULL;
	while (t) {
		if (t->end > vpn) {
			best = t;
			t = node(t)->left;
		} else {
			t = node(t)->right;
		}
	}
	return best;
}

/* The end of the highest free run of at least n pages between two areas
 * of t, or 0.  Higher runs are to the right: the right subtree's, then
 * the one just above t, then the one just below t, then the left's. */
static uint32_t highest_gap_end(vmarea_t *t, uint32_t n)
{
	while (t && node(t)->gap >= n) {
		vmarea_t *l = node(t)->left, *r = node(t)->right;
		if (r && node(r)->gap >= n) {
			t = r;
			continue;
		}
		if (r && node(r)->lo - t->end >= n)
			return node(r)->lo;
		if (l && t->start - node(l)->hi >= n)
			return t->start;
		t = l;
	}
	return 0;
}

uint32_t vmtree_find_free(vmarea_t *root, uint32_t npages, uint32_t floor, uint32_t ceil)
{
	if (!root)
		return ceil - floor >= npages ? ceil - npages : 0;
	KASSERT(node(root)->lo >= floor && node(root)->hi <= ceil,
		"vmtree: areas %#x-%#x outside %#x-%#x", node(root)->lo, node(root)->hi, floor, ceil);
	if (ceil - node(root)->hi >= npages)
		return ceil - npages;
	uint32_t end = highest_gap_end(root, npages);
	if (end)
		return end - npages;
	return node(root)->lo - floor >= npages ? node(root)->lo - npages : 0;
}
