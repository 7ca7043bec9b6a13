/*
 * The VM's side of /proc (fs/procfs.h): a process's sizes, its argument
 * and environment strings, its maps and its program's path.  The file
 * system sits below the VM, so it reaches these through procfs_vm_ops,
 * filled in at boot (vm_procfs_init).
 *
 * Another process's address space may be replaced (exec) or freed (exit)
 * at any moment; each function holds vmmap_swap_lock for as long as it
 * uses one, so the map it found under proc_lock stays, then the map's own
 * lock while it walks the areas.  Strings are read through vmmap_read,
 * which faults pages in as the process's own access would, so a page that
 * is unmapped gives -EFAULT and ends the strings, never a crash.
 */
#include "fs/procfs.h"
#include "fs/vnode.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "proc/proc.h"
#include "util/errno.h"
#include "util/string.h"
#include "vm/vdso.h"
#include "vm/vmmap.h"
#include "vm/vmobj.h"

#define ARGS_CHUNK 256		/* bytes read from the process at a time */

/* The address space of process pid (caller holds vmmap_swap_lock), or
 * NULL: no such process, a kernel process or one that has exited. */
static vmmap_t *map_of(int pid)
{
	spin_lock(&proc_lock);
	proc_t *p = proc_lookup_locked(pid);
	vmmap_t *map = p && p->state != PROC_DEAD ? p->vmmap : NULL;
	spin_unlock(&proc_lock);
	return map;
}

/* The object at the bottom of a's chain: a file's when it maps one. */
static vnode_t *area_vnode(const vmarea_t *a)
{
	mmobj_t *o = a->obj;
	if (vdso_area_name(a))
		return NULL;	/* the vDSO's objects are no file's */
	while (mmobj_is_shadow(o))
		o = shadow_below(o);
	return mmobj_is_anon(o) ? NULL : mmobj_to_vnode(o);
}

static uint32_t resident_in(vmmap_t *map, const vmarea_t *a)
{
	uint32_t n = 0;
	for (uint32_t pn = a->start; pn < a->end; pn++)
		if (pt_lookup(map->pd, PN_ADDR(pn), NULL, NULL))
			n++;
	return n;
}

static void add_area(vmmap_t *map, const vmarea_t *a, procfs_vm_info_t *in)
{
	uint32_t pages = a->end - a->start;
	vnode_t *vn = area_vnode(a);
	in->size_pages += pages;
	if (a->start <= PN(map->start_stack) && PN(map->start_stack) < a->end)
		in->stack_pages += pages;
	else if ((a->flags & MAP_PRIVATE) && (a->prot & PROT_WRITE))
		in->data_pages += pages;
	if (vn && (a->prot & PROT_EXEC)) {
		in->text_pages += pages;
		if (!in->start_code)
			in->start_code = PN_ADDR(a->start);
		in->end_code = PN_ADDR(a->end);
	}
	if (vn && (a->prot & PROT_WRITE) && !in->start_data) {
		in->start_data = PN_ADDR(a->start);
		in->end_data = PN_ADDR(a->end);
	}
	if (vn)
		in->shared_pages += resident_in(map, a);
}

static int vm_info(int pid, procfs_vm_info_t *in)
{
	int rc = -ESRCH;
	memset(in, 0, sizeof(*in));
	vmmap_swap_lock();
	vmmap_t *map = map_of(pid);
	if (!map)
		goto out;
	kmutex_lock(&map->lock);
	list_t *l;
	list_for_each(l, &map->areas)
		add_area(map, list_entry(l, vmarea_t, link), in);
	in->rss_pages = (uint32_t)pt_count_user_pages(map->pd);
	in->start_brk = map->brk_start;
	in->brk = map->brk;
	in->start_stack = map->start_stack;
	in->arg_start = map->arg_start;
	in->arg_end = map->arg_end;
	in->env_start = map->env_start;
	in->env_end = map->env_end;
	kmutex_unlock(&map->lock);
	rc = 0;
out:
	vmmap_swap_unlock();
	return rc;
}

static int vm_args(int pid, bool env, procfs_buf_t *b)
{
	char *chunk = kmalloc(ARGS_CHUNK);
	if (!chunk)
		return -ENOMEM;
	int rc = -ESRCH;
	vmmap_swap_lock();
	vmmap_t *map = map_of(pid);
	if (!map)
		goto out;
	kmutex_lock(&map->lock);
	uint32_t at = env ? map->env_start : map->arg_start;
	uint32_t end = env ? map->env_end : map->arg_end;
	kmutex_unlock(&map->lock);
	rc = 0;
	while (at < end && !b->overflow) {
		size_t n = MIN((size_t)(end - at), (size_t)ARGS_CHUNK);
		if (vmmap_read(map, at, chunk, n) < 0)
			break;	/* unmapped since: the strings end here */
		procfs_put(b, chunk, n);
		at += n;
	}
out:
	vmmap_swap_unlock();
	kfree(chunk);
	return rc;
}

/* The name /proc/PID/maps gives an area that is not the vDSO's. */
static const char *area_name(vmmap_t *map, const vmarea_t *a, vnode_t *vn)
{
	if (vn && map->exe_path && vn->vn_fs->fs_dev == map->exe_dev && vn->vn_ino == map->exe_ino)
		return map->exe_path;
	if (a->start <= PN(map->start_stack) && PN(map->start_stack) < a->end)
		return "[stack]";
	if (!vn && PN_ADDR(a->start) <= map->brk && PN_ADDR(a->end) >= map->brk_start)
		return "[heap]";
	return NULL;
}

/* Linux pads a line's fields to this width before the name (i386). */
#define MAPS_NAME_COLUMN 48

static void map_line(vmmap_t *map, const vmarea_t *a, procfs_buf_t *b)
{
	vnode_t *vn = area_vnode(a);
	size_t start = b->len;
	dev_t dev = vn ? vn->vn_fs->fs_dev : 0;
	procfs_printf(b, "%08x-%08x %c%c%c%c %08x %02x:%02x %u ", PN_ADDR(a->start), PN_ADDR(a->end),
		      a->prot & PROT_READ ? 'r' : '-', a->prot & PROT_WRITE ? 'w' : '-',
		      a->prot & PROT_EXEC ? 'x' : '-', a->flags & MAP_SHARED ? 's' : 'p',
		      vn ? PN_ADDR(a->off) : 0, (unsigned)MAJOR(dev), (unsigned)MINOR(dev),
		      vn ? (unsigned)vn->vn_ino : 0);
	const char *name = vdso_area_name(a);
	if (!name)
		name = area_name(map, a, vn);
	if (name) {
		size_t used = b->len - start;
		for (; used < MAPS_NAME_COLUMN - 1; used++)
			procfs_put(b, " ", 1);
		procfs_printf(b, "%s", name);
	}
	procfs_put(b, "\n", 1);
}

static int vm_maps(int pid, procfs_buf_t *b)
{
	int rc = -ESRCH;
	vmmap_swap_lock();
	vmmap_t *map = map_of(pid);
	if (!map)
		goto out;
	kmutex_lock(&map->lock);
	list_t *l;
	list_for_each(l, &map->areas)
		map_line(map, list_entry(l, vmarea_t, link), b);
	kmutex_unlock(&map->lock);
	rc = 0;
out:
	vmmap_swap_unlock();
	return rc;
}

static int vm_exe(int pid, procfs_buf_t *b)
{
	vmmap_swap_lock();
	vmmap_t *map = map_of(pid);
	int rc = !map ? -ESRCH : !map->exe_path ? -ENOENT : 0;
	if (rc == 0)
		procfs_printf(b, "%s", map->exe_path);
	vmmap_swap_unlock();
	return rc;
}

static const procfs_vm_ops_t vm_procfs_ops = {
	.info = vm_info,
	.args = vm_args,
	.maps = vm_maps,
	.exe = vm_exe,
};

void vm_procfs_init(void)
{
	procfs_vm_ops = &vm_procfs_ops;
}
