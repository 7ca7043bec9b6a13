/* Terminals (kernel/drivers/tty/): a tty joins a device driver (the
 * serial port, a VGA virtual terminal, a test's capture buffer) to the
 * line discipline (ldisc.c), which edits input lines, echoes, turns
 * control characters into signal records and post-processes output.
 * doc/drivers.md describes the behaviour in full.
 *
 * Input arrives three ways: tty_receive_irq() from an interrupt handler
 * (bytes wait in the tty's flip buffer and a bottom half feeds them to
 * the line discipline), tty_receive() from thread or bottom-half context,
 * and tty_inject() for tests (the same as tty_receive).  Readers sleep in
 * tty_read() until the discipline has something for them: a whole line
 * in canonical mode (ICANON), any byte in raw mode.
 *
 * The input buffer holds TTY_INPUT_MAX bytes: the lines typed but not yet
 * read and the line being edited.  When it is full, ordinary characters
 * are dropped (counted in `dropped`, and the bell is echoed if ECHO is
 * on), but the last slot is kept for a line end, so a newline or ^D can
 * always finish the line being typed; once that slot is taken, everything
 * is dropped until a reader makes room.
 *
 * Locks (order: lock -> out_lock -> the driver's device lock):
 *  - lock: the termios, the input ring and its marks, fg_pgid,
 *    session, sig_pending and the counters; readers sleep on readq under it;
 *  - out_lock: serialises output to the device, so an echo and a write
 *    never interleave inside a chunk;
 *  - flip_lock: the flip buffer filled by interrupt handlers; taken
 *    alone. */
#pragma once
#include "drivers/chardev.h"
#include "drivers/termios.h"
#include "entry/intr.h"
#include "proc/waitqueue.h"
#include "util/spinlock.h"

#define TTY_INPUT_MAX 512
#define TTY_FLIP_MAX 256

/* Signals the line discipline records for the foreground process group
 * (Linux's numbers; delivery comes with user mode). */
#define SIGINT 2
#define SIGQUIT 3
#define SIGTSTP 20
#define TTY_SIG_BIT(sig) (1u << (sig))

struct tty;

typedef struct tty_driver {
	/* Puts n bytes, already output-processed, on the device.  Called
	 * with out_lock held (interrupts off), perhaps from a bottom half:
	 * must not sleep. */
	void (*output)(struct tty *tty, const char *buf, size_t n);
} tty_driver_t;

typedef struct tty {
	chardev_t cdev;			/* name, dev_t, registry link */
	const tty_driver_t *driver;
	void *driver_data;

	spinlock_t lock;
	termios_t termios;
	uint8_t in_buf[TTY_INPUT_MAX];	/* ring of input bytes */
	uint8_t in_mark[TTY_INPUT_MAX];	/* per slot: TTY_MARK_* */
	size_t in_start;		/* ring index of the first unread byte */
	size_t in_len;			/* bytes in the ring */
	size_t in_committed;		/* of which readable (whole lines) */
	wait_queue_t readq;
	int fg_pgid;			/* foreground process group, 0 = none */
	int session;			/* the session it controls, 0 = none */
	uint32_t sig_pending;		/* TTY_SIG_BIT(sig) for fg_pgid */
	size_t dropped;			/* input bytes lost to a full buffer */

	spinlock_t out_lock;

	spinlock_t flip_lock;
	uint8_t flip[TTY_FLIP_MAX];
	size_t flip_head, flip_count;	/* under flip_lock */
	size_t flip_dropped;		/* under flip_lock */
	bh_work_t flip_work;
} tty_t;

/* Per-slot marks in in_mark. */
#define TTY_MARK_DATA 0
#define TTY_MARK_EOL 1		/* a newline or VEOL that ends a line */
#define TTY_MARK_EOF 2		/* a VEOF: ends the line, is not data */

/* Sets up a tty with Linux's default termios (canonical, echo, signals,
 * \n -> \r\n on output).  Does not register it. */
void tty_init(tty_t *tty, const char *name, dev_t dev, const tty_driver_t *driver,
	      void *driver_data);
/* Makes the tty a character device in the registry. */
int tty_register(tty_t *tty);

/* Blocks until input is available (see above) and copies at most n
 * bytes: in canonical mode, at most one line (ending with its newline;
 * a VEOF ends it too and is not copied, so 0 is end of file).  -EINTR
 * if the thread is cancelled while waiting.  A background process
 * reading its controlling terminal gets SIGTTIN (-EINTR) or -EIO; one
 * writing with TOSTOP set gets SIGTTOU (proc/jobctl.h). */
ssize_t tty_read(tty_t *tty, void *buf, size_t n);
/* Writes n bytes through output processing; returns n. */
ssize_t tty_write(tty_t *tty, const void *buf, size_t n);
/* poll: POLLIN once a read would not block, POLLOUT always. */
struct poll_table;
uint32_t tty_poll(tty_t *tty, struct poll_table *pt);

/* Input from an interrupt handler: queued, processed in a bottom half. */
void tty_receive_irq(tty_t *tty, uint8_t c);
/* As if typed (TIOCSTI): input through the line discipline, and the
 * signals it raises delivered to the foreground group at once. */
size_t tty_type(tty_t *tty, const char *buf, size_t n);
/* Input processed now (thread or bottom-half context); returns how many
 * bytes the buffer took (dropped bytes do not count). */
size_t tty_receive(tty_t *tty, const char *buf, size_t n);
#define tty_inject tty_receive

void tty_get_termios(tty_t *tty, termios_t *out);
/* Changing ICANON keeps typed input: raw -> canonical makes what is
 * there readable at once; canonical -> raw makes the line being edited
 * readable. */
void tty_set_termios(tty_t *tty, const termios_t *t);
/* raw: ICANON, ECHO and ISIG off (the cfmakeraw local flags); !raw: back
 * to the defaults for those three. */
void tty_set_raw(tty_t *tty, bool raw);
/* Discards all input, typed and unread. */
void tty_flush_input(tty_t *tty);

void tty_set_fg_pgid(tty_t *tty, int pgid);
int tty_get_fg_pgid(tty_t *tty);
/* The session the tty is the controlling terminal of (0: none); setting
 * it also makes pgid the foreground group. */
int tty_get_session(tty_t *tty);
void tty_set_session(tty_t *tty, int sid, int pgid);
/* Returns and clears the recorded signals; *pgid gets the group they
 * are for. */
uint32_t tty_take_signals(tty_t *tty, int *pgid);
/* Bytes readable now (whole lines in canonical mode). */
size_t tty_input_ready(tty_t *tty);

/* Creates and registers the serial tty (ttyS0, 4:64), the virtual
 * terminals (tty0.., 4:0..) with the keyboard, and the console (5:1,
 * the serial tty); needs interrupts and the scheduler. */
void tty_init_all(void);
/* The tty the kernel console reads: the serial port's. */
tty_t *tty_console(void);
/* The tty behind a character device number (the console included), or
 * NULL if dev is not a tty. */
tty_t *tty_of_dev(dev_t dev);
/* Set by the signal layer: sends sig to process group pgid.  Typed ISIG
 * characters arriving by interrupt go through it (bits of sig_pending are
 * then consumed); without it they stay recorded in sig_pending. */
extern void (*tty_signal_hook)(int pgid, int sig);
/* The serial port's tty (ttyS0): created by tty_serial_init
 * (kernel/drivers/tty/serial_tty.c), which takes over COM1's input. */
void tty_serial_init(void);
tty_t *tty_serial(void);
