/*
 * Signal names for kill, sh and init: the Linux i386 numbering, which is
 * also M-OS's (DESIGN.md decision 5).
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ulib.h"

static const char *const names[] = {
	[SIGHUP] = "HUP",   [SIGINT] = "INT",     [SIGQUIT] = "QUIT",
	[SIGILL] = "ILL",   [SIGTRAP] = "TRAP",   [SIGABRT] = "ABRT",
	[SIGBUS] = "BUS",   [SIGFPE] = "FPE",     [SIGKILL] = "KILL",
	[SIGUSR1] = "USR1", [SIGSEGV] = "SEGV",   [SIGUSR2] = "USR2",
	[SIGPIPE] = "PIPE", [SIGALRM] = "ALRM",   [SIGTERM] = "TERM",
	[SIGSTKFLT] = "STKFLT", [SIGCHLD] = "CHLD", [SIGCONT] = "CONT",
	[SIGSTOP] = "STOP", [SIGTSTP] = "TSTP",   [SIGTTIN] = "TTIN",
	[SIGTTOU] = "TTOU", [SIGURG] = "URG",     [SIGXCPU] = "XCPU",
	[SIGXFSZ] = "XFSZ", [SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF",
	[SIGWINCH] = "WINCH", [SIGIO] = "IO",     [SIGPWR] = "PWR",
	[SIGSYS] = "SYS",
};

#define NNAMES ((int)(sizeof names / sizeof names[0]))

int ul_nsig(void)
{
	return NNAMES;
}

const char *ul_signame(int sig)
{
	if (sig > 0 && sig < NNAMES && names[sig])
		return names[sig];
	return NULL;
}

int ul_signum(const char *name)
{
	char *end;
	long n;
	int i;

	if (*name >= '0' && *name <= '9') {
		n = strtol(name, &end, 10);
		return (*end == '\0' && n >= 0 && n < _NSIG) ? (int)n : -1;
	}
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	for (i = 1; i < NNAMES; i++)
		if (names[i] && strcasecmp(name, names[i]) == 0)
			return i;
	return -1;
}
