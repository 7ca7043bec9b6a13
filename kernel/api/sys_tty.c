/*
 * ioctl: the terminal requests of Linux's tty layer, on any tty (the
 * console, ttyS0, the VTs); anything else is -ENOTTY, as for files.
 * Requests on other files go to file_ioctl (kernel/api/sys_fs.c).
 * TCSETSW and TCSETSF behave as TCSETS (output is never queued; TCSETSF
 * also discards unread input).  TIOCSTI types a byte, as on Linux (where
 * it needs privilege; everyone is root here).  Job control (proc/jobctl.h):
 * TIOCSCTTY makes the tty the controlling terminal of the caller's
 * session (a session leader without one; a tty whose session has ended
 * is free), TIOCNOTTY drops it, TIOCSPGRP names the foreground process
 * group that ^C, ^\ and ^Z signal and that may read; these, TIOCGPGRP and
 * TIOCGSID are ENOTTY on a tty that is not the caller's controlling one.
 * Changing the terminal (TCSETS*, TIOCSPGRP) from a background group
 * raises SIGTTOU unless the caller blocks or ignores it, as on Linux.
 */
#include "api/syscall_handlers.h"
#include "api/ioctl.h"
#include "api/usercopy.h"
#include "drivers/termios.h"
#include "drivers/tty.h"
#include "fs/file.h"
#include "fs/stat.h"
#include "proc/jobctl.h"
#include "proc/proc.h"
#include "proc/signal.h"
#include "util/errno.h"

#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TIOCSCTTY 0x540E
#define TIOCGPGRP 0x540F
#define TIOCSPGRP 0x5410
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define TIOCSTI 0x5412
#define FIONREAD 0x541B
#define TIOCNOTTY 0x5422
#define TIOCGSID 0x5429
#define TTY_ROWS 25
#define TTY_COLS 80

struct linux_winsize {
	uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};

/* The caller's session id if tty is its controlling terminal, else
 * -ENOTTY. */
static int ctty_session(tty_t *tty)
{
	int sid;
	if (!jobctl_is_ctty(tty, &sid) || tty_get_session(tty) != sid)
		return -ENOTTY;
	return sid;
}

/* A change to the terminal's settings: SIGTTOU for a background caller. */
static int check_change(tty_t *tty)
{
	return jobctl_tty_access(tty, tty_get_fg_pgid(tty), SIGTTOU);
}

static long set_foreground(tty_t *tty, uint32_t arg)
{
	int rc = check_change(tty);
	if (rc < 0)
		return rc == -EIO ? -ENOTTY : rc;
	int sid = ctty_session(tty), pgid;
	if (sid < 0)
		return sid;
	if (copy_from_user(&pgid, (void *)arg, sizeof(pgid)) < 0)
		return -EFAULT;
	if (pgid < 0)
		return -EINVAL;
	rc = jobctl_pgrp_check(pgid, sid);
	if (rc < 0)
		return rc;
	tty_set_fg_pgid(tty, pgid);
	return 0;
}

static long take_ctty(tty_t *tty)
{
	int rc = jobctl_ctty_check(tty, tty_get_session(tty));
	if (rc < 0)
		return rc;
	tty_set_session(tty, curproc->sid, curproc->pgid);
	jobctl_ctty_set(tty);
	return 0;
}

static long tty_ioctl(tty_t *tty, uint32_t cmd, uint32_t arg)
{
	termios_t t;
	int rc;
	switch (cmd) {
	case TCGETS:
		tty_get_termios(tty, &t);
		return copy_to_user((void *)arg, &t, sizeof(t));
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		if ((rc = check_change(tty)) < 0)
			return rc;
		if (copy_from_user(&t, (void *)arg, sizeof(t)) < 0)
			return -EFAULT;
		if (cmd == TCSETSF)
			tty_flush_input(tty);
		tty_set_termios(tty, &t);
		return 0;
	case TIOCGPGRP:
	case TIOCGSID: {
		if ((rc = ctty_session(tty)) < 0)
			return rc;
		int id = cmd == TIOCGSID ? rc : tty_get_fg_pgid(tty);
		return copy_to_user((void *)arg, &id, sizeof(id));
	}
	case TIOCSPGRP:
		return set_foreground(tty, arg);
	case TIOCGWINSZ: {
		struct linux_winsize ws = { TTY_ROWS, TTY_COLS, 0, 0 };
		return copy_to_user((void *)arg, &ws, sizeof(ws));
	}
	case TIOCSWINSZ:
		return 0;
	case TIOCSTI: {
		char c;
		if (copy_from_user(&c, (void *)arg, 1) < 0)
			return -EFAULT;
		tty_type(tty, &c, 1);
		return 0;
	}
	case FIONREAD: {
		int n = (int)tty_input_ready(tty);
		return copy_to_user((void *)arg, &n, sizeof(n));
	}
	case TIOCSCTTY:
		return take_ctty(tty);
	case TIOCNOTTY:
		if ((rc = ctty_session(tty)) < 0)
			return rc;
		jobctl_ctty_set(NULL);
		return 0;
	default:
		return -EINVAL;
	}
}

SYSCALL(ioctl)
{
	file_t *f = fd_get(curproc->files, (int)a1);
	if (!f)
		return -EBADF;
	tty_t *tty = S_ISCHR(f->f_vnode->vn_mode) ? tty_of_dev(f->f_vnode->vn_rdev) : NULL;
	long rc = tty ? tty_ioctl(tty, a2, a3) : file_ioctl(f->f_vnode, a2, a3);
	fput(f);
	return rc;
}

static void send_to_group(int pgid, int sig)
{
	signal_send_group(pgid, sig);
}

void tty_signals_init(void)
{
	tty_signal_hook = send_to_group;
}
