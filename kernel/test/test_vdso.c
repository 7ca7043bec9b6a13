/*
 * The vDSO's areas and its vvar page (kernel/vm/vdso.c, doc/api.md): a
 * fresh address space gets [vvar] and [vdso] where asked, the image is
 * the ELF the build embedded, mprotect cannot add write, fork shares
 * both, munmap removes them, and the vvar page follows the wall clock
 * as it is set.  (t_vdso proves the user side on M-OS and Linux.)
 */
#include "test/ktest.h"
#include "drivers/clock.h"
#include "drivers/pit.h"
#include "drivers/vvar.h"
#include "mm/page.h"
#include "mm/pagetable.h"
#include "util/errno.h"
#include "util/string.h"
#include "vm/mmap.h"
#include "vm/vdso.h"
#include "vm/vmmap.h"
#include "vm/vmobj.h"

#define TEST_BASE (USER_END - 16 * PAGE_SIZE)
#define TEST_SHIFT_SEC 1000

static const char *name_at(vmmap_t *map, uint32_t addr)
{
	vmarea_t *a = vmmap_lookup(map, PN(addr));
	return a ? vdso_area_name(a) : NULL;
}

static void check_areas(vmmap_t *map, const char *which)
{
	const char *text = name_at(map, TEST_BASE), *vvar = name_at(map, TEST_BASE - PAGE_SIZE);
	KT_ASSERT(text && strcmp(text, "[vdso]") == 0, "%s: [vdso] at the base: %s", which,
		  text ? text : "none");
	KT_ASSERT(vvar && strcmp(vvar, "[vvar]") == 0, "%s: [vvar] below it: %s", which,
		  vvar ? vvar : "none");
}

static void test_areas(vmmap_t *map)
{
	check_areas(map, "exec");
	vmarea_t *a = vmmap_lookup(map, PN(TEST_BASE));
	KT_ASSERT(a && a->prot == (PROT_READ | PROT_EXEC) && a->maxprot == (PROT_READ | PROT_EXEC) &&
		  (a->flags & MAP_SHARED), "[vdso] is shared read+exec, never more");
	vmarea_t *v = vmmap_lookup(map, PN(TEST_BASE - PAGE_SIZE));
	KT_ASSERT(v && v->prot == PROT_READ && v->maxprot == PROT_READ, "[vvar] is read-only");
	char magic[4];
	KT_EQ(vmmap_read(map, TEST_BASE, magic, sizeof(magic)), 0);
	KT_ASSERT(memcmp(magic, "\177ELF", sizeof(magic)) == 0, "the image is an ELF file");
	KT_EQ(vm_mprotect(map, TEST_BASE, PAGE_SIZE, PROT_READ | PROT_WRITE), -EACCES);
	KT_EQ(vm_mprotect(map, TEST_BASE - PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE), -EACCES);
	KT_EQ(vm_mprotect(map, TEST_BASE - PAGE_SIZE, PAGE_SIZE, PROT_READ), 0);
}

static void test_vvar_follows_clock(vmmap_t *map)
{
	struct vvar_data d;
	KT_EQ(vmmap_read(map, TEST_BASE - PAGE_SIZE, &d, sizeof(d)), 0);
	KT_EQ(d.res_nsec, (unsigned)(NSEC_PER_SEC / HZ));
	KT_ASSERT((d.seq & 1) == 0, "the sequence count is even at rest: %u", d.seq);
	int64_t now = clock_realtime_sec();
	KT_ASSERT(d.real_sec <= now && d.real_sec >= now - 1, "vvar REALTIME %lld, clock %lld",
		  d.real_sec, now);
	ktimespec_t ts = { now + TEST_SHIFT_SEC, 0 };
	KT_EQ(clock_set_realtime(&ts), 0);
	KT_EQ(vmmap_read(map, TEST_BASE - PAGE_SIZE, &d, sizeof(d)), 0);
	KT_ASSERT(d.real_sec >= now + TEST_SHIFT_SEC && d.real_sec <= now + TEST_SHIFT_SEC + 1,
		  "a set wall clock shows at once: %lld", d.real_sec);
	int64_t back = clock_realtime_ns() - TEST_SHIFT_SEC * NSEC_PER_SEC;
	ts.tv_sec = back / NSEC_PER_SEC;
	ts.tv_nsec = (int32_t)(back % NSEC_PER_SEC);
	KT_EQ(clock_set_realtime(&ts), 0);
	int64_t mono = clock_monotonic_ns();
	KT_EQ(vmmap_read(map, TEST_BASE - PAGE_SIZE, &d, sizeof(d)), 0);
	KT_ASSERT(d.mono_sec * NSEC_PER_SEC + d.mono_nsec <= mono &&
		  d.mono_sec * NSEC_PER_SEC + d.mono_nsec > mono - 2 * NSEC_PER_SEC / HZ,
		  "vvar MONOTONIC is the last tick's");
}

static void test_fork_and_unmap(vmmap_t *map)
{
	pde_t *cpd = pt_create_pd();
	KT_ASSERT(cpd != NULL, "page directory");
	vmmap_t *child = vmmap_clone(map, cpd);
	KT_ASSERT(child != NULL, "clone");
	if (child) {
		check_areas(child, "fork");
		vmmap_destroy(child);
	}
	pt_destroy_pd(cpd);
	KT_EQ(vm_munmap(map, TEST_BASE - PAGE_SIZE, VDSO_SIZE), 0);
	KT_ASSERT(!vmmap_lookup(map, PN(TEST_BASE)) && !vmmap_lookup(map, PN(TEST_BASE - PAGE_SIZE)),
		  "munmap removed both areas");
}

static void vdso_suite(void)
{
	size_t objs = vmobj_count();
	pde_t *pd = pt_create_pd();
	vmmap_t *map = pd ? vmmap_create(pd) : NULL;
	KT_ASSERT(map != NULL, "vmmap");
	if (!map)
		return;
	KT_EQ(vdso_map(map, TEST_BASE), 0);
	test_areas(map);
	test_vvar_follows_clock(map);
	test_fork_and_unmap(map);
	vmmap_destroy(map);
	pt_destroy_pd(pd);
	KT_EQ(vmobj_count(), objs);
}
KTEST_SUITE("vdso", vdso_suite);
