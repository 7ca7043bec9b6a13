/*
 * t_fuzz_sys: random system calls with random and edge-case arguments,
 * from forked children, so whatever a call does to its caller (unmapped
 * text, a bad signal handler, a bad sigreturn frame) ends one child and
 * the kernel must carry on.  Each child makes CALLS_PER_CHILD calls and
 * exits; the parent kills one that runs past CHILD_LIMIT_MS (a call may
 * legitimately block) and counts a check per child that ends (a kernel
 * that hangs or panics fails the run; runall's leak check then proves
 * nothing was left behind).
 *
 * Arguments come from pools: small numbers, edge numbers, fds, addresses
 * in a scratch buffer, addresses of scratch path names, and bad pointers
 * (NULL, unmapped user pages, the kernel's half).  Calls that would end
 * the experiment rather than test the kernel are left out (list below:
 * process creation, exec, signals to others, reboot, mounts, real-time
 * scheduling that would starve the parent, SysV IPC objects that outlive
 * the child); the children run in a scratch directory with 0-2 on
 * /dev/null and the file names they can reach inside it.
 */
#include <dirent.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/statfs.h>

#include "fuzz.h"

#define CHILDREN_PER_SCALE 60
#define CALLS_PER_CHILD 400
#define CHILD_LIMIT_MS 3000
#define MAX_NR 450
#define SCRATCH_SIZE (64 * 1024)

/* Left out, with why. */
static const int excluded[] = {
	SYS_exit, SYS_exit_group,		/* ends the child early: wasted */
	SYS_fork, SYS_vfork, SYS_clone, 435,	/* clone3: children of children */
	SYS_execve, 358,			/* execveat: replaces the fuzzer */
	SYS_kill, SYS_tkill, SYS_tgkill,	/* could hit the parent or init */
	SYS_rt_sigqueueinfo, SYS_rt_tgsigqueueinfo, 424, /* pidfd_send_signal */
	SYS_reboot,				/* powers the machine off */
	SYS_mount, SYS_umount, SYS_umount2, SYS_pivot_root, SYS_swapon, SYS_swapoff,
	SYS_sched_setscheduler, SYS_sched_setparam, 351, /* sched_setattr: could starve the parent */
	SYS_ipc, 393, 394, 395, 396, 397, 398, 399, 400, 401, 402, /* SysV IPC objects outlive the child */
	SYS_pause, SYS_sigsuspend, SYS_rt_sigsuspend, /* only ever block */
	SYS_setpriority,			/* renice the parent */
	SYS_vhangup, SYS_ioperm, SYS_iopl,	/* the console, the ports */
	SYS_prlimit64, SYS_ptrace,		/* reach into other processes */
	SYS_process_vm_readv, SYS_process_vm_writev,
};

static const char *const paths[] = {
	"f0", "f1", "d0", "d0/f2", "d0/d1", "l0", "..", ".", "", "fz",
	"/dev/shm/fz", "/fz", "nonexistent/x", "f0/notadir",
};

/* Where those names can land: a child may chdir("..") up to / first. */
static const char *const leftover_names[] = { "f0", "f1", "d0", "l0", "fz" };

static unsigned char *scratch;
/* The call a child is in, in memory the parent shares, so a child that
 * dies can be blamed on its last call (a note; replay by seed). */
static volatile long *last_call;
static int allowed[MAX_NR];
static int nallowed;

static void build_allowed(void)
{
	for (int nr = 0; nr < MAX_NR; nr++) {
		int ok = 1;
		for (size_t i = 0; i < sizeof(excluded) / sizeof(excluded[0]); i++)
			if (excluded[i] == nr)
				ok = 0;
		if (ok)
			allowed[nallowed++] = nr;
	}
}

static uint32_t random_arg(void)
{
	static const uint32_t edges[] = {
		0, 1, 2, 3, 4, 7, 8, 15, 16, 64, 255, 256, 4095, 4096, 4097,
		0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000,
		0xfffffffe, 0xffffffff, 0xfffff000,
	};
	static const uint32_t bad_pointers[] = {
		0, 1, 0x1000, 0xbffff000, 0xbfffffff, 0xc0000000, 0xc0100000,
		0xffffffff, 0xfffffff0,
	};
	switch (fuzz_below(8)) {
	case 0: return fuzz_below(16);
	case 1: return edges[fuzz_below(sizeof(edges) / sizeof(edges[0]))];
	case 2: return fuzz_next();
	case 3: return fuzz_below(12);	/* a descriptor, maybe open */
	case 4:	/* somewhere in the scratch buffer, often page-aligned */
		return (uint32_t)(uintptr_t)scratch +
		       (fuzz_below(2) ? fuzz_below(16) * 4096 : fuzz_below(SCRATCH_SIZE));
	case 5: return (uint32_t)(uintptr_t)paths[fuzz_below(sizeof(paths) / sizeof(paths[0]))];
	case 6: return bad_pointers[fuzz_below(sizeof(bad_pointers) / sizeof(bad_pointers[0]))];
	default: return (uint32_t)-(int32_t)fuzz_below(200);	/* -errno-like */
	}
}

static long raw_syscall6(long nr, long a, long b, long c, long d, long e, long f)
{
	long ret;
	/* ebp is the frame pointer: saved and loaded by hand. */
	__asm__ volatile("push %%ebp\n\tmov %7, %%ebp\n\tint $0x80\n\tpop %%ebp"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e), "m"(f)
			 : "memory");
	return ret;
}

static void child_main(uint64_t seed)
{
	fuzz_seed(seed);
	int null = open("/dev/null", O_RDWR);
	for (int fd = 0; fd < 3; fd++)
		dup2(null, fd);
	/* Bound what the child can take, so one child cannot starve the rest. */
	struct rlimit as = { 256u << 20, 256u << 20 };
	setrlimit(RLIMIT_AS, &as);
	for (int i = 0; i < CALLS_PER_CHILD; i++) {
		long nr = fuzz_below(16) ? allowed[fuzz_below(nallowed)] :
			  (long)(MAX_NR + fuzz_below(2000));	/* unknown numbers */
		/* A sigreturn with a random frame ends the child at once (as it
		 * must): rarely, so the other calls get their turn. */
		while ((nr == SYS_sigreturn || nr == SYS_rt_sigreturn) && fuzz_below(64))
			nr = allowed[fuzz_below(nallowed)];
		if (nr >= 1000 && nr < 1100)
			nr = 1000 + fuzz_below(2);	/* M-OS's own calls: the harmless ones */
		*last_call = nr;
		raw_syscall6(nr, random_arg(), random_arg(), random_arg(), random_arg(),
			     random_arg(), random_arg());
	}
	_exit(0);
}

static void make_tree(const char *dir)
{
	if (chdir(dir) < 0)
		return;
	mkdir("d0", 0755);
	mkdir("d0/d1", 0755);
	int fd = open("f0", O_CREAT | O_WRONLY, 0644);
	if (fd >= 0) {
		(void)!write(fd, "fuzz", 4);
		close(fd);
	}
	(void)!symlink("f0", "l0");
}

/* rm -r, without following symbolic links. */
static void remove_path(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			char sub[512];
			snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
			remove_path(sub);
		}
		if (d)
			closedir(d);
		rmdir(path);
	} else {
		unlink(path);
	}
}

static void remove_leftovers(const char *dir)
{
	const char *places[] = { dir, "/tmp", "" };
	(void)!chdir("/");
	for (size_t p = 0; p < sizeof(places) / sizeof(places[0]); p++)
		for (size_t i = 0; i < sizeof(leftover_names) / sizeof(leftover_names[0]); i++) {
			char path[512];
			snprintf(path, sizeof(path), "%s/%s", places[p], leftover_names[i]);
			remove_path(path);
		}
	remove_path(dir);
	remove_path("/dev/shm/fz");
	syscall(SYS_mq_unlink, "f0");
	syscall(SYS_mq_unlink, "fz");
}

int main(void)
{
	unsigned scale = fuzz_start("system-call");
	if (!scale)
		return ut_done("t_fuzz_sys");
	build_allowed();
	struct statfs before, after;
	UT_CHECK(statfs("/", &before) == 0, "statfs /");
	scratch = mmap(NULL, SCRATCH_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	UT_CHECK(scratch != MAP_FAILED, "scratch buffer");
	last_call = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	UT_CHECK(last_call != MAP_FAILED, "shared page");
	static unsigned fatal[MAX_NR + 2000];
	const char *dir = ut_scratch_dir("fuzz_sys");
	make_tree(dir);

	unsigned children = CHILDREN_PER_SCALE * scale, killed = 0, died = 0;
	for (unsigned c = 0; c < children; c++) {
		uint64_t seed = ((uint64_t)fuzz_next() << 32) | fuzz_next();
		pid_t pid = fork();
		if (pid == 0)
			child_main(seed);
		if (!UT_CHECK(pid > 0, "fork: %s", strerror(errno)))
			break;
		int status;
		long long t0 = ut_now_ms();
		pid_t got = ut_wait(pid, &status, CHILD_LIMIT_MS);
		int timed_out = got < 0 && errno == ETIMEDOUT;
		UT_CHECK(got == pid || timed_out, "child %u (seed %#llx) was not reaped: %s",
			 c, (unsigned long long)seed, strerror(errno));
		if (timed_out || ut_now_ms() - t0 >= CHILD_LIMIT_MS)
			killed++;
		else if (WIFSIGNALED(status)) {
			died++;
			if (*last_call >= 0 && *last_call < MAX_NR + 2000)
				fatal[*last_call]++;
		}
	}
	UT_NOTE("%u children x %d calls: %u died of a signal, %u stopped by the time limit",
		children, CALLS_PER_CHILD, died, killed);
	for (int nr = 0; nr < MAX_NR + 2000; nr++)
		if (fatal[nr])
			UT_NOTE("call %d was the last of %u children that died of a signal",
				nr, fatal[nr]);
	remove_leftovers(dir);
	sync();
	UT_CHECK(statfs("/", &after) == 0, "statfs /");
	UT_CHECK(after.f_bfree == before.f_bfree && after.f_ffree == before.f_ffree,
		 "the root's free blocks and inodes are back: %llu/%llu before, %llu/%llu after",
		 (unsigned long long)before.f_bfree, (unsigned long long)before.f_ffree,
		 (unsigned long long)after.f_bfree, (unsigned long long)after.f_ffree);
	return ut_done("t_fuzz_sys");
}
