/*
 * The system-call table: Linux i386 numbers to handlers (declared in
 * api/syscall_handlers.h, defined in kernel/api/sys_*.c, fork.c, exec.c).  Calls that need no
 * distinction on M-OS share a handler (every uid/gid getter is root's).
 */
#include "api/syscall_table.h"
#include "api/syscall_nr.h"
#include "api/syscall_handlers.h"


#define ENTRY(nr, fn) [NR_##nr] = { sys_##fn, #nr, false }
/* Calls that SA_RESTART restarts after a handler (and that run again when
 * the signal is ignored); sleeps like nanosleep and pause never restart. */
#define RESTARTABLE(nr, fn) [NR_##nr] = { sys_##fn, #nr, true }

static const syscall_entry_t table[NR_SYSCALLS] = {
	ENTRY(exit, exit),
	ENTRY(fork, fork),
	RESTARTABLE(read, read),
	RESTARTABLE(write, write),
	RESTARTABLE(open, open),
	ENTRY(close, close),
	RESTARTABLE(waitpid, waitpid),
	ENTRY(creat, creat),
	ENTRY(link, link),
	ENTRY(unlink, unlink),
	ENTRY(execve, execve),
	ENTRY(chdir, chdir),
	ENTRY(time, time),
	ENTRY(stime, stime),
	ENTRY(mknod, mknod),
	ENTRY(lseek, lseek),
	ENTRY(getpid, getpid),
	ENTRY(mount, mount),
	ENTRY(access, access),
	ENTRY(sync, sync),
	ENTRY(kill, kill),
	ENTRY(rename, rename),
	ENTRY(mkdir, mkdir),
	ENTRY(rmdir, rmdir),
	ENTRY(dup, dup),
	ENTRY(pipe, pipe),
	ENTRY(brk, brk),
	ENTRY(getgid, getuid),
	ENTRY(geteuid, getuid),
	ENTRY(getegid, getuid),
	ENTRY(umount2, umount2),
	RESTARTABLE(ioctl, ioctl),
	ENTRY(fcntl, fcntl64),
	ENTRY(setpgid, setpgid),
	ENTRY(umask, umask),
	ENTRY(dup2, dup2),
	ENTRY(getppid, getppid),
	ENTRY(getpgrp, getpgrp),
	ENTRY(setsid, setsid),
	ENTRY(setrlimit, setrlimit),
	ENTRY(ugetrlimit, ugetrlimit),
	ENTRY(gettimeofday, gettimeofday),
	ENTRY(settimeofday, settimeofday),
	ENTRY(symlink, symlink),
	ENTRY(readlink, readlink),
	ENTRY(reboot, reboot),
	ENTRY(mmap, mmap),
	ENTRY(munmap, munmap),
	ENTRY(truncate, truncate),
	ENTRY(ftruncate, ftruncate),
	RESTARTABLE(wait4, wait4),
	ENTRY(fsync, fsync),
	ENTRY(clone, clone),
	ENTRY(uname, uname),
	ENTRY(mprotect, mprotect),
	ENTRY(getpgid, getpgid),
	ENTRY(fchdir, fchdir),
	ENTRY(_llseek, _llseek),
	RESTARTABLE(readv, readv),
	RESTARTABLE(writev, writev),
	ENTRY(getsid, getsid),
	ENTRY(sched_yield, sched_yield),
	ENTRY(nanosleep, nanosleep),
	ENTRY(rt_sigreturn, rt_sigreturn),
	ENTRY(sigreturn, sigreturn),
	ENTRY(rt_sigaction, rt_sigaction),
	ENTRY(rt_sigprocmask, rt_sigprocmask),
	RESTARTABLE(pread64, pread64),
	RESTARTABLE(pwrite64, pwrite64),
	ENTRY(getcwd, getcwd),
	ENTRY(vfork, vfork),
	ENTRY(mmap2, mmap2),
	ENTRY(truncate64, truncate64),
	ENTRY(ftruncate64, ftruncate64),
	ENTRY(stat64, stat64),
	ENTRY(lstat64, lstat64),
	ENTRY(fstat64, fstat64),
	ENTRY(getuid32, getuid),
	ENTRY(getgid32, getuid),
	ENTRY(geteuid32, getuid),
	ENTRY(getegid32, getuid),
	ENTRY(madvise, madvise),
	ENTRY(msync, msync),
	RESTARTABLE(getdents64, getdents64),
	RESTARTABLE(fcntl64, fcntl64),
	ENTRY(gettid, gettid),
	ENTRY(set_thread_area, set_thread_area),
	ENTRY(get_thread_area, get_thread_area),
	ENTRY(exit_group, exit_group),
	ENTRY(tkill, tkill),
	ENTRY(tgkill, tgkill),
	ENTRY(set_tid_address, set_tid_address),
	ENTRY(clock_settime, clock_settime),
	ENTRY(clock_gettime, clock_gettime),
	ENTRY(clock_getres, clock_getres),
	ENTRY(clock_nanosleep, clock_nanosleep),
	RESTARTABLE(openat, openat),
	ENTRY(mkdirat, mkdirat),
	ENTRY(mknodat, mknodat),
	ENTRY(fstatat64, fstatat64),
	ENTRY(unlinkat, unlinkat),
	ENTRY(renameat, renameat),
	ENTRY(linkat, linkat),
	ENTRY(symlinkat, symlinkat),
	ENTRY(readlinkat, readlinkat),
	ENTRY(faccessat, faccessat),
	ENTRY(set_robust_list, set_robust_list),
	ENTRY(get_robust_list, get_robust_list),
	ENTRY(pipe2, pipe2),
	ENTRY(dup3, dup3),
	ENTRY(prlimit64, prlimit64),
	ENTRY(getrandom, getrandom),
	ENTRY(clock_gettime64, clock_gettime64),
	ENTRY(clock_settime64, clock_settime64),
	ENTRY(clock_getres_time64, clock_getres_time64),
	ENTRY(clock_nanosleep_time64, clock_nanosleep_time64),
	ENTRY(pause, pause),
	ENTRY(getuid, getuid),
	ENTRY(fdatasync, fsync),
	ENTRY(chmod, chmod),
	ENTRY(fchmod, fchmod),
	ENTRY(fchmodat, fchmodat),
	ENTRY(chown32, chown32),
	ENTRY(lchown32, lchown32),
	ENTRY(fchown32, fchown32),
	ENTRY(fchownat, fchownat),
	ENTRY(utimensat, utimensat),
	ENTRY(statfs64, statfs64),
};

static const syscall_entry_t mos_table[] = {
	[NR_mos_ps - NR_mos_first] = { sys_mos_ps, "mos_ps", false },
	[NR_mos_meminfo - NR_mos_first] = { sys_mos_meminfo, "mos_meminfo", false },
};

/* Bounded by the tables themselves, so a number past either (or a
 * negative one, which is huge as unsigned) can never index outside. */
const syscall_entry_t *syscall_lookup(uint32_t nr)
{
	const syscall_entry_t *e = NULL;
	if (nr < ARRAY_SIZE(table))
		e = &table[nr];
	else if (nr >= NR_mos_first && nr - NR_mos_first < ARRAY_SIZE(mos_table))
		e = &mos_table[nr - NR_mos_first];
	return e && e->fn ? e : NULL;
}
