/*
 * SMEP and SMAP at boot (main/smap.h has the story).  The CPU's answer
 * comes from CPUID leaf 7 (EBX bit 7: SMEP, bit 20: SMAP), asked only
 * when the largest standard leaf reaches it.  On a CPU without SMAP every
 * recorded stac/clac site (the .smap_sites section, bounded by the link
 * map's smap_sites_start/end) becomes three NOPs; the kernel's text is
 * mapped writable, and nothing has run one yet.  Runs once on the boot
 * CPU with interrupts off: no lock.
 */
#include "main/smap.h"
#include "main/io.h"
#include "util/printf.h"

#define CPUID_MAX_LEAF 0u
#define CPUID_EXT_FEATURES 7u
#define CPUID7_EBX_SMEP (1u << 7)
#define CPUID7_EBX_SMAP (1u << 20)
#define X86_NOP 0x90

extern const uint32_t smap_sites_start[], smap_sites_end[];

static uint32_t cpuid7_ebx(void)
{
	uint32_t a = CPUID_MAX_LEAF, b, c = 0, d;
	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	if (a < CPUID_EXT_FEATURES)
		return 0;
	a = CPUID_EXT_FEATURES;
	c = 0;
	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return b;
}

bool smap_cpu_has_smep(void)
{
	return cpuid7_ebx() & CPUID7_EBX_SMEP;
}

bool smap_cpu_has_smap(void)
{
	return cpuid7_ebx() & CPUID7_EBX_SMAP;
}

static void patch_out_sites(void)
{
	for (const uint32_t *s = smap_sites_start; s < smap_sites_end; s++) {
		volatile uint8_t *insn = (uint8_t *)*s;
		for (int i = 0; i < SMAP_SITE_BYTES; i++)
			insn[i] = X86_NOP;
	}
}

void smap_init(void)
{
	uint32_t cr4 = read_cr4();
	bool smep = smap_cpu_has_smep(), smap = smap_cpu_has_smap();
	if (smep)
		cr4 |= CR4_SMEP;
	if (smap)
		cr4 |= CR4_SMAP;
	else
		patch_out_sites();
	write_cr4(cr4);
	kprintf("cpu: SMEP %s, SMAP %s\n", smep ? "on" : "not offered",
		smap ? "on" : "not offered (stac/clac patched out)");
}
