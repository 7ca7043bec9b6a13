/* Suite "tty": the line discipline driven with injected input on a
 * private tty whose device output is captured (so echoes are checked
 * byte for byte), then the real terminals: the registry entries, the
 * flip buffer's bottom-half path, a virtual terminal's screen buffer,
 * and the keyboard decoder switching terminals and typing into one.
 *
 * Covered: canonical reads (ICRNL, one line per read, partial reads),
 * erase (DEL and ^H), word erase, kill, ^D as end of file and as a push,
 * the full-buffer rule (ordinary bytes dropped with a bell, the line end
 * still accepted, nothing once full), raw mode, ^C/^\/^Z recorded for the
 * foreground group with the input flushed, output processing, mode
 * switches keeping input, a blocked reader woken by input and one ended
 * by cancellation with -EINTR. */
#include "test/ktest.h"
#include "drivers/keyboard.h"
#include "drivers/tty.h"
#include "drivers/vt.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "util/errno.h"
#include "util/string.h"

#define CAPTURE_MAX 2048
#define TEST_TTY_MINOR 200		/* never registered */
#define TEST_PGID 42
#define READER_WAIT_MS 30
#define BH_WAIT_MS 30

/* Scancodes (set 1) used by the keyboard test. */
#define SC_ALT 0x38
#define SC_SHIFT 0x2A
#define SC_F1 0x3B
#define SC_F2 0x3C
#define SC_H 0x23
#define SC_I 0x17
#define SC_1 0x02
#define SC_C 0x2E
#define SC_CTRL 0x1D
#define SC_ENTER 0x1C
#define SC_BREAK 0x80

static tty_t t;
static char captured[CAPTURE_MAX];
static size_t ncaptured;

static void capture_output(tty_t *tty, const char *buf, size_t n)
{
	for (size_t i = 0; i < n && ncaptured < CAPTURE_MAX - 1; i++)
		captured[ncaptured++] = buf[i];
	captured[ncaptured] = '\0';
}

static const tty_driver_t capture_driver = { .output = capture_output };

static void fresh_tty(void)
{
	tty_init(&t, "ttytest", MKDEV(TTY_MAJOR, TEST_TTY_MINOR), &capture_driver, NULL);
	ncaptured = 0;
	captured[0] = '\0';
}

static void inject(const char *s)
{
	tty_inject(&t, s, strlen(s));
}

/* One read into a NUL-terminated buffer; returns the read's result. */
static ssize_t read_str(char *buf, size_t n)
{
	ssize_t got = tty_read(&t, buf, n - 1);
	buf[got > 0 ? got : 0] = '\0';
	return got;
}

static bool captured_has(const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i + n <= ncaptured; i++)
		if (memcmp(captured + i, s, n) == 0)
			return true;
	return false;
}

static void test_canonical(void)
{
	char buf[64];
	fresh_tty();
	inject("hello\r");
	KT_EQ(read_str(buf, sizeof(buf)), 6);
	KT_ASSERT(strcmp(buf, "hello\n") == 0, "read \"%s\"", buf);
	KT_ASSERT(strcmp(captured, "hello\r\n") == 0, "echo \"%s\"", captured);

	inject("a\nbcdef\n");		/* one line per read */
	KT_EQ(read_str(buf, sizeof(buf)), 2);
	KT_EQ(read_str(buf, 4), 3);	/* partial: "bcd" */
	KT_ASSERT(strcmp(buf, "bcd") == 0, "partial read \"%s\"", buf);
	KT_EQ(read_str(buf, sizeof(buf)), 3);
	KT_ASSERT(strcmp(buf, "ef\n") == 0, "rest \"%s\"", buf);
	KT_EQ(tty_input_ready(&t), 0);

	inject("typing");		/* no line yet: nothing readable */
	KT_EQ(tty_input_ready(&t), 0);
	tty_flush_input(&t);
}

static void test_editing(void)
{
	char buf[64];
	fresh_tty();
	inject("\x7f" "abc\x7f\bd\n");	/* erase at line start does nothing */
	KT_EQ(read_str(buf, sizeof(buf)), 3);
	KT_ASSERT(strcmp(buf, "ad\n") == 0, "erase: \"%s\"", buf);
	KT_ASSERT(strcmp(captured, "abc\b \b\b \bd\r\n") == 0, "erase echo \"%s\"", captured);

	inject("junk\x15ok\n");
	KT_EQ(read_str(buf, sizeof(buf)), 3);
	KT_ASSERT(strcmp(buf, "ok\n") == 0, "kill: \"%s\"", buf);

	inject("one two  \x17three\n");
	read_str(buf, sizeof(buf));
	KT_ASSERT(strcmp(buf, "one three\n") == 0, "word erase: \"%s\"", buf);

	ncaptured = 0;
	inject("x\x01\x7f\n");		/* ^A echoes as two columns */
	read_str(buf, sizeof(buf));
	KT_ASSERT(strcmp(buf, "x\n") == 0, "erase of ^A: \"%s\"", buf);
	KT_ASSERT(strcmp(captured, "x^A\b \b\b \b\r\n") == 0, "ctl echo \"%s\"", captured);

	inject("done\n");		/* erase cannot reach a finished line */
	inject("\x7f\x7f\x15");
	KT_EQ(read_str(buf, sizeof(buf)), 5);
}

static void test_eof(void)
{
	char buf[64];
	fresh_tty();
	inject("abc\x04");
	KT_EQ(read_str(buf, sizeof(buf)), 3);	/* ^D pushes the text out */
	KT_ASSERT(strcmp(buf, "abc") == 0, "push: \"%s\"", buf);
	KT_EQ(tty_input_ready(&t), 0);
	inject("\x04");
	KT_EQ(read_str(buf, sizeof(buf)), 0);	/* on an empty line: EOF */
	inject("\x04" "more\n");
	KT_EQ(read_str(buf, sizeof(buf)), 0);
	KT_EQ(read_str(buf, sizeof(buf)), 5);
	KT_ASSERT(!captured_has("^D"), "^D was echoed: \"%s\"", captured);
}

static void test_full_buffer(void)
{
	static char big[TTY_INPUT_MAX + 1];
	fresh_tty();
	memset(big, 'x', TTY_INPUT_MAX);
	KT_EQ(tty_inject(&t, big, TTY_INPUT_MAX), TTY_INPUT_MAX - 1);
	KT_EQ(t.dropped, 1);
	KT_ASSERT(captured_has("\a"), "no bell when the buffer filled");
	KT_EQ(tty_inject(&t, "y", 1), 0);	/* still full */
	KT_EQ(tty_inject(&t, "\n", 1), 1);	/* the line end always fits */
	KT_EQ(tty_input_ready(&t), TTY_INPUT_MAX);
	KT_EQ(tty_inject(&t, "\n", 1), 0);	/* now truly full */
	KT_EQ(t.dropped, 3);
	KT_EQ(tty_read(&t, big, sizeof(big)), TTY_INPUT_MAX);
	KT_ASSERT(big[0] == 'x' && big[TTY_INPUT_MAX - 2] == 'x' &&
		  big[TTY_INPUT_MAX - 1] == '\n', "contents of the full line");
	KT_EQ(tty_inject(&t, "ok\n", 3), 3);	/* room again */
	KT_EQ(tty_read(&t, big, sizeof(big)), 3);
}

static void test_raw_mode(void)
{
	char buf[64];
	fresh_tty();
	tty_set_raw(&t, true);
	inject("ab\x7f\x03\x04\r");
	KT_EQ(ncaptured, 0);			/* no echo */
	KT_EQ(tty_input_ready(&t), 6);
	KT_EQ(tty_read(&t, buf, 2), 2);		/* any amount, no lines */
	KT_EQ(tty_read(&t, buf + 2, sizeof(buf)), 4);
	KT_ASSERT(memcmp(buf, "ab\x7f\x03\x04\n", 6) == 0, "raw bytes changed");
	KT_EQ(tty_take_signals(&t, NULL), 0);	/* ^C is data here */

	inject("par");			/* raw -> canonical: readable at once */
	tty_set_raw(&t, false);
	KT_EQ(tty_input_ready(&t), 3);
	KT_EQ(read_str(buf, sizeof(buf)), 3);
	inject("tial");			/* canonical -> raw: the line is readable */
	KT_EQ(tty_input_ready(&t), 0);
	tty_set_raw(&t, true);
	KT_EQ(tty_input_ready(&t), 4);
	tty_set_raw(&t, false);
	tty_flush_input(&t);

	termios_t tio;			/* output processing off */
	tty_get_termios(&t, &tio);
	KT_ASSERT(tio.c_lflag & ICANON && tio.c_lflag & ECHO, "defaults not restored");
	ncaptured = 0;
	tty_write(&t, "a\nb", 3);
	KT_ASSERT(strcmp(captured, "a\r\nb") == 0, "ONLCR: \"%s\"", captured);
	tio.c_oflag &= ~OPOST;
	tty_set_termios(&t, &tio);
	ncaptured = 0;
	tty_write(&t, "a\nb", 3);
	KT_ASSERT(strcmp(captured, "a\nb") == 0, "no OPOST: \"%s\"", captured);
}

static void test_signals(void)
{
	char buf[64];
	int pgid = 0;
	fresh_tty();
	tty_set_fg_pgid(&t, TEST_PGID);
	KT_EQ(tty_get_fg_pgid(&t), TEST_PGID);
	inject("line\npartial\x03");
	KT_EQ(tty_take_signals(&t, &pgid), TTY_SIG_BIT(SIGINT));
	KT_EQ(pgid, TEST_PGID);
	KT_EQ(tty_take_signals(&t, NULL), 0);	/* taking clears */
	KT_EQ(tty_input_ready(&t), 0);		/* input flushed */
	KT_ASSERT(captured_has("^C\r\n"), "echo \"%s\"", captured);
	inject("\x1c\x1a" "ok\n");
	KT_EQ(tty_take_signals(&t, NULL), TTY_SIG_BIT(SIGQUIT) | TTY_SIG_BIT(SIGTSTP));
	KT_EQ(read_str(buf, sizeof(buf)), 3);
}

static void *reader_main(long arg1, void *arg2)
{
	char *buf = arg2;
	ssize_t got = tty_read(&t, buf, (size_t)arg1);
	return (void *)(intptr_t)got;
}

static kthread_t *start_reader(char *buf, size_t n)
{
	kthread_t *thr = kthread_create(curproc, reader_main, (long)n, buf);
	KT_ASSERT(thr != NULL, "cannot create a reader");
	if (thr)
		sched_make_runnable(thr);
	return thr;
}

static void test_blocking(void)
{
	static char buf[64];
	void *ret = NULL;
	fresh_tty();

	kthread_t *thr = start_reader(buf, sizeof(buf));
	if (!thr)
		return;
	sched_sleep_ms(READER_WAIT_MS);
	KT_EQ(thr->state, KT_SLEEP_CANCELLABLE);	/* waiting for a line */
	inject("hi");
	sched_sleep_ms(READER_WAIT_MS);
	KT_EQ(thr->state, KT_SLEEP_CANCELLABLE);	/* still no line */
	inject("\n");
	kthread_join(thr, &ret);
	KT_EQ((intptr_t)ret, 3);
	KT_ASSERT(memcmp(buf, "hi\n", 3) == 0, "reader got the wrong line");

	thr = start_reader(buf, sizeof(buf));
	if (!thr)
		return;
	sched_sleep_ms(READER_WAIT_MS);
	kthread_cancel(thr, NULL);
	kthread_join(thr, &ret);
	KT_EQ((intptr_t)ret, -EINTR);

	/* Input through the flip buffer: processed by the bottom half. */
	thr = start_reader(buf, sizeof(buf));
	if (!thr)
		return;
	tty_receive_irq(&t, 'z');
	tty_receive_irq(&t, '\r');
	kthread_join(thr, &ret);
	KT_EQ((intptr_t)ret, 2);
	KT_ASSERT(memcmp(buf, "z\n", 2) == 0, "flip-buffer input lost");
}

static void test_registry(void)
{
	chardev_t *cd = chardev_lookup(MKDEV(TTY_MAJOR, TTY_SERIAL_MINOR_BASE));
	KT_ASSERT(cd && strcmp(cd->name, "ttyS0") == 0 && cd->priv == tty_serial(),
		  "ttyS0 is not 4:64");
	KT_EQ(MKDEV(TTY_MAJOR, TTY_SERIAL_MINOR_BASE), 0x440);
	cd = chardev_lookup(MKDEV(TTYAUX_MAJOR, TTYAUX_CONSOLE_MINOR));
	KT_ASSERT(cd && strcmp(cd->name, "console") == 0, "no console at 5:1");
	for (int i = 0; i < NTERMS; i++) {
		cd = chardev_lookup(MKDEV(TTY_MAJOR, TTY_VT_MINOR_BASE + i));
		KT_ASSERT(cd && cd->priv == vt_tty(i), "tty%d is not 4:%d", i, i);
	}
	KT_ASSERT(chardev_lookup_name("tty0") == &vt_tty(0)->cdev, "tty0 by name");
	KT_ASSERT(tty_console() == tty_serial(), "the console is not ttyS0");
}

static bool screen_shows(int n)
{
	for (int r = 0; r < VGA_ROWS; r++)
		for (int c = 0; c < VGA_COLS; c++)
			if (vga_get_cell((size_t)r * VGA_COLS + c) != vt_cell_at(n, r, c))
				return false;
	return true;
}

static void keys(const uint8_t *codes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kbd_process_scancode(codes[i]);
}

static void test_vt_and_keyboard(void)
{
	if (NTERMS < 2)
		return;
	tty_t *vt1 = vt_tty(1);
	char buf[32];
	int row, col;

	KT_EQ(vt_switch(NTERMS), -EINVAL);
	KT_EQ(vt_active(), 0);
	tty_write(vt1, "\nVT1 says hi\n", 13);
	vt_cursor(1, &row, &col);
	KT_EQ(col, 0);
	KT_EQ(vga_cell_char(vt_cell_at(1, row - 1, 0)), 'V');
	KT_EQ(vga_cell_char(vt_cell_at(1, row - 1, 10)), 'i');
	KT_ASSERT(screen_shows(0), "screen is not VT 0's buffer");

	static const uint8_t alt_f2[] = { SC_ALT, SC_F2, SC_F2 | SC_BREAK, SC_ALT | SC_BREAK };
	keys(alt_f2, sizeof(alt_f2));
	KT_EQ(vt_active(), 1);
	KT_ASSERT(screen_shows(1), "screen is not VT 1's buffer after Alt+F2");

	tty_flush_input(vt1);
	static const uint8_t typing[] = {
		SC_H, SC_H | SC_BREAK, SC_I, SC_I | SC_BREAK,
		SC_SHIFT, SC_1, SC_1 | SC_BREAK, SC_SHIFT | SC_BREAK,
		SC_CTRL, SC_C, SC_C | SC_BREAK, SC_CTRL | SC_BREAK,	/* ^C flushes */
		SC_H, SC_H | SC_BREAK, SC_SHIFT, SC_1, SC_1 | SC_BREAK,
		SC_SHIFT | SC_BREAK, SC_ENTER, SC_ENTER | SC_BREAK,
	};
	keys(typing, sizeof(typing));
	KT_EQ(tty_take_signals(vt1, NULL), TTY_SIG_BIT(SIGINT));
	KT_EQ(tty_read(vt1, buf, sizeof(buf)), 3);
	KT_ASSERT(memcmp(buf, "h!\n", 3) == 0, "typed \"%c%c%c\"", buf[0], buf[1], buf[2]);
	vt_cursor(1, &row, &col);
	KT_EQ(vga_cell_char(vt_cell_at(1, row - 1, 1)), '!');	/* the echo */
	KT_ASSERT(screen_shows(1), "echo not on the screen");

	static const uint8_t alt_f1[] = { SC_ALT, SC_F1, SC_F1 | SC_BREAK, SC_ALT | SC_BREAK };
	keys(alt_f1, sizeof(alt_f1));
	KT_EQ(vt_active(), 0);
	KT_ASSERT(screen_shows(0), "screen is not VT 0's buffer after Alt+F1");
}

static void tty_suite(void)
{
	test_canonical();
	test_editing();
	test_eof();
	test_full_buffer();
	test_raw_mode();
	test_signals();
	test_blocking();
	test_registry();
	test_vt_and_keyboard();
}
KTEST_SUITE("tty", tty_suite);
