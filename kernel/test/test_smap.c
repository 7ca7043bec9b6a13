/* SMEP and SMAP (main/smap.h).  Suite "smap": CR4's bits follow what
 * CPUID offers; the stac/clac sites are real instructions when SMAP is on
 * and NOPs when it is not; the user-copy routines still reach a user page
 * (and give -EFAULT for an unmapped one); with smap_required=1 on the
 * command line both must be on.  Panic suites "panic_smap" and
 * "panic_smep" (booted by the runner on a CPU model that has both) prove
 * that a kernel read of a user page outside the copy routines, and a
 * kernel call into a user page, stop the kernel with a clear message. */
#include "test/ktest.h"
#include "api/usercopy.h"
#include "main/cmdline.h"
#include "main/io.h"
#include "main/smap.h"
#include "mm/frame.h"
#include "mm/pagetable.h"
#include "util/errno.h"
#include "util/printf.h"
#include "util/string.h"

#define TEST_UVA 0x50000000u		/* an address no kernel process maps */
#define UNMAPPED_UVA (TEST_UVA + PAGE_SIZE)
#define X86_RET 0xc3
#define X86_NOP 0x90
#define STAC_LAST_BYTE 0xcb
#define CLAC_LAST_BYTE 0xca
#define SITE_LAST 2			/* the byte that tells stac from clac */

extern const uint32_t smap_sites_start[], smap_sites_end[];

static pde_t *current_pd(void)
{
	return pa_to_kva(read_cr3() & PTE_ADDR_MASK);
}

/* Maps a fresh zeroed frame at TEST_UVA as a user page; its kernel address. */
static uint8_t *map_user_page(void)
{
	uint8_t *page = frame_alloc();
	if (!page)
		return NULL;
	memset(page, 0, PAGE_SIZE);
	if (pt_map(current_pd(), TEST_UVA, kva_to_pa(page), PTE_PRESENT | PTE_WRITE | PTE_USER) < 0) {
		frame_free(page);
		return NULL;
	}
	return page;
}

static void unmap_user_page(uint8_t *page)
{
	pt_unmap(current_pd(), TEST_UVA);
	pt_free_table_if_empty(current_pd(), TEST_UVA);
	frame_free(page);
}

static void smap_suite(void)
{
	uint32_t cr4 = read_cr4();
	bool smep = smap_cpu_has_smep(), smap = smap_cpu_has_smap();
	kprintf("smap: CPU offers SMEP %d, SMAP %d\n", smep, smap);
	KT_EQ(!!(cr4 & CR4_SMEP), smep);
	KT_EQ(!!(cr4 & CR4_SMAP), smap);
	if (cmdline_get("smap_required"))	/* the runner's boot on a CPU with both */
		KT_ASSERT(smep && smap, "SMEP and SMAP are offered and on");
	uint32_t nsites = (uint32_t)(smap_sites_end - smap_sites_start), bad = 0;
	KT_ASSERT(nsites >= 4, "stac/clac sites recorded: %u", (unsigned)nsites);
	for (const uint32_t *s = smap_sites_start; s < smap_sites_end; s++) {
		const uint8_t *insn = (const uint8_t *)*s;
		if (smap)
			bad += insn[0] != 0x0f || (insn[SITE_LAST] != STAC_LAST_BYTE &&
						   insn[SITE_LAST] != CLAC_LAST_BYTE);
		else
			bad += insn[0] != X86_NOP || insn[SITE_LAST] != X86_NOP;
	}
	KT_ASSERT(bad == 0, "%u of %u sites are not %s", (unsigned)bad, (unsigned)nsites,
		  smap ? "stac/clac" : "NOPs");

	uint8_t *page = map_user_page();
	KT_ASSERT(page != NULL, "a user page for the copies");
	if (!page)
		return;
	char buf[8] = { 0 };
	KT_EQ(copy_to_user((void *)TEST_UVA, "smapok", 7), 0);
	KT_ASSERT(memcmp(page, "smapok", 7) == 0, "copy_to_user reached the user page");
	page[8] = 'x';
	KT_EQ(copy_from_user(buf, (void *)(TEST_UVA + 8), 1), 0);
	KT_EQ(buf[0], 'x');
	KT_EQ(copy_from_user(buf, (void *)UNMAPPED_UVA, 1), -EFAULT);
	KT_EQ(read_cr4(), cr4);
	unmap_user_page(page);
}
KTEST_SUITE("smap", smap_suite);

static void panic_smap_suite(void)
{
	if (!(read_cr4() & CR4_SMAP)) {
		kprintf("panic_smap: this CPU has no SMAP (boot with -cpu max)\n");
		return;
	}
	volatile uint8_t *user = (volatile uint8_t *)TEST_UVA;
	if (map_user_page())
		kprintf("panic_smap: read %u: SMAP did not stop it\n", user[0]);
}
KTEST_PANIC_SUITE("panic_smap", panic_smap_suite, "SMAP: the kernel touched user address");

static void panic_smep_suite(void)
{
	if (!(read_cr4() & CR4_SMEP)) {
		kprintf("panic_smep: this CPU has no SMEP (boot with -cpu max)\n");
		return;
	}
	uint8_t *page = map_user_page();
	if (!page)
		return;
	page[0] = X86_RET;
	((void (*)(void))TEST_UVA)();
	kprintf("panic_smep: called a user page: SMEP did not stop it\n");
}
KTEST_PANIC_SUITE("panic_smep", panic_smep_suite, "SMEP: the kernel executed user address");
