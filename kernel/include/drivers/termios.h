/* Terminal attributes: Linux's struct termios (the kernel's, as TCGETS
 * and TCSETS move it on i386) and its flag values and control-character
 * indices from asm-generic/termbits.h, so the system-call layer can hand
 * a tty's termios_t to user space unchanged.  The tty layer implements
 * the subset listed in doc/drivers.md; other flags are kept but have no
 * effect.  Values are octal, as in the Linux headers. */
#pragma once
#include "util/types.h"

typedef uint32_t tcflag_t;
typedef uint8_t cc_t;

#define NCCS 19

typedef struct termios {
	tcflag_t c_iflag;	/* input modes */
	tcflag_t c_oflag;	/* output modes */
	tcflag_t c_cflag;	/* control modes */
	tcflag_t c_lflag;	/* local modes */
	cc_t c_line;		/* line discipline number */
	cc_t c_cc[NCCS];	/* control characters */
} termios_t;

/* c_cc indices. */
#define VINTR 0
#define VQUIT 1
#define VERASE 2
#define VKILL 3
#define VEOF 4
#define VTIME 5
#define VMIN 6
#define VSWTC 7
#define VSTART 8
#define VSTOP 9
#define VSUSP 10
#define VEOL 11
#define VREPRINT 12
#define VDISCARD 13
#define VWERASE 14
#define VLNEXT 15
#define VEOL2 16

/* c_iflag */
#define IGNBRK 0000001
#define BRKINT 0000002
#define INLCR 0000100
#define IGNCR 0000200
#define ICRNL 0000400
#define IXON 0002000

/* c_oflag */
#define OPOST 0000001
#define ONLCR 0000004

/* c_cflag */
#define B38400 0000017
#define CS8 0000060
#define CREAD 0000200

/* c_lflag */
#define ISIG 0000001
#define ICANON 0000002
#define ECHO 0000010
#define ECHOE 0000020
#define ECHOK 0000040
#define ECHONL 0000100
#define NOFLSH 0000200
#define TOSTOP 0000400
#define ECHOCTL 0001000
#define ECHOKE 0004000
#define IEXTEN 0100000

/* The control character typed as Ctrl+x. */
#define TTY_CTRL_MASK 037
#define TTY_CTRL(x) ((x) & TTY_CTRL_MASK)
#define TTY_DEL 0177

/* A c_cc slot holding this is disabled. */
#define _POSIX_VDISABLE 0

/* Linux's defaults for a new tty (tty_std_termios). */
#define TTY_DEFAULT_IFLAG (ICRNL | IXON)
#define TTY_DEFAULT_OFLAG (OPOST | ONLCR)
#define TTY_DEFAULT_CFLAG (B38400 | CS8 | CREAD)
#define TTY_DEFAULT_LFLAG (ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | \
			   ECHOKE | IEXTEN)
