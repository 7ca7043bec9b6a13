/*
 * What a process asks about the system and tells about itself: sysinfo
 * (uptime, load averages, memory, thread count), syslog (the kernel log
 * ring, util/klog.h) and prctl (the thread's name, the parent-death
 * signal).  Layouts and action numbers are Linux's.
 */
#include "api/syscall_handlers.h"
#include "api/usercopy.h"
#include "drivers/clock.h"
#include "mm/meminfo.h"
#include "mm/page.h"
#include "proc/kthread.h"
#include "proc/loadavg.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/signal.h"
#include "mm/kmalloc.h"
#include "util/errno.h"
#include "util/klog.h"
#include "util/string.h"

/* struct sysinfo as i386 Linux lays it out (64 bytes). */
struct linux_sysinfo {
	int32_t uptime;
	uint32_t loads[3];
	uint32_t totalram, freeram, sharedram, bufferram;
	uint32_t totalswap, freeswap;
	uint16_t procs;
	uint16_t pad;
	uint32_t totalhigh, freehigh;
	uint32_t mem_unit;
	char reserved[8];
};
_Static_assert(sizeof(struct linux_sysinfo) == 64, "struct sysinfo is 64 bytes on i386");

#define SI_LOAD_SHIFT 16	/* sysinfo's load fixed point */
#define NSEC_PER_SEC_U 1000000000ll

/* syslog(2) actions. */
#define SYSLOG_ACTION_CLOSE 0
#define SYSLOG_ACTION_OPEN 1
#define SYSLOG_ACTION_READ 2
#define SYSLOG_ACTION_READ_ALL 3
#define SYSLOG_ACTION_READ_CLEAR 4
#define SYSLOG_ACTION_CLEAR 5
#define SYSLOG_ACTION_CONSOLE_OFF 6
#define SYSLOG_ACTION_CONSOLE_ON 7
#define SYSLOG_ACTION_CONSOLE_LEVEL 8
#define SYSLOG_ACTION_SIZE_UNREAD 9
#define SYSLOG_ACTION_SIZE_BUFFER 10
#define CONSOLE_LEVEL_MIN 1
#define CONSOLE_LEVEL_MAX 8
#define SYSLOG_WAIT_MS 10	/* READ on an empty log looks again this often */

/* prctl(2) options. */
#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_SET_NAME 15
#define PR_GET_NAME 16

/* Linux gives sysinfo's memory in bytes (mem_unit 1) whenever the totals
 * fit in 32 bits, else in pages. */
SYSCALL(sysinfo)
{
	struct linux_sysinfo si;
	memset(&si, 0, sizeof(si));
	int64_t up = clock_monotonic_ns();
	si.uptime = (int32_t)((up + NSEC_PER_SEC_U - 1) / NSEC_PER_SEC_U);	/* rounded up */
	uint32_t loads[3];
	loadavg_get(loads);
	for (int i = 0; i < 3; i++)
		si.loads[i] = loads[i] << (SI_LOAD_SHIFT - LOADAVG_FSHIFT);
	mm_meminfo_t mi;
	mm_meminfo(&mi);
	bool bytes = (uint64_t)mi.total * PAGE_SIZE <= UINT32_MAX;
	uint32_t mult = bytes ? PAGE_SIZE : 1;
	si.mem_unit = bytes ? 1 : PAGE_SIZE;
	si.totalram = mi.total * mult;
	si.freeram = mi.free * mult;
	/* Linux's bufferram is block-device buffers; M-OS's page cache is
	 * /proc/meminfo's Cached, which free(1) adds to this: 0, as no
	 * page is only a buffer. */
	si.bufferram = 0;
	size_t threads = kthread_count();
	si.procs = (uint16_t)MIN(threads, (size_t)UINT16_MAX);
	return copy_to_user((void *)a1, &si, sizeof(si));
}

/* READ: waits for unread text (looking every SYSLOG_WAIT_MS: writers of
 * the log may not wake anyone), then takes up to n bytes. */
static long syslog_read(char *k, size_t n)
{
	while (klog_unread() == 0)
		if (sched_sleep_ms(SYSLOG_WAIT_MS) < 0)
			return -EINTR;
	return (long)klog_read(k, n);
}

/* syslog(type, buf, len), as klogctl(3). */
SYSCALL(syslog)
{
	int32_t type = (int32_t)a1, len = (int32_t)a3;
	switch (type) {
	case SYSLOG_ACTION_CLOSE:
	case SYSLOG_ACTION_OPEN:
		return 0;
	case SYSLOG_ACTION_READ:
	case SYSLOG_ACTION_READ_ALL:
	case SYSLOG_ACTION_READ_CLEAR:
		break;
	case SYSLOG_ACTION_CLEAR:
		klog_clear();
		return 0;
	case SYSLOG_ACTION_CONSOLE_OFF:
		klog_set_console_level(CONSOLE_LEVEL_MIN);
		return 0;
	case SYSLOG_ACTION_CONSOLE_ON:
		klog_set_console_level(KLOG_LEVEL_DEFAULT);
		return 0;
	case SYSLOG_ACTION_CONSOLE_LEVEL:
		if (len < CONSOLE_LEVEL_MIN || len > CONSOLE_LEVEL_MAX)
			return -EINVAL;
		klog_set_console_level(len);
		return 0;
	case SYSLOG_ACTION_SIZE_UNREAD:
		return (long)klog_unread();
	case SYSLOG_ACTION_SIZE_BUFFER:
		return KLOG_SIZE;
	default:
		return -EINVAL;
	}
	if (!a2 || len < 0)
		return -EINVAL;
	if (len == 0)
		return 0;
	size_t n = MIN((size_t)len, (size_t)KLOG_SIZE);
	if (!user_range_ok((void *)a2, n))
		return -EFAULT;
	char *k = kmalloc(n);
	if (!k)
		return -ENOMEM;
	long rc = type == SYSLOG_ACTION_READ ? syslog_read(k, n) : (long)klog_read_all(k, n);
	if (rc > 0 && copy_to_user((void *)a2, k, (size_t)rc) < 0)
		rc = -EFAULT;
	if (rc >= 0 && type == SYSLOG_ACTION_READ_CLEAR)
		klog_clear();
	kfree(k);
	return rc;
}

/* The calling thread's name (comm): at most KTHREAD_NAME_MAX - 1 bytes
 * of the user's string, cut there as Linux does. */
static int set_name(uint32_t uname)
{
	char name[KTHREAD_NAME_MAX];
	int rc = strncpy_from_user(name, (const char *)uname, sizeof(name));
	if (rc == -ENAMETOOLONG) {	/* all sizeof(name) bytes were readable */
		if (copy_from_user(name, (const void *)uname, sizeof(name) - 1) < 0)
			return -EFAULT;
		name[sizeof(name) - 1] = '\0';
	} else if (rc < 0) {
		return rc;
	}
	kthread_set_name(curthr, name);
	return 0;
}

/* prctl(option, arg2, ...): the options below; any other is EINVAL. */
SYSCALL(prctl)
{
	switch (a1) {
	case PR_SET_NAME:
		return set_name(a2);
	case PR_GET_NAME: {
		char name[KTHREAD_NAME_MAX];
		kthread_get_name(curthr, name);
		return copy_to_user((void *)a2, name, sizeof(name));
	}
	case PR_SET_PDEATHSIG:
		if (a2 > NSIG)
			return -EINVAL;
		proc_set_pdeath_signal(curproc, (int)a2);
		return 0;
	case PR_GET_PDEATHSIG: {
		int32_t sig = proc_get_pdeath_signal(curproc);
		return copy_to_user((void *)a2, &sig, sizeof(sig));
	}
	default:
		return -EINVAL;
	}
}
