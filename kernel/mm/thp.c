/*
 * The huge-page policy word (mm/thp.h): which anonymous areas get 4 MiB
 * pages on first touch.  Config.mk's THP picks the boot default (as
 * CONFIG_THP: 0 never, 1 madvise, 2 always); the command line and
 * /proc/sys/vm/transparent_hugepage change it at run time.  The word is
 * written whole and read without a lock (a fault racing a change sees one
 * mode or the other, both correct).
 */
#include "mm/thp.h"
#include "util/errno.h"
#include "util/string.h"

#ifndef CONFIG_THP
#define CONFIG_THP THP_MADVISE
#endif

static volatile thp_mode_t mode = (thp_mode_t)CONFIG_THP;

static const char *const mode_names[] = {
	[THP_NEVER] = "never",
	[THP_MADVISE] = "madvise",
	[THP_ALWAYS] = "always",
};

/* The sysfs-style line for each current mode. */
static const char *const mode_lines[] = {
	[THP_NEVER] = "always madvise [never]",
	[THP_MADVISE] = "always [madvise] never",
	[THP_ALWAYS] = "[always] madvise never",
};

thp_mode_t thp_mode(void)
{
	return mode;
}

int thp_set_mode(const char *name, size_t len)
{
	if (len > 0 && name[len - 1] == '\n')
		len--;
	for (size_t m = 0; m < ARRAY_SIZE(mode_names); m++) {
		if (strlen(mode_names[m]) == len && strncmp(name, mode_names[m], len) == 0) {
			mode = (thp_mode_t)m;
			return 0;
		}
	}
	return -EINVAL;
}

const char *thp_mode_line(void)
{
	return mode_lines[mode];
}
