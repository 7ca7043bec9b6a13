/*
 * t_fuzz_elf: execve of malformed ELF files.  Two originals: a minimal
 * ELF built here (one PT_LOAD; exit(42) in three instructions) and a real
 * static glibc program (a copy of /bin/true, whose headers are mutated in
 * place).  Each round writes an original, mutates 1
 * to 4 header fields or bytes (edge values, random words, added program
 * headers of every type, a truncated file), and execs it in a forked
 * child.  The kernel must either refuse with an errno execve may give or
 * start the program, which then exits, dies of a signal or is stopped by
 * the time limit; it must never panic, hang or leak (runall checks).
 * The outcome counts are printed as notes.
 */
#include <elf.h>
#include <stddef.h>
#include <sys/mman.h>

#include "fuzz.h"

#define ROUNDS_PER_SCALE 150
#define CHILD_LIMIT_MS 3000
#define TINY_VADDR 0x08048000u
#define HEADER_BYTES 4096	/* of the real program, mutated in place */
#define REAL_PROGRAM "/bin/true"
#define EXIT_EXEC_FAILED 120	/* + errno % 100: execve returned */

struct tiny_elf {
	Elf32_Ehdr eh;
	Elf32_Phdr ph[4];	/* room for added program headers */
	unsigned char code[12];
};

static const unsigned char exit42[12] = {
	0xb8, 0x01, 0x00, 0x00, 0x00,	/* mov $1, %eax (exit) */
	0xbb, 0x2a, 0x00, 0x00, 0x00,	/* mov $42, %ebx */
	0xcd, 0x80,			/* int $0x80 */
};

static void build_tiny(struct tiny_elf *e)
{
	memset(e, 0, sizeof(*e));
	memcpy(e->eh.e_ident, ELFMAG, SELFMAG);
	e->eh.e_ident[EI_CLASS] = ELFCLASS32;
	e->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	e->eh.e_ident[EI_VERSION] = EV_CURRENT;
	e->eh.e_type = ET_EXEC;
	e->eh.e_machine = EM_386;
	e->eh.e_version = EV_CURRENT;
	e->eh.e_entry = TINY_VADDR + offsetof(struct tiny_elf, code);
	e->eh.e_phoff = offsetof(struct tiny_elf, ph);
	e->eh.e_ehsize = sizeof(Elf32_Ehdr);
	e->eh.e_phentsize = sizeof(Elf32_Phdr);
	e->eh.e_phnum = 1;
	e->ph[0].p_type = PT_LOAD;
	e->ph[0].p_vaddr = e->ph[0].p_paddr = TINY_VADDR;
	e->ph[0].p_filesz = e->ph[0].p_memsz = sizeof(*e);
	e->ph[0].p_flags = PF_R | PF_X;
	e->ph[0].p_align = 4096;
	memcpy(e->code, exit42, sizeof(exit42));
}

static uint32_t edge_value(void)
{
	static const uint32_t edges[] = {
		0, 1, 2, 3, 0x20, 0x34, 0xfff, 0x1000, 0x1001, 0x7fffffff, 0x80000000,
		0xbffff000, 0xc0000000, 0xc0100000, 0xfffff000, 0xffffffff, 0x08048000,
		0x10000000, 0xffff, 0x10000,
	};
	return fuzz_below(3) ? edges[fuzz_below(sizeof(edges) / sizeof(edges[0]))] : fuzz_next();
}

/* Sets a field of size 1, 2 or 4 at off in buf (of len bytes). */
static void set_field(unsigned char *buf, size_t len, size_t off, size_t size, uint32_t v)
{
	if (off + size <= len)
		memcpy(buf + off, &v, size);
}

/* One mutation of the headers in buf; returns the new file length. */
static size_t mutate(unsigned char *buf, size_t len, size_t cap)
{
	Elf32_Ehdr *eh = (Elf32_Ehdr *)buf;
	switch (fuzz_below(6)) {
	case 0: {	/* an ELF header field */
		static const unsigned char fields[][2] = {
			{ 4, 1 }, { 5, 1 }, { 6, 1 }, { 16, 2 }, { 18, 2 }, { 20, 4 },
			{ 24, 4 }, { 28, 4 }, { 32, 4 }, { 36, 4 }, { 40, 2 }, { 42, 2 },
			{ 44, 2 }, { 46, 2 }, { 48, 2 }, { 50, 2 },
		};
		const unsigned char *f = fields[fuzz_below(sizeof(fields) / sizeof(fields[0]))];
		set_field(buf, len, f[0], f[1], edge_value());
		break;
	}
	case 1: case 2: {	/* a program header field */
		uint32_t phoff = eh->e_phoff, n = eh->e_phnum ? eh->e_phnum : 1;
		size_t off = phoff + fuzz_below(n) * sizeof(Elf32_Phdr) + 4 * fuzz_below(8);
		if (phoff < len)
			set_field(buf, len, off, 4, edge_value());
		break;
	}
	case 3: {	/* one more program header, of any type */
		static const uint32_t types[] = {
			PT_LOAD, PT_INTERP, PT_DYNAMIC, PT_NOTE, PT_PHDR, PT_TLS,
			PT_GNU_STACK, PT_GNU_RELRO, 0x6474e550, 0x12345678,
		};
		size_t off = eh->e_phoff + eh->e_phnum * sizeof(Elf32_Phdr);
		if (eh->e_phoff < len && off + sizeof(Elf32_Phdr) <= cap) {
			Elf32_Phdr ph = {
				.p_type = types[fuzz_below(sizeof(types) / sizeof(types[0]))],
				.p_offset = fuzz_below(2) ? fuzz_below(len) : edge_value(),
				.p_vaddr = edge_value(), .p_paddr = 0,
				.p_filesz = fuzz_below(2) ? fuzz_below(64) : edge_value(),
				.p_memsz = edge_value(), .p_flags = fuzz_below(8),
				.p_align = fuzz_below(2) ? 4096 : edge_value(),
			};
			memcpy(buf + off, &ph, sizeof(ph));
			eh->e_phnum++;
			if (off + sizeof(ph) > len)
				len = off + sizeof(ph);
		}
		break;
	}
	case 4:		/* random bytes in the first header page */
		for (int i = 0, n = 1 + fuzz_below(8); i < n; i++)
			buf[fuzz_below(len < 256 ? len : 256)] = fuzz_next();
		break;
	default:	/* truncated */
		len = fuzz_below(len);
		break;
	}
	return len;
}

static int write_file(const char *path, const void *buf, size_t len, int truncate_it)
{
	int fd = open(path, O_WRONLY | O_CREAT | (truncate_it ? O_TRUNC : 0), 0755);
	if (fd < 0)
		return -1;
	ssize_t n = pwrite(fd, buf, len, 0);
	if (!truncate_it && n == (ssize_t)len)
		n = 0;
	close(fd);
	return n < 0 ? -1 : 0;
}

/* Runs path; the wait status, -1 on a time-out, or -2 if fork failed. */
static int run(const char *path)
{
	pid_t pid = fork();
	if (pid < 0)
		return -2;
	if (pid == 0) {
		char *argv[] = { (char *)path, NULL }, *envp[] = { NULL };
		execve(path, argv, envp);
		_exit(EXIT_EXEC_FAILED + errno % 100);
	}
	int status;
	if (ut_wait(pid, &status, CHILD_LIMIT_MS) < 0)
		return -1;
	return status;
}

static int errno_expected(int e)
{
	static const int ok[] = {
		ENOEXEC, EINVAL, ENOMEM, EACCES, EFAULT, E2BIG, ENOENT, ELIBBAD,
		EIO, EFBIG, ENAMETOOLONG, ELOOP, ENOTDIR, EISDIR, EPERM, ETXTBSY,
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (ok[i] % 100 == e)
			return 1;
	return 0;
}

int main(void)
{
	unsigned scale = fuzz_start("ELF");
	if (!scale)
		return ut_done("t_fuzz_elf");
	const char *dir = ut_scratch_dir("fuzz_elf");
	char tiny_path[300], real_path[300];
	snprintf(tiny_path, sizeof(tiny_path), "%s/tiny", dir);
	snprintf(real_path, sizeof(real_path), "%s/real", dir);

	/* The originals work, or the rounds would prove nothing. */
	struct tiny_elf tiny;
	build_tiny(&tiny);
	UT_CHECK(write_file(tiny_path, &tiny, sizeof(tiny), 1) == 0, "write %s", tiny_path);
	int status = run(tiny_path);
	UT_CHECK(status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 42,
		 "the unmutated minimal ELF: %s, expected exit 42", ut_status_str(status));
	int self = open(REAL_PROGRAM, O_RDONLY);
	static unsigned char real_header[HEADER_BYTES];
	int have_real = self >= 0 && pread(self, real_header, HEADER_BYTES, 0) == HEADER_BYTES;
	if (have_real) {
		char cmd_buf[1 << 16];
		int out = open(real_path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
		ssize_t n;
		off_t off = 0;
		while ((n = pread(self, cmd_buf, sizeof(cmd_buf), off)) > 0) {
			(void)!write(out, cmd_buf, n);
			off += n;
		}
		close(out);
	}
	if (self >= 0)
		close(self);
	UT_CHECK(have_real, "a copy of %s", REAL_PROGRAM);

	unsigned rounds = ROUNDS_PER_SCALE * scale, exits = 0, signals = 0, timeouts = 0;
	unsigned refused[100] = { 0 };
	for (unsigned r = 0; r < rounds; r++) {
		int use_real = have_real && fuzz_below(3) == 0;
		static unsigned char buf[HEADER_BYTES];
		size_t len, cap = sizeof(buf);
		if (use_real) {
			memcpy(buf, real_header, HEADER_BYTES);
			len = HEADER_BYTES;
		} else {
			memcpy(buf, &tiny, sizeof(tiny));
			len = offsetof(struct tiny_elf, ph) + sizeof(Elf32_Phdr);
			memmove(buf + len, tiny.code, sizeof(tiny.code));	/* code after ph[0] */
			((Elf32_Ehdr *)buf)->e_entry = TINY_VADDR + len;
			((Elf32_Phdr *)(buf + sizeof(Elf32_Ehdr)))->p_filesz = len + sizeof(tiny.code);
			((Elf32_Phdr *)(buf + sizeof(Elf32_Ehdr)))->p_memsz = len + sizeof(tiny.code);
			len += sizeof(tiny.code);
			cap = len + 3 * sizeof(Elf32_Phdr);
		}
		for (int m = 0, n = 1 + fuzz_below(4); m < n; m++)
			len = mutate(buf, len, cap);
		const char *path = use_real ? real_path : tiny_path;
		if (!UT_CHECK(write_file(path, buf, len, !use_real) == 0, "write %s", path))
			break;
		status = run(path);
		if (status == -2) {
			UT_CHECK(0, "fork: %s", strerror(errno));
			break;
		}
		if (status == -1) {
			timeouts++;
		} else if (WIFSIGNALED(status)) {
			signals++;
		} else if (WEXITSTATUS(status) >= EXIT_EXEC_FAILED) {
			int e = WEXITSTATUS(status) - EXIT_EXEC_FAILED;
			refused[e]++;
			UT_CHECK(errno_expected(e), "round %u: execve failed with errno %d (mod 100), "
				 "not an errno execve gives", r, e);
			continue;
		} else {
			exits++;
		}
		UT_CHECK(1, "round %u ran", r);
	}
	UT_NOTE("%u rounds: %u exited, %u died of a signal, %u stopped by the time limit",
		rounds, exits, signals, timeouts);
	for (int e = 0; e < 100; e++)
		if (refused[e])
			UT_NOTE("execve refused %u with %s", refused[e], ut_errname(e));
	unlink(tiny_path);
	unlink(real_path);
	rmdir(dir);
	return ut_done("t_fuzz_elf");
}
