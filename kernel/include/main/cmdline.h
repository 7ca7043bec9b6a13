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
/* The words without '=' after the image name: init's arguments, as
 * Linux passes unknown words on.  Returns how many (at most max). */
int cmdline_init_args(const char **out, int max);
