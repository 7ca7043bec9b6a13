/* The PS/2 keyboard (kernel/drivers/tty/keyboard.c): scancode set 1 as
 * the i8042 controller translates it, US layout.  Keys type into the
 * active virtual terminal's tty; Alt+Fn switches terminals.  The
 * interrupt handler only queues scancodes; a bottom half decodes them. */
#pragma once
#include "util/types.h"

#define KBD_SCANCODE_RING 64

void kbd_init(void);
/* Decodes one scancode as if it had been received (thread or bottom-half
 * context): updates the modifiers, types the key's bytes, or switches
 * terminals. */
void kbd_process_scancode(uint8_t sc);
