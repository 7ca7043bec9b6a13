/*
 * The ELF loader.
 *
 * Every header field is checked before it is used, against the file's
 * real size and the user address range, so a truncated or hostile file
 * gets -ENOEXEC rather than a kernel fault.  Each PT_LOAD maps its file
 * bytes privately (a shadow over the file's object, so writes to .data
 * never reach the file), zeroes the tail of its last file page when the
 * segment's memory is longer than its file part (the start of .bss), and
 * maps anonymous pages for the rest of .bss.
 */
#include "api/elf.h"
#include "fs/stat.h"
#include "fs/vnode.h"
#include "mm/page.h"
#include "vm/mmap.h"
#include "util/errno.h"
#include "util/string.h"

#define EI_NIDENT 16
#define ELFMAG0 0x7f
#define ELFCLASS32 1
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ET_EXEC 2
#define ET_DYN 3
#define EM_386 3
#define PT_LOAD 1
#define PT_INTERP 3
#define PT_PHDR 6
#define PT_GNU_STACK 0x6474e551u
#define PF_X 1u
#define PF_W 2u
#define PF_R 4u
#define ELF_MAX_PHNUM 64

typedef struct {
	uint8_t e_ident[EI_NIDENT];
	uint16_t e_type, e_machine;
	uint32_t e_version, e_entry, e_phoff, e_shoff, e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
} __packed elf32_ehdr_t;

typedef struct {
	uint32_t p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags, p_align;
} __packed elf32_phdr_t;

static int read_exact(vnode_t *vn, uint32_t off, void *buf, size_t n)
{
	off64_t pos = off;
	ssize_t got = vnode_read(vn, &pos, buf, n, 0);
	if (got < 0)
		return (int)got;
	return (size_t)got == n ? 0 : -ENOEXEC;
}

static bool header_ok(const elf32_ehdr_t *eh, uint32_t file_size)
{
	return eh->e_ident[0] == ELFMAG0 && eh->e_ident[1] == 'E' && eh->e_ident[2] == 'L' &&
	       eh->e_ident[3] == 'F' && eh->e_ident[4] == ELFCLASS32 &&
	       eh->e_ident[5] == ELFDATA2LSB && eh->e_ident[6] == EV_CURRENT &&
	       (eh->e_type == ET_EXEC || eh->e_type == ET_DYN) && eh->e_machine == EM_386 &&
	       eh->e_phentsize == sizeof(elf32_phdr_t) && eh->e_phnum > 0 &&
	       eh->e_phnum <= ELF_MAX_PHNUM &&
	       eh->e_phoff < file_size &&
	       eh->e_phoff + (uint32_t)eh->e_phnum * sizeof(elf32_phdr_t) <= file_size;
}

static bool segment_ok(const elf32_phdr_t *ph, uint32_t base, uint32_t file_size)
{
	uint32_t start = base + ph->p_vaddr, end = start + ph->p_memsz;
	return ph->p_filesz <= ph->p_memsz && ph->p_memsz > 0 &&
	       start + ph->p_memsz >= start && start >= base &&
	       start >= PN_ADDR(USER_MIN_PAGE) && end <= USER_END &&
	       ph->p_offset + ph->p_filesz >= ph->p_offset &&
	       ph->p_offset + ph->p_filesz <= file_size &&
	       (ph->p_offset & (PAGE_SIZE - 1)) == (ph->p_vaddr & (PAGE_SIZE - 1));
}

static uint32_t segment_prot(const elf32_phdr_t *ph)
{
	return ((ph->p_flags & PF_R) ? PROT_READ : 0) | ((ph->p_flags & PF_W) ? PROT_WRITE : 0) |
	       ((ph->p_flags & PF_X) ? PROT_EXEC : 0);
}

static int map_segment(vnode_t *vn, vmmap_t *map, const elf32_phdr_t *ph, uint32_t base)
{
	static const uint8_t zeros[PAGE_SIZE];
	uint32_t start = base + ph->p_vaddr;
	uint32_t prot = segment_prot(ph) | PROT_READ;
	uint32_t file_end = start + ph->p_filesz, mem_end = start + ph->p_memsz;
	uint32_t page = PAGE_ALIGN_DOWN(start);
	long rc;

	if (ph->p_filesz > 0) {
		uint32_t len = PAGE_ALIGN_UP(file_end) - page;
		rc = vm_mmap(map, page, len, prot, MAP_PRIVATE | MAP_FIXED, &vn->vn_mmobj,
			     PN(ph->p_offset));
		if (vm_mmap_failed(rc))
			return (int)rc;
		/* The rest of the last file page belongs to .bss: zero it in
		 * this process's copy (writable for the moment if the segment
		 * is not, as the kernel's stores obey the protection). */
		uint32_t tail = PAGE_ALIGN_UP(file_end) - file_end;
		if (tail && mem_end > file_end) {
			uint32_t last = PN(PAGE_ALIGN_DOWN(file_end));
			bool ro = !(prot & PROT_WRITE);
			if ((ro && (rc = vmmap_protect(map, last, 1, prot | PROT_WRITE)) < 0) ||
			    (rc = vmmap_write(map, file_end, zeros, tail)) < 0 ||
			    (ro && (rc = vmmap_protect(map, last, 1, prot)) < 0))
				return (int)rc;
		}
		page = PAGE_ALIGN_UP(file_end);
	}
	if (mem_end > page) {
		rc = vm_mmap(map, page, PAGE_ALIGN_UP(mem_end) - page, prot,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
		if (vm_mmap_failed(rc))
			return (int)rc;
	}
	return 0;
}

int elf_load(vnode_t *vn, vmmap_t *map, elf_image_t *img)
{
	elf32_ehdr_t eh;
	elf32_phdr_t ph[ELF_MAX_PHNUM];
	struct stat64 st;
	int rc;

	if (!S_ISREG(vn->vn_mode))
		return -EACCES;
	if ((rc = vnode_stat(vn, &st)) < 0)
		return rc;
	uint32_t size = st.st_size > UINT32_MAX ? UINT32_MAX : (uint32_t)st.st_size;
	if (size < sizeof(eh) || read_exact(vn, 0, &eh, sizeof(eh)) < 0 || !header_ok(&eh, size))
		return -ENOEXEC;
	if ((rc = read_exact(vn, eh.e_phoff, ph, eh.e_phnum * sizeof(elf32_phdr_t))) < 0)
		return rc;

	uint32_t base = eh.e_type == ET_DYN ? ELF_DYN_BASE : 0;
	memset(img, 0, sizeof(*img));
	img->phent = sizeof(elf32_phdr_t);
	img->phnum = eh.e_phnum;
	bool entry_mapped = false;
	for (int i = 0; i < eh.e_phnum; i++) {
		if (ph[i].p_type == PT_INTERP)
			return -ENOEXEC;	/* dynamically linked: not supported */
		if (ph[i].p_type == PT_GNU_STACK)
			img->exec_stack = ph[i].p_flags & PF_X;
		if (ph[i].p_type == PT_PHDR)
			img->phdr = base + ph[i].p_vaddr;
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (!segment_ok(&ph[i], base, size))
			return -ENOEXEC;
		uint32_t start = base + ph[i].p_vaddr;
		if (!img->phdr && ph[i].p_offset <= eh.e_phoff &&
		    eh.e_phoff < ph[i].p_offset + ph[i].p_filesz)
			img->phdr = start + (eh.e_phoff - ph[i].p_offset);
		if (base + eh.e_entry >= start && base + eh.e_entry < start + ph[i].p_memsz)
			entry_mapped = true;
		if ((rc = map_segment(vn, map, &ph[i], base)) < 0)
			return rc == -ENOMEM ? rc : -ENOEXEC;
		img->brk_start = MAX(img->brk_start, PAGE_ALIGN_UP(start + ph[i].p_memsz));
	}
	if (!entry_mapped)
		return -ENOEXEC;
	img->entry = base + eh.e_entry;
	return 0;
}
