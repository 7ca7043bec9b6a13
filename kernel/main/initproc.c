/*
 * init (pid 1).
 *
 * With test= on the command line it runs those kernel suites and powers
 * off with their status.  Otherwise, with ENABLE_VM=1, it opens the
 * console as descriptors 0, 1 and 2 and executes the first user program
 * (init=PATH, default /sbin/init), becoming that program (whose end the
 * power-off code watches, main/poweroff.h); if that fails, or with
 * ENABLE_VM=0, it runs the kshell.  When the kshell ends it kills what is
 * left, reaps every child (orphans come to init too) and powers off.
 * Every power-off syncs the file systems first.
 */
#include "main/initproc.h"
#include "main/cmdline.h"
#include "main/poweroff.h"
#include "main/qemu.h"
#include "mm/frame.h"
#include "proc/proc.h"
#include "test/kshell.h"
#include "test/ktest.h"
#include "util/printf.h"
#include "api/exec.h"
#include "fs/stat.h"
#include "fs/vfs_syscall.h"

#define DEFAULT_INIT "/sbin/init"
#define CONSOLE_PATH "/dev/console"
#define CONSOLE_FALLBACK "/dev/ttyS0"

/* Descriptors 0, 1 and 2 on the console, as Linux gives its init. */
static int open_console(void)
{
	int fd = do_open(CONSOLE_PATH, O_RDWR, 0);
	if (fd < 0)
		fd = do_open(CONSOLE_FALLBACK, O_RDWR, 0);
	if (fd < 0)
		return fd;
	do_dup(fd);
	do_dup(fd);
	return 0;
}

/* Becomes the first user program; returns only if it cannot start.  An
 * init= program that cannot start ends the boot (with a failure status);
 * a missing default init falls back to the kshell. */
static void run_first_program(void)
{
	const char *path = cmdline_get("init");
	bool chosen = path && path[0];
	if (!chosen)
		path = DEFAULT_INIT;
	const char *argv[CMDLINE_MAX_ARGS + 2] = { path };
	int n = cmdline_init_args(argv + 1, CMDLINE_MAX_ARGS);
	argv[n + 1] = NULL;
	static const char *const default_env[] = { "HOME=/", "PATH=/bin:/sbin:/usr/bin", "TERM=vt100" };
	const char *envp[ARRAY_SIZE(default_env) + CMDLINE_MAX_ARGS + 1];
	int nenv = 0;
	for (; nenv < (int)ARRAY_SIZE(default_env); nenv++)
		envp[nenv] = default_env[nenv];
	nenv += cmdline_init_env(envp + nenv, CMDLINE_MAX_ARGS);
	envp[nenv] = NULL;
	int rc = open_console();
	if (rc < 0)
		kprintf("init: cannot open the console (%d)\n", rc);
	rc = exec_first_program(path, argv, envp);
	kprintf("init: cannot run %s (error %d)\n", path, rc);
	if (chosen)
		kernel_poweroff(QEMU_EXIT_FAILURE);
	kprintf("init: starting the kshell\n");
}

static void reap_all_children(void)
{
	int status;
	while (proc_waitpid(-1, &status, 0) > 0)
		;
}

void *initproc_main(long arg1, void *arg2)
{
	const char *tests = cmdline_get("test");
	if (tests) {
		if (!tests[0] || tests[0] == '?' || __builtin_strcmp(tests, "list") == 0) {
			ktest_list();
			kernel_poweroff(QEMU_EXIT_SUCCESS);
		}
		int failed = ktest_run(tests);
		kprintf("memory: %u frames free\n", (unsigned)frame_free_count());
		kernel_poweroff(failed ? QEMU_EXIT_FAILURE : QEMU_EXIT_SUCCESS);
	}
	kprintf("M-OS ready\n");
	if (CONFIG_ENABLE_VM)
		run_first_program();
	kshell_run();
	proc_kill_all();
	reap_all_children();
	kprintf("init: the kshell has ended\n");
	kernel_poweroff(QEMU_EXIT_SUCCESS);
}
