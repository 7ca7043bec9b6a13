/*
 * Debug channels, panic and backtraces.
 *
 * dbg_enabled_mask is written at boot (Config.mk's DBG, then dbg=) and by
 * the kshell; a torn read only changes which messages print.  panic() is
 * the one way down: it sets `panicking` (the console stops taking its lock,
 * so a panic inside a console write still prints), prints the reason and a
 * backtrace, and leaves QEMU with the panic status.
 */
#include "util/debug.h"
#include "util/printf.h"
#include "util/string.h"
#include "main/io.h"
#include "main/qemu.h"
#include "mm/page.h"

uint32_t dbg_enabled_mask;
volatile bool panicking;

static const char *const channel_names[DBG_NCHANNELS] = {
	"error", "test", "boot", "mm", "slab", "intr", "sched", "proc",
	"syscall", "vfs", "disk", "tty", "vm",
};

const char *dbg_channel_name(enum dbg_channel ch)
{
	return ch < DBG_NCHANNELS ? channel_names[ch] : "?";
}

/* Sets the enabled channels from a comma list; "all" enables every one,
 * unknown names are reported and ignored. */
void dbg_set_channels(const char *list)
{
	uint32_t mask = 0;
	const char *p = list;

	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		bool known = false;
		if (len == 3 && strncmp(p, "all", 3) == 0) {
			mask = (1u << DBG_NCHANNELS) - 1;
			known = true;
		}
		for (int i = 0; i < DBG_NCHANNELS && !known; i++) {
			if (strlen(channel_names[i]) == len && strncmp(p, channel_names[i], len) == 0) {
				mask |= 1u << i;
				known = true;
			}
		}
		if (!known && len > 0)
			kprintf("dbg: unknown channel '%.*s' ignored\n", (int)len, p);
		p += len;
		if (*p == ',')
			p++;
	}
	dbg_enabled_mask = mask;
}

void dbg_print(enum dbg_channel ch, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	va_start(ap, fmt);
	int n = snprintf(line, sizeof(line), "[%s] ", dbg_channel_name(ch));
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	kprintf("%s", line);
}

extern const struct ksym { uint32_t addr; const char *name; } ksym_table[];

const char *ksym_lookup(uint32_t addr, uint32_t *offset)
{
	const struct ksym *best = NULL;
	for (const struct ksym *k = ksym_table; k->name; k++) {
		if (k->addr > addr)
			break;	/* the table is sorted by address */
		best = k;
	}
	if (!best || addr >= (uint32_t)kernel_end)
		return NULL;
	if (offset)
		*offset = addr - best->addr;
	return best->name;
}

#define BACKTRACE_MAX_FRAMES 24

void backtrace_print(uint32_t ebp)
{
	if (ebp == 0)
		ebp = (uint32_t)__builtin_frame_address(0);
	kprintf("    backtrace:\n");
	for (int depth = 0; depth < BACKTRACE_MAX_FRAMES; depth++) {
		/* Only follow frame pointers into kernel memory. */
		if (ebp < KERNEL_VMA || !IS_ALIGNED(ebp, 4) || ebp > 0xFFFFFFF0u)
			break;
		uint32_t ret = ((uint32_t *)ebp)[1];
		uint32_t off = 0;
		const char *name = ksym_lookup(ret, &off);
		if (!name)
			break;
		kprintf("      #%d %#010x <%s+%#x>\n", depth, ret, name, off);
		ebp = ((uint32_t *)ebp)[0];
	}
}

void panic_at(const char *file, int line, const char *func, const char *fmt, ...)
{
	intr_disable();
	if (panicking) {	/* a panic while panicking: stop at once */
		kprintf("\nnested panic at %s:%d %s()\n", file, line, func);
		qemu_exit(QEMU_EXIT_PANIC);
	}
	panicking = true;
	kprintf("\nPANIC at %s:%d %s(): ", file, line, func);
	va_list ap;
	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	backtrace_print(0);
	kprintf("M-OS halted.\n");
	qemu_exit(QEMU_EXIT_PANIC);
}
