/*
 * System information and per-thread CPU state: uname, getrandom, TLS
 * descriptors (set_thread_area/get_thread_area), resource limits, reboot,
 * and M-OS's own mos_ps.
 */
#include "api/linux_abi.h"
#include "api/syscall_handlers.h"
#include "api/thread.h"
#include "api/usercopy.h"
#include "fs/vfs_syscall.h"
#include "boot/gdt.h"
#include "main/cpu.h"
#include "main/poweroff.h"
#include "main/qemu.h"
#include "fs/vfs.h"
#include "fs/vnode.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/pframe.h"
#include "mm/slab.h"
#include "vm/vmmap.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/cred.h"
#include "util/errno.h"
#include "util/printf.h"
#include "util/random.h"
#include "util/string.h"
#include "util/uts.h"

#define GETRANDOM_MAX (1u << 20)
#define RANDOM_CHUNK 256
#define USER_STACK_LIMIT (8u << 20)
#define PS_BUF_MAX 16384

SYSCALL(uname)
{
	struct linux_utsname u;
	memset(&u, 0, sizeof(u));
	strlcpy(u.sysname, UTS_SYSNAME, UTSNAME_LEN);
	strlcpy(u.nodename, UTS_NODENAME, UTSNAME_LEN);
	strlcpy(u.release, UTS_RELEASE, UTSNAME_LEN);
	strlcpy(u.version, UTS_VERSION, UTSNAME_LEN);
	strlcpy(u.machine, UTS_MACHINE, UTSNAME_LEN);
	strlcpy(u.domainname, UTS_DOMAINNAME, UTSNAME_LEN);
	return copy_to_user((void *)a1, &u, sizeof(u));
}

/* The generator never waits (util/random.h), so GRND_NONBLOCK and
 * GRND_RANDOM change nothing; GRND_INSECURE is Linux 5.6's, and not with
 * GRND_RANDOM. */
SYSCALL(getrandom)
{
	if (a3 & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((a3 & GRND_RANDOM) && (a3 & GRND_INSECURE))
		return -EINVAL;
	size_t n = MIN(a2, GETRANDOM_MAX);
	uint8_t chunk[RANDOM_CHUNK];
	for (size_t done = 0; done < n; done += RANDOM_CHUNK) {
		size_t k = MIN((size_t)RANDOM_CHUNK, n - done);
		random_bytes(chunk, k);
		if (copy_to_user((uint8_t *)a1 + done, chunk, k) < 0)
			return -EFAULT;
	}
	return (long)n;
}

/* Encodes a user_desc as a GDT descriptor (two words), DPL 3. */
static void encode_tls(const struct linux_user_desc *d, uint32_t out[2])
{
	if (d->seg_not_present && d->read_exec_only && !d->base_addr && !d->limit) {
		out[0] = out[1] = 0;	/* the "empty" descriptor clears a slot */
		return;
	}
	uint32_t base = d->base_addr, limit = d->limit;
	uint32_t type = (d->contents << 2) | (d->read_exec_only ? 0 : 2);
	uint32_t access = GDT_DESC_PRESENT * !d->seg_not_present | (3u << 13) |
			  (1u << 12) | (type << 8);	/* DPL 3, code/data */
	out[0] = (limit & 0xFFFF) | (base << 16);
	out[1] = ((base >> 16) & 0xFF) | access | (limit & 0xF0000) |
		 ((uint32_t)d->useable << 20) | ((uint32_t)d->seg_32bit << 22) |
		 ((uint32_t)d->limit_in_pages << 23) | (base & 0xFF000000);
}

int tls_install(uint32_t tls[GDT_TLS_ENTRIES][2], struct linux_user_desc *d,
		bool may_allocate)
{
	int idx = (int)d->entry_number;
	if (idx == -1 && may_allocate) {	/* pick a free slot and say which */
		for (idx = GDT_TLS_MIN; idx < GDT_TLS_MIN + GDT_TLS_ENTRIES; idx++)
			if (!(tls[idx - GDT_TLS_MIN][1] & GDT_DESC_PRESENT))
				break;
		if (idx == GDT_TLS_MIN + GDT_TLS_ENTRIES)
			return -ESRCH;
		d->entry_number = idx;
	}
	if (idx < GDT_TLS_MIN || idx >= GDT_TLS_MIN + GDT_TLS_ENTRIES)
		return -EINVAL;
	encode_tls(d, tls[idx - GDT_TLS_MIN]);
	return 0;
}

SYSCALL(set_thread_area)
{
	struct linux_user_desc d;
	kthread_t *t = curthr;
	uint32_t tls[GDT_TLS_ENTRIES][2];
	if (copy_from_user(&d, (void *)a1, sizeof(d)) < 0)
		return -EFAULT;
	bool allocate = (int)d.entry_number == -1;
	memcpy(tls, t->tls, sizeof(tls));
	int rc = tls_install(tls, &d, true);
	if (rc < 0)
		return rc;
	if (allocate && copy_to_user((void *)a1, &d, sizeof(d)) < 0)
		return -EFAULT;
	memcpy(t->tls, tls, sizeof(tls));
	gdt_load_tls(t->tls);
	return 0;
}

SYSCALL(get_thread_area)
{
	struct linux_user_desc d;
	if (copy_from_user(&d, (void *)a1, sizeof(d)) < 0)
		return -EFAULT;
	int idx = (int)d.entry_number;
	if (idx < GDT_TLS_MIN || idx >= GDT_TLS_MIN + GDT_TLS_ENTRIES)
		return -EINVAL;
	const uint32_t *w = curthr->tls[idx - GDT_TLS_MIN];
	d.base_addr = (w[0] >> 16) | ((w[1] & 0xFF) << 16) | (w[1] & 0xFF000000);
	d.limit = (w[0] & 0xFFFF) | (w[1] & 0xF0000);
	d.seg_32bit = (w[1] >> 22) & 1;
	d.contents = (w[1] >> 10) & 3;
	d.read_exec_only = !((w[1] >> 9) & 1);
	d.limit_in_pages = (w[1] >> 23) & 1;
	d.seg_not_present = !(w[1] & GDT_DESC_PRESENT);
	d.useable = (w[1] >> 20) & 1;
	return copy_to_user((void *)a1, &d, sizeof(d));
}

static struct linux_rlimit64 limit_of(uint32_t resource)
{
	struct linux_rlimit64 r = { RLIM64_INFINITY, RLIM64_INFINITY };
	if (resource == RLIMIT_STACK)
		r.rlim_cur = r.rlim_max = USER_STACK_LIMIT;
	else if (resource == RLIMIT_NOFILE)
		r.rlim_cur = r.rlim_max = NOFILE_LIMIT;
	return r;
}

SYSCALL(prlimit64)
{
	if (a1 && a1 != (uint32_t)curproc->pid)
		return -ESRCH;
	if (a2 >= RLIMIT_NLIMITS)
		return -EINVAL;
	struct linux_rlimit64 r = limit_of(a2);
	if (a4 && copy_to_user((void *)a4, &r, sizeof(r)) < 0)
		return -EFAULT;
	return 0;	/* new limits are accepted and not enforced */
}

SYSCALL(ugetrlimit)
{
	if (a1 >= RLIMIT_NLIMITS)
		return -EINVAL;
	struct linux_rlimit64 r = limit_of(a1);
	struct linux_rlimit32 r32 = {
		r.rlim_cur > UINT32_MAX ? UINT32_MAX : (uint32_t)r.rlim_cur,
		r.rlim_max > UINT32_MAX ? UINT32_MAX : (uint32_t)r.rlim_max,
	};
	return copy_to_user((void *)a2, &r32, sizeof(r32));
}

SYSCALL(setrlimit) { return a1 < RLIMIT_NLIMITS ? 0 : -EINVAL; }

SYSCALL(reboot)
{
	if (!cred_privileged())
		return -EPERM;
	if (a1 != LINUX_REBOOT_MAGIC1 || (a2 != LINUX_REBOOT_MAGIC2 && a2 != LINUX_REBOOT_MAGIC2A &&
					  a2 != LINUX_REBOOT_MAGIC2B && a2 != LINUX_REBOOT_MAGIC2C))
		return -EINVAL;
	switch (a3) {
	case LINUX_REBOOT_CMD_POWER_OFF:
	case LINUX_REBOOT_CMD_HALT:
	case LINUX_REBOOT_CMD_RESTART:
		kprintf("M-OS: power off requested by pid %d\n", curproc->pid);
		kernel_poweroff(QEMU_EXIT_SUCCESS);
	default:
		return -EINVAL;
	}
}

/* mos_ps(buf, size): the process table as text; -ERANGE if it does not
 * fit in size bytes (user/include/mos/syscalls.h). */
SYSCALL(mos_ps)
{
	char *buf = kmalloc(PS_BUF_MAX);
	if (!buf)
		return -ENOMEM;
	size_t n = proc_format_table(buf, PS_BUF_MAX);
	long rc = n >= a2 ? -ERANGE
		: copy_to_user((void *)a1, buf, n) < 0 ? -EFAULT : (long)n;
	kfree(buf);
	return rc;
}

struct mos_meminfo {
	uint32_t frames_free, frames_total, slab_objects, processes, threads,
		 vnodes, pframes, self_frames, slab_frames;
	uint32_t syscalls, sysenter_calls;	/* low 32 bits */
};
#define MOS_MEMINFO_DROP_CACHES 1u

/* mos_meminfo(out, flags): kernel memory counters for leak checks
 * (self_frames: the frames the caller's own address space holds, so a
 * live process can tell its own growth from a leak; slab_frames: frames
 * in slabs, which move with fragmentation while object counts stay;
 * syscalls and sysenter_calls: system calls run, and those entered by
 * sysenter, since boot); with
 * MOS_MEMINFO_DROP_CACHES everything cached is written back and evicted
 * first, so two readings are comparable. */
SYSCALL(mos_meminfo)
{
	if (a2 & ~MOS_MEMINFO_DROP_CACHES)
		return -EINVAL;
	if (a2 & MOS_MEMINFO_DROP_CACHES) {
		do_sync();
		vfs_drop_caches();
		pframe_reclaim_all();
		slab_shrink_all();
	}
	struct mos_meminfo m = {
		.frames_free = frame_free_count(),
		.frames_total = frame_total_count(),
		.slab_objects = slab_objs_in_use_total(),
		.processes = proc_count(),
		.threads = kthread_count(),
		.vnodes = vnode_count(),
		.pframes = pframe_count(),
		.self_frames = curproc->vmmap ? vmmap_private_frames(curproc->vmmap) : 0,
		.slab_frames = slab_frames_total(),
		.syscalls = (uint32_t)cpu_this()->syscalls,
		.sysenter_calls = (uint32_t)cpu_this()->sysenter_calls,
	};
	return copy_to_user((void *)a1, &m, sizeof(m));
}
