/* Threads of user processes (kernel/api/thread.c): clone with
 * CLONE_THREAD (glibc's pthread_create), the thread-exit duties
 * (clear_child_tid, robust futex lists), and the TLS descriptor encoding
 * that set_thread_area and CLONE_SETTLS share. */
#pragma once
#include "util/types.h"
#include "boot/gdt.h"
#include "api/linux_abi.h"

struct proc;

#define CLONE_VM 0x00000100u
#define CLONE_FS 0x00000200u
#define CLONE_FILES 0x00000400u
#define CLONE_SIGHAND 0x00000800u
#define CLONE_VFORK 0x00004000u
#define CLONE_PARENT 0x00008000u
#define CLONE_THREAD 0x00010000u
#define CLONE_SYSVSEM 0x00040000u
#define CLONE_SETTLS 0x00080000u
#define CLONE_PARENT_SETTID 0x00100000u
#define CLONE_CHILD_CLEARTID 0x00200000u
#define CLONE_DETACHED 0x00400000u
#define CLONE_CHILD_SETTID 0x01000000u
#define CLONE_SIGNAL_MASK 0xffu

/* clone(flags, newsp, parent_tid, tls, child_tid) with CLONE_THREAD: a
 * new thread of the caller's process.  Returns its thread id or -errno. */
long thread_clone(uint32_t flags, uint32_t newsp, uint32_t parent_tidptr,
		  uint32_t tlsp, uint32_t child_tidptr);

/* Encodes d into its slot of tls (entry_number -1: the first free slot,
 * whose number is written back into d when may_allocate).  0, -EINVAL
 * (bad slot), or -ESRCH (no free slot). */
int tls_install(uint32_t tls[GDT_TLS_ENTRIES][2], struct linux_user_desc *d,
		bool may_allocate);

void thread_init(void);
