/*
 * kill [-SIG | -s SIG] PID...: send a signal (TERM by default) to each
 * PID; a negative PID names a process group (write `kill -TERM -- -5` or
 * `kill -s TERM -5`).  SIG is a name (INT, SIGINT) or a number.
 * kill -l lists the signal names.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ulib.h"

static void list_signals(void)
{
	int sig;

	for (sig = 1; sig < ul_nsig(); sig++)
		if (ul_signame(sig))
			printf("%2d %s\n", sig, ul_signame(sig));
}

static int parse_sig(const char *name)
{
	int sig = ul_signum(name);

	if (sig < 0)
		ul_die(1, "%s: unknown signal", name);
	return sig;
}

int main(int argc, char **argv)
{
	int i = 1, sig = SIGTERM, status = 0;

	ul_setprogname(argv[0]);
	if (i < argc && strcmp(argv[i], "-l") == 0) {
		list_signals();
		return 0;
	}
	if (i + 1 < argc && strcmp(argv[i], "-s") == 0) {
		sig = parse_sig(argv[i + 1]);
		i += 2;
	} else if (i < argc && argv[i][0] == '-' && strcmp(argv[i], "--") != 0) {
		sig = parse_sig(argv[i] + 1);
		i++;
	}
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i == argc)
		ul_die(1, "usage: kill [-SIG | -s SIG] PID... | kill -l");
	for (; i < argc; i++) {
		char *end;
		long pid = strtol(argv[i], &end, 10);

		if (*argv[i] == '\0' || *end != '\0') {
			ul_warn("%s: not a process id", argv[i]);
			status = 1;
			continue;
		}
		if (kill((pid_t)pid, sig) < 0) {
			ul_warnerr("%s", argv[i]);
			status = 1;
		}
	}
	return status;
}
