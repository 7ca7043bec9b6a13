/*
 * The line discipline: what happens to a typed byte between the device
 * and a reader, and to written bytes on their way to the device.
 *
 * Input is a ring of TTY_INPUT_MAX bytes in the tty: in_len bytes from
 * in_start, of which the first in_committed are readable and the rest
 * are the line being edited.  In canonical mode (ICANON) a line end
 * (newline, VEOL, VEOF) commits the line; erase (VERASE, and ^H too),
 * word erase (VWERASE, with IEXTEN) and kill (VKILL) only ever remove
 * uncommitted bytes.  In raw mode every byte is committed as it comes.
 * Each slot carries a mark: a VEOF is stored marked TTY_MARK_EOF and is
 * never copied to a reader, so ^D on an empty line reads as end of file
 * and ^D after text pushes the text out without a newline.
 *
 * With ISIG, VINTR (^C), VQUIT (^\) and VSUSP (^Z) record SIGINT, SIGQUIT
 * or SIGTSTP for the foreground process group and discard the input
 * (unless NOFLSH); the echo is "^C" and a newline.
 *
 * Echo goes through output processing like written data.  Erasing a
 * byte echoed as "^X" (ECHOCTL) backs up two columns; a tab backs up one
 * (columns are not tracked).
 *
 * Everything here except ldisc_output runs under tty->lock; output runs
 * under out_lock, taken per chunk so a long write does not keep
 * interrupts off for its whole length.
 */
#include "drivers/ldisc.h"
#include "proc/sched.h"

#define ASCII_BS '\b'
#define ASCII_BEL '\a'
#define ASCII_CTL_END 0x20		/* bytes below are control characters */
#define CTL_ECHO_BIAS 0x40		/* ^X shows X = c + 0x40 */
#define OUT_CHUNK 64
#define ONLCR_EXPANSION 2		/* \n becomes \r\n */
#define ECHO_ERASE "\b \b"		/* back, blank, back */
#define CTL_ECHO_WIDTH 2		/* "^X" */

static tcflag_t lflag(const tty_t *tty) { return tty->termios.c_lflag; }

static size_t slot(const tty_t *tty, size_t i)
{
	return (tty->in_start + i) % TTY_INPUT_MAX;
}

/* True if c is the enabled control character at index `which`. */
static bool is_cc(const tty_t *tty, uint8_t c, int which)
{
	cc_t v = tty->termios.c_cc[which];
	return v != _POSIX_VDISABLE && c == v;
}

static void echo_raw(tty_t *tty, const char *s, size_t n)
{
	ldisc_output(tty, tty->termios.c_oflag, s, n);
}

static bool echoed_as_ctl(const tty_t *tty, uint8_t c)
{
	return (lflag(tty) & ECHOCTL) &&
	       ((c < ASCII_CTL_END && c != '\t' && c != '\n') || c == TTY_DEL);
}

static void echo_char(tty_t *tty, uint8_t c)
{
	if (!(lflag(tty) & ECHO))
		return;
	if (echoed_as_ctl(tty, c)) {
		char s[CTL_ECHO_WIDTH] = { '^', c == TTY_DEL ? '?' : (char)(c + CTL_ECHO_BIAS) };
		echo_raw(tty, s, sizeof(s));
	} else {
		char ch = (char)c;
		echo_raw(tty, &ch, 1);
	}
}

static void echo_newline(tty_t *tty)
{
	if (lflag(tty) & (ECHO | ECHONL))
		echo_raw(tty, "\n", 1);
}

/* Appends a byte; ordinary bytes may not take the last free slot, which
 * is kept for a line end (tty.h). */
static bool ring_put(tty_t *tty, uint8_t c, uint8_t mark)
{
	size_t limit = mark == TTY_MARK_DATA ? TTY_INPUT_MAX - 1 : TTY_INPUT_MAX;
	if (tty->in_len >= limit) {
		tty->dropped++;
		return false;
	}
	size_t i = slot(tty, tty->in_len++);
	tty->in_buf[i] = c;
	tty->in_mark[i] = mark;
	return true;
}

static void commit(tty_t *tty)
{
	tty->in_committed = tty->in_len;
	sched_broadcast_on(&tty->readq);
}

static bool editing(const tty_t *tty)
{
	return tty->in_len > tty->in_committed;
}

static uint8_t last_typed(const tty_t *tty)
{
	return tty->in_buf[slot(tty, tty->in_len - 1)];
}

/* Removes the last uncommitted byte, erasing it on the screen. */
static void erase_one(tty_t *tty, uint8_t erase_char, bool visual)
{
	uint8_t c = last_typed(tty);
	tty->in_len--;
	if (!(lflag(tty) & ECHO))
		return;
	if (!visual) {
		echo_char(tty, erase_char);
		return;
	}
	int width = echoed_as_ctl(tty, c) ? CTL_ECHO_WIDTH : 1;
	for (int i = 0; i < width; i++)
		echo_raw(tty, ECHO_ERASE, sizeof(ECHO_ERASE) - 1);
}

static bool is_blank(uint8_t c) { return c == ' ' || c == '\t'; }

static void erase_word(tty_t *tty, uint8_t c)
{
	bool visual = lflag(tty) & ECHOE;
	while (editing(tty) && is_blank(last_typed(tty)))
		erase_one(tty, c, visual);
	while (editing(tty) && !is_blank(last_typed(tty)))
		erase_one(tty, c, visual);
}

static void kill_line(tty_t *tty, uint8_t c)
{
	if ((lflag(tty) & (ECHOE | ECHOKE)) == (ECHOE | ECHOKE)) {
		while (editing(tty))
			erase_one(tty, c, true);
		return;
	}
	tty->in_len = tty->in_committed;
	echo_char(tty, c);
	if (lflag(tty) & ECHOK)
		echo_newline(tty);
}

static void record_signal(tty_t *tty, uint8_t c, int sig)
{
	if (!(lflag(tty) & NOFLSH))
		ldisc_flush(tty);
	tty->sig_pending |= TTY_SIG_BIT(sig);
	echo_char(tty, c);
	echo_newline(tty);
}

/* ISIG characters; true if c was one. */
static bool handle_signal_char(tty_t *tty, uint8_t c)
{
	if (!(lflag(tty) & ISIG))
		return false;
	if (is_cc(tty, c, VINTR))
		record_signal(tty, c, SIGINT);
	else if (is_cc(tty, c, VQUIT))
		record_signal(tty, c, SIGQUIT);
	else if (is_cc(tty, c, VSUSP))
		record_signal(tty, c, SIGTSTP);
	else
		return false;
	return true;
}

enum canon_result { CANON_ORDINARY, CANON_DONE, CANON_DROPPED };

/* Canonical-mode editing and line ends. */
static enum canon_result handle_canon_char(tty_t *tty, uint8_t c)
{
	if (is_cc(tty, c, VERASE) || c == ASCII_BS) {
		if (editing(tty))
			erase_one(tty, c, lflag(tty) & ECHOE);
	} else if (is_cc(tty, c, VKILL)) {
		kill_line(tty, c);
	} else if ((lflag(tty) & IEXTEN) && is_cc(tty, c, VWERASE)) {
		erase_word(tty, c);
	} else if (is_cc(tty, c, VEOF)) {
		if (!ring_put(tty, c, TTY_MARK_EOF))
			return CANON_DROPPED;
		commit(tty);
	} else if (c == '\n' || is_cc(tty, c, VEOL) || is_cc(tty, c, VEOL2)) {
		if (!ring_put(tty, c, TTY_MARK_EOL))
			return CANON_DROPPED;
		if (c == '\n')
			echo_newline(tty);
		else
			echo_char(tty, c);
		commit(tty);
	} else {
		return CANON_ORDINARY;
	}
	return CANON_DONE;
}

static void ring_bell(tty_t *tty)
{
	if (lflag(tty) & ECHO)
		echo_raw(tty, "\a", 1);
}

bool ldisc_receive(tty_t *tty, uint8_t c)
{
	tcflag_t iflag = tty->termios.c_iflag;

	if (c == '\r') {
		if (iflag & IGNCR)
			return true;
		if (iflag & ICRNL)
			c = '\n';
	} else if (c == '\n' && (iflag & INLCR)) {
		c = '\r';
	}
	if (handle_signal_char(tty, c))
		return true;
	if (lflag(tty) & ICANON) {
		enum canon_result r = handle_canon_char(tty, c);
		if (r == CANON_DROPPED)
			ring_bell(tty);
		if (r != CANON_ORDINARY)
			return r == CANON_DONE;
	}
	if (!ring_put(tty, c, TTY_MARK_DATA)) {
		ring_bell(tty);
		return false;
	}
	echo_char(tty, c);
	if (!(lflag(tty) & ICANON))
		commit(tty);
	return true;
}

bool ldisc_readable(tty_t *tty, size_t n)
{
	if (lflag(tty) & ICANON)
		return tty->in_committed > 0;
	size_t vmin = tty->termios.c_cc[VMIN];
	if (vmin == 0)
		return true;
	return tty->in_committed >= MIN(vmin, n);
}

static uint8_t take_one(tty_t *tty, uint8_t *mark)
{
	uint8_t c = tty->in_buf[tty->in_start];
	*mark = tty->in_mark[tty->in_start];
	tty->in_start = (tty->in_start + 1) % TTY_INPUT_MAX;
	tty->in_len--;
	tty->in_committed--;
	return c;
}

size_t ldisc_read(tty_t *tty, uint8_t *buf, size_t n)
{
	bool canon = lflag(tty) & ICANON;
	size_t got = 0;
	uint8_t mark;

	while (got < n && tty->in_committed > 0) {
		uint8_t c = take_one(tty, &mark);
		if (mark == TTY_MARK_EOF) {
			if (canon)
				return got;
			continue;	/* left over from canonical mode */
		}
		buf[got++] = c;
		if (canon && mark == TTY_MARK_EOL)
			return got;
	}
	/* A VEOF right after the text read is a push, not end of file. */
	if (canon && got > 0 && tty->in_committed > 0 &&
	    tty->in_mark[tty->in_start] == TTY_MARK_EOF)
		take_one(tty, &mark);
	return got;
}

void ldisc_mode_changed(tty_t *tty, tcflag_t old_lflag)
{
	if ((old_lflag ^ lflag(tty)) & ICANON)
		tty->in_committed = tty->in_len;
	sched_broadcast_on(&tty->readq);
}

void ldisc_flush(tty_t *tty)
{
	tty->in_start = slot(tty, tty->in_len);
	tty->in_len = tty->in_committed = 0;
}

static void flush_chunk(tty_t *tty, const char *chunk, size_t *k)
{
	if (*k == 0)
		return;
	spin_lock(&tty->out_lock);
	tty->driver->output(tty, chunk, *k);
	spin_unlock(&tty->out_lock);
	*k = 0;
}

void ldisc_output(tty_t *tty, tcflag_t oflag, const char *buf, size_t n)
{
	bool onlcr = (oflag & (OPOST | ONLCR)) == (OPOST | ONLCR);
	char chunk[OUT_CHUNK];
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (k + ONLCR_EXPANSION > sizeof(chunk))
			flush_chunk(tty, chunk, &k);
		if (onlcr && buf[i] == '\n')
			chunk[k++] = '\r';
		chunk[k++] = buf[i];
	}
	flush_chunk(tty, chunk, &k);
}
