/*
 * The kernel log ring (util/klog.h).  `head` counts every byte ever
 * written; byte i lives at ring[i % KLOG_SIZE] while i >= head -
 * KLOG_SIZE.  `read_pos` (READ's) and `clear_pos` (READ_ALL's start) are
 * such counts too, raised to the oldest byte kept when the ring has
 * overrun them.  klog_lock (a spinlock, so kprintf may log from an
 * interrupt) protects all of it; copies out of the ring are made under
 * it into kernel buffers, never to user memory.
 */
#include "util/klog.h"
#include "util/spinlock.h"

static spinlock_t klog_lock = SPINLOCK_INIT("kernel log ring");
static char ring[KLOG_SIZE];
static uint64_t head, read_pos, clear_pos;
static int console_level = KLOG_LEVEL_DEFAULT;

/* klog_lock held: the oldest byte still in the ring. */
static uint64_t oldest(void)
{
	return head > KLOG_SIZE ? head - KLOG_SIZE : 0;
}

void klog_write(const char *s, size_t n)
{
	spin_lock(&klog_lock);
	for (size_t i = 0; i < n; i++)
		ring[(head + i) % KLOG_SIZE] = s[i];
	head += n;
	spin_unlock(&klog_lock);
}

/* klog_lock held: copies bytes [from, from + n) of the log to buf. */
static void copy_out(char *buf, uint64_t from, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = ring[(from + i) % KLOG_SIZE];
}

size_t klog_read_all(char *buf, size_t n)
{
	spin_lock(&klog_lock);
	uint64_t from = MAX(clear_pos, oldest());
	size_t len = (size_t)MIN((uint64_t)n, head - from);
	copy_out(buf, head - len, len);	/* the newest len bytes */
	spin_unlock(&klog_lock);
	return len;
}

size_t klog_read(char *buf, size_t n)
{
	spin_lock(&klog_lock);
	uint64_t from = MAX(read_pos, oldest());
	size_t len = (size_t)MIN((uint64_t)n, head - from);
	copy_out(buf, from, len);
	read_pos = from + len;
	spin_unlock(&klog_lock);
	return len;
}

size_t klog_unread(void)
{
	spin_lock(&klog_lock);
	size_t n = (size_t)(head - MAX(read_pos, oldest()));
	spin_unlock(&klog_lock);
	return n;
}

void klog_clear(void)
{
	spin_lock(&klog_lock);
	clear_pos = head;
	spin_unlock(&klog_lock);
}

int klog_console_level(void)
{
	spin_lock(&klog_lock);
	int level = console_level;
	spin_unlock(&klog_lock);
	return level;
}

void klog_set_console_level(int level)
{
	spin_lock(&klog_lock);
	console_level = level;
	spin_unlock(&klog_lock);
}
