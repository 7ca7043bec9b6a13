/*
 * The kernel command line.  QEMU hands multiboot kernels the image path
 * followed by -append's text (the ISO's GRUB menu writes the path first
 * too, tools/grub.cfg); we split it into words and each word into
 * key and value at the first '='.  Parsed once at boot into a static copy,
 * read-only afterwards, so no lock.
 */
#include "main/cmdline.h"
#include "util/printf.h"
#include "util/string.h"

static char line_copy[CMDLINE_MAX];
static char words[CMDLINE_MAX];
static char env_words[CMDLINE_MAX];	/* the line split at spaces only */
static const char *keys[CMDLINE_MAX_ARGS], *values[CMDLINE_MAX_ARGS];
static bool bare[CMDLINE_MAX_ARGS];	/* a word without '=' */
static int nargs;

void cmdline_parse(const char *line)
{
	if (strlcpy(line_copy, line, sizeof(line_copy)) >= sizeof(line_copy))
		kprintf("cmdline: truncated to %u bytes\n", CMDLINE_MAX - 1);
	strlcpy(words, line_copy, sizeof(words));
	nargs = 0;
	char *p = words;
	while (*p) {
		while (*p == ' ')
			*p++ = '\0';
		if (!*p)
			break;
		if (nargs == CMDLINE_MAX_ARGS) {
			kprintf("cmdline: more than %d words, the rest ignored\n", CMDLINE_MAX_ARGS);
			break;
		}
		keys[nargs] = p;
		while (*p && *p != ' ' && *p != '=')
			p++;
		bare[nargs] = *p != '=';
		if (*p == '=') {
			*p++ = '\0';
			values[nargs] = p;
			while (*p && *p != ' ')
				p++;
		} else {
			values[nargs] = "";
		}
		nargs++;
	}
}

const char *cmdline_get(const char *key)
{
	for (int i = 0; i < nargs; i++)
		if (strcmp(keys[i], key) == 0)
			return values[i];
	return NULL;
}

bool cmdline_take_flag(const char *key)
{
	bool found = false;
	for (int i = 1; i < nargs; i++) {	/* word 0 is the image */
		if (strcmp(keys[i], key) == 0) {
			found = true;
			bare[i] = false;
		}
	}
	return found;
}

int cmdline_init_args(const char **out, int max)
{
	int n = 0;
	for (int i = 1; i < nargs && n < max; i++)	/* word 0 is the image */
		if (bare[i])
			out[n++] = keys[i];
	return n;
}

int cmdline_init_env(const char **out, int max)
{
	int n = 0;
	strlcpy(env_words, line_copy, sizeof(env_words));
	char *p = env_words;
	bool image = true;	/* word 0 is the image */
	while (*p && n < max) {
		while (*p == ' ')
			*p++ = '\0';
		if (!*p)
			break;
		char *word = p;
		while (*p && *p != ' ')
			p++;
		if (*p)
			*p++ = '\0';
		if (!image && word[0] >= 'A' && word[0] <= 'Z' && strchr(word, '='))
			out[n++] = word;
		image = false;
	}
	return n;
}

const char *cmdline_raw(void)
{
	return line_copy;
}
