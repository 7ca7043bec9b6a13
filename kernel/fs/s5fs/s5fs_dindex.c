/*
 * The S5FS directory index: an in-memory hash of a large directory's
 * names, so lookup and create cost the same in a directory of 50,000
 * entries as in one of 100.  The on-disk format does not change: the
 * index is built from the directory's blocks on first use and lives and
 * dies with the directory's vnode (s5_delete_vnode drops it).
 *
 * An index holds, per named slot, only (hash of the name, slot): the name
 * and inode number are read back from the slot's page (one page-cache
 * lookup) to confirm a match, so the index never holds a copy that could
 * disagree with the directory, and a hash collision costs one more
 * compare.  A bitmap of the slots in use, with a hint below which no slot
 * is free, gives create the first free slot (the slot a linear scan
 * would have chosen) without reading the directory.
 *
 * Invariants, with the directory's vn_mutex held (every caller holds it):
 * when vi->dx exists, it has exactly one entry per non-empty slot below
 * the directory's size, with that slot's name hash, and its bitmap's bit
 * for slot s is set exactly when slot s is non-empty.  s5fs_dir.c calls
 * s5_dx_added/s5_dx_removed after each change; anything that cannot keep
 * the index exact (no memory) drops it, and the directory is scanned
 * linearly until an index can be built again.
 *
 * Memory is bounded: all indexes together hold at most dx_budget entries
 * (a 32nd of memory, counted under dx_lock); a directory whose index would
 * not fit goes without one.  Small directories (one block) never get one.
 */
#include "s5fs_priv.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "util/debug.h"
#include "util/errno.h"
#include "util/string.h"

#define DX_MIN_SLOTS S5_DIRENTS_PER_BLOCK	/* one block: scanning is as fast */
#define DX_INIT_BUCKETS 64u
#define DX_MAX_BUCKETS 16384u		/* 64 KiB of bucket heads at most */
#define DX_LOAD 2u			/* entries per bucket before the table doubles */
#define DX_MEM_SHARE 32u		/* indexes may use 1/32 of memory */
#define DX_ENTRY_BYTES KMALLOC_MIN	/* what one entry takes from kmalloc */
#define DX_BACKOFF 256u			/* operations without an index after a failed build */
#define DX_WORD_BITS 32u
#define FNV_OFFSET 2166136261u
#define FNV_PRIME 16777619u

typedef struct s5_dxent {
	struct s5_dxent *next;		/* in its bucket */
	uint32_t hash;
	uint32_t slot;
} s5_dxent_t;
_Static_assert(sizeof(s5_dxent_t) <= DX_ENTRY_BYTES, "an entry is one small kmalloc object");

struct s5_dindex {
	s5_dxent_t **buckets;
	uint32_t nbuckets;		/* a power of two */
	uint32_t count;			/* entries = non-empty slots */
	uint32_t *used;			/* bitmap: slot in use */
	uint32_t nwords;
	uint32_t free_hint;		/* no free slot below it */
};

static spinlock_t dx_lock = SPINLOCK_INIT("s5fs dir index");	/* the two below */
static uint32_t dx_entries;		/* entries in all indexes */
static uint32_t dx_budget;		/* their limit (0: not computed yet) */
static s5_dx_stats_t dx_stats;		/* builds, drops, refusals (dx_lock) */

static uint32_t budget_locked(void)
{
	if (dx_budget == 0)
		dx_budget = (uint32_t)(frame_total_count() * PAGE_SIZE / DX_MEM_SHARE /
				       DX_ENTRY_BYTES);
	return dx_budget;
}

void s5_dx_set_budget(uint32_t entries)
{
	spin_lock(&dx_lock);
	dx_budget = entries;
	spin_unlock(&dx_lock);
}

void s5_dx_get_stats(s5_dx_stats_t *st)
{
	spin_lock(&dx_lock);
	*st = dx_stats;
	st->entries = dx_entries;
	st->budget = budget_locked();
	spin_unlock(&dx_lock);
}

/* Takes n entries from the budget: false if they do not fit. */
static bool reserve(uint32_t n)
{
	spin_lock(&dx_lock);
	bool ok = dx_entries + n <= budget_locked() && dx_entries + n >= dx_entries;
	if (ok)
		dx_entries += n;
	spin_unlock(&dx_lock);
	return ok;
}

static void unreserve(uint32_t n)
{
	spin_lock(&dx_lock);
	KASSERT(dx_entries >= n, "dir index: %u entries given back, %u held", n, dx_entries);
	dx_entries -= n;
	spin_unlock(&dx_lock);
}

static void count_stat(uint64_t *field)
{
	spin_lock(&dx_lock);
	(*field)++;
	spin_unlock(&dx_lock);
}

uint32_t s5_dx_hash(const char *name, size_t len)
{
	uint32_t h = FNV_OFFSET;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * FNV_PRIME;
	return h;
}

static uint32_t dirent_len(const s5_dirent_t *e)
{
	return (uint32_t)strnlen(e->s5d_name, S5_NAME_LEN);
}

static void dx_free(s5_dindex_t *dx)
{
	for (uint32_t b = 0; b < dx->nbuckets; b++) {
		while (dx->buckets[b]) {
			s5_dxent_t *e = dx->buckets[b];
			dx->buckets[b] = e->next;
			kfree(e);
		}
	}
	unreserve(dx->count);
	kfree(dx->buckets);
	kfree(dx->used);
	kfree(dx);
}

void s5_dx_drop(vnode_t *dir)
{
	s5_vinfo_t *vi = VI(dir);
	if (vi->dx) {
		dx_free(vi->dx);
		vi->dx = NULL;
		count_stat(&dx_stats.drops);
	}
}

/* Gives up the index after a failure to keep it exact. */
static void dx_fail(vnode_t *dir)
{
	s5_dx_drop(dir);
	VI(dir)->dx_backoff = DX_BACKOFF;
	count_stat(&dx_stats.refused);
}

static void rehash(s5_dindex_t *dx)
{
	uint32_t n = dx->nbuckets * 2;
	s5_dxent_t **nb = kzalloc(n * sizeof(*nb));
	if (!nb)
		return;			/* longer chains, still correct */
	for (uint32_t b = 0; b < dx->nbuckets; b++) {
		while (dx->buckets[b]) {
			s5_dxent_t *e = dx->buckets[b];
			dx->buckets[b] = e->next;
			e->next = nb[e->hash & (n - 1)];
			nb[e->hash & (n - 1)] = e;
		}
	}
	kfree(dx->buckets);
	dx->buckets = nb;
	dx->nbuckets = n;
}

/* Makes the bitmap cover slot. */
static int grow_bitmap(s5_dindex_t *dx, uint32_t slot)
{
	if (slot / DX_WORD_BITS < dx->nwords)
		return 0;
	uint32_t n = MAX(dx->nwords * 2, slot / DX_WORD_BITS + 1);
	uint32_t *used = kzalloc(n * sizeof(*used));
	if (!used)
		return -ENOMEM;
	if (dx->used)
		memcpy(used, dx->used, dx->nwords * sizeof(*used));
	kfree(dx->used);
	dx->used = used;
	dx->nwords = n;
	return 0;
}

static int dx_insert(s5_dindex_t *dx, uint32_t hash, uint32_t slot)
{
	if (grow_bitmap(dx, slot) < 0)
		return -ENOMEM;
	if (!reserve(1))
		return -ENOSPC;
	s5_dxent_t *e = kmalloc(sizeof(*e));
	if (!e) {
		unreserve(1);
		return -ENOMEM;
	}
	e->hash = hash;
	e->slot = slot;
	e->next = dx->buckets[hash & (dx->nbuckets - 1)];
	dx->buckets[hash & (dx->nbuckets - 1)] = e;
	dx->used[slot / DX_WORD_BITS] |= 1u << (slot % DX_WORD_BITS);
	dx->count++;
	if (dx->count > dx->nbuckets * DX_LOAD && dx->nbuckets < DX_MAX_BUCKETS)
		rehash(dx);
	return 0;
}

/* Adds every named slot of the directory's page `page` to dx. */
static int index_page(vnode_t *dir, s5_dindex_t *dx, uint32_t page, uint32_t nslots)
{
	pframe_t *pf;
	int rc = pframe_get(&dir->vn_mmobj, page, &pf);
	if (rc < 0)
		return rc;
	const s5_dirent_t *e = pf->pf_addr;
	uint32_t first = page * S5_DIRENTS_PER_BLOCK;
	uint32_t count = MIN(S5_DIRENTS_PER_BLOCK, nslots - first);
	for (uint32_t i = 0; i < count && rc == 0; i++) {
		if (e[i].s5d_ino != S5_NO_INODE)
			rc = dx_insert(dx, s5_dx_hash(e[i].s5d_name, dirent_len(&e[i])), first + i);
	}
	pframe_unpin(pf);
	return rc;
}

static int build(vnode_t *dir, uint32_t nslots)
{
	s5_dindex_t *dx = kzalloc(sizeof(*dx));
	if (!dx)
		return -ENOMEM;
	dx->nbuckets = DX_INIT_BUCKETS;
	dx->buckets = kzalloc(dx->nbuckets * sizeof(*dx->buckets));
	int rc = dx->buckets ? grow_bitmap(dx, nslots) : -ENOMEM;
	for (uint32_t page = 0; rc == 0 && page * S5_DIRENTS_PER_BLOCK < nslots; page++)
		rc = index_page(dir, dx, page, nslots);
	if (rc < 0) {
		if (dx->buckets)
			dx_free(dx);
		else
			kfree(dx);
		return rc;
	}
	VI(dir)->dx = dx;
	count_stat(&dx_stats.builds);
	return 0;
}

bool s5_dx_ready(vnode_t *dir)
{
	s5_vinfo_t *vi = VI(dir);
	if (vi->dx)
		return true;
	uint32_t nslots = vi->inode->s5i_size / S5_DIRENT_SIZE;
	if (nslots <= DX_MIN_SLOTS)
		return false;
	if (vi->dx_backoff > 0) {
		vi->dx_backoff--;
		return false;
	}
	spin_lock(&dx_lock);
	bool fits = dx_entries + nslots <= budget_locked();
	spin_unlock(&dx_lock);
	if (!fits || build(dir, nslots) < 0) {
		vi->dx_backoff = DX_BACKOFF;
		count_stat(&dx_stats.refused);
		return false;
	}
	return true;
}

int s5_dx_find(vnode_t *dir, const char *name, size_t len, uint32_t *ino, uint32_t *slot)
{
	s5_dindex_t *dx = VI(dir)->dx;
	uint32_t h = s5_dx_hash(name, len);
	for (s5_dxent_t *e = dx->buckets[h & (dx->nbuckets - 1)]; e; e = e->next) {
		if (e->hash != h)
			continue;
		pframe_t *pf;
		int rc = pframe_get(&dir->vn_mmobj, e->slot / S5_DIRENTS_PER_BLOCK, &pf);
		if (rc < 0)
			return rc;
		const s5_dirent_t *d = &((s5_dirent_t *)pf->pf_addr)[e->slot % S5_DIRENTS_PER_BLOCK];
		KASSERT(d->s5d_ino != S5_NO_INODE, "dir index: inode %u slot %u is empty",
			(unsigned)dir->vn_ino, (unsigned)e->slot);
		bool match = memcmp(d->s5d_name, name, len) == 0 && d->s5d_name[len] == '\0';
		uint32_t found = d->s5d_ino;
		pframe_unpin(pf);
		if (match) {
			*ino = found;
			*slot = e->slot;
			return 0;
		}
	}
	return -ENOENT;
}

uint32_t s5_dx_free_slot(vnode_t *dir)
{
	s5_dindex_t *dx = VI(dir)->dx;
	uint32_t nslots = VI(dir)->inode->s5i_size / S5_DIRENT_SIZE;
	uint32_t s = dx->free_hint;
	while (s < nslots) {
		uint32_t word = dx->used[s / DX_WORD_BITS];
		if (word == UINT32_MAX) {
			s = (s / DX_WORD_BITS + 1) * DX_WORD_BITS;
			continue;
		}
		if (!(word & (1u << (s % DX_WORD_BITS))))
			break;
		s++;
	}
	s = MIN(s, nslots);
	dx->free_hint = s;
	return s;
}

void s5_dx_added(vnode_t *dir, uint32_t slot, const char *name, size_t len)
{
	s5_dindex_t *dx = VI(dir)->dx;
	if (dx && dx_insert(dx, s5_dx_hash(name, len), slot) < 0)
		dx_fail(dir);
}

void s5_dx_removed(vnode_t *dir, uint32_t slot, uint32_t hash)
{
	s5_dindex_t *dx = VI(dir)->dx;
	if (!dx)
		return;
	for (s5_dxent_t **pp = &dx->buckets[hash & (dx->nbuckets - 1)]; *pp; pp = &(*pp)->next) {
		s5_dxent_t *e = *pp;
		if (e->slot != slot)
			continue;
		KASSERT(e->hash == hash, "dir index: slot %u hash %x, removed as %x",
			(unsigned)slot, e->hash, hash);
		*pp = e->next;
		kfree(e);
		dx->count--;
		unreserve(1);
		dx->used[slot / DX_WORD_BITS] &= ~(1u << (slot % DX_WORD_BITS));
		dx->free_hint = MIN(dx->free_hint, slot);
		return;
	}
	panic("dir index: inode %u: removed slot %u was not indexed", (unsigned)dir->vn_ino,
	      (unsigned)slot);
}
