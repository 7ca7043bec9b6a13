/*
 * t_vdso: the vDSO and the fast system-call path, as glibc and programs
 * see them on Linux i386.
 *
 * AT_SYSINFO_EHDR is an ELF shared object exporting __kernel_vsyscall,
 * the sigreturn trampolines (version LINUX_2.5) and the __vdso_* time
 * functions (LINUX_2.6); AT_SYSINFO is __kernel_vsyscall's address.
 * Calling __kernel_vsyscall directly runs system calls (6 arguments
 * reach mmap2; ecx and edx survive); the time functions agree with the
 * system calls and never go back; a wall-clock change shows in them
 * (as root on M-OS; on Linux only with MOS_TEST_SETTIME=1, so the host's
 * clock is never touched by accident); handlers installed with and
 * without SA_RESTORER (the latter return through the vDSO's
 * trampolines) return; a forked child keeps a working vDSO and execve
 * gets one; a blocking read entered through __kernel_vsyscall is
 * restarted after an SA_RESTART handler and fails with EINTR without.
 *
 * M-OS only: glibc's system calls go through sysenter and its
 * clock_gettime does not enter the kernel (mos_meminfo's counters); the
 * vDSO's pages refuse PROT_WRITE (Linux lets a debugger write its copy);
 * a trap flag carried into sysenter gives SIGTRAP, not a kernel crash;
 * after munmap of the vDSO, a handler without SA_RESTORER still returns
 * (through the frame's own code).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mos/exec.h"
#include "mos/syscalls.h"
#include "utest.h"

#define PAGE 4096
#define EXEC_CHILD_ARG "--vdso-exec-child"
#define SA_RESTORER_FLAG 0x04000000
#define NR_vsys_getpid 20

/* long vdso_call6(fn, nr, a1..a6): a system call through fn
 * (__kernel_vsyscall) with Linux i386's register convention. */
long vdso_call6(void *fn, long nr, long a1, long a2, long a3, long a4, long a5, long a6);
__asm__(
	".text\n"
	".globl vdso_call6\n"
	"vdso_call6:\n"
	"	pushl %ebp\n"
	"	pushl %edi\n"
	"	pushl %esi\n"
	"	pushl %ebx\n"
	"	pushl 20(%esp)\n"	/* fn, at 0(%esp) now */
	"	movl 28(%esp), %eax\n"
	"	movl 32(%esp), %ebx\n"
	"	movl 36(%esp), %ecx\n"
	"	movl 40(%esp), %edx\n"
	"	movl 44(%esp), %esi\n"
	"	movl 48(%esp), %edi\n"
	"	movl 52(%esp), %ebp\n"
	"	call *(%esp)\n"
	"	addl $4, %esp\n"
	"	popl %ebx\n"
	"	popl %esi\n"
	"	popl %edi\n"
	"	popl %ebp\n"
	"	ret\n");

/* int vdso_keeps_ecx_edx(fn): getpid through fn with known ecx and edx;
 * 1 if both are unchanged afterwards. */
int vdso_keeps_ecx_edx(void *fn);
__asm__(
	".text\n"
	".globl vdso_keeps_ecx_edx\n"
	"vdso_keeps_ecx_edx:\n"
	"	pushl %ebx\n"
	"	movl 8(%esp), %ebx\n"
	"	movl $20, %eax\n"	/* getpid */
	"	movl $0x13572468, %ecx\n"
	"	movl $0x24681357, %edx\n"
	"	call *%ebx\n"
	"	xorl %eax, %eax\n"
	"	cmpl $0x13572468, %ecx\n"
	"	jne 1f\n"
	"	cmpl $0x24681357, %edx\n"
	"	jne 1f\n"
	"	movl $1, %eax\n"
	"1:	popl %ebx\n"
	"	ret\n");

/* ---- finding symbols in the vDSO image -------------------------------- */

typedef struct vdso_image {
	uintptr_t base, size, load_bias;
	const Elf32_Sym *symtab;
	const char *strtab;
	const Elf32_Half *versym;
	const Elf32_Verdef *verdef;
	uint32_t nsyms;
} vdso_image_t;

static vdso_image_t vdso;

/* Parses the image at AT_SYSINFO_EHDR; 0 if it is not a usable one. */
static int vdso_parse(vdso_image_t *v)
{
	memset(v, 0, sizeof(*v));
	v->base = getauxval(AT_SYSINFO_EHDR);
	if (!v->base)
		return 0;
	const Elf32_Ehdr *eh = (const Elf32_Ehdr *)v->base;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS32 ||
	    eh->e_type != ET_DYN || eh->e_machine != EM_386)
		return 0;
	const Elf32_Phdr *ph = (const Elf32_Phdr *)(v->base + eh->e_phoff);
	const Elf32_Dyn *dyn = NULL;
	int have_load = 0;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && !have_load) {
			v->load_bias = v->base - ph[i].p_vaddr;
			v->size = ph[i].p_memsz;
			have_load = 1;
		}
	}
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_DYNAMIC)
			dyn = (const Elf32_Dyn *)(v->load_bias + ph[i].p_vaddr);
	if (!have_load || !dyn)
		return 0;
	const Elf32_Word *hash = NULL;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		uintptr_t p = v->load_bias + dyn->d_un.d_ptr;
		switch (dyn->d_tag) {
		case DT_SYMTAB: v->symtab = (const Elf32_Sym *)p; break;
		case DT_STRTAB: v->strtab = (const char *)p; break;
		case DT_HASH: hash = (const Elf32_Word *)p; break;
		case DT_VERSYM: v->versym = (const Elf32_Half *)p; break;
		case DT_VERDEF: v->verdef = (const Elf32_Verdef *)p; break;
		}
	}
	if (!v->symtab || !v->strtab || !hash)
		return 0;
	v->nsyms = hash[1];	/* nchain: one per symbol */
	return 1;
}

/* The name of the version with index ndx, or NULL. */
static const char *vdso_version_name(const vdso_image_t *v, unsigned ndx)
{
	const Elf32_Verdef *d = v->verdef;
	while (d) {
		if ((d->vd_ndx & 0x7fff) == ndx) {
			const Elf32_Verdaux *aux = (const Elf32_Verdaux *)((const char *)d + d->vd_aux);
			return v->strtab + aux->vda_name;
		}
		if (!d->vd_next)
			break;
		d = (const Elf32_Verdef *)((const char *)d + d->vd_next);
	}
	return NULL;
}

/* The address of a defined function symbol `name` at version `ver`. */
static void *vdso_sym(const char *name, const char *ver)
{
	const vdso_image_t *v = &vdso;
	for (uint32_t i = 1; i < v->nsyms; i++) {
		const Elf32_Sym *s = &v->symtab[i];
		if (s->st_shndx == SHN_UNDEF || strcmp(v->strtab + s->st_name, name) != 0)
			continue;
		if (ELF32_ST_BIND(s->st_info) != STB_GLOBAL || ELF32_ST_TYPE(s->st_info) != STT_FUNC)
			continue;
		const char *vn = v->versym ? vdso_version_name(v, v->versym[i] & 0x7fff) : NULL;
		if (!vn || strcmp(vn, ver) != 0)
			continue;
		return (void *)(v->load_bias + s->st_value);
	}
	return NULL;
}

/* Linux's i386 vDSO: the entry and signal-return code at LINUX_2.5,
 * the time functions at LINUX_2.6. */
static const char *const exported[][2] = {
	{ "__kernel_vsyscall", "LINUX_2.5" }, { "__kernel_sigreturn", "LINUX_2.5" },
	{ "__kernel_rt_sigreturn", "LINUX_2.5" }, { "__vdso_clock_gettime", "LINUX_2.6" },
	{ "__vdso_clock_gettime64", "LINUX_2.6" }, { "__vdso_gettimeofday", "LINUX_2.6" },
	{ "__vdso_time", "LINUX_2.6" }, { "__vdso_clock_getres", "LINUX_2.6" },
};

typedef int (*gettime_fn)(clockid_t, struct timespec *);
typedef int (*gettime64_fn)(clockid_t, long long *);
typedef int (*gtod_fn)(struct timeval *, void *);
typedef int (*time_fn)(int *);

static void *vsyscall;

static void test_image(void)
{
	UT_CHECK(vdso_parse(&vdso), "AT_SYSINFO_EHDR %#lx is an i386 shared object with "
		 "dynamic symbols, hash and versions", getauxval(AT_SYSINFO_EHDR));
	if (!vdso.symtab)
		return;
	UT_CHECK(vdso.verdef && vdso.versym, "the vDSO has version definitions");
	for (size_t i = 0; i < sizeof(exported) / sizeof(exported[0]); i++) {
		void *p = vdso_sym(exported[i][0], exported[i][1]);
		UT_CHECK(p && (uintptr_t)p >= vdso.base && (uintptr_t)p < vdso.base + vdso.size,
			 "%s@%s in the image: %p", exported[i][0], exported[i][1], p);
	}
	vsyscall = vdso_sym("__kernel_vsyscall", "LINUX_2.5");
	UT_CHECK(getauxval(AT_SYSINFO) == (uintptr_t)vsyscall,
		 "AT_SYSINFO %#lx is __kernel_vsyscall %p", getauxval(AT_SYSINFO), vsyscall);
}

static void test_vsyscall_direct(void)
{
	if (!vsyscall)
		return;
	UT_CHECK(vdso_call6(vsyscall, SYS_getpid, 0, 0, 0, 0, 0, 0) == getpid(),
		 "getpid through __kernel_vsyscall");
	int p[2];
	UT_CHECK(pipe(p) == 0, "pipe");
	long n = vdso_call6(vsyscall, SYS_write, p[1], (long)"vdso", 4, 0, 0, 0);
	char buf[8] = { 0 };
	UT_CHECK(n == 4 && read(p[0], buf, sizeof(buf)) == 4 && memcmp(buf, "vdso", 4) == 0,
		 "write through __kernel_vsyscall: %ld", n);
	n = vdso_call6(vsyscall, SYS_close, 1000, 0, 0, 0, 0, 0);
	UT_CHECK(n == -EBADF, "errors come back as -errno: %ld", n);
	close(p[0]);
	close(p[1]);
	UT_CHECK(vdso_keeps_ecx_edx(vsyscall), "ecx and edx survive __kernel_vsyscall");
}

/* mmap2 with its page offset (argument 6) and every other argument
 * mattering: page 1 of a two-page file must appear. */
static void test_six_arguments(void)
{
	if (!vsyscall)
		return;
	char path[300];
	snprintf(path, sizeof(path), "%s/file", ut_scratch_dir("t_vdso"));
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	static char page[PAGE];
	memset(page, 'a', PAGE);
	UT_CHECK(fd >= 0 && write(fd, page, PAGE) == PAGE, "first page written");
	memset(page, 'b', PAGE);
	UT_CHECK(write(fd, page, PAGE) == PAGE, "second page written");
	long addr = vdso_call6(vsyscall, SYS_mmap2, 0, PAGE, PROT_READ, MAP_SHARED, fd, 1);
	UT_CHECK((unsigned long)addr < -4096ul && ((char *)addr)[0] == 'b' &&
		 ((char *)addr)[PAGE - 1] == 'b', "mmap2(.., fd, pgoff 1) through "
		 "__kernel_vsyscall maps the second page: %#lx", addr);
	if ((unsigned long)addr < -4096ul)
		munmap((void *)addr, PAGE);
	close(fd);
	unlink(path);
}

static long long ts_ns(const struct timespec *t)
{
	return t->tv_sec * 1000000000ll + t->tv_nsec;
}

static void test_time_agrees(void)
{
	gettime_fn gt = (gettime_fn)vdso_sym("__vdso_clock_gettime", "LINUX_2.6");
	gettime64_fn gt64 = (gettime64_fn)vdso_sym("__vdso_clock_gettime64", "LINUX_2.6");
	gtod_fn gtod = (gtod_fn)vdso_sym("__vdso_gettimeofday", "LINUX_2.6");
	time_fn tm = (time_fn)vdso_sym("__vdso_time", "LINUX_2.6");
	gettime_fn gres = (gettime_fn)vdso_sym("__vdso_clock_getres", "LINUX_2.6");
	if (!gt || !gt64 || !gtod || !tm || !gres)
		return;
	static const clockid_t clocks[] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW,
		CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME, CLOCK_PROCESS_CPUTIME_ID };
	for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
		clockid_t c = clocks[i];
		struct timespec a, b, d, r1, r2;
		long long b64[2];
		int ok = syscall(SYS_clock_gettime, c, &a) == 0 && gt(c, &b) == 0 &&
			 gt64(c, b64) == 0 && syscall(SYS_clock_gettime, c, &d) == 0;
		/* COARSE clocks may lag the precise ones by a tick, not themselves. */
		UT_CHECK(ok && ts_ns(&a) <= ts_ns(&b) && ts_ns(&b) <= ts_ns(&d) &&
			 b64[0] * 1000000000ll + b64[1] >= ts_ns(&b) &&
			 b64[0] * 1000000000ll + b64[1] <= ts_ns(&d),
			 "clock %d: syscall %lld <= vdso %lld (64: %lld) <= syscall %lld", (int)c,
			 ts_ns(&a), ts_ns(&b), b64[0] * 1000000000ll + b64[1], ts_ns(&d));
		UT_CHECK(gres(c, &r1) == 0 && syscall(SYS_clock_getres, c, &r2) == 0 &&
			 ts_ns(&r1) == ts_ns(&r2), "clock %d: vdso resolution %lld = syscall's %lld",
			 (int)c, ts_ns(&r1), ts_ns(&r2));
	}
	struct timespec bad;
	UT_CHECK(gt(12345, &bad) == -EINVAL, "an unknown clock: -EINVAL from the vDSO");
	struct timeval t1, t2, t3;
	syscall(SYS_gettimeofday, &t1, NULL);
	int rc = gtod(&t2, NULL);
	syscall(SYS_gettimeofday, &t3, NULL);
	long long u1 = t1.tv_sec * 1000000ll + t1.tv_usec, u2 = t2.tv_sec * 1000000ll + t2.tv_usec,
		  u3 = t3.tv_sec * 1000000ll + t3.tv_usec;
	UT_CHECK(rc == 0 && u1 <= u2 && u2 <= u3, "gettimeofday: %lld <= vdso %lld <= %lld",
		 u1, u2, u3);
	struct timezone tz1, tz2;
	UT_CHECK(gtod(&t2, &tz1) == 0 && syscall(SYS_gettimeofday, &t3, &tz2) == 0 &&
		 tz1.tz_minuteswest == tz2.tz_minuteswest, "gettimeofday with a time zone");
	long s1 = syscall(SYS_time, NULL);
	int s2x, s2 = tm(&s2x);
	long s3 = syscall(SYS_time, NULL);
	UT_CHECK(s1 <= s2 && s2 <= s3 && s2x == s2, "time: %ld <= vdso %d <= %ld", s1, s2, s3);
	UT_CHECK(tm(NULL) >= s2, "time(NULL) through the vDSO");
	struct timespec prev, now;
	int back = 0;
	gt(CLOCK_MONOTONIC, &prev);
	for (int i = 0; i < 20000; i++) {
		gt(CLOCK_MONOTONIC, &now);
		back += ts_ns(&now) < ts_ns(&prev);
		prev = now;
	}
	UT_CHECK(back == 0, "CLOCK_MONOTONIC through the vDSO went back %d times", back);
}

static void test_settime_visible(void)
{
	int allowed = ut_is_mos() ? geteuid() == 0 :
		(geteuid() == 0 && getenv("MOS_TEST_SETTIME") != NULL);
	if (!allowed) {
		UT_NOTE("clock_settime through the vDSO not tried (root on M-OS; "
			"MOS_TEST_SETTIME=1 as root on Linux)");
		return;
	}
	gettime_fn gt = (gettime_fn)vdso_sym("__vdso_clock_gettime", "LINUX_2.6");
	if (!gt)
		return;
	const long long shift = 1000ll * 1000000000ll;
	struct timespec before, set, seen;
	clock_gettime(CLOCK_REALTIME, &before);
	long long target = ts_ns(&before) + shift;
	set.tv_sec = target / 1000000000ll;
	set.tv_nsec = target % 1000000000ll;
	UT_CHECK(clock_settime(CLOCK_REALTIME, &set) == 0, "clock_settime: %s", strerror(errno));
	gt(CLOCK_REALTIME, &seen);
	long long back = ts_ns(&seen) - shift;
	UT_CHECK(ts_ns(&seen) >= target && ts_ns(&seen) < target + 1000000000ll,
		 "the vDSO's REALTIME shows the new time: %lld, set %lld", ts_ns(&seen), target);
	set.tv_sec = back / 1000000000ll;
	set.tv_nsec = back % 1000000000ll;
	UT_CHECK(clock_settime(CLOCK_REALTIME, &set) == 0, "clock set back");
	gt(CLOCK_REALTIME, &seen);
	UT_CHECK(ts_ns(&seen) < target, "the vDSO's REALTIME shows it set back");
}

/* ---- signals ----------------------------------------------------------- */

struct kernel_sigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	unsigned long long mask;
};

static volatile int handled;
static volatile uintptr_t handler_ret;

static void note_handler(int sig)
{
	handled = sig;
	handler_ret = (uintptr_t)__builtin_return_address(0);
}

static void note_handler_info(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	handled = sig;
	handler_ret = (uintptr_t)__builtin_return_address(0);
}

/* rt_sigaction without SA_RESTORER: the kernel picks the return path. */
static int raw_sigaction(int sig, void *handler, unsigned long flags)
{
	struct kernel_sigaction ka = { handler, flags, NULL, 0 };
	return syscall(SYS_rt_sigaction, sig, &ka, NULL, 8);
}

static void test_signal_returns(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = note_handler;
	sigaction(SIGUSR1, &sa, NULL);
	handled = 0;
	ut_raise(SIGUSR1);
	UT_CHECK(handled == SIGUSR1, "handler installed by glibc (SA_RESTORER) ran and returned");

	void *rt_tramp = vdso_sym("__kernel_rt_sigreturn", "LINUX_2.5");
	void *tramp = vdso_sym("__kernel_sigreturn", "LINUX_2.5");
	UT_CHECK(raw_sigaction(SIGUSR1, (void *)note_handler_info, SA_SIGINFO) == 0,
		 "rt_sigaction without SA_RESTORER");
	handled = 0;
	ut_raise(SIGUSR1);
	UT_CHECK(handled == SIGUSR1 && handler_ret == (uintptr_t)rt_tramp,
		 "SA_SIGINFO handler without SA_RESTORER returns through __kernel_rt_sigreturn "
		 "(%#lx, expected %p)", (unsigned long)handler_ret, rt_tramp);
	UT_CHECK(raw_sigaction(SIGUSR1, (void *)note_handler, 0) == 0,
		 "old-style handler without SA_RESTORER");
	handled = 0;
	ut_raise(SIGUSR1);
	UT_CHECK(handled == SIGUSR1 && handler_ret == (uintptr_t)tramp,
		 "handler without SA_RESTORER returns through __kernel_sigreturn (%#lx, expected %p)",
		 (unsigned long)handler_ret, tramp);
	signal(SIGUSR1, SIG_DFL);
}

/* ---- fork, execve ------------------------------------------------------ */

/* Exit status 0 when the vDSO works in this process: getpid through it,
 * its clock, and glibc's getpid agree. */
static int vdso_works_here(void)
{
	vdso_image_t v;
	if (!vdso_parse(&v))
		return 1;
	vdso = v;
	void *vs = vdso_sym("__kernel_vsyscall", "LINUX_2.5");
	gettime_fn gt = (gettime_fn)vdso_sym("__vdso_clock_gettime", "LINUX_2.6");
	struct timespec a, b;
	if (!vs || !gt || vdso_call6(vs, SYS_getpid, 0, 0, 0, 0, 0, 0) != getpid())
		return 2;
	if (gt(CLOCK_MONOTONIC, &a) != 0 || clock_gettime(CLOCK_MONOTONIC, &b) != 0 ||
	    ts_ns(&b) < ts_ns(&a))
		return 3;
	return 0;
}

static void child_vdso(void *arg)
{
	(void)arg;
	_exit(vdso_works_here());
}

static void test_fork_and_exec(const char *self)
{
	int st = ut_run_child(child_vdso, NULL);
	UT_CHECK_EXITED(st, 0, "a forked child's vDSO");

	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = { (char *)self, EXEC_CHILD_ARG, NULL };
		mos_execve(self, argv, environ);
		_exit(100);
	}
	UT_CHECK(pid > 0 && ut_wait(pid, &st, 30000) == pid, "exec child ran");
	UT_CHECK_EXITED(st, 0, "the vDSO after execve");
}

/* ---- restart ----------------------------------------------------------- */

static int restart_pipe[2];

static void alarm_writes(int sig)
{
	(void)sig;
	handled++;
	if (write(restart_pipe[1], "r", 1) != 1)
		_exit(9);
}

/* A read entered through __kernel_vsyscall blocks; SIGALRM arrives. */
static void restart_case(int restart)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = alarm_writes;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(SIGALRM, &sa, NULL);
	UT_CHECK(pipe(restart_pipe) == 0, "pipe");
	handled = 0;
	struct itimerval it = { { 0, 0 }, { 0, 50000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	char c = 0;
	long n = vdso_call6(vsyscall, SYS_read, restart_pipe[0], (long)&c, 1, 0, 0, 0);
	if (restart)
		UT_CHECK(handled == 1 && n == 1 && c == 'r', "SA_RESTART: the read through "
			 "__kernel_vsyscall ran again and got the handler's byte (n %ld)", n);
	else
		UT_CHECK(handled == 1 && n == -EINTR, "without SA_RESTART: -EINTR (n %ld)", n);
	close(restart_pipe[0]);
	close(restart_pipe[1]);
	signal(SIGALRM, SIG_DFL);
}

static void test_restart(void)
{
	if (!vsyscall)
		return;
	restart_case(1);
	restart_case(0);
}

/* ---- M-OS only --------------------------------------------------------- */

static int meminfo(struct mos_meminfo *m)
{
	return syscall(MOS_SYS_meminfo, m, 0);
}

static void test_mos_counters(void)
{
	struct mos_meminfo a, b;
	if (meminfo(&a) != 0)
		return;
	for (int i = 0; i < 100; i++)
		getppid();
	meminfo(&b);
	unsigned calls = b.syscalls - a.syscalls, fast = b.sysenter_calls - a.sysenter_calls;
	UT_CHECK(calls >= 101 && fast == calls, "glibc's system calls go through sysenter: "
		 "%u of %u", fast, calls);
	struct timespec ts;
	struct timeval tv;
	meminfo(&a);
	for (int i = 0; i < 1000; i++) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		clock_gettime(CLOCK_REALTIME, &ts);
		gettimeofday(&tv, NULL);
		time(NULL);
	}
	meminfo(&b);
	UT_CHECK(b.syscalls - a.syscalls == 1, "4000 glibc time calls entered the kernel "
		 "%u times (1: the meminfo call)", b.syscalls - a.syscalls);
}

static void test_mos_protection(void)
{
	uintptr_t text = vdso.base, vvar = vdso.base - PAGE;
	UT_EXPECT_ERRNO(mprotect((void *)text, PAGE, PROT_READ | PROT_WRITE), EACCES);
	UT_EXPECT_ERRNO(mprotect((void *)vvar, PAGE, PROT_READ | PROT_WRITE), EACCES);
	UT_CHECK(mprotect((void *)vvar, PAGE, PROT_READ) == 0, "mprotect within the rights");
}

static void child_trap_flag(void *arg)
{
	(void)arg;
	/* What __kernel_vsyscall does, with TF set just before sysenter. */
	__asm__ volatile(
		"pushl %%ecx\n\t"
		"pushl %%edx\n\t"
		"pushl %%ebp\n\t"
		"movl %%esp, %%ebp\n\t"
		"pushfl\n\t"
		"orl $0x100, (%%esp)\n\t"
		"popfl\n\t"
		"sysenter\n\t"
		: : "a"(NR_vsys_getpid) : "memory");
	_exit(3);
}

static void test_mos_trap_flag(void)
{
	int st = ut_run_child(child_trap_flag, NULL);
	UT_CHECK_SIGNALED(st, SIGTRAP, "sysenter with the trap flag set");
}

/* A system call by int $0x80: glibc's would go into the vDSO. */
static long int80(long nr, long a1, long a2, long a3, long a4)
{
	long rc;
	__asm__ volatile("int $0x80" : "=a"(rc) : "0"(nr), "b"(a1), "c"(a2), "d"(a3), "S"(a4)
			 : "memory");
	return rc;
}

static void child_unmapped(void *arg)
{
	(void)arg;
	/* Not through glibc: its munmap would return into the unmapped vDSO. */
	if (int80(SYS_munmap, vdso.base - PAGE, PAGE + vdso.size, 0, 0) != 0)
		_exit(1);
	struct kernel_sigaction ka = { (void *)note_handler_info, SA_SIGINFO, NULL, 0 };
	int code = 2;
	if (int80(SYS_rt_sigaction, SIGUSR1, (long)&ka, 0, 8) == 0) {
		handled = 0;
		long rc = int80(SYS_kill, int80(SYS_getpid, 0, 0, 0, 0), SIGUSR1, 0, 0);
		code = rc == 0 && handled == SIGUSR1 ? 0 : 3;
	}
	int80(SYS_exit_group, code, 0, 0, 0);
}

static void test_mos_unmapped(void)
{
	int st = ut_run_child(child_unmapped, NULL);
	UT_CHECK_EXITED(st, 0, "a handler without SA_RESTORER after munmap of the vDSO");
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], EXEC_CHILD_ARG) == 0)
		return vdso_works_here();
	if (ut_emulated() && !getauxval(AT_SYSINFO_EHDR)) {
		UT_SKIP("%s gives no vDSO", ut_emulator());
		return ut_done("t_vdso");
	}
	test_image();
	test_vsyscall_direct();
	test_six_arguments();
	test_time_agrees();
	test_settime_visible();
	test_signal_returns();
	test_fork_and_exec(argv[0]);
	test_restart();
	if (ut_is_mos()) {
		test_mos_counters();
		test_mos_protection();
		test_mos_trap_flag();
		test_mos_unmapped();
	}
	return ut_done("t_vdso");
}
