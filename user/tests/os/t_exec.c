/*
 * t_exec: execve of bad files fails cleanly and leaves the caller intact;
 * a good exec gives the new image exactly the argv, envp and auxiliary
 * vector it should, closes close-on-exec descriptors and resets state.
 *
 * Bad files (written to $TMPDIR/t_exec.PID, TMPDIR defaults to /tmp):
 * missing (ENOENT), a directory and a file without execute permission
 * (EACCES), empty and text files (ENOEXEC), and malformed ELF images made
 * from a copy of this very binary (argv[0]; TESTS_BIN if that cannot be
 * read): truncated header, wrong machine / class / byte order / type /
 * e_phentsize, e_phnum 0xffff, program headers past the end, a PT_LOAD
 * past the end of the file, a PT_LOAD crossing 0xC0000000, a segment
 * whose size wraps the address space, p_filesz > p_memsz, an entry point
 * outside every segment, a PT_INTERP.  M-OS rejects all the malformed
 * ones with ENOEXEC (doc/api.md).  Linux returns the same for most; for
 * the others (marked "lenient" below) it returns another errno (EIO,
 * EINVAL, ENOMEM, ENOENT) or even starts the image, which then dies: on
 * Linux any of those is accepted and reported as a note.
 *
 * Each case first runs in a forked child (a close-on-exec pipe tells
 * whether execve returned); when it failed there, it is repeated in this
 * process, which must then carry on normally.  The bad files go to execve
 * itself; images that must run go through mos_execve (mos/exec.h), so
 * that they also run where i386 programs need qemu-i386 (a host whose
 * kernel runs no i386 image refuses the bad ones, like any other, with
 * ENOEXEC).
 *
 * Modes of the exec'd image: --child (check argv, envp, auxv, signal
 * dispositions and FPU state), --cloexec-child, --many, --exit42.
 */
#include <elf.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "utest.h"

extern char **environ;
extern char _start[];

static char self[PATH_MAX];
static char dir[256];
static unsigned char *tmpl;
static size_t tmpl_len;
static int template_is_self = 1;

/* ---------------- modes run in the new image ---------------- */

static int child_mode(int argc, char **argv, char **envp)
{
	static const char *want_argv[] = { "t_exec", "--child", "a", "b c" };
	UT_CHECK(argc == 4, "child: argc %d, expected 4", argc);
	for (int i = 0; i < 4 && i < argc; i++)
		UT_CHECK(strcmp(argv[i], want_argv[i]) == 0, "child: argv[%d] = \"%s\"",
			 i, argv[i]);
	UT_CHECK(argv[argc] == NULL, "child: argv not NULL-terminated");
	int n = 0;
	while (envp[n])
		n++;
	UT_CHECK(n == 2, "child: %d environment strings, expected 2", n);
	if (n >= 2) {
		UT_CHECK(strcmp(envp[0], "X=1") == 0, "child: envp[0] = \"%s\"", envp[0]);
		UT_CHECK(strcmp(envp[1], "Y=two") == 0, "child: envp[1] = \"%s\"", envp[1]);
	}
	UT_CHECK(environ == envp, "child: environ != envp");
	const char *y = getenv("Y");
	UT_CHECK(y && strcmp(y, "two") == 0, "child: getenv(Y)");
	/* Just above envp's NULL: the auxiliary vector. */
	UT_CHECK((void *)&envp[n + 1] > (void *)&argv[argc], "child: envp after argv");

	UT_CHECK(getauxval(AT_PAGESZ) == 4096, "child: AT_PAGESZ %lu", getauxval(AT_PAGESZ));
	unsigned char *rnd = (unsigned char *)getauxval(AT_RANDOM);
	UT_CHECK(rnd != NULL, "child: AT_RANDOM missing");
	if (rnd) {
		unsigned char copy[16];
		int nz = 0;
		memcpy(copy, rnd, 16);
		for (int i = 0; i < 16; i++)
			nz |= copy[i];
		UT_CHECK(nz, "child: AT_RANDOM is all zero");
	}
	unsigned long phdr = getauxval(AT_PHDR), phnum = getauxval(AT_PHNUM);
	UT_CHECK(phdr != 0, "child: AT_PHDR missing");
	UT_CHECK(phnum != 0, "child: AT_PHNUM missing");
	UT_CHECK(getauxval(AT_PHENT) == sizeof(Elf32_Phdr), "child: AT_PHENT %lu",
		 getauxval(AT_PHENT));
	UT_CHECK(getauxval(AT_ENTRY) == (unsigned long)(uintptr_t)_start,
		 "child: AT_ENTRY %#lx, _start %p", getauxval(AT_ENTRY), (void *)_start);
	if (phdr && phnum && phnum < 64) {
		const Elf32_Phdr *ph = (const Elf32_Phdr *)phdr;
		int loads = 0, text = 0;
		for (unsigned long i = 0; i < phnum; i++) {
			if (ph[i].p_type != PT_LOAD)
				continue;
			loads++;
			if ((uintptr_t)_start >= ph[i].p_vaddr &&
			    (uintptr_t)_start < ph[i].p_vaddr + ph[i].p_memsz)
				text = 1;
		}
		UT_CHECK(loads > 0 && text, "child: AT_PHDR does not describe this image");
	}
	static const struct { unsigned long type; const char *name; } ids[] = {
		{ AT_UID, "AT_UID" }, { AT_EUID, "AT_EUID" },
		{ AT_GID, "AT_GID" }, { AT_EGID, "AT_EGID" },
	};
	unsigned long want_ids[4] = { getuid(), geteuid(), getgid(), getegid() };
	for (int i = 0; i < 4; i++) {
		errno = 0;
		unsigned long v = getauxval(ids[i].type);
		UT_CHECK(errno == 0 && v == want_ids[i], "child: %s = %lu (%s), expected %lu",
			 ids[i].name, v, errno ? "missing" : "present", want_ids[i]);
	}
	errno = 0;
	UT_CHECK(getauxval(AT_SECURE) == 0 && errno == 0, "child: AT_SECURE");

	/* Caught signals are reset to the default, ignored ones stay ignored. */
	struct sigaction sa;
	sigaction(SIGUSR1, NULL, &sa);
	UT_CHECK(sa.sa_handler == SIG_DFL, "child: SIGUSR1 handler survived exec");
	sigaction(SIGUSR2, NULL, &sa);
	UT_CHECK(sa.sa_handler == SIG_IGN, "child: ignored SIGUSR2 not kept");

	/* A fresh FPU: FNINIT control word and default MXCSR. */
	unsigned short cw;
	unsigned int mxcsr;
	__asm__ volatile("fnstcw %0" : "=m"(cw));
	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
	UT_CHECK(cw == 0x037f, "child: x87 control word %#x after exec", cw);
	UT_CHECK((mxcsr & ~0x3fu) == 0x1f80, "child: MXCSR %#x after exec", mxcsr);
	return ut_failed > 125 ? 125 : ut_failed;
}

static int cloexec_child_mode(int argc, char **argv)
{
	if (argc != 6)
		return 100;
	int fa = atoi(argv[2]), fb = atoi(argv[3]), fc = atoi(argv[4]), fd = atoi(argv[5]);
	errno = 0;
	UT_CHECK(fcntl(fa, F_GETFD) == -1 && errno == EBADF,
		 "cloexec child: O_CLOEXEC descriptor %d still open", fa);
	errno = 0;
	UT_CHECK(fcntl(fc, F_GETFD) == -1 && errno == EBADF,
		 "cloexec child: FD_CLOEXEC (fcntl) descriptor %d still open", fc);
	UT_CHECK(fcntl(fb, F_GETFD) == 0, "cloexec child: plain descriptor %d not open", fb);
	UT_CHECK(fcntl(fd, F_GETFD) == 0, "cloexec child: dup of O_CLOEXEC descriptor %d "
		 "not open (dup clears FD_CLOEXEC)", fd);
	char buf[32] = "";
	UT_CHECK(pread(fb, buf, sizeof(buf) - 1, 0) == 12 && strcmp(buf, "cloexec-data") == 0,
		 "cloexec child: read through inherited descriptor: \"%s\"", buf);
	return ut_failed > 125 ? 125 : ut_failed;
}

#define MANY 200
static void many_arg(char *buf, size_t sz, int i)
{
	snprintf(buf, sz, "argument-%03d-%.*s", i, i % 40, "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH");
}

static int many_mode(int argc, char **argv)
{
	UT_CHECK(argc == MANY + 2, "many: argc %d", argc);
	for (int i = 0; i < MANY && i + 2 < argc; i++) {
		char want[80];
		many_arg(want, sizeof(want), i);
		if (!UT_CHECK(strcmp(argv[i + 2], want) == 0, "many: argv[%d]", i + 2))
			break;
	}
	int n = 0;
	while (environ[n])
		n++;
	UT_CHECK(n == MANY, "many: %d environment strings", n);
	for (int i = 0; i < MANY && i < n; i++) {
		char want[80];
		snprintf(want, sizeof(want), "V%d=%d", i, i * 7);
		if (!UT_CHECK(strcmp(environ[i], want) == 0, "many: environ[%d]", i))
			break;
	}
	return ut_failed > 125 ? 125 : ut_failed;
}

/* ---------------- helpers ---------------- */

static volatile int sanity_global = 1000;

/* The caller is still a working process: memory, descriptors, stack. */
static int still_normal(pid_t mypid)
{
	if (getpid() != mypid)
		return 0;
	sanity_global++;
	char *m = malloc(64 * 1024);
	if (!m)
		return 0;
	memset(m, 0x5a, 64 * 1024);
	int ok = m[65535] == 0x5a;
	free(m);
	int p[2];
	if (pipe(p) < 0)
		return 0;
	char c = 0;
	ok = ok && write(p[1], "z", 1) == 1 && read(p[0], &c, 1) == 1 && c == 'z';
	close(p[0]);
	close(p[1]);
	volatile char stack[16384];
	stack[0] = 1;
	stack[16383] = 2;
	return ok && stack[0] + stack[16383] == 3;
}

typedef int (*exec_fn)(const char *, char *const[], char *const[]);

/* exec (execve, or mos_execve for an image that must run) in a forked
 * child, whose standard output goes into out (NUL-terminated) unless out
 * is NULL.  Returns the errno it failed with, or 0 if it succeeded (then
 * *status is the new image's wait status). */
static int exec_in_child_out(exec_fn exec, const char *path, char *const argv[],
			     char *const envp[], int *status, char *out, size_t size)
{
	int p[2], o[2] = { -1, -1 };
	*status = -1;
	if (pipe2(p, O_CLOEXEC) < 0 || (out && pipe(o) < 0))
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(p[0]);
		if (out) {
			dup2(o[1], 1);
			close(o[0]);
			close(o[1]);
		}
		exec(path, argv, envp);
		int e = errno;
		if (write(p[1], &e, sizeof(e)) != sizeof(e))
			_exit(126);
		_exit(127);
	}
	close(p[1]);
	if (out) {
		close(o[1]);
		size_t len = 0;
		ssize_t got;
		while (len + 1 < size && (got = read(o[0], out + len, size - 1 - len)) > 0)
			len += (size_t)got;
		out[len] = 0;
		close(o[0]);
	}
	int e = 0;
	ssize_t n = read(p[0], &e, sizeof(e));
	close(p[0]);
	ut_wait(pid, status, 20000);
	return n == sizeof(e) ? e : 0;
}

static int exec_in_child(exec_fn exec, const char *path, char *const argv[],
			 char *const envp[], int *status)
{
	return exec_in_child_out(exec, path, argv, envp, status, NULL, 0);
}

static int write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	unlink(path);
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, mode);
	if (fd < 0)
		return -1;
	const char *d = data;
	while (len > 0) {
		ssize_t n = write(fd, d, len);
		if (n <= 0) {
			close(fd);
			return -1;
		}
		d += n;
		len -= (size_t)n;
	}
	return close(fd);	/* umask is 022 (main), so the mode is as asked */
}

static int load_template(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_size < (off_t)sizeof(Elf32_Ehdr)) {
		close(fd);
		return -1;
	}
	tmpl_len = (size_t)st.st_size;
	tmpl = malloc(tmpl_len);
	size_t got = 0;
	while (tmpl && got < tmpl_len) {
		ssize_t n = read(fd, tmpl + got, tmpl_len - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	const Elf32_Ehdr *eh = (const Elf32_Ehdr *)tmpl;
	if (!tmpl || got != tmpl_len || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] != ELFCLASS32 || eh->e_machine != EM_386 ||
	    eh->e_phoff + (size_t)eh->e_phnum * sizeof(Elf32_Phdr) > tmpl_len) {
		free(tmpl);
		tmpl = NULL;
		return -1;
	}
	return 0;
}

/* ---------------- malformed images ---------------- */

struct image {
	unsigned char *data;
	size_t len;
};

static Elf32_Ehdr *EH(struct image *im) { return (Elf32_Ehdr *)im->data; }
static Elf32_Phdr *PH(struct image *im) { return (Elf32_Phdr *)(im->data + EH(im)->e_phoff); }

static Elf32_Phdr *find_ph(struct image *im, uint32_t type, int last)
{
	Elf32_Phdr *found = NULL;
	for (int i = 0; i < EH(im)->e_phnum; i++) {
		if (PH(im)[i].p_type == type) {
			found = &PH(im)[i];
			if (!last)
				break;
		}
	}
	return found;
}

/* A header we may turn into something else. */
static Elf32_Phdr *spare_ph(struct image *im)
{
	Elf32_Phdr *p = find_ph(im, PT_GNU_STACK, 0);
	return p ? p : find_ph(im, PT_NOTE, 0);
}

static int m_truncated(struct image *im) { im->len = sizeof(Elf32_Ehdr); return 0; }
static int m_machine(struct image *im) { EH(im)->e_machine = EM_X86_64; return 0; }
static int m_class(struct image *im) { EH(im)->e_ident[EI_CLASS] = ELFCLASS64; return 0; }
static int m_data(struct image *im) { EH(im)->e_ident[EI_DATA] = ELFDATA2MSB; return 0; }
static int m_type(struct image *im) { EH(im)->e_type = ET_REL; return 0; }
static int m_phnum(struct image *im) { EH(im)->e_phnum = 0xffff; return 0; }
static int m_phentsize(struct image *im) { EH(im)->e_phentsize = 16; return 0; }
static int m_phoff(struct image *im) { EH(im)->e_phoff = (Elf32_Off)im->len + 4096; return 0; }

static int m_load_past_eof(struct image *im)
{
	Elf32_Phdr *p = find_ph(im, PT_LOAD, 1);
	if (!p)
		return -1;
	p->p_filesz = (Elf32_Word)(im->len - p->p_offset) + 0x2000;
	if (p->p_memsz < p->p_filesz)
		p->p_memsz = p->p_filesz;
	return 0;
}

static int m_load_into_kernel(struct image *im)
{
	Elf32_Phdr *p = spare_ph(im);
	if (!p)
		return -1;
	p->p_type = PT_LOAD;
	p->p_offset = 0;
	p->p_vaddr = p->p_paddr = 0xBFFFF000u;
	p->p_filesz = 0;
	p->p_memsz = 0x3000;
	p->p_flags = PF_R | PF_W;
	p->p_align = 0x1000;
	return 0;
}

static int m_load_wraps(struct image *im)
{
	Elf32_Phdr *p = find_ph(im, PT_LOAD, 1);
	if (!p)
		return -1;
	p->p_memsz = 0xFFFFF000u;	/* vaddr + memsz wraps past 4 GiB */
	return 0;
}

static int m_filesz_gt_memsz(struct image *im)
{
	Elf32_Phdr *p = find_ph(im, PT_LOAD, 1);
	if (!p || p->p_filesz < 2)
		return -1;
	p->p_memsz = p->p_filesz / 2;
	return 0;
}

static int m_entry_outside(struct image *im)
{
	EH(im)->e_entry = 0x1000;
	for (int i = 0; i < EH(im)->e_phnum; i++) {
		Elf32_Phdr *p = &PH(im)[i];
		if (p->p_type == PT_LOAD && 0x1000 >= p->p_vaddr && 0x1000 < p->p_vaddr + p->p_memsz)
			return -1;
	}
	return 0;
}

static int m_interp(struct image *im)
{
	static const char interp[] = "/nonexistent/ld-linux.so.2";
	Elf32_Phdr *p = spare_ph(im);
	if (!p)
		return -1;
	p->p_type = PT_INTERP;
	p->p_offset = (Elf32_Off)im->len;
	p->p_vaddr = p->p_paddr = 0;
	p->p_filesz = p->p_memsz = sizeof(interp);
	p->p_flags = PF_R;
	p->p_align = 1;
	memcpy(im->data + im->len, interp, sizeof(interp));
	im->len += sizeof(interp);
	return 0;
}

struct exec_case {
	const char *name;
	int (*make)(struct image *);	/* NULL: a special file, see below */
	int err;			/* what execve must fail with */
	int lenient;			/* Linux may differ (see the top) */
};

static const struct exec_case elf_cases[] = {
	/* Linux: EIO (it reads the program headers past the end). */
	{ "truncated ELF (52 bytes)", m_truncated, ENOEXEC, 1 },
	{ "e_machine EM_X86_64", m_machine, ENOEXEC, 0 },
	/* Linux on x86_64: the 32-bit loader ignores EI_CLASS/EI_DATA. */
	{ "e_ident[EI_CLASS] = ELFCLASS64", m_class, ENOEXEC, 1 },
	{ "e_ident[EI_DATA] = big endian", m_data, ENOEXEC, 1 },
	{ "e_type ET_REL", m_type, ENOEXEC, 0 },
	{ "e_phnum 0xffff", m_phnum, ENOEXEC, 0 },
	{ "e_phentsize 16", m_phentsize, ENOEXEC, 0 },
	/* Linux: EIO. */
	{ "program headers past the end", m_phoff, ENOEXEC, 1 },
	/* Linux maps the file anyway; the image dies of SIGBUS/SIGSEGV. */
	{ "PT_LOAD past the end of the file", m_load_past_eof, ENOEXEC, 1 },
	/* Linux on x86_64: 0xC0000000 is user space; on i386 it is killed. */
	{ "PT_LOAD at 0xBFFFF000, memsz 0x3000", m_load_into_kernel, ENOEXEC, 1 },
	/* Linux: EINVAL/ENOMEM, or killed after the point of no return. */
	{ "PT_LOAD whose memsz wraps", m_load_wraps, ENOEXEC, 1 },
	{ "PT_LOAD with p_filesz > p_memsz", m_filesz_gt_memsz, ENOEXEC, 1 },
	/* Linux does not check e_entry: the image dies of SIGSEGV. */
	{ "entry point outside every segment", m_entry_outside, ENOEXEC, 1 },
	/* Linux looks the interpreter up: ENOENT. */
	{ "PT_INTERP (dynamic interpreter)", m_interp, ENOEXEC, 1 },
};

static void check_exec_fails(const char *name, const char *path, int err, int lenient)
{
	char *argv[] = { "t_exec", "--exit42", NULL };
	char *envp[] = { NULL };
	int st;
	int e = exec_in_child(execve, path, argv, envp, &st);
	int linux_lenient = lenient && !ut_is_mos();

	if (linux_lenient && e != err) {
		if (e == 0)
			UT_NOTE("Linux: %s: execve succeeded, the image %s", name, ut_status_str(st));
		else
			UT_NOTE("Linux: %s: execve failed with %s instead of %s", name,
				ut_errname(e), ut_errname(err));
		UT_CHECK(e >= 0, "%s: fork/pipe failed", name);
	} else {
		UT_CHECK(e == err, "%s: execve %s, expected %s", name,
			 e == 0 ? "succeeded" : e < 0 ? "not tried" : ut_errname(e),
			 ut_errname(err));
	}
	if (e <= 0)
		return;
	/* It failed in the child: now in this process, which must survive. */
	pid_t me = getpid();
	errno = 0;
	int r = execve(path, argv, envp);
	int e2 = errno;
	UT_CHECK(r == -1 && e2 == e, "%s: in-process execve gave %s, in a child %s", name,
		 ut_errname(e2), ut_errname(e));
	UT_CHECK(still_normal(me), "%s: process not normal after the failed execve", name);
}

static void test_bad_files(void)
{
	char path[400];
	snprintf(path, sizeof(path), "%s/does-not-exist", dir);
	check_exec_fails("nonexistent file", path, ENOENT, 0);
	snprintf(path, sizeof(path), "%s/no-such-dir/x", dir);
	check_exec_fails("nonexistent directory", path, ENOENT, 0);
	check_exec_fails("a directory", dir, EACCES, 0);

	snprintf(path, sizeof(path), "%s/noexec", dir);
	if (UT_CHECK(write_file(path, tmpl, tmpl_len, 0644) == 0, "write %s", path))
		check_exec_fails("file without execute permission", path, EACCES, 0);
	unlink(path);

	snprintf(path, sizeof(path), "%s/empty", dir);
	if (UT_CHECK(write_file(path, "", 0, 0755) == 0, "write %s", path))
		check_exec_fails("empty file", path, ENOEXEC, 0);
	unlink(path);

	static const char text[] = "this is not a program\nat all\n";
	snprintf(path, sizeof(path), "%s/text", dir);
	if (UT_CHECK(write_file(path, text, sizeof(text) - 1, 0755) == 0, "write %s", path))
		check_exec_fails("text file", path, ENOEXEC, 0);
	unlink(path);

	struct image im;
	im.data = malloc(tmpl_len + 4096);
	if (!UT_CHECK(im.data != NULL, "malloc"))
		return;
	for (size_t i = 0; i < sizeof(elf_cases) / sizeof(elf_cases[0]); i++) {
		const struct exec_case *c = &elf_cases[i];
		memcpy(im.data, tmpl, tmpl_len);
		im.len = tmpl_len;
		if (c->make(&im) < 0) {
			UT_NOTE("%s: template unsuitable, skipped", c->name);
			continue;
		}
		snprintf(path, sizeof(path), "%s/bad%zu", dir, i);
		if (UT_CHECK(write_file(path, im.data, im.len, 0755) == 0, "write %s", path))
			check_exec_fails(c->name, path, c->err, c->lenient);
		unlink(path);
	}
	free(im.data);

	/* The unmodified copy runs: the cases above failed for their reason. */
	snprintf(path, sizeof(path), "%s/good", dir);
	if (UT_CHECK(write_file(path, tmpl, tmpl_len, 0755) == 0, "write %s", path)) {
		char *argv[] = { "t_exec", "--exit42", NULL };
		char *envp[] = { NULL };
		int st;
		int e = exec_in_child(mos_execve, path, argv, envp, &st);
		UT_CHECK(e == 0, "unmodified copy: execve failed with %s", ut_errname(e));
		if (e == 0 && template_is_self)
			UT_CHECK_EXITED(st, 42, "unmodified copy with --exit42");
	}
	unlink(path);
}

/* ---- interpreter scripts ---- */

/* Runs a script in a child with its output in out: the errno execve
 * failed with, or 0. */
static int run_script(const char *path, char *const argv[], char *out, size_t size)
{
	char *envp[] = { "PATH=/bin:/usr/bin", NULL };
	int st;
	return exec_in_child_out(execve, path, argv, envp, &st, out, size);
}

static const char *outcome(int e)
{
	return e ? ut_errname(e) : "ran";
}

/* "#!INTERP ARG" runs INTERP with ARG, the script's name and the rest of
 * argv (argv[0] dropped), as Linux; a script may name a script; a loop
 * is ELOOP, a missing interpreter ENOENT, an empty #! line ENOEXEC. */
static void test_scripts(void)
{
	char s1[400], s2[400], loop[400], missing[400], empty[400], text[900], want[1200];
	char out[2048];
	snprintf(s1, sizeof(s1), "%s/script1", dir);
	snprintf(s2, sizeof(s2), "%s/script2", dir);
	snprintf(loop, sizeof(loop), "%s/loop", dir);
	snprintf(missing, sizeof(missing), "%s/missing", dir);
	snprintf(empty, sizeof(empty), "%s/empty-hashbang", dir);
	static const char body1[] = "#!  /bin/echo  one  two \t\nthe rest is not read\n";
	UT_CHECK(write_file(s1, body1, sizeof(body1) - 1, 0755) == 0, "write %s", s1);
	char *argv1[] = { "ignored", "x", "y", NULL };
	int e = run_script(s1, argv1, out, sizeof(out));
	snprintf(want, sizeof(want), "one  two %s x y\n", s1);
	UT_CHECK(e == 0 && strcmp(out, want) == 0,
		 "#!/bin/echo with an argument: %s, printed \"%s\", expected \"%s\"",
		 outcome(e), out, want);

	int len = snprintf(text, sizeof(text), "#!%s\n", s1);
	UT_CHECK(write_file(s2, text, (size_t)len, 0755) == 0, "write %s", s2);
	char *argv2[] = { "ignored", "z", NULL };
	e = run_script(s2, argv2, out, sizeof(out));
	snprintf(want, sizeof(want), "one  two %s %s z\n", s1, s2);
	UT_CHECK(e == 0 && strcmp(out, want) == 0,
		 "a script run by a script: %s, printed \"%s\", expected \"%s\"",
		 outcome(e), out, want);

	len = snprintf(text, sizeof(text), "#!%s\n", loop);
	UT_CHECK(write_file(loop, text, (size_t)len, 0755) == 0, "write %s", loop);
	e = run_script(loop, argv2, out, sizeof(out));
	UT_CHECK(e == ELOOP, "a script that names itself: %s, expected ELOOP",
		 outcome(e));

	len = snprintf(text, sizeof(text), "#!%s/no-such-interpreter -x\n", dir);
	UT_CHECK(write_file(missing, text, (size_t)len, 0755) == 0, "write %s", missing);
	e = run_script(missing, argv2, out, sizeof(out));
	UT_CHECK(e == ENOENT, "a missing interpreter: %s, expected ENOENT",
		 outcome(e));

	UT_CHECK(write_file(empty, "#!\n", 3, 0755) == 0, "write %s", empty);
	e = run_script(empty, argv2, out, sizeof(out));
	UT_CHECK(e == ENOEXEC, "an empty #! line: %s, expected ENOEXEC",
		 outcome(e));

	chmod(s1, 0644);
	e = run_script(s2, argv2, out, sizeof(out));
	UT_CHECK(e == EACCES, "an interpreter script without x: %s, expected EACCES",
		 outcome(e));
	unlink(s1);
	unlink(s2);
	unlink(loop);
	unlink(missing);
	unlink(empty);
}

/* A single argument string of 1 MiB: E2BIG on Linux (128 KiB per string);
 * M-OS may return E2BIG or run it. */
static void test_huge_arg(void)
{
	size_t n = 1 << 20;
	char *big = malloc(n + 1);
	if (!UT_CHECK(big != NULL, "malloc 1 MiB"))
		return;
	memset(big, 'A', n);
	big[n] = 0;
	char *argv[] = { "t_exec", "--exit42", big, NULL };
	char *envp[] = { NULL };
	int st;
	int e = exec_in_child(mos_execve, self, argv, envp, &st);
	if (e == 0)
		UT_CHECK(ut_is_mos() && WIFEXITED(st) && WEXITSTATUS(st) == 42,
			 "1 MiB argument: exec succeeded, image %s", ut_status_str(st));
	else
		UT_CHECK(e == E2BIG, "1 MiB argument: execve failed with %s, expected E2BIG",
			 ut_errname(e));
	if (e > 0) {
		pid_t me = getpid();
		errno = 0;
		UT_CHECK(mos_execve(self, argv, envp) == -1 && errno == e,
			 "1 MiB argument in-process: %s", ut_errname(errno));
		UT_CHECK(still_normal(me), "not normal after a failed huge execve");
	}
	free(big);
}

static void dummy_handler(int sig)
{
	(void)sig;
}

static void test_exec_self(void)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		/* State the new image must not inherit (handler, FPU modes)
		 * or must inherit (an ignored signal). */
		signal(SIGUSR1, dummy_handler);
		signal(SIGUSR2, SIG_IGN);
		unsigned short cw = 0x0c7f;		/* round toward zero */
		unsigned int mxcsr = 0x7f80;		/* round toward zero */
		__asm__ volatile("fldcw %0" : : "m"(cw));
		__asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
		char *argv[] = { "t_exec", "--child", "a", "b c", NULL };
		char *envp[] = { "X=1", "Y=two", NULL };
		mos_execve(self, argv, envp);
		_exit(126);
	}
	int st;
	UT_CHECK(pid > 0 && ut_wait(pid, &st, 30000) == pid, "fork/wait exec-self child");
	UT_CHECK_EXITED(st, 0, "exec of self with --child (exit = failed checks)");
}

static void test_many_args(void)
{
	static char args[MANY][80], envs[MANY][32];
	char *argv[MANY + 3], *envp[MANY + 1];
	argv[0] = "t_exec";
	argv[1] = "--many";
	for (int i = 0; i < MANY; i++) {
		many_arg(args[i], sizeof(args[i]), i);
		argv[i + 2] = args[i];
		snprintf(envs[i], sizeof(envs[i]), "V%d=%d", i, i * 7);
		envp[i] = envs[i];
	}
	argv[MANY + 2] = NULL;
	envp[MANY] = NULL;
	int st;
	int e = exec_in_child(mos_execve, self, argv, envp, &st);
	UT_CHECK(e == 0, "exec with %d arguments and %d variables: %s", MANY, MANY,
		 ut_errname(e));
	if (e == 0)
		UT_CHECK_EXITED(st, 0, "exec with many arguments (exit = failed checks)");
}

static void test_cloexec(void)
{
	char path[400];
	snprintf(path, sizeof(path), "%s/cloexec", dir);
	if (!UT_CHECK(write_file(path, "cloexec-data", 12, 0644) == 0, "write %s", path)) {
		unlink(path);
		return;
	}
	int fa = open(path, O_RDONLY | O_CLOEXEC);
	int fb = open(path, O_RDONLY);
	int fc = open(path, O_RDONLY);
	UT_CHECK(fa >= 0 && fb >= 0 && fc >= 0, "open");
	UT_CHECK(fcntl(fa, F_GETFD) == FD_CLOEXEC, "O_CLOEXEC sets FD_CLOEXEC");
	UT_CHECK(fcntl(fc, F_SETFD, FD_CLOEXEC) == 0 && fcntl(fc, F_GETFD) == FD_CLOEXEC,
		 "fcntl(F_SETFD, FD_CLOEXEC)");
	int fd = dup(fa);
	UT_CHECK(fd >= 0 && fcntl(fd, F_GETFD) == 0, "dup clears FD_CLOEXEC");
	char a[4][12];
	snprintf(a[0], sizeof(a[0]), "%d", fa);
	snprintf(a[1], sizeof(a[1]), "%d", fb);
	snprintf(a[2], sizeof(a[2]), "%d", fc);
	snprintf(a[3], sizeof(a[3]), "%d", fd);
	char *argv[] = { "t_exec", "--cloexec-child", a[0], a[1], a[2], a[3], NULL };
	char *envp[] = { NULL };
	int st;
	int e = exec_in_child(mos_execve, self, argv, envp, &st);
	UT_CHECK(e == 0, "exec cloexec child: %s", ut_errname(e));
	if (e == 0)
		UT_CHECK_EXITED(st, 0, "close-on-exec child (exit = failed checks)");
	/* Unaffected here. */
	UT_CHECK(fcntl(fa, F_GETFD) == FD_CLOEXEC, "parent's O_CLOEXEC descriptor");
	close(fa);
	close(fb);
	close(fc);
	close(fd);
	unlink(path);
}

static void find_self(const char *argv0)
{
	const char *bin = getenv("TESTS_BIN");
	if (strchr(argv0, '/') && realpath(argv0, self) && access(self, X_OK) == 0)
		;
	else if (strchr(argv0, '/'))
		snprintf(self, sizeof(self), "%s", argv0);
	else
		snprintf(self, sizeof(self), "/tests/t_exec");
	if (load_template(self) == 0)
		return;
	/* Fall back to another static i386 binary for the malformed copies. */
	if (!bin || !*bin)
		bin = "/bin/true";
	UT_NOTE("cannot read %s; malformed images made from %s", self, bin);
	template_is_self = 0;
	UT_CHECK(load_template(bin) == 0, "no static i386 ELF to copy (%s)", bin);
}

int main(int argc, char **argv, char **envp)
{
	if (argc >= 2 && strcmp(argv[1], "--exit42") == 0)
		_exit(42);
	if (argc >= 2 && strcmp(argv[1], "--child") == 0)
		return child_mode(argc, argv, envp);
	if (argc >= 2 && strcmp(argv[1], "--cloexec-child") == 0)
		return cloexec_child_mode(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "--many") == 0)
		return many_mode(argc, argv);

	umask(022);
	find_self(argc > 0 ? argv[0] : "t_exec");
	snprintf(dir, sizeof(dir), "%s", ut_scratch_dir("t_exec"));
	if (tmpl) {
		test_bad_files();
		test_huge_arg();
	}
	test_exec_self();
	test_scripts();
	test_many_args();
	test_cloexec();
	UT_CHECK(rmdir(dir) == 0, "rmdir %s: %s", dir, strerror(errno));
	return ut_done("t_exec");
}
