/*
 * Memory system calls: brk, mmap2 and old mmap, munmap, mprotect,
 * msync, madvise.  Descriptors are resolved to memory objects here (the VM knows
 * only objects): regular files map their vnode's pages, /dev/zero maps
 * anonymous memory as on Linux, anything else is -ENODEV.  The open mode
 * bounds a file mapping's rights for good: a shared mapping of a file
 * not open for writing gets a maxprot without PROT_WRITE, so neither mmap
 * nor a later mprotect can make it writable (-EACCES, as Linux).
 */
#include "api/syscall_handlers.h"
#include "api/usercopy.h"
#include "fs/file.h"
#include "drivers/dev.h"
#include "fs/stat.h"
#include "mm/page.h"
#include "proc/proc.h"
#include "util/errno.h"
#include "vm/mmap.h"
#include "vm/pagegive.h"

SYSCALL(brk)
{
	vmmap_t *map = curproc->vmmap;
	return map ? (long)vm_brk(map, a1) : -ENOMEM;
}

static bool is_dev_zero(const vnode_t *vn)
{
	return S_ISCHR(vn->vn_mode) && MAJOR(vn->vn_rdev) == MEM_MAJOR &&
	       MINOR(vn->vn_rdev) == MEM_ZERO_MINOR;
}

static long mmap_pgoff(uint32_t addr, uint32_t len, uint32_t prot, uint32_t flags,
		       int32_t fd, uint32_t pgoff)
{
	vmmap_t *map = curproc->vmmap;
	if (!map)
		return -ENOMEM;
	if (flags & MAP_ANONYMOUS)
		return vm_mmap(map, addr, len, prot, flags, NULL, 0);
	if (flags & MAP_HUGETLB)
		return -EINVAL;	/* no hugetlbfs: no file has huge pages */
	file_t *f = fd_get(curproc->files, fd);
	if (!f)
		return -EBADF;
	long rc;
	vnode_t *vn = f->f_vnode;
	bool zero = is_dev_zero(vn);
	if (!zero && !S_ISREG(vn->vn_mode)) {
		rc = -ENODEV;
	} else if (!(f->f_mode & FMODE_READ)) {
		rc = -EACCES;
	} else {
		uint32_t maxprot = PROT_MASK;
		if ((flags & MAP_TYPE) == MAP_SHARED && !(f->f_mode & FMODE_WRITE))
			maxprot &= ~PROT_WRITE;
		rc = vm_mmap_max(map, addr, len, prot, maxprot, flags,
				 zero ? NULL : &vn->vn_mmobj, pgoff);
	}
	fput(f);
	return rc;
}

SYSCALL(mmap2)
{
	return mmap_pgoff(a1, a2, a3, a4, (int32_t)a5, a6);
}

/* The old mmap takes one pointer to its six arguments, offset in bytes. */
SYSCALL(mmap)
{
	uint32_t args[6];
	if (copy_from_user(args, (void *)a1, sizeof(args)) < 0)
		return -EFAULT;
	if (args[5] & (PAGE_SIZE - 1))
		return -EINVAL;
	return mmap_pgoff(args[0], args[1], args[2], args[3], (int32_t)args[4],
			  args[5] >> PAGE_SHIFT);
}

SYSCALL(munmap)
{
	vmmap_t *map = curproc->vmmap;
	return map ? vm_munmap(map, a1, a2) : -EINVAL;
}

SYSCALL(mprotect)
{
	vmmap_t *map = curproc->vmmap;
	return map ? vm_mprotect(map, a1, a2, a3) : -ENOMEM;
}

SYSCALL(msync)
{
	vmmap_t *map = curproc->vmmap;
	return map ? vm_msync(map, a1, a2, a3) : -ENOMEM;
}

SYSCALL(madvise)
{
	vmmap_t *map = curproc->vmmap;
	return map ? vm_madvise(map, a1, a2, (int)a3) : -ENOMEM;
}

/* mos_page_give(pid, src, len, dst, flags): zero-copy handoff of pages
 * to another process (vm/pagegive.h, doc/api.md). */
SYSCALL(mos_page_give)
{
	return vm_page_give((int)a1, a2, a3, a4, a5);
}
