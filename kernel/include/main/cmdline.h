/* The kernel command line (kernel/main/cmdline.c): Linux-style words,
 * `key=value` or a bare `key`, parsed once at boot. */
#pragma once
#include "util/types.h"
#define CMDLINE_MAX 512
#define CMDLINE_MAX_ARGS 32
void cmdline_parse(const char *line);
/* The value of key, "" for a bare key, NULL if absent. */
const char *cmdline_get(const char *key);
const char *cmdline_raw(void);
/* Whether key is on the command line (bare or with a value); a bare one
 * becomes the kernel's: it is no longer passed to init as an argument
 * (as Linux keeps norandmaps).  Called at boot, before init starts. */
bool cmdline_take_flag(const char *key);
/* The words without '=' after the image name: init's arguments, as
 * Linux passes unknown words on.  Returns how many (at most max). */
int cmdline_init_args(const char **out, int max);
/* The `NAME=value` words whose NAME starts with an upper-case letter
 * (environment style, e.g. MOS_FUZZ_SEED=7): init's environment, after
 * the defaults, as Linux passes unknown key=value words on.  Returns how
 * many (at most max). */
int cmdline_init_env(const char **out, int max);
