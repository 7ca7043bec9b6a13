/* Address spaces: a process's vmmap is a sorted list of vmareas, each a
 * range of whole pages mapped from a memory object (kernel/vm/vmmap.c).
 *
 * A vmarea maps pages [start, end) (virtual page numbers) to pages
 * off, off+1, ... of its object.  Private areas map a copy-on-write view:
 * their object is the top of a shadow chain (or an anonymous object of
 * their own); shared areas map the object itself.  Areas never overlap,
 * and the list is sorted by start; a tree over the same areas
 * (vm/vmtree.h) finds the area at a page, or a free range, quickly.
 *
 * Page-table entries for an area are created only by page faults
 * (kernel/vm/fault.c) through the page cache, which records each one
 * (pframe_map, mm/pframe.h); vmmap_unmap_pages removes them.
 *
 * Each area also has a maximum protection, fixed when it is mapped:
 * mprotect may grant nothing beyond it (a shared mapping of a file not
 * opened for writing can never become writable).  Splitting, merging and
 * fork carry it along; only areas with the same maxprot merge.
 *
 * A map holds at most max_areas areas (VMMAP_MAX_AREAS, Linux's default
 * vm.max_map_count): mmap, munmap, mprotect and brk fail with -ENOMEM,
 * changing nothing, when their result would have more.  nareas counts
 * the areas, so the check costs nothing.
 *
 * A vmmap is used by its own process's threads; `lock` (a kmutex, since
 * faults sleep on disk reads) serialises them. */
#pragma once
#include "util/types.h"
#include "util/list.h"
#include "mm/mmobj.h"
#include "mm/pagetable.h"
#include "proc/kmutex.h"
#include "vm/vmtree.h"

#define PROT_NONE 0x0u
#define PROT_READ 0x1u
#define PROT_WRITE 0x2u
#define PROT_EXEC 0x4u
#define PROT_MASK (PROT_READ | PROT_WRITE | PROT_EXEC)
#define MAP_SHARED 0x01u
#define MAP_PRIVATE 0x02u
#define MAP_TYPE 0x0fu
#define MAP_FIXED 0x10u
#define MAP_ANONYMOUS 0x20u
#define MAP_HUGETLB 0x40000u
#define MAP_FIXED_NOREPLACE 0x100000u
#define MAP_HUGE_SHIFT 26	/* MAP_HUGETLB's page size: log2 in bits 26-31 */
#define MAP_HUGE_MASK 0x3fu
/* Area flags of M-OS's own (never in a mmap call's flags): how the area
 * stands on huge pages (vm/huge.h). */
#define VMAREA_HUGETLB 0x10000000u	/* mapped with MAP_HUGETLB */
#define VMAREA_HUGEPAGE 0x20000000u	/* given MADV_HUGEPAGE */
#define VMAREA_NOHUGEPAGE 0x40000000u	/* given MADV_NOHUGEPAGE */
#define MS_ASYNC 0x1u
#define MS_INVALIDATE 0x2u
#define MS_SYNC 0x4u

#define VMMAP_MAX_AREAS 65530u	/* Linux's default vm.max_map_count */

#define USER_MIN_PAGE 16u		/* nothing is mapped below 64 KiB */
#define USER_MAX_PAGE (USER_END >> PAGE_SHIFT)
#define PN(addr) ((uint32_t)(addr) >> PAGE_SHIFT)
#define PN_ADDR(pn) ((uint32_t)(pn) << PAGE_SHIFT)

typedef struct vmarea {
	uint32_t start, end;	/* virtual page numbers, end exclusive */
	uint32_t off;		/* object page mapped at start */
	uint32_t prot;		/* PROT_* */
	uint32_t maxprot;	/* PROT_* that prot may ever include */
	uint32_t flags;		/* MAP_SHARED or MAP_PRIVATE, MAP_ANONYMOUS, VMAREA_* */
	mmobj_t *obj;		/* one reference held (for a file, on its vnode) */
	list_t link;		/* on vmmap.areas, sorted */
	vmtree_node_t tree;	/* in vmmap.tree */
} vmarea_t;

typedef struct vmmap {
	list_t areas;
	vmarea_t *tree;		/* the same areas, indexed (vm/vmtree.h) */
	uint32_t nareas;	/* on areas */
	uint32_t max_areas;	/* VMMAP_MAX_AREAS (tests lower it) */
	kmutex_t lock;
	pde_t *pd;		/* the page directory its PTEs live in */
	uint32_t brk_start;	/* first byte of the heap (after the program) */
	uint32_t brk;		/* current break */
	/* Set by exec, copied by fork, read by /proc (vm/vm_procfs.c): where
	 * the argument and environment strings lie, the initial stack
	 * pointer, and the program: its absolute path (kmalloc'd, or NULL)
	 * and its file's device and inode numbers. */
	uint32_t arg_start, arg_end, env_start, env_end;
	uint32_t start_stack;
	char *exe_path;
	uint32_t exe_dev;
	uint32_t exe_ino;
} vmmap_t;

void vmmap_init(void);
/* Gives /proc the VM's functions (kernel/vm/vm_procfs.c). */
void vm_procfs_init(void);
vmmap_t *vmmap_create(pde_t *pd);
/* Unmaps everything and frees the map (not the page directory). */
void vmmap_destroy(vmmap_t *map);

vmarea_t *vmmap_lookup(vmmap_t *map, uint32_t vpn);
/* Whether a's protection allows a store (write) or a load. */
bool vmarea_allows(const vmarea_t *a, bool write);
/* Highest free run of npages below USER_MAX_PAGE (and at or above
 * USER_MIN_PAGE); returns its first page, or 0 if there is none. */
uint32_t vmmap_find_range(vmmap_t *map, uint32_t npages);
bool vmmap_is_range_empty(vmmap_t *map, uint32_t start, uint32_t npages);

/* Maps npages at start (which must be free) from obj at page off; takes
 * its own reference on obj.  A neighbouring area that continues
 * the same object with the same protection and flags is extended
 * instead.  0 or -ENOMEM (no memory, or a new area would pass
 * max_areas).  The area's maxprot is PROT_MASK: mprotect may grant
 * anything. */
int vmmap_map(vmmap_t *map, uint32_t start, uint32_t npages, mmobj_t *obj,
	      uint32_t off, uint32_t prot, uint32_t flags);
/* As vmmap_map, with the most that mprotect may ever grant (prot must lie
 * within maxprot). */
int vmmap_map_max(vmmap_t *map, uint32_t start, uint32_t npages, mmobj_t *obj,
		  uint32_t off, uint32_t prot, uint32_t maxprot, uint32_t flags);
/* Unmaps [start, start+npages), splitting areas that straddle it;
 * -ENOMEM (nothing changed) when that would pass max_areas (one area
 * straddling both ends) or memory ran out. */
int vmmap_remove(vmmap_t *map, uint32_t start, uint32_t npages);
/* How many areas the map would hold after vmmap_remove(start, npages). */
uint32_t vmmap_count_after_remove(vmmap_t *map, uint32_t start, uint32_t npages);
/* Changes the protection of [start, start+npages), which must be fully
 * mapped (else -ENOMEM) by areas whose maxprot allows prot (else
 * -EACCES; the first problem from start on decides, and nothing changes);
 * splits areas as needed, merges after.  -ENOMEM also when the splits
 * would pass max_areas. */
int vmmap_protect(vmmap_t *map, uint32_t start, uint32_t npages, uint32_t prot);
/* Sets `set` and clears `clear` in the flags of the areas of [start,
 * start+npages) (holes are skipped), splitting areas cut by the range and
 * merging after (MADV_HUGEPAGE).  0, or -ENOMEM (nothing changed) when
 * the splits would pass max_areas or memory ran out. */
int vmmap_set_flags(vmmap_t *map, uint32_t start, uint32_t npages, uint32_t set, uint32_t clear);
/* MADV_DONTNEED on [start, start+npages) (holes are skipped): drops the
 * PTEs; private areas also drop their own copies of the pages, which then
 * read as zeros (anonymous memory) or as the file's current contents
 * (private file mappings); shared areas keep their data.  When a forked
 * relative shares the chain below, the range gets a fresh object of its
 * own (splitting the area).  0, or -ENOMEM (no memory, or the split would
 * pass max_areas; the range before that point is done, as on Linux). */
int vmmap_dontneed(vmmap_t *map, uint32_t start, uint32_t npages);
/* fork: a copy in which private areas of both maps sit on fresh shadow
 * objects over the old ones; the parent's PTEs are dropped so its next
 * access faults.  NULL on ENOMEM (the parent is unchanged). */
vmmap_t *vmmap_clone(vmmap_t *map, pde_t *child_pd);
/* Drops the PTEs of pages [start, end) of map. */
void vmmap_unmap_pages(vmmap_t *map, uint32_t start, uint32_t end);
/* The number of areas (kept in map->nareas). */
size_t vmmap_area_count(vmmap_t *map);
/* Copies between a (possibly non-current) address space and the kernel,
 * faulting pages in as the process's own access would (so a store into a
 * read-only page is -EFAULT, as it would be SIGSEGV): exec builds the new
 * stack with them, clone stores CHILD_SETTID.  Takes map->lock.  0,
 * -EFAULT, or -ENOMEM. */
int vmmap_write(vmmap_t *map, uint32_t addr, const void *buf, size_t n);
int vmmap_read(vmmap_t *map, uint32_t addr, void *buf, size_t n);
/* Serialises replacing or freeing a process's address space (exec,
 * exit) with reading another process's (/proc): whoever holds it may use
 * p->vmmap, read under proc_lock, after dropping proc_lock.  Taken
 * before any vmmap's lock. */
void vmmap_swap_lock(void);
void vmmap_swap_unlock(void);
/* Frames the address space holds on its own: anonymous and shadow pages
 * in its chains, its page tables and directory (leak checks). */
size_t vmmap_private_frames(vmmap_t *map);
