/*
 * ioctl: the terminal requests of Linux's tty layer, on any tty (the
 * console, ttyS0, the VTs); anything else is -ENOTTY, as for files.
 * Requests on other files go to file_ioctl (kernel/api/sys_fs.c).
 * TCSETSW and TCSETSF behave as TCSETS (output is never queued; TCSETSF
 * also discards unread input).  TIOCSTI types a byte, as on Linux (where
 * it needs privilege; everyone is root here).  Job control: TIOCSPGRP names the
 * foreground process group that ^C, ^\ and ^Z signal.
 */
#include "api/syscall_handlers.h"
#include "api/ioctl.h"
#include "api/usercopy.h"
#include "drivers/termios.h"
#include "drivers/tty.h"
#include "fs/file.h"
#include "fs/stat.h"
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
#define TTY_ROWS 25
#define TTY_COLS 80

struct linux_winsize {
	uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};

static long tty_ioctl(tty_t *tty, uint32_t cmd, uint32_t arg)
{
	termios_t t;
	switch (cmd) {
	case TCGETS:
		tty_get_termios(tty, &t);
		return copy_to_user((void *)arg, &t, sizeof(t));
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		if (copy_from_user(&t, (void *)arg, sizeof(t)) < 0)
			return -EFAULT;
		if (cmd == TCSETSF)
			tty_flush_input(tty);
		tty_set_termios(tty, &t);
		return 0;
	case TIOCGPGRP: {
		int pgid = tty_get_fg_pgid(tty);
		return copy_to_user((void *)arg, &pgid, sizeof(pgid));
	}
	case TIOCSPGRP: {
		int pgid;
		if (copy_from_user(&pgid, (void *)arg, sizeof(pgid)) < 0)
			return -EFAULT;
		if (pgid <= 0)
			return -EINVAL;
		tty_set_fg_pgid(tty, pgid);
		return 0;
	}
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
		tty_set_fg_pgid(tty, curproc->pgid);
		return 0;
	case TIOCNOTTY:
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
