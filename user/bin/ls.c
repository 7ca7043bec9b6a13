/*
 * ls [-a] [-l] [-1] [-d] [PATH...]: list directories and files, sorted by
 * name (byte order).  Without -a, names starting with '.' are hidden.
 * -l prints one line per file: mode string, link count, size (major,minor
 * for devices), name, and "-> target" for symbolic links, in aligned
 * columns.  Otherwise names go in columns when standard output is a
 * terminal (its width from TIOCGWINSZ), one per line when not, or with -1.
 * -d lists a directory operand itself.  Operands that are not directories
 * come first; each directory then gets a "name:" header when there are
 * several operands.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "ulib.h"

#define DEFAULT_WIDTH 80
#define COLUMN_GAP    2

struct entry {
	char *name;		/* as shown */
	char *path;		/* for lstat and readlink */
	struct stat st;
};

static int opt_all, opt_long, opt_one, opt_dir;
static int status;

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name,
		      ((const struct entry *)b)->name);
}

static int terminal_width(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return DEFAULT_WIDTH;
}

static int digits(unsigned long long v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static void size_field(const struct stat *st, char *buf, size_t len)
{
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
		snprintf(buf, len, "%u, %u", major(st->st_rdev), minor(st->st_rdev));
	else
		snprintf(buf, len, "%lld", (long long)st->st_size);
}

static void print_long(struct entry *v, size_t n)
{
	char mode[UL_MODE_STRLEN], size[32], target[PATH_MAX];
	int wlinks = 1, wsize = 1;
	size_t i;

	for (i = 0; i < n; i++) {
		int w = digits(v[i].st.st_nlink);

		if (w > wlinks)
			wlinks = w;
		size_field(&v[i].st, size, sizeof size);
		if ((int)strlen(size) > wsize)
			wsize = (int)strlen(size);
	}
	for (i = 0; i < n; i++) {
		ul_mode_string(v[i].st.st_mode, mode);
		size_field(&v[i].st, size, sizeof size);
		printf("%s %*lu %*s %s", mode, wlinks,
		       (unsigned long)v[i].st.st_nlink, wsize, size, v[i].name);
		if (S_ISLNK(v[i].st.st_mode)) {
			ssize_t len = readlink(v[i].path, target, sizeof target - 1);

			if (len >= 0) {
				target[len] = '\0';
				printf(" -> %s", target);
			}
		}
		putchar('\n');
	}
}

/* Down the columns, as many as fit in the terminal's width. */
static void print_columns(struct entry *v, size_t n)
{
	size_t i, row, rows, cols, width = 0;

	for (i = 0; i < n; i++)
		if (strlen(v[i].name) > width)
			width = strlen(v[i].name);
	width += COLUMN_GAP;
	cols = (size_t)terminal_width() / width;
	if (cols == 0)
		cols = 1;
	rows = (n + cols - 1) / cols;
	for (row = 0; row < rows; row++) {
		for (i = row; i < n; i += rows) {
			if (i + rows < n)
				printf("%-*s", (int)width, v[i].name);
			else
				fputs(v[i].name, stdout);
		}
		putchar('\n');
	}
}

static void print_entries(struct entry *v, size_t n)
{
	size_t i;

	qsort(v, n, sizeof *v, by_name);
	if (opt_long)
		print_long(v, n);
	else if (opt_one || !isatty(STDOUT_FILENO))
		for (i = 0; i < n; i++)
			puts(v[i].name);
	else if (n > 0)
		print_columns(v, n);
}

static void free_entries(struct entry *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].path);
	}
	free(v);
}

static void add(struct entry **v, size_t *n, size_t *cap, const char *name,
		const char *path, const struct stat *st)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 32;
		*v = realloc(*v, *cap * sizeof **v);
		if (!*v)
			ul_die(1, "out of memory");
	}
	(*v)[*n].name = strdup(name);
	(*v)[*n].path = strdup(path);
	if (!(*v)[*n].name || !(*v)[*n].path)
		ul_die(1, "out of memory");
	(*v)[*n].st = *st;
	(*n)++;
}

static void list_dir(const char *dir)
{
	struct entry *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	struct stat st;
	char *path;
	DIR *d = opendir(dir);

	if (!d) {
		ul_warnerr("%s", dir);
		status = 1;
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' && !opt_all)
			continue;
		if (asprintf(&path, "%s/%s", dir, de->d_name) < 0)
			ul_die(1, "out of memory");
		memset(&st, 0, sizeof st);
		if (opt_long && lstat(path, &st) < 0) {
			ul_warnerr("%s", path);
			status = 1;
		}
		add(&v, &n, &cap, de->d_name, path, &st);
		free(path);
	}
	closedir(d);
	print_entries(v, n);
	free_entries(v, n);
}

/* A directory operand is listed unless -d, or -l and it is a link. */
static int list_as_dir(const char *path, const struct stat *lst)
{
	struct stat st;

	if (opt_dir || (opt_long && S_ISLNK(lst->st_mode)))
		return 0;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int main(int argc, char **argv)
{
	struct entry *files = NULL;
	size_t nfiles = 0, cap = 0;
	char **dirs;
	int opt, i, ndirs = 0, nops;
	struct stat st;

	ul_setprogname(argv[0]);
	while ((opt = getopt(argc, argv, "al1d")) != -1) {
		switch (opt) {
		case 'a': opt_all = 1; break;
		case 'l': opt_long = 1; break;
		case '1': opt_one = 1; break;
		case 'd': opt_dir = 1; break;
		default: ul_die(2, "usage: ls [-al1d] [PATH...]");
		}
	}
	nops = argc - optind;
	if (nops == 0) {
		static char dot[] = ".";
		static char *dotv[] = { dot };

		argv = dotv;
		optind = 0;
		nops = 1;
	}
	dirs = calloc((size_t)nops, sizeof *dirs);
	if (!dirs)
		ul_die(1, "out of memory");
	for (i = optind; i < optind + nops; i++) {
		if (lstat(argv[i], &st) < 0) {
			ul_warnerr("%s", argv[i]);
			status = 1;
			continue;
		}
		if (list_as_dir(argv[i], &st))
			dirs[ndirs++] = argv[i];
		else
			add(&files, &nfiles, &cap, argv[i], argv[i], &st);
	}
	print_entries(files, nfiles);
	free_entries(files, nfiles);
	for (i = 0; i < ndirs; i++) {
		if (nops > 1)
			printf("%s%s:\n", (nfiles > 0 || i > 0) ? "\n" : "", dirs[i]);
		list_dir(dirs[i]);
	}
	free(dirs);
	return status;
}
