/*
 * trap: actions for signals and for the shell's exit.
 *
 *   trap                      list the actions set
 *   trap ACTION COND...       run ACTION (a command string) on COND
 *   trap '' COND...           ignore COND
 *   trap - COND...            back to the default (also: trap N...)
 *
 * COND is EXIT (or 0) or a signal by name (INT, SIGINT) or number.  A
 * caught signal only marks itself pending (the handler does nothing
 * else, so it is safe at any moment); exec.c calls trap_check between
 * commands, which runs the pending actions with $? kept.  The EXIT
 * action runs once, when the shell leaves through sh_exit.  A subshell
 * starts with the caught signals back at their defaults and no EXIT
 * action (ignored ones stay ignored), as POSIX says.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"
#include "ulib.h"

#define TRAP_EXIT 0		/* the slot for EXIT */
#define TRAP_SLOTS 65		/* EXIT and the signals 1..64 */

static char *actions[TRAP_SLOTS];	/* malloc'd; NULL: default; "": ignore */
static volatile sig_atomic_t pending[TRAP_SLOTS];
static volatile sig_atomic_t any_pending;
static int in_trap;

static void on_signal(int sig)
{
	if (sig > 0 && sig < TRAP_SLOTS) {
		pending[sig] = 1;
		any_pending = 1;
	}
}

/* EXIT, 0, a signal name or number -> its slot; -1 if unknown. */
static int cond_slot(const char *s)
{
	int sig;

	if (strcmp(s, "EXIT") == 0 || strcmp(s, "0") == 0)
		return TRAP_EXIT;
	sig = ul_signum(s);
	return sig > 0 && sig < TRAP_SLOTS ? sig : -1;
}

static void set_action(int slot, const char *action)
{
	struct sigaction sa;

	free(actions[slot]);
	actions[slot] = action ? sh_xstrdup(action) : NULL;
	if (slot == TRAP_EXIT)
		return;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	if (!action)
		sa.sa_handler = SIG_DFL;
	else if (!*action)
		sa.sa_handler = SIG_IGN;
	else
		sa.sa_handler = on_signal;
	sigaction(slot, &sa, NULL);
}

static void list_actions(void)
{
	int i;

	for (i = 0; i < TRAP_SLOTS; i++) {
		if (!actions[i])
			continue;
		printf("trap -- '%s' %s\n", actions[i], i == TRAP_EXIT ? "EXIT" : ul_signame(i));
	}
}

int bi_trap(int argc, char **argv)
{
	const char *action;
	int i = 1, slot, status = 0;

	if (argc == 1) {
		list_actions();
		return 0;
	}
	if (strcmp(argv[1], "--") == 0)
		i++;
	if (i >= argc)
		return 0;
	action = argv[i];
	if (cond_slot(action) >= 0 && action[strspn(action, "0123456789")] == '\0')
		action = "-";	/* trap N...: reset them */
	else
		i++;
	if (strcmp(action, "-") == 0)
		action = NULL;
	for (; i < argc; i++) {
		slot = cond_slot(argv[i]);
		if (slot < 0 || slot == SIGKILL || slot == SIGSTOP) {
			ul_warn("trap: %s: bad trap", argv[i]);
			status = 1;
			continue;
		}
		set_action(slot, action);
	}
	return status;
}

static void run_action(const char *action)
{
	int status = sh.status;

	in_trap = 1;
	exec_string(action);
	in_trap = 0;
	if (!sh.exiting)
		sh.status = status;
}

void trap_check(void)
{
	int i;

	if (!any_pending || in_trap)
		return;
	any_pending = 0;
	for (i = 1; i < TRAP_SLOTS; i++) {
		if (!pending[i])
			continue;
		pending[i] = 0;
		if (actions[i] && *actions[i])
			run_action(actions[i]);
	}
}

void trap_run_exit(void)
{
	char *action = actions[TRAP_EXIT];
	int status = sh.status;

	trap_check();
	action = actions[TRAP_EXIT];
	if (!action || !*action)
		return;
	actions[TRAP_EXIT] = NULL;
	sh.exiting = 0;
	sh.ctl = CTL_NONE;
	sh.status = status;
	run_action(action);
	free(action);
}

void trap_reset_child(void)
{
	int i;

	for (i = 0; i < TRAP_SLOTS; i++)
		if (actions[i] && *actions[i])
			set_action(i, NULL);
}
