/*
 * The PS/2 keyboard: the i8042 controller (already set up by the BIOS)
 * hands us scancode set 1 on IRQ 1.  The interrupt handler reads every
 * waiting byte (which acknowledges the controller), queues it in a small
 * ring and schedules the bottom half; the bottom half decodes.
 *
 * Decoding: a make code presses a key, the same code | 0x80 releases it;
 * 0xE0 prefixes the extended keys (right Ctrl/Alt, arrows, Home, End,
 * Delete, keypad Enter).  Shift, Ctrl, Alt and Caps Lock are tracked;
 * Ctrl+key gives the control character, Alt+key sends ESC before the key
 * (as Linux's console does), Alt+Fn switches to virtual terminal n-1,
 * arrows and the editing keys send the usual VT100 sequences, Enter sends
 * \r and Backspace DEL (the tty's ICRNL and VERASE take it from there).
 * Keys without a meaning here are ignored.
 *
 * kbd_ring_lock protects the scancode ring (interrupt handler and bottom
 * half).  kbd_state_lock protects the modifier state and the E0 prefix;
 * it is held while a key's bytes go to the tty, so keys stay in order.
 * Lock order: kbd_state_lock -> tty->lock -> ... -> vt_lock.
 */
#include "drivers/keyboard.h"
#include "drivers/termios.h"
#include "drivers/vt.h"
#include "entry/intr.h"
#include "main/io.h"
#include "util/spinlock.h"
#include "util/string.h"

#define KBD_DATA 0x60
#define KBD_STATUS 0x64
#define KBD_STATUS_OUTPUT_FULL 0x01
#define KBD_STATUS_AUX_DATA 0x20	/* the byte is from the mouse port */
#define KBD_DRAIN_MAX 16		/* bytes drained at init */

#define SC_RELEASE 0x80
#define SC_EXTENDED 0xE0
#define SC_LCTRL 0x1D
#define SC_LSHIFT 0x2A
#define SC_RSHIFT 0x36
#define SC_LALT 0x38
#define SC_CAPSLOCK 0x3A
#define SC_F1 0x3B
#define SC_F10 0x44
#define SC_F11 0x57
#define SC_F12 0x58
#define SC_TABLE_SIZE 0x3A		/* codes with a character: 0x00-0x39 */
#define SC_EXT_UP 0x48
#define SC_EXT_DOWN 0x50
#define SC_EXT_LEFT 0x4B
#define SC_EXT_RIGHT 0x4D
#define SC_EXT_HOME 0x47
#define SC_EXT_END 0x4F
#define SC_EXT_DELETE 0x53
#define SC_EXT_KP_ENTER 0x1C
#define SC_EXT_KP_SLASH 0x35
#define ASCII_ESC "\033"

/* Set 1 make codes 0x00-0x39, US layout; 0 = no character. */
static const char keymap[SC_TABLE_SIZE] =
	"\0" ASCII_ESC "1234567890-=\177\tqwertyuiop[]\r\0asdfghjkl;'`\0\\zxcvbnm,./\0*\0 ";
static const char keymap_shift[SC_TABLE_SIZE] =
	"\0" ASCII_ESC "!@#$%^&*()_+\177\tQWERTYUIOP{}\r\0ASDFGHJKL:\"~\0|ZXCVBNM<>?\0*\0 ";

static spinlock_t kbd_ring_lock = SPINLOCK_INIT("keyboard scancode ring");
static uint8_t ring[KBD_SCANCODE_RING];	/* under kbd_ring_lock */
static size_t ring_head, ring_count;
static size_t ring_dropped;
static bh_work_t kbd_work;

static spinlock_t kbd_state_lock = SPINLOCK_INIT("keyboard modifiers");
static struct {
	bool shift_l, shift_r, ctrl, alt, caps, extended;
} mods;				/* under kbd_state_lock */

static void type(const char *s, size_t n)
{
	tty_receive(vt_tty(vt_active()), s, n);
}

static int function_key(uint8_t code)
{
	if (code >= SC_F1 && code <= SC_F10)
		return code - SC_F1;
	if (code == SC_F11 || code == SC_F12)
		return SC_F10 - SC_F1 + 1 + (code - SC_F11);
	return -1;
}

static void press_extended(uint8_t code)
{
	static const struct { uint8_t code; const char *seq; } keys[] = {
		{ SC_EXT_UP, ASCII_ESC "[A" }, { SC_EXT_DOWN, ASCII_ESC "[B" },
		{ SC_EXT_RIGHT, ASCII_ESC "[C" }, { SC_EXT_LEFT, ASCII_ESC "[D" },
		{ SC_EXT_HOME, ASCII_ESC "[H" }, { SC_EXT_END, ASCII_ESC "[F" },
		{ SC_EXT_DELETE, ASCII_ESC "[3~" }, { SC_EXT_KP_ENTER, "\r" },
		{ SC_EXT_KP_SLASH, "/" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (keys[i].code == code)
			type(keys[i].seq, strlen(keys[i].seq));
}

static bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

static void press(uint8_t code)
{
	int fn = function_key(code);
	if (fn >= 0) {
		if (mods.alt)
			vt_switch(fn);
		return;
	}
	if (code >= SC_TABLE_SIZE || !keymap[code])
		return;
	bool shift = mods.shift_l || mods.shift_r;
	char c = shift ? keymap_shift[code] : keymap[code];
	if (mods.caps && is_letter(c))
		c = shift ? keymap[code] : keymap_shift[code];
	if (mods.ctrl && (is_letter(c) || (c >= '@' && c <= '_')))
		c = TTY_CTRL(c);
	char out[2];
	size_t n = 0;
	if (mods.alt)
		out[n++] = ASCII_ESC[0];
	out[n++] = c;
	type(out, n);
}

/* Modifier keys; true if code (without the release bit) was one. */
static bool modifier(uint8_t code, bool down)
{
	switch (code) {
	case SC_LSHIFT:
		if (!mods.extended)	/* E0 2A is a fake shift: ignore */
			mods.shift_l = down;
		return true;
	case SC_RSHIFT:
		if (!mods.extended)
			mods.shift_r = down;
		return true;
	case SC_LCTRL:
		mods.ctrl = down;
		return true;
	case SC_LALT:
		mods.alt = down;
		return true;
	case SC_CAPSLOCK:
		if (down)
			mods.caps = !mods.caps;
		return true;
	}
	return false;
}

void kbd_process_scancode(uint8_t sc)
{
	spin_lock(&kbd_state_lock);
	if (sc == SC_EXTENDED) {
		mods.extended = true;
	} else {
		uint8_t code = sc & ~SC_RELEASE;
		bool down = !(sc & SC_RELEASE);
		if (!modifier(code, down) && down) {
			if (mods.extended)
				press_extended(code);
			else
				press(code);
		}
		mods.extended = false;
	}
	spin_unlock(&kbd_state_lock);
}

static void kbd_bottom_half(void *arg)
{
	for (;;) {
		spin_lock(&kbd_ring_lock);
		bool have = ring_count > 0;
		uint8_t sc = ring[ring_head];
		if (have) {
			ring_head = (ring_head + 1) % KBD_SCANCODE_RING;
			ring_count--;
		}
		spin_unlock(&kbd_ring_lock);
		if (!have)
			return;
		kbd_process_scancode(sc);
	}
}

static void kbd_interrupt(intr_frame_t *f)
{
	uint8_t status;
	spin_lock(&kbd_ring_lock);
	while ((status = inb(KBD_STATUS)) & KBD_STATUS_OUTPUT_FULL) {
		uint8_t sc = inb(KBD_DATA);
		if (status & KBD_STATUS_AUX_DATA)
			continue;
		if (ring_count < KBD_SCANCODE_RING)
			ring[(ring_head + ring_count++) % KBD_SCANCODE_RING] = sc;
		else
			ring_dropped++;
	}
	spin_unlock(&kbd_ring_lock);
	bh_schedule(&kbd_work);
}

void kbd_init(void)
{
	bh_init_work(&kbd_work, kbd_bottom_half, NULL);
	for (int i = 0; i < KBD_DRAIN_MAX && (inb(KBD_STATUS) & KBD_STATUS_OUTPUT_FULL); i++)
		inb(KBD_DATA);
	irq_register(IRQ_KEYBOARD, kbd_interrupt);
}
