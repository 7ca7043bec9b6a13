/*
 * dmesg [-c | -C]: print the kernel log (syslog(2)'s READ_ALL, as
 * util-linux's dmesg).  -c prints it and clears it (READ_CLEAR), -C
 * clears it without printing.  The buffer is as large as the kernel
 * says its log is (SIZE_BUFFER).  Linux puts "<level>" before each
 * record it returns; such prefixes are left out, M-OS has none.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <unistd.h>

#include "ulib.h"

#define SYSLOG_ACTION_READ_ALL 3
#define SYSLOG_ACTION_READ_CLEAR 4
#define SYSLOG_ACTION_CLEAR 5
#define SYSLOG_ACTION_SIZE_BUFFER 10

/* Writes buf without "<N>" at the start of lines. */
static void print_log(const char *buf, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if (buf[i] == '<') {
			size_t j = i + 1;
			while (j < n && buf[j] >= '0' && buf[j] <= '9')
				j++;
			if (j > i + 1 && j < n && buf[j] == '>')
				i = j + 1;
		}
		const char *nl = memchr(buf + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - (buf + i)) + 1 : n - i;
		if (ul_write_all(1, buf + i, len) < 0)
			ul_dieerr(1, "write");
		i += len;
	}
}

int main(int argc, char **argv)
{
	int opt, action = SYSLOG_ACTION_READ_ALL;
	ul_setprogname(argv[0]);
	while ((opt = getopt(argc, argv, "cC")) != -1) {
		switch (opt) {
		case 'c': action = SYSLOG_ACTION_READ_CLEAR; break;
		case 'C': action = SYSLOG_ACTION_CLEAR; break;
		default: ul_die(1, "usage: dmesg [-c | -C]");
		}
	}
	if (action == SYSLOG_ACTION_CLEAR) {
		if (klogctl(action, NULL, 0) < 0)
			ul_dieerr(1, "cannot clear the kernel log");
		return 0;
	}
	int size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);
	if (size <= 0)
		ul_dieerr(1, "cannot read the kernel log's size");
	char *buf = malloc((size_t)size);
	if (!buf)
		ul_die(1, "out of memory");
	int n = klogctl(action, buf, size);
	if (n < 0)
		ul_dieerr(1, "cannot read the kernel log");
	print_log(buf, (size_t)n);
	free(buf);
	return 0;
}
