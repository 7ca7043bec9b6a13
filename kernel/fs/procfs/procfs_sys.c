/*
 * The system's files in /proc, /proc/sys/kernel and /proc/sys/vm, in
 * Linux's formats:
 * meminfo, cpuinfo (from CPUID), uptime, loadavg, stat, mounts, version,
 * filesystems, and the self and thread-self links; and the fixed tables
 * of the root and /proc/sys directories.
 *
 * The figures come from the kernel's own counters: frames (mm/frame.h),
 * the page cache, slab, the scheduler's tick counts and load average, the
 * process table.  /proc/sys/vm/transparent_hugepage is M-OS's one
 * writable file here (Linux keeps the same knob in /sys).  Where M-OS has no such thing the field reads as Linux's
 * does for a machine without it (no swap, no huge pages, one CPU).
 * Nothing here keeps state, so there is no lock of its own.
 */
#include "procfs_priv.h"
#include "drivers/clock.h"
#include "drivers/pit.h"
#include "fs/namev.h"
#include "mm/frame.h"
#include "mm/givestat.h"
#include "mm/page.h"
#include "mm/pframe.h"
#include "mm/slab.h"
#include "mm/thp.h"
#include "proc/kthread.h"
#include "proc/loadavg.h"
#include "proc/sched.h"
#include "util/errno.h"
#include "util/string.h"
#include "util/uts.h"

#define KB_PER_PAGE (PAGE_SIZE / 1024)
#define CPUID_VENDOR 0x0u
#define CPUID_FEATURES 0x1u
#define CPUID_EXT_MAX 0x80000000u
#define CPUID_BRAND_FIRST 0x80000002u
#define CPUID_BRAND_LEAVES 3
#define CPU_CACHE_ALIGN 64
#define LOADAVG_FRAC_SCALE 100

/* ---- memory ------------------------------------------------------------- */

static void mem_line(procfs_buf_t *b, const char *name, size_t kb)
{
	procfs_printf(b, "%-16s%8lu kB\n", name, (unsigned long)kb);
}

static int show_meminfo(const procfs_target_t *t, procfs_buf_t *b)
{
	pframe_stats_t ps;
	pframe_get_stats(&ps);
	size_t total = frame_total_count() * KB_PER_PAGE, free = frame_free_count() * KB_PER_PAGE;
	size_t cached = ps.resident * KB_PER_PAGE, slab = slab_frames_total() * KB_PER_PAGE;
	/* Resident pages include some the frame allocator does not count as
	 * used (the vDSO's, pages of a boot module); free(1) subtracts Cached
	 * from what is used, so it may not exceed it. */
	if (cached > total - free)
		cached = total - free;
	mem_line(b, "MemTotal:", total);
	mem_line(b, "MemFree:", free);
	mem_line(b, "MemAvailable:", free + ps.lru * KB_PER_PAGE);
	mem_line(b, "Buffers:", 0);
	mem_line(b, "Cached:", cached);
	mem_line(b, "SwapCached:", 0);
	mem_line(b, "Active:", (ps.resident - ps.lru) * KB_PER_PAGE);
	mem_line(b, "Inactive:", ps.lru * KB_PER_PAGE);
	mem_line(b, "Unevictable:", 0);
	mem_line(b, "Mlocked:", 0);
	mem_line(b, "SwapTotal:", 0);
	mem_line(b, "SwapFree:", 0);
	mem_line(b, "Dirty:", ps.dirty * KB_PER_PAGE);
	mem_line(b, "Writeback:", 0);
	mem_line(b, "Mapped:", ps.mappings * KB_PER_PAGE);
	mem_line(b, "Shmem:", 0);
	mem_line(b, "Slab:", slab);
	mem_line(b, "SReclaimable:", 0);
	mem_line(b, "SUnreclaim:", slab);
	mem_line(b, "KernelStack:", kthread_count() * KTHREAD_STACK_SIZE / 1024);
	mem_line(b, "CommitLimit:", total);
	mem_line(b, "AnonHugePages:", ps.huge_mapped * (HUGE_PAGE_SIZE / 1024));
	/* No hugetlbfs pool (MAP_HUGETLB pages count as AnonHugePages). */
	procfs_printf(b, "HugePages_Total:   %5u\nHugePages_Free:    %5u\n"
		      "HugePages_Rsvd:    %5u\nHugePages_Surp:    %5u\n", 0, 0, 0, 0);
	mem_line(b, "Hugepagesize:", HUGE_PAGE_SIZE / 1024);
	mem_line(b, "Hugetlb:", 0);
	uint64_t given, moved;	/* M-OS's own: mos_page_give (doc/api.md) */
	mm_give_stats(&given, &moved);
	mem_line(b, "MosPagesGiven:", (size_t)given * KB_PER_PAGE);
	mem_line(b, "MosPagesMoved:", (size_t)moved * KB_PER_PAGE);
	return 0;
}

/* ---- the CPU ------------------------------------------------------------ */

static void cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(0));
}

/* CPUID 1's EDX bits, by Linux's names. */
static const char *const edx_flags[32] = {
	"fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", NULL, "sep",
	"mtrr", "pge", "mca", "cmov", "pat", "pse36", "pn", "clflush", NULL, "dts", "acpi",
	"mmx", "fxsr", "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe",
};
/* And ECX's, the ones user programs look for. */
static const char *const ecx_flags[32] = {
	[0] = "pni", [1] = "pclmulqdq", [9] = "ssse3", [12] = "fma", [13] = "cx16",
	[19] = "sse4_1", [20] = "sse4_2", [22] = "movbe", [23] = "popcnt", [25] = "aes",
	[26] = "xsave", [28] = "avx", [29] = "f16c", [30] = "rdrand", [31] = "hypervisor",
};

static int show_cpuinfo(const procfs_target_t *t, procfs_buf_t *b)
{
	uint32_t r[4], vendor[4] = { 0 }, brand[CPUID_BRAND_LEAVES * 4 + 1] = { 0 };
	cpuid(CPUID_VENDOR, r);
	vendor[0] = r[1];
	vendor[1] = r[3];
	vendor[2] = r[2];
	cpuid(CPUID_EXT_MAX, r);
	if (r[0] >= CPUID_BRAND_FIRST + CPUID_BRAND_LEAVES - 1)
		for (uint32_t i = 0; i < CPUID_BRAND_LEAVES; i++)
			cpuid(CPUID_BRAND_FIRST + i, &brand[i * 4]);
	cpuid(CPUID_FEATURES, r);
	uint32_t family = (r[0] >> 8) & 0xf, model = (r[0] >> 4) & 0xf, stepping = r[0] & 0xf;
	if (family == 0xf)
		family += (r[0] >> 20) & 0xff;
	if (family >= 6)
		model |= ((r[0] >> 16) & 0xf) << 4;
	procfs_printf(b, "processor\t: 0\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n"
		      "model name\t: %s\nstepping\t: %u\ncpu MHz\t\t: 0.000\nphysical id\t: 0\n"
		      "siblings\t: 1\ncore id\t\t: 0\ncpu cores\t: 1\nfpu\t\t: yes\nflags\t\t:",
		      (const char *)vendor, family, model, (const char *)brand, stepping);
	for (int i = 0; i < 32; i++) {
		if ((r[3] & (1u << i)) && edx_flags[i])
			procfs_printf(b, " %s", edx_flags[i]);
	}
	for (int i = 0; i < 32; i++) {
		if ((r[2] & (1u << i)) && ecx_flags[i])
			procfs_printf(b, " %s", ecx_flags[i]);
	}
	procfs_printf(b, "\nclflush size\t: %d\ncache_alignment\t: %d\naddress sizes\t: 32 bits "
		      "physical, 32 bits virtual\n\n", CPU_CACHE_ALIGN, CPU_CACHE_ALIGN);
	return 0;
}

/* ---- time and load ------------------------------------------------------ */

/* Ticks as seconds with two decimals. */
static void put_seconds(procfs_buf_t *b, uint64_t ticks, const char *after)
{
	uint64_t cs = ticks * PROCFS_USER_HZ / HZ;
	procfs_printf(b, "%llu.%02llu%s", cs / PROCFS_USER_HZ, cs % PROCFS_USER_HZ, after);
}

static int show_uptime(const procfs_target_t *t, procfs_buf_t *b)
{
	put_seconds(b, ticks_now(), " ");
	put_seconds(b, sched_idle_ticks(), "\n");
	return 0;
}

static int show_loadavg(const procfs_target_t *t, procfs_buf_t *b)
{
	uint32_t avg[3];
	loadavg_get(avg);
	for (int i = 0; i < 3; i++)
		procfs_printf(b, "%u.%02u ", avg[i] >> LOADAVG_FSHIFT,
			      ((avg[i] & (LOADAVG_FIXED_1 - 1)) * LOADAVG_FRAC_SCALE) >> LOADAVG_FSHIFT);
	size_t nthreads = kthread_count();
	int last = 0;
	spin_lock(&proc_lock);
	list_t *l;
	list_for_each(l, proc_list_locked()) {
		proc_t *p = list_entry(l, proc_t, all_link);
		last = MAX(last, p->pid);
	}
	spin_unlock(&proc_lock);
	procfs_printf(b, "%lu/%lu %d\n", (unsigned long)sched_nr_running(), (unsigned long)nthreads,
		      last);
	return 0;
}

/* CPU time of every process, with what their reaped children used. */
static void cpu_times(uint64_t *user, uint64_t *sys)
{
	*user = *sys = 0;
	list_t *l, *m;
	spin_lock(&proc_lock);
	spin_lock(&sched_lock);
	list_for_each(l, proc_list_locked()) {
		proc_t *p = list_entry(l, proc_t, all_link);
		*user += p->cutime_ticks;
		*sys += p->cstime_ticks;
		list_for_each(m, &p->threads) {
			kthread_t *k = list_entry(m, kthread_t, proc_link);
			*user += k->utime_ticks;
			*sys += k->stime_ticks;
		}
	}
	spin_unlock(&sched_lock);
	spin_unlock(&proc_lock);
}

static int show_stat(const procfs_target_t *t, procfs_buf_t *b)
{
	uint64_t user, sys, idle = sched_idle_ticks() * PROCFS_USER_HZ / HZ;
	cpu_times(&user, &sys);
	user = user * PROCFS_USER_HZ / HZ;
	sys = sys * PROCFS_USER_HZ / HZ;
	for (int line = 0; line < 2; line++)
		procfs_printf(b, "%s %llu 0 %llu %llu 0 0 0 0 0 0\n", line ? "cpu0" : "cpu ", user,
			      sys, idle);
	int64_t btime = clock_realtime_sec() - (int64_t)(ticks_now() / HZ);
	procfs_printf(b, "intr 0\nctxt 0\nbtime %lld\nprocesses %llu\nprocs_running %lu\n"
		      "procs_blocked 0\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n",
		      btime, proc_created_total(), (unsigned long)sched_nr_running());
	return 0;
}

/* ---- file systems ------------------------------------------------------- */

static int mount_line(fs_t *fs, void *arg)
{
	procfs_buf_t *b = arg;
	if (fs->fs_bdev)
		procfs_printf(b, "/dev/%s ", fs->fs_devname);
	else
		procfs_printf(b, "%s ", fs->fs_devname);
	if (fs->fs_covered) {
		int n = namev_path(fs->fs_covered, b->data + b->len, b->cap - b->len);
		if (n < 0) {
			b->overflow = n == -ERANGE;
			return n == -ERANGE ? 0 : n;
		}
		b->len += (size_t)n - 1;
	} else {
		procfs_printf(b, "/");
	}
	procfs_printf(b, " %s rw 0 0\n", fs->fs_type);
	return 0;
}

int procfs_show_mounts(const procfs_target_t *t, procfs_buf_t *b)
{
	return vfs_for_each_mount(mount_line, b);
}

static int show_filesystems(const procfs_target_t *t, procfs_buf_t *b)
{
	const fs_type_t *ft;
	for (size_t i = 0; (ft = vfs_type_at(i)); i++)
		procfs_printf(b, "%s\t%s\n", ft->needs_device ? "" : "nodev", ft->name);
	return 0;
}

/* ---- names -------------------------------------------------------------- */

static int show_version(const procfs_target_t *t, procfs_buf_t *b)
{
	procfs_printf(b, "%s version %s (gcc) %s\n", UTS_SYSNAME, UTS_RELEASE, UTS_VERSION);
	return 0;
}

static int show_self(const procfs_target_t *t, procfs_buf_t *b)
{
	procfs_printf(b, "%d", curproc->pid);
	return 0;
}

static int show_thread_self(const procfs_target_t *t, procfs_buf_t *b)
{
	procfs_printf(b, "%d/task/%d", curproc->pid, curthr->utid ? curthr->utid : curproc->pid);
	return 0;
}

static int show_ostype(const procfs_target_t *t, procfs_buf_t *b)
{
	procfs_printf(b, "%s\n", UTS_SYSNAME);
	return 0;
}

static int show_osrelease(const procfs_target_t *t, procfs_buf_t *b)
{
	procfs_printf(b, "%s\n", UTS_RELEASE);
	return 0;
}

static int show_hostname(const procfs_target_t *t, procfs_buf_t *b)
{
	procfs_printf(b, "%s\n", UTS_NODENAME);
	return 0;
}

static int show_domainname(const procfs_target_t *t, procfs_buf_t *b)
{
	procfs_printf(b, "%s\n", UTS_DOMAINNAME);
	return 0;
}

static int show_kversion(const procfs_target_t *t, procfs_buf_t *b)
{
	procfs_printf(b, "%s\n", UTS_VERSION);
	return 0;
}

static int show_pid_max(const procfs_target_t *t, procfs_buf_t *b)
{
	procfs_printf(b, "%d\n", PROC_MAX_PID);
	return 0;
}

static int show_threads_max(const procfs_target_t *t, procfs_buf_t *b)
{
	procfs_printf(b, "%d\n", PROC_MAX_PROCS * PROC_MAX_THREADS);
	return 0;
}

/* ---- /proc/sys/vm ------------------------------------------------------- */

/* The huge-page mode as Linux's /sys/kernel/mm/transparent_hugepage/enabled
 * shows it; writing a mode's name sets it (mm/thp.h). */
static int show_thp(const procfs_target_t *t, procfs_buf_t *b)
{
	procfs_printf(b, "%s\n", thp_mode_line());
	return 0;
}

static int store_thp(const char *buf, size_t n)
{
	return thp_set_mode(buf, n);
}

#define FILE(name, kind, fn) { name, kind, PROCFS_FILE_MODE, fn, NULL }
#define LINK(name, kind, fn) { name, kind, PROCFS_LINK_MODE, fn, NULL }
#define DIR(name, kind) { name, kind, PROCFS_DIR_MODE, NULL, NULL }
#define KNOB(name, kind, fn, st) { name, kind, PROCFS_KNOB_MODE, fn, st }

static const procfs_node_t root_nodes[] = {
	LINK("self", PK_SELF, show_self),
	LINK("thread-self", PK_THREAD_SELF, show_thread_self),
	FILE("meminfo", PK_MEMINFO, show_meminfo),
	FILE("cpuinfo", PK_CPUINFO, show_cpuinfo),
	FILE("uptime", PK_UPTIME, show_uptime),
	FILE("loadavg", PK_LOADAVG, show_loadavg),
	FILE("stat", PK_STAT, show_stat),
	FILE("mounts", PK_MOUNTS, procfs_show_mounts),
	FILE("version", PK_VERSION, show_version),
	FILE("filesystems", PK_FILESYSTEMS, show_filesystems),
	DIR("sys", PK_SYS),
};

static const procfs_node_t sys_nodes[] = {
	DIR("kernel", PK_SYS_KERNEL),
	DIR("vm", PK_SYS_VM),
};

static const procfs_node_t sys_vm_nodes[] = {
	KNOB("transparent_hugepage", PK_THP, show_thp, store_thp),
};

static const procfs_node_t sys_kernel_nodes[] = {
	FILE("ostype", PK_OSTYPE, show_ostype),
	FILE("osrelease", PK_OSRELEASE, show_osrelease),
	FILE("hostname", PK_HOSTNAME, show_hostname),
	FILE("domainname", PK_DOMAINNAME, show_domainname),
	FILE("version", PK_KVERSION, show_kversion),
	FILE("pid_max", PK_PID_MAX, show_pid_max),
	FILE("threads-max", PK_THREADS_MAX, show_threads_max),
};

const procfs_table_t procfs_root_table = { root_nodes, ARRAY_SIZE(root_nodes) };
const procfs_table_t procfs_sys_table = { sys_nodes, ARRAY_SIZE(sys_nodes) };
const procfs_table_t procfs_sys_kernel_table = { sys_kernel_nodes, ARRAY_SIZE(sys_kernel_nodes) };
const procfs_table_t procfs_sys_vm_table = { sys_vm_nodes, ARRAY_SIZE(sys_vm_nodes) };
