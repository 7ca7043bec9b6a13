/*
 * The vDSO's memory objects (doc/api.md).  Two objects, both static and
 * never freed: vdso_text holds the image (kernel/vdso/, embedded by
 * vdso_image.S) and vdso_vvar the one page the clock publishes its
 * state in (drivers/vvar.h).  vdso_init fills their pages at boot and
 * keeps them pinned for good, so every process maps the same frames,
 * the page cache never evicts them, and the clock writes the vvar page
 * through its direct-map address while user space reads it.
 *
 * exec maps both as shared areas with a maximum protection of what they
 * start with (text read+exec, vvar read): fork shares them, munmap drops
 * them like any area, mprotect can only take rights away.  A process's
 * vdso_base (proc_t) is set by exec and cleared when any page of the
 * text is unmapped; signal delivery and the sysenter return rely on it.
 * The objects' reference counts are not kept: they cannot die.
 */
#include "vm/vdso.h"
#include "drivers/clock.h"
#include "mm/pframe.h"
#include "proc/proc.h"
#include "util/debug.h"
#include "util/string.h"
#include "vm/mmap.h"

#define ELF_MAGIC "\177ELF"
#define ELF_MAGIC_LEN 4

extern const uint8_t vdso_image[], vdso_image_end[];

static void vdso_obj_ref(mmobj_t *o) { }
static void vdso_obj_put(mmobj_t *o) { }

static int vdso_text_fill(mmobj_t *o, pframe_t *pf)
{
	size_t size = (size_t)(vdso_image_end - vdso_image);
	size_t off = (size_t)pf->pf_pagenum * PAGE_SIZE;
	memset(pf->pf_addr, 0, PAGE_SIZE);
	if (off < size)
		memcpy(pf->pf_addr, vdso_image + off, MIN((size_t)PAGE_SIZE, size - off));
	return 0;
}

static int vdso_vvar_fill(mmobj_t *o, pframe_t *pf)
{
	memset(pf->pf_addr, 0, PAGE_SIZE);
	return 0;
}

static const mmobj_ops_t vdso_text_ops = {
	.ref = vdso_obj_ref, .put = vdso_obj_put, .fill_page = vdso_text_fill,
};
static const mmobj_ops_t vdso_vvar_ops = {
	.ref = vdso_obj_ref, .put = vdso_obj_put, .fill_page = vdso_vvar_fill,
};

static mmobj_t vdso_text;
static mmobj_t vdso_vvar;

/* Page n of o, filled and pinned for the kernel's lifetime. */
static void *pin_forever(mmobj_t *o, uint32_t n)
{
	pframe_t *pf;
	int rc = pframe_get(o, n, &pf);
	KASSERT(rc == 0, "vdso: no memory for page %u at boot (%d)", n, rc);
	return pf->pf_addr;
}

void vdso_init(void)
{
	size_t size = (size_t)(vdso_image_end - vdso_image);
	KASSERT(size <= VDSO_IMAGE_PAGES * PAGE_SIZE && size >= ELF_MAGIC_LEN &&
		memcmp(vdso_image, ELF_MAGIC, ELF_MAGIC_LEN) == 0,
		"vdso: bad embedded image (%u bytes)", size);
	pframe_init();
	mmobj_init(&vdso_text, &vdso_text_ops);
	mmobj_init(&vdso_vvar, &vdso_vvar_ops);
	for (uint32_t n = 0; n < VDSO_IMAGE_PAGES; n++)
		pin_forever(&vdso_text, n);
	clock_vvar_attach(pin_forever(&vdso_vvar, 0));
}

int vdso_map(vmmap_t *map, uint32_t base)
{
	long rc = vm_mmap_max(map, base - VDSO_VVAR_SIZE, VDSO_VVAR_SIZE, PROT_READ, PROT_READ,
			      MAP_SHARED | MAP_FIXED, &vdso_vvar, 0);
	if (!vm_mmap_failed(rc))
		rc = vm_mmap_max(map, base, VDSO_IMAGE_PAGES * PAGE_SIZE, PROT_READ | PROT_EXEC,
				 PROT_READ | PROT_EXEC, MAP_SHARED | MAP_FIXED, &vdso_text, 0);
	return vm_mmap_failed(rc) ? (int)rc : 0;
}

const char *vdso_area_name(const vmarea_t *a)
{
	if (a->obj == &vdso_text)
		return "[vdso]";
	if (a->obj == &vdso_vvar)
		return "[vvar]";
	return NULL;
}

void vdso_range_removed(vmmap_t *map, uint32_t start, uint32_t npages)
{
	proc_t *p = curproc;
	if (!p || p->vmmap != map || !p->vdso_base)
		return;
	uint32_t text = PN(p->vdso_base);
	if (start < text + VDSO_IMAGE_PAGES && text < start + npages)
		p->vdso_base = 0;
}
