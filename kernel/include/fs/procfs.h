/* The proc file system (kernel/fs/procfs/, doc/fs.md "/proc"): Linux's
 * /proc, mounted at boot on /proc.  Every file is text generated when it
 * is read, from the process table, the threads, the descriptor tables,
 * the address spaces and the kernel's counters, in Linux's formats so
 * ps, top, free, uptime and glibc read it unchanged.
 *
 * The address-space files (maps, statm, cmdline, environ, exe, the Vm
 * lines of status) come from the VM, which sits above the file systems:
 * it fills in procfs_vm_ops at boot (kernel/vm/vm_procfs.c). */
#pragma once
#include "util/types.h"
#include "fs/vfs.h"

/* A text buffer that files are generated into; printing past cap only
 * counts (overflow), and the file is generated again in a bigger one. */
typedef struct procfs_buf {
	char *data;
	size_t len, cap;
	bool overflow;
} procfs_buf_t;

void procfs_printf(procfs_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void procfs_put(procfs_buf_t *b, const void *data, size_t n);

/* A process's address space as /proc shows it. */
typedef struct procfs_vm_info {
	uint32_t size_pages;		/* mapped (VmSize) */
	uint32_t rss_pages;		/* resident in its page tables (VmRSS) */
	uint32_t shared_pages;		/* of those, file pages */
	uint32_t text_pages;		/* executable file mappings (VmExe) */
	uint32_t data_pages;		/* private writable mappings (VmData) */
	uint32_t stack_pages;		/* the stack's area (VmStk) */
	uint32_t start_code, end_code, start_data, end_data;
	uint32_t start_brk, brk, start_stack;
	uint32_t arg_start, arg_end, env_start, env_end;
} procfs_vm_info_t;

/* Each takes a pid: -ESRCH when no such process has an address space (a
 * kernel process, a zombie), else 0 or -ENOMEM. */
typedef struct procfs_vm_ops {
	int (*info)(int pid, procfs_vm_info_t *out);
	/* The argument (env false) or environment strings, NUL-separated,
	 * read from the process's memory (a page that is gone ends them). */
	int (*args)(int pid, bool env, procfs_buf_t *b);
	/* One line per area, Linux's maps format. */
	int (*maps)(int pid, procfs_buf_t *b);
	/* The program's absolute path (-ENOENT if unknown). */
	int (*exe)(int pid, procfs_buf_t *b);
} procfs_vm_ops_t;
extern const procfs_vm_ops_t *procfs_vm_ops;

void procfs_init(void);
int procfs_mount(struct blockdev *bd, fs_t **out);
