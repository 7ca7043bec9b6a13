/* Linux i386 structures and constants that system calls exchange with
 * user space, laid out exactly as Linux lays them out (file-system ones
 * live in include/fs/stat.h).  Shared by the kernel's system calls. */
#pragma once
#include "util/types.h"

#define UTSNAME_LEN 65
struct linux_utsname {
	char sysname[UTSNAME_LEN];
	char nodename[UTSNAME_LEN];
	char release[UTSNAME_LEN];
	char version[UTSNAME_LEN];
	char machine[UTSNAME_LEN];
	char domainname[UTSNAME_LEN];
};

struct linux_timespec32 { int32_t tv_sec, tv_nsec; };
struct linux_timespec64 { int64_t tv_sec, tv_nsec; };
struct linux_timeval { int32_t tv_sec, tv_usec; };
struct linux_timezone { int32_t tz_minuteswest, tz_dsttime; };

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define CLOCK_TAI 11

struct linux_rlimit64 { uint64_t rlim_cur, rlim_max; };
struct linux_rlimit32 { uint32_t rlim_cur, rlim_max; };
#define RLIM64_INFINITY (~0ull)
#define RLIMIT_STACK 3
#define RLIMIT_NOFILE 7
#define NOFILE_LIMIT 1024	/* RLIMIT_NOFILE's value: poll's nfds limit too */
#define RLIMIT_NLIMITS 16

/* set_thread_area's descriptor. */
struct linux_user_desc {
	uint32_t entry_number;
	uint32_t base_addr;
	uint32_t limit;
	uint32_t seg_32bit:1;
	uint32_t contents:2;
	uint32_t read_exec_only:1;
	uint32_t limit_in_pages:1;
	uint32_t seg_not_present:1;
	uint32_t useable:1;
};

#define GRND_NONBLOCK 1
#define GRND_RANDOM 2
#define GRND_INSECURE 4

#define LINUX_REBOOT_MAGIC1 0xfee1deadu
#define LINUX_REBOOT_MAGIC2 672274793u
#define LINUX_REBOOT_MAGIC2A 85072278u
#define LINUX_REBOOT_MAGIC2B 369367448u
#define LINUX_REBOOT_MAGIC2C 537993216u
#define LINUX_REBOOT_CMD_RESTART 0x01234567u
#define LINUX_REBOOT_CMD_HALT 0xCDEF0123u
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321FEDCu
