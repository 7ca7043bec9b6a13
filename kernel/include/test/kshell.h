/* The kernel shell (kernel/test/kshell.c): a command line on the console.
 * Subsystems add commands with KSHELL_COMMAND; they land in the
 * .kshell_cmds section, so the shell needs no central list. */
#pragma once
#include "util/types.h"

#define KSHELL_LINE_MAX 256
#define KSHELL_ARGS_MAX 16

typedef struct kshell_cmd {
	const char *name;
	const char *help;
	/* Returns 0 on success; anything else is shown as the status. */
	int (*fn)(int argc, char **argv);
} kshell_cmd_t;

#define KSHELL_CAT2(a, b) a##b
#define KSHELL_CAT(a, b) KSHELL_CAT2(a, b)
#define KSHELL_COMMAND(cname, chelp, cfn) \
	static const kshell_cmd_t KSHELL_CAT(kshell_cmd_, __LINE__) \
	__attribute__((section(".kshell_cmds"), used, aligned(4))) = { cname, chelp, cfn }

/* Runs one command line; returns its status (-1 for an unknown command,
 * 0 for an empty line). */
int kshell_execute(const char *line);
/* Reads and runs lines from the console until `halt`, EOF (^D on an
 * empty line) or cancellation; returns the halt request (true) or not. */
bool kshell_run(void);
/* Reads one edited line: backspace/DEL erase, ^U kills the line.
 * Returns its length, or -1 on ^D with an empty line or cancellation. */
int kshell_read_line(char *buf, size_t size);
