/*
 * kmain: from the boot stub to a running kernel.
 *
 * Order matters: the console first (so everything after can report), then
 * the command line (dbg= decides what prints), descriptor tables, memory
 * (frames, then the real page directory, then slab and kmalloc), and the
 * timer last, just before interrupts go on.  Then the boot thread becomes
 * the idle thread of the idle process (pid 0), starts init (pid 1) and a
 * thread that powers the machine off when init ends (main/poweroff.h),
 * and idles.
 */
#include "boot/gdt.h"
#include "boot/idt.h"
#include "entry/double_fault.h"
#include "boot/multiboot.h"
#include "drivers/clock.h"
#include "util/random.h"
#include "drivers/console.h"
#include "drivers/dev.h"
#include "drivers/pit.h"
#include "drivers/ramdisk.h"
#include "entry/intr.h"
#include "entry/sysenter.h"
#include "fs/vfs.h"
#include "main/cmdline.h"
#include "mm/thp.h"
#include "util/string.h"
#include "main/io.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "mm/pagetable.h"
#include "mm/slab.h"
#include "main/initproc.h"
#include "main/poweroff.h"
#include "api/syscall.h"
#include "vm/mmap.h"
#include "vm/vdso.h"
#include "vm/vmmap.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "net/socket.h"
#include "proc/timer.h"
#include "main/smap.h"
#include "util/debug.h"
#include "util/printf.h"

/* The entropy pool's first stir: counter jitter and the RTC's date. */
static void seed_random(void)
{
	random_init();
	int64_t now = clock_realtime_ns();
	random_mix(&now, sizeof(now));
}

void kmain(uint32_t magic, paddr_t mbi_pa);

#define CR0_MP 0x2
#define CR0_EM 0x4
#define CR0_NE 0x20
#define CR4_OSFXSR 0x200
#define CR4_OSXMMEXCPT 0x400

/* User programs use x87 and SSE (DESIGN.md decision 13); the kernel
 * itself never does (-mgeneral-regs-only). */
static void fpu_enable(void)
{
	write_cr0((read_cr0() | CR0_MP | CR0_NE) & ~CR0_EM);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	__asm__ volatile("fninit");
}

static void memory_summary(void)
{
	kprintf("memory: %u frames free, %u used, %u total (%u KiB free)\n",
		(unsigned)frame_free_count(), (unsigned)frame_used_count(),
		(unsigned)frame_total_count(),
		(unsigned)(frame_free_count() * (PAGE_SIZE / 1024)));
}

extern char boot_stack[];	/* kernel/boot/multiboot.S */

static void start_init(void)
{
	int err = 0;
	proc_t *init = proc_create("init", &err);
	KASSERT(init && init->pid == PID_INIT, "cannot create init (%d)", err);
	kthread_t *t = kthread_create(init, initproc_main, 0, NULL);
	KASSERT(t, "cannot create init's thread");
	poweroff_watch_init(init);
	sched_make_runnable(t);
}

/* Everything else happens in threads; the machine stops through
 * kernel_poweroff (or a panic). */
static void __noreturn idle_loop(void)
{
	for (;;)
		sched_idle_once();
}

/* The first multiboot module, if any, is the boot RAM disk (an ISO's
 * root file system).  Read before frame_init: the module list may lie in
 * frames the allocator is about to hand out. */
static void note_boot_module(const multiboot_info_t *mbi)
{
	if (!(mbi->flags & MULTIBOOT_INFO_MODS) || mbi->mods_count == 0)
		return;
	const multiboot_module_t *m = pa_to_kva(mbi->mods_addr);
	ramdisk_note_module(m[0].start, m[0].end);
}

void kmain(uint32_t magic, paddr_t mbi_pa)
{
	console_init();
	kprintf("M-OS booting\n");
	if (magic != MULTIBOOT_LOADER_MAGIC)
		panic("not started by a multiboot loader (magic %#x)", magic);
	const multiboot_info_t *mbi = pa_to_kva(mbi_pa);

	cmdline_parse((mbi->flags & MULTIBOOT_INFO_CMDLINE) ? pa_to_kva(mbi->cmdline) : "");
	dbg_set_channels(CONFIG_DBG);
	if (cmdline_get("dbg"))
		dbg_set_channels(cmdline_get("dbg"));
	kprintf("command line: %s\n", cmdline_raw());
	vm_randomize = !cmdline_take_flag("norandmaps");
	const char *thp = cmdline_get("transparent_hugepage");
	if (thp && thp_set_mode(thp, strlen(thp)) < 0)
		kprintf("transparent_hugepage=%s: not always, madvise or never; ignored\n", thp);

	gdt_init();
	idt_init();
	sysenter_init();
	intr_init();
	fpu_enable();

	note_boot_module(mbi);
	frame_init(mbi);
	pt_init();
	smap_init();
	slab_init();
	kmalloc_init();
	dbg(DBG_BOOT, "kernel image %p-%p, page directory %p\n",
	    kernel_start, kernel_end, kernel_pd);

	proc_init();
	kthread_init();
	sched_init();
	timer_init();
	vmmap_init();
	syscall_init();
	clock_init();
	seed_random();
	kthread_adopt_boot(proc_create_idle(), boot_stack);
	double_fault_init();

	pit_init();
	intr_enable();
	console_input_init();
	dev_init();
	vdso_init();
	vfs_init_root(cmdline_get("root"));
	net_init();
	memory_summary();
	start_init();
	idle_loop();
}
