/*
 * wc [-l] [-w] [-c] [FILE...]: count lines (newlines), words (runs of
 * non-space bytes) and bytes, in that order; all three when no option is
 * given.  Each count is right-aligned in 7 columns; a "total" line follows
 * when there are several files.
 */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ulib.h"

struct counts {
	unsigned long long lines, words, bytes;
};

static int show_lines, show_words, show_bytes;

static int count_fd(int fd, const char *name, struct counts *c)
{
	unsigned char buf[8192];
	int in_word = 0;
	ssize_t n, i;

	memset(c, 0, sizeof *c);
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		c->bytes += (unsigned long long)n;
		for (i = 0; i < n; i++) {
			if (buf[i] == '\n')
				c->lines++;
			if (isspace(buf[i])) {
				in_word = 0;
			} else if (!in_word) {
				in_word = 1;
				c->words++;
			}
		}
	}
	if (n < 0) {
		ul_warnerr("%s", name);
		return 1;
	}
	return 0;
}

static void print_counts(const struct counts *c, const char *name)
{
	const char *sep = "";

	if (show_lines) {
		printf("%7llu", c->lines);
		sep = " ";
	}
	if (show_words) {
		printf("%s%7llu", sep, c->words);
		sep = " ";
	}
	if (show_bytes)
		printf("%s%7llu", sep, c->bytes);
	if (name)
		printf(" %s", name);
	putchar('\n');
}

int main(int argc, char **argv)
{
	struct counts c, total = { 0, 0, 0 };
	int opt, i, fd, status = 0;

	ul_setprogname(argv[0]);
	while ((opt = getopt(argc, argv, "lwc")) != -1) {
		if (opt == 'l')
			show_lines = 1;
		else if (opt == 'w')
			show_words = 1;
		else if (opt == 'c')
			show_bytes = 1;
		else
			ul_die(1, "usage: wc [-lwc] [FILE...]");
	}
	if (!show_lines && !show_words && !show_bytes)
		show_lines = show_words = show_bytes = 1;
	if (optind == argc) {
		status = count_fd(STDIN_FILENO, "-", &c);
		print_counts(&c, NULL);
		return status;
	}
	for (i = optind; i < argc; i++) {
		fd = open(argv[i], O_RDONLY);
		if (fd < 0) {
			ul_warnerr("%s", argv[i]);
			status = 1;
			continue;
		}
		status |= count_fd(fd, argv[i], &c);
		close(fd);
		print_counts(&c, argv[i]);
		total.lines += c.lines;
		total.words += c.words;
		total.bytes += c.bytes;
	}
	if (argc - optind > 1)
		print_counts(&total, "total");
	return status;
}
