/*
 * The tty core: a tty's life (init, registration as a character device),
 * reading and writing through the line discipline, the flip buffer that
 * carries input from interrupt handlers to a bottom half, termios and the
 * signal record, and the wiring of the system's terminals at boot.
 *
 * Readers sleep on tty->readq (cancellable) under tty->lock until
 * ldisc_readable() holds; the discipline broadcasts on readq whenever
 * something becomes readable.  The flip buffer is a ring under flip_lock,
 * filled by tty_receive_irq() (interrupts off) and drained by the tty's
 * bottom half into the discipline under tty->lock; when it is full the
 * byte is dropped and counted in flip_dropped.  Lock order: tty->lock ->
 * out_lock -> device locks; flip_lock alone; tty->lock -> sched_lock.
 *
 * The console device (5:1) is another name for the serial tty, the
 * kernel's interactive terminal.
 */
#include "drivers/tty.h"
#include "drivers/ldisc.h"
#include "drivers/keyboard.h"
#include "drivers/vt.h"
#include "proc/jobctl.h"
#include "proc/pollwait.h"
#include "proc/sched.h"
#include "util/debug.h"
#include "util/errno.h"
#include "util/string.h"

#define FLIP_DRAIN_CHUNK 32

/* Linux's default control characters (INIT_C_CC). */
static const cc_t default_cc[NCCS] = {
	[VINTR] = TTY_CTRL('C'), [VQUIT] = TTY_CTRL('\\'), [VERASE] = TTY_DEL,
	[VKILL] = TTY_CTRL('U'), [VEOF] = TTY_CTRL('D'), [VTIME] = 0, [VMIN] = 1,
	[VSTART] = TTY_CTRL('Q'), [VSTOP] = TTY_CTRL('S'), [VSUSP] = TTY_CTRL('Z'),
	[VREPRINT] = TTY_CTRL('R'), [VDISCARD] = TTY_CTRL('O'),
	[VWERASE] = TTY_CTRL('W'), [VLNEXT] = TTY_CTRL('V'),
};

static ssize_t tty_cdev_read(chardev_t *cd, off64_t off, void *buf, size_t n)
{
	return tty_read(cd->priv, buf, n);
}

static ssize_t tty_cdev_write(chardev_t *cd, off64_t off, const void *buf, size_t n)
{
	return tty_write(cd->priv, buf, n);
}

static uint32_t tty_cdev_poll(chardev_t *cd, poll_table_t *pt)
{
	return tty_poll(cd->priv, pt);
}

static const chardev_ops_t tty_cdev_ops = {
	.read = tty_cdev_read,
	.write = tty_cdev_write,
	.poll = tty_cdev_poll,
};

static void flip_drain(void *arg);

void tty_init(tty_t *tty, const char *name, dev_t dev, const tty_driver_t *driver,
	      void *driver_data)
{
	memset(tty, 0, sizeof(*tty));
	strlcpy(tty->cdev.name, name, sizeof(tty->cdev.name));
	tty->cdev.dev = dev;
	tty->cdev.ops = &tty_cdev_ops;
	tty->cdev.priv = tty;
	list_init(&tty->cdev.link);
	tty->driver = driver;
	tty->driver_data = driver_data;

	spinlock_init(&tty->lock, "tty line discipline and input");
	spinlock_init(&tty->out_lock, "tty output to the device");
	spinlock_init(&tty->flip_lock, "tty flip buffer");
	tty->termios.c_iflag = TTY_DEFAULT_IFLAG;
	tty->termios.c_oflag = TTY_DEFAULT_OFLAG;
	tty->termios.c_cflag = TTY_DEFAULT_CFLAG;
	tty->termios.c_lflag = TTY_DEFAULT_LFLAG;
	memcpy(tty->termios.c_cc, default_cc, sizeof(default_cc));
	wait_queue_init(&tty->readq);
	bh_init_work(&tty->flip_work, flip_drain, tty);
}

int tty_register(tty_t *tty)
{
	return chardev_register(&tty->cdev);
}

ssize_t tty_read(tty_t *tty, void *buf, size_t n)
{
	if (!buf && n)
		return -EINVAL;
	if (n == 0)
		return 0;
	int rc = jobctl_tty_access(tty, tty_get_fg_pgid(tty), SIGTTIN);
	if (rc < 0)
		return rc;
	spin_lock(&tty->lock);
	while (!ldisc_readable(tty, n)) {
		int rc = sched_cancellable_sleep_on(&tty->readq, &tty->lock);
		if (rc < 0) {
			spin_unlock(&tty->lock);
			return rc;
		}
	}
	size_t got = ldisc_read(tty, buf, n);
	spin_unlock(&tty->lock);
	return (ssize_t)got;
}

/* Readable once the discipline has committed input (a whole line in
 * canonical mode, any byte in raw mode); the discipline broadcasts on
 * readq when it commits.  Output never waits. */
uint32_t tty_poll(tty_t *tty, poll_table_t *pt)
{
	uint32_t ev = POLLOUT | POLLWRNORM;
	spin_lock(&tty->lock);
	poll_wait(pt, &tty->readq);
	if (tty->in_committed > 0)
		ev |= POLLIN | POLLRDNORM;
	spin_unlock(&tty->lock);
	return ev;
}

ssize_t tty_write(tty_t *tty, const void *buf, size_t n)
{
	if (!buf && n)
		return -EINVAL;
	spin_lock(&tty->lock);
	tcflag_t oflag = tty->termios.c_oflag;
	bool tostop = tty->termios.c_lflag & TOSTOP;
	int fg = tty->fg_pgid;
	spin_unlock(&tty->lock);
	if (tostop) {
		int rc = jobctl_tty_access(tty, fg, SIGTTOU);
		if (rc < 0)
			return rc;
	}
	ldisc_output(tty, oflag, buf, n);
	return (ssize_t)n;
}

size_t tty_receive(tty_t *tty, const char *buf, size_t n)
{
	size_t taken = 0;
	spin_lock(&tty->lock);
	for (size_t i = 0; i < n; i++)
		taken += ldisc_receive(tty, (uint8_t)buf[i]);
	spin_unlock(&tty->lock);
	return taken;
}

void tty_receive_irq(tty_t *tty, uint8_t c)
{
	spin_lock(&tty->flip_lock);
	if (tty->flip_count < TTY_FLIP_MAX)
		tty->flip[(tty->flip_head + tty->flip_count++) % TTY_FLIP_MAX] = c;
	else
		tty->flip_dropped++;
	spin_unlock(&tty->flip_lock);
	bh_schedule(&tty->flip_work);
}

/* The bottom half: moves flip-buffer bytes to the line discipline in
 * chunks, so flip_lock is never held across the discipline. */
void (*tty_signal_hook)(int pgid, int sig);

/* ^C and friends typed on a tty with a foreground process group become
 * signals for that group, once the signal layer has set the hook.  Runs
 * in the bottom half, with no tty lock held. */
static void deliver_signals(tty_t *tty)
{
	int pgid = tty_get_fg_pgid(tty);
	if (!tty_signal_hook || pgid <= 0)
		return;
	uint32_t sigs = tty_take_signals(tty, &pgid);
	for (int sig = 0; sigs; sig++, sigs >>= 1)
		if (sigs & 1)
			tty_signal_hook(pgid, sig);
}

size_t tty_type(tty_t *tty, const char *buf, size_t n)
{
	size_t taken = tty_receive(tty, buf, n);
	deliver_signals(tty);
	return taken;
}

static void flip_drain(void *arg)
{
	tty_t *tty = arg;
	char chunk[FLIP_DRAIN_CHUNK];

	for (;;) {
		size_t k = 0;
		spin_lock(&tty->flip_lock);
		while (k < sizeof(chunk) && tty->flip_count > 0) {
			chunk[k++] = (char)tty->flip[tty->flip_head];
			tty->flip_head = (tty->flip_head + 1) % TTY_FLIP_MAX;
			tty->flip_count--;
		}
		spin_unlock(&tty->flip_lock);
		if (k == 0)
			return;
		tty_receive(tty, chunk, k);
	}
	deliver_signals(tty);
}

void tty_get_termios(tty_t *tty, termios_t *out)
{
	spin_lock(&tty->lock);
	*out = tty->termios;
	spin_unlock(&tty->lock);
}

void tty_set_termios(tty_t *tty, const termios_t *t)
{
	spin_lock(&tty->lock);
	tcflag_t old = tty->termios.c_lflag;
	tty->termios = *t;
	ldisc_mode_changed(tty, old);
	spin_unlock(&tty->lock);
}

#define TTY_RAW_LFLAGS (ICANON | ECHO | ISIG)

void tty_set_raw(tty_t *tty, bool raw)
{
	spin_lock(&tty->lock);
	tcflag_t old = tty->termios.c_lflag;
	if (raw)
		tty->termios.c_lflag &= ~TTY_RAW_LFLAGS;
	else
		tty->termios.c_lflag |= TTY_DEFAULT_LFLAG & TTY_RAW_LFLAGS;
	ldisc_mode_changed(tty, old);
	spin_unlock(&tty->lock);
}

void tty_flush_input(tty_t *tty)
{
	spin_lock(&tty->lock);
	ldisc_flush(tty);
	spin_unlock(&tty->lock);
}

void tty_set_fg_pgid(tty_t *tty, int pgid)
{
	spin_lock(&tty->lock);
	tty->fg_pgid = pgid;
	spin_unlock(&tty->lock);
}

int tty_get_fg_pgid(tty_t *tty)
{
	spin_lock(&tty->lock);
	int pgid = tty->fg_pgid;
	spin_unlock(&tty->lock);
	return pgid;
}

int tty_get_session(tty_t *tty)
{
	spin_lock(&tty->lock);
	int sid = tty->session;
	spin_unlock(&tty->lock);
	return sid;
}

void tty_set_session(tty_t *tty, int sid, int pgid)
{
	spin_lock(&tty->lock);
	tty->session = sid;
	tty->fg_pgid = pgid;
	spin_unlock(&tty->lock);
}

uint32_t tty_take_signals(tty_t *tty, int *pgid)
{
	spin_lock(&tty->lock);
	uint32_t sigs = tty->sig_pending;
	tty->sig_pending = 0;
	if (pgid)
		*pgid = tty->fg_pgid;
	spin_unlock(&tty->lock);
	return sigs;
}

size_t tty_input_ready(tty_t *tty)
{
	spin_lock(&tty->lock);
	size_t n = tty->in_committed;
	spin_unlock(&tty->lock);
	return n;
}

/* /dev/console: reads and writes go to the console tty. */
static ssize_t console_cdev_read(chardev_t *cd, off64_t off, void *buf, size_t n)
{
	return tty_read(tty_console(), buf, n);
}

static ssize_t console_cdev_write(chardev_t *cd, off64_t off, const void *buf, size_t n)
{
	return tty_write(tty_console(), buf, n);
}

static uint32_t console_cdev_poll(chardev_t *cd, poll_table_t *pt)
{
	return tty_poll(tty_console(), pt);
}

static const chardev_ops_t console_cdev_ops = {
	.read = console_cdev_read,
	.write = console_cdev_write,
	.poll = console_cdev_poll,
};

static chardev_t console_cdev = {
	.name = "console",
	.dev = MKDEV(TTYAUX_MAJOR, TTYAUX_CONSOLE_MINOR),
	.ops = &console_cdev_ops,
};

tty_t *tty_of_dev(dev_t dev)
{
	if (dev == console_cdev.dev)
		return tty_console();
	chardev_t *cd = chardev_lookup(dev);
	if (!cd || cd->ops != &tty_cdev_ops)
		return NULL;
	return container_of(cd, tty_t, cdev);
}

tty_t *tty_console(void)
{
	return tty_serial();
}

void tty_init_all(void)
{
	tty_serial_init();
	vt_tty_init();
	KASSERT(tty_register(tty_serial()) == 0, "cannot register ttyS0");
	for (int i = 0; i < NTERMS; i++)
		KASSERT(tty_register(vt_tty(i)) == 0, "cannot register tty%d", i);
	KASSERT(chardev_register(&console_cdev) == 0, "cannot register the console");
	kbd_init();
}
