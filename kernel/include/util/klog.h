/* The kernel log (kernel/util/klog.c): a ring of the last KLOG_SIZE bytes
 * the kernel printed (everything kprintf writes to the console: boot
 * messages, debug channels, reports), for syslog(2) and dmesg.
 *
 * Two positions move over it, as Linux's: the reader's (READ consumes
 * from there) and the clear mark (READ_ALL shows what follows it); both
 * fall behind the ring when it wraps and then start at its oldest byte.
 * Writers never wait and wake no one (kprintf runs under any lock, in
 * interrupts too); a reader that wants to wait polls. */
#pragma once
#include "util/types.h"

#define KLOG_SIZE (64u * 1024u)
#define KLOG_LEVEL_DEFAULT 7	/* the console level syslog reports at boot */

/* Appends n bytes (kprintf's console output). */
void klog_write(const char *s, size_t n);
/* The last (at most n) bytes after the clear mark; their count. */
size_t klog_read_all(char *buf, size_t n);
/* At most n unread bytes, oldest first, which are then read. */
size_t klog_read(char *buf, size_t n);
/* Unread bytes. */
size_t klog_unread(void);
/* Moves the clear mark to the end (READ_ALL then shows only newer text). */
void klog_clear(void);
/* The console level syslog's CONSOLE_* actions set (1..8; recorded: the
 * serial console is M-OS's log and always prints everything). */
int klog_console_level(void);
void klog_set_console_level(int level);
