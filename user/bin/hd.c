/*
 * hd [FILE...]: canonical hex dump, the format of `hexdump -C`: offset,
 * sixteen bytes in hex (split 8 + 8), the printable ones between bars,
 * a "*" line in place of lines identical to the one before, and the total
 * length last.  Several FILEs are dumped as one stream; none, or "-",
 * means standard input.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ulib.h"

#define LINE_BYTES 16
#define HALF_LINE  8

static unsigned char line[LINE_BYTES], prev[LINE_BYTES];
static size_t fill;		/* bytes in line */
static unsigned long long offset;	/* of line[0] */
static int have_prev, squeezing;

static void print_line(size_t n)
{
	size_t i;

	printf("%08llx ", offset);
	for (i = 0; i < LINE_BYTES; i++) {
		if (i % HALF_LINE == 0)
			putchar(' ');
		if (i < n)
			printf("%02x ", line[i]);
		else
			fputs("   ", stdout);
	}
	fputs(" |", stdout);
	for (i = 0; i < n; i++)
		putchar(line[i] >= 0x20 && line[i] < 0x7f ? line[i] : '.');
	puts("|");
}

/* A full line: print it, or fold it into a "*" if it repeats. */
static void flush_full_line(void)
{
	if (have_prev && memcmp(line, prev, LINE_BYTES) == 0) {
		if (!squeezing)
			puts("*");
		squeezing = 1;
	} else {
		print_line(LINE_BYTES);
		squeezing = 0;
	}
	memcpy(prev, line, LINE_BYTES);
	have_prev = 1;
	offset += LINE_BYTES;
	fill = 0;
}

static int dump_fd(int fd, const char *name)
{
	unsigned char buf[4096];
	ssize_t n, i;

	while ((n = read(fd, buf, sizeof buf)) > 0) {
		for (i = 0; i < n; i++) {
			line[fill++] = buf[i];
			if (fill == LINE_BYTES)
				flush_full_line();
		}
	}
	if (n < 0) {
		ul_warnerr("%s", name);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int i, fd, status = 0;

	ul_setprogname(argv[0]);
	if (argc < 2)
		status = dump_fd(STDIN_FILENO, "-");
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0) {
			status |= dump_fd(STDIN_FILENO, "-");
			continue;
		}
		fd = open(argv[i], O_RDONLY);
		if (fd < 0) {
			ul_warnerr("%s", argv[i]);
			status = 1;
			continue;
		}
		status |= dump_fd(fd, argv[i]);
		close(fd);
	}
	if (fill > 0)
		print_line(fill);
	if (offset + fill > 0)
		printf("%08llx\n", offset + fill);
	return status;
}
