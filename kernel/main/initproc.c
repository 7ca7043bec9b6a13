/*
 * init (pid 1) for the kernel-only configuration.
 *
 * With test= on the command line it runs those suites and leaves QEMU with
 * their status; otherwise it runs the kshell on the console.  When the
 * kshell ends it kills what is left, reaps every child (orphans come to
 * init too) and exits; the idle loop then powers the machine off.
 */
#include "main/initproc.h"
#include "main/cmdline.h"
#include "main/qemu.h"
#include "mm/frame.h"
#include "proc/proc.h"
#include "test/kshell.h"
#include "test/ktest.h"
#include "util/printf.h"

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
			qemu_exit(QEMU_EXIT_SUCCESS);
		}
		int failed = ktest_run(tests);
		kprintf("memory: %u frames free\n", (unsigned)frame_free_count());
		qemu_exit(failed ? QEMU_EXIT_FAILURE : QEMU_EXIT_SUCCESS);
	}
	kprintf("M-OS ready\n");
	kshell_run();
	proc_kill_all();
	reap_all_children();
	kprintf("init: exiting\n");
	return NULL;
}
