/*
 * The kshell: lines read from the console tty (its line discipline does
 * the editing: erase, kill, ^D) and a table of commands.
 *
 * Lines are split on spaces and tabs ("double quotes" group words); the
 * first word names a command from the .kshell_cmds section.  Commands run
 * in the kshell's own thread (init's, in the usual boot).  The built-ins
 * here are the ones that belong to no subsystem; tests and subsystems
 * register the rest next to their code.
 */
#include "test/kshell.h"
#include "drivers/console.h"
#include "drivers/pit.h"
#include "main/qemu.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/slab.h"
#include "proc/proc.h"
#include "test/ktest.h"
#include "util/debug.h"
#include "util/printf.h"
#include "util/string.h"

extern const kshell_cmd_t kshell_cmds_start[], kshell_cmds_end[];

static bool halt_requested;

static int split_words(char *line, char **argv)
{
	int argc = 0;
	char *p = line;
	while (*p && argc < KSHELL_ARGS_MAX) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (*p == '"') {
			argv[argc++] = ++p;
			while (*p && *p != '"')
				p++;
		} else {
			argv[argc++] = p;
			while (*p && *p != ' ' && *p != '\t')
				p++;
		}
		if (*p)
			*p++ = '\0';
	}
	return argc;
}

int kshell_execute(const char *line)
{
	char copy[KSHELL_LINE_MAX];
	char *argv[KSHELL_ARGS_MAX + 1];
	strlcpy(copy, line, sizeof(copy));
	int argc = split_words(copy, argv);
	argv[argc] = NULL;
	if (argc == 0)
		return 0;
	for (const kshell_cmd_t *c = kshell_cmds_start; c < kshell_cmds_end; c++)
		if (strcmp(c->name, argv[0]) == 0)
			return c->fn(argc, argv);
	kprintf("kshell: %s: command not found (try help)\n", argv[0]);
	return -1;
}

int kshell_read_line(char *buf, size_t size)
{
	return console_read_line(buf, size);
}

bool kshell_run(void)
{
	char line[KSHELL_LINE_MAX];
	halt_requested = false;
	kprintf("kshell: type help for commands\n");
	while (!halt_requested) {
		kprintf("kshell> ");
		if (kshell_read_line(line, sizeof(line)) < 0)
			break;
		int status = kshell_execute(line);
		if (status > 0)
			kprintf("kshell: status %d\n", status);
	}
	return halt_requested;
}

static int cmd_help(int argc, char **argv)
{
	for (const kshell_cmd_t *c = kshell_cmds_start; c < kshell_cmds_end; c++)
		kprintf("  %-18s %s\n", c->name, c->help);
	return 0;
}
KSHELL_COMMAND("help", "list the commands", cmd_help);

static int cmd_echo(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		kprintf("%s%s", argv[i], i + 1 < argc ? " " : "");
	kprintf("\n");
	return 0;
}
KSHELL_COMMAND("echo", "print the arguments", cmd_echo);

static int cmd_ps(int argc, char **argv)
{
	proc_print_table();
	return 0;
}
KSHELL_COMMAND("ps", "list processes and their threads", cmd_ps);

static int cmd_mem(int argc, char **argv)
{
	kprintf("frames: %u free, %u used, %u total (%u KiB free)\n",
		(unsigned)frame_free_count(), (unsigned)frame_used_count(),
		(unsigned)frame_total_count(), (unsigned)(frame_free_count() * 4));
	kprintf("large kmalloc: %u frames; slabs: %u frames\n",
		(unsigned)kmalloc_large_frames(), (unsigned)slab_frames_total());
	slab_print_stats();
	return 0;
}
KSHELL_COMMAND("mem", "frame and slab statistics", cmd_mem);

static int cmd_uptime(int argc, char **argv)
{
	uint64_t ms = uptime_ms();
	kprintf("up %llu.%03llu s, %llu ticks at %u Hz\n", ms / 1000, ms % 1000,
		ticks_now(), HZ);
	return 0;
}
KSHELL_COMMAND("uptime", "time since boot", cmd_uptime);

static int cmd_halt(int argc, char **argv)
{
	halt_requested = true;
	return 0;
}
KSHELL_COMMAND("halt", "shut the machine down", cmd_halt);

static int cmd_test(int argc, char **argv)
{
	if (argc < 2) {
		ktest_list();
		return 0;
	}
	return ktest_run(argv[1]) ? 1 : 0;
}
KSHELL_COMMAND("test", "test [NAME|all]: run kernel test suites", cmd_test);

static int cmd_dbg(int argc, char **argv)
{
	if (argc > 1)
		dbg_set_channels(argv[1]);
	kprintf("debug channels:");
	for (int i = 0; i < DBG_NCHANNELS; i++)
		if (dbg_enabled_mask & (1u << i))
			kprintf(" %s", dbg_channel_name(i));
	kprintf("\n");
	return 0;
}
KSHELL_COMMAND("dbg", "dbg [LIST]: show or set debug channels", cmd_dbg);

/* The suites the issue names get commands of their own. */
static int cmd_run_named_suite(int argc, char **argv)
{
	return ktest_run(argv[0]) ? 1 : 0;
}
KSHELL_COMMAND("faber", "thread and process lifecycle tests", cmd_run_named_suite);
KSHELL_COMMAND("sunghan", "producer/consumer test", cmd_run_named_suite);
KSHELL_COMMAND("sunghan_deadlock", "deadlock detection test", cmd_run_named_suite);
