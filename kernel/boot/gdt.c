/*
 * The global descriptor table and the task-state segment.
 *
 * M-OS uses flat segments: kernel and user code and data all span 4 GiB and
 * differ only in privilege.  The TSS exists for one field, esp0, the stack
 * the CPU loads on an interrupt from user mode; the scheduler updates it on
 * every switch to a thread with a user half.  When the CPU has sysenter,
 * the SYSENTER_ESP MSR follows esp0 (written at the same moment), so a
 * sysenter lands on the running thread's kernel stack exactly as an
 * interrupt from user mode does (kernel/entry/sysenter.c).  Entries 6..8 are TLS slots
 * (user data segments with a per-thread base, filled by set_thread_area).
 * The table is per CPU in spirit; with one CPU it is one static array.
 */
#include "boot/gdt.h"
#include "main/io.h"
#include "util/string.h"

struct gdt_entry {
	uint16_t limit_low;
	uint16_t base_low;
	uint8_t base_mid;
	uint8_t access;
	uint8_t flags_limit_high;
	uint8_t base_high;
} __packed;

struct gdt_pointer {
	uint16_t limit;
	uint32_t base;
} __packed;

/* The hardware TSS layout; only ss0 and esp0 matter to M-OS. */
struct tss {
	uint32_t prev, esp0, ss0, esp1, ss1, esp2, ss2;
	uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint32_t es, cs, ss, ds, fs, gs, ldt;
	uint16_t trap, iomap_base;
} __packed;

#define ACC_PRESENT 0x80
#define ACC_DPL3 0x60
#define ACC_CODE_DATA 0x10
#define ACC_EXEC 0x08
#define ACC_RW 0x02
#define ACC_TSS32_AVAIL 0x09
#define FLAG_4K_32BIT 0xC0	/* granularity 4 KiB, 32-bit operands */

static struct gdt_entry gdt[GDT_ENTRIES] __aligned(8);
static struct tss tss __aligned(16);
static struct tss task_tss __aligned(16);	/* the double-fault task */
static bool sysenter_on;	/* the SYSENTER MSRs are programmed */

static void gdt_set(int i, uint32_t base, uint32_t limit, uint8_t access,
		    uint8_t flags)
{
	gdt[i].limit_low = limit & 0xFFFF;
	gdt[i].base_low = base & 0xFFFF;
	gdt[i].base_mid = (base >> 16) & 0xFF;
	gdt[i].access = access;
	gdt[i].flags_limit_high = (flags & 0xF0) | ((limit >> 16) & 0x0F);
	gdt[i].base_high = (base >> 24) & 0xFF;
}

void gdt_init(void)
{
	const uint32_t all = 0xFFFFF;	/* 4 GiB in 4 KiB units */

	memset(gdt, 0, sizeof(gdt));
	gdt_set(GDT_KERNEL_CODE, 0, all, ACC_PRESENT | ACC_CODE_DATA | ACC_EXEC | ACC_RW, FLAG_4K_32BIT);
	gdt_set(GDT_KERNEL_DATA, 0, all, ACC_PRESENT | ACC_CODE_DATA | ACC_RW, FLAG_4K_32BIT);
	gdt_set(GDT_USER_CODE, 0, all, ACC_PRESENT | ACC_DPL3 | ACC_CODE_DATA | ACC_EXEC | ACC_RW, FLAG_4K_32BIT);
	gdt_set(GDT_USER_DATA, 0, all, ACC_PRESENT | ACC_DPL3 | ACC_CODE_DATA | ACC_RW, FLAG_4K_32BIT);

	memset(&tss, 0, sizeof(tss));
	tss.ss0 = SEL_KERNEL_DATA;
	tss.iomap_base = sizeof(tss);	/* no I/O permission bitmap */
	gdt_set(GDT_TSS, (uint32_t)&tss, sizeof(tss) - 1, ACC_PRESENT | ACC_TSS32_AVAIL, 0);

	struct gdt_pointer ptr = { sizeof(gdt) - 1, (uint32_t)gdt };
	__asm__ volatile(
		"lgdt %0\n\t"
		"ljmp %1, $1f\n"
		"1:\n\t"
		"movw %w2, %%ax\n\t"
		"movw %%ax, %%ds\n\t"
		"movw %%ax, %%es\n\t"
		"movw %%ax, %%fs\n\t"
		"movw %%ax, %%gs\n\t"
		"movw %%ax, %%ss\n\t"
		"movw %w3, %%ax\n\t"
		"ltr %%ax"
		: : "m"(ptr), "i"(SEL_KERNEL_CODE), "r"(SEL_KERNEL_DATA), "r"(SEL_TSS)
		: "eax", "memory");
}

void tss_set_kernel_stack(uint32_t esp0)
{
	tss.esp0 = esp0;
	if (sysenter_on)
		wrmsr(MSR_SYSENTER_ESP, esp0);
}

void tss_enable_sysenter(uint32_t entry)
{
	wrmsr(MSR_SYSENTER_CS, SEL_KERNEL_CODE);
	wrmsr(MSR_SYSENTER_ESP, tss.esp0);
	wrmsr(MSR_SYSENTER_EIP, entry);
	sysenter_on = true;
}

void gdt_install_task(int index, uint32_t eip, uint32_t esp, uint32_t cr3,
		      uint32_t eflags)
{
	memset(&task_tss, 0, sizeof(task_tss));
	task_tss.eip = eip;
	task_tss.esp = esp;
	task_tss.esp0 = esp;
	task_tss.cr3 = cr3;
	task_tss.eflags = eflags;
	task_tss.cs = SEL_KERNEL_CODE;
	task_tss.ss = task_tss.ss0 = task_tss.ds = task_tss.es = SEL_KERNEL_DATA;
	task_tss.fs = task_tss.gs = SEL_KERNEL_DATA;
	task_tss.iomap_base = sizeof(task_tss);
	gdt_set(index, (uint32_t)&task_tss, sizeof(task_tss) - 1,
		ACC_PRESENT | ACC_TSS32_AVAIL, 0);
}

void tss_saved_state(uint32_t *eip, uint32_t *esp, uint32_t *ebp)
{
	*eip = tss.eip;
	*esp = tss.esp;
	*ebp = tss.ebp;
}

void gdt_load_tls(const uint32_t tls[GDT_TLS_ENTRIES][2])
{
	memcpy(&gdt[GDT_TLS_MIN], tls, GDT_TLS_ENTRIES * sizeof(gdt[0]));
}
