/*
 * t_bigdir: a directory with many entries stays consistent under
 * lookup, rename and unlink (on M-OS a large S5FS directory is searched
 * through an in-memory name index, doc/fs.md, which these calls must
 * keep exact).  In $TMPDIR or /tmp:
 *
 *  - NFILES files are created; each is found by stat, a name never made
 *    is ENOENT, a second O_CREAT|O_EXCL of an existing name is EEXIST;
 *  - every third file is renamed (f<i> -> r<i>), one rename replaces an
 *    existing name (the replaced file's inode goes, the name stays once);
 *  - every odd file is unlinked; new names are made after that;
 *  - after each step every name that should exist is found, every one
 *    removed is ENOENT, and readdir lists exactly the names that remain,
 *    each once.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "utest.h"

#define NFILES 1500		/* well beyond one S5FS block of 64 entries */
#define RENAME_EVERY 3
#define NNEW 200
#define NAME_BUF 16

static char dir[PATH_MAX];
static int nnew;		/* n0 .. n(nnew-1) exist */
static int renamed, unlinked;

/* The name file i has now, or NULL once it is gone. */
static const char *name_of(int i, char *buf)
{
	if (unlinked && i % 2)
		return NULL;
	snprintf(buf, NAME_BUF, "%c%d", renamed && i % RENAME_EVERY == 0 ? 'r' : 'f', i);
	return buf;
}

static int exists(const char *name)
{
	char path[PATH_MAX + NAME_BUF];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0;
}

static int make(const char *name)
{
	char path[PATH_MAX + NAME_BUF];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0600);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static void check_lookups(const char *when)
{
	char buf[NAME_BUF], other[NAME_BUF];
	int missing = 0, stale = 0;
	for (int i = 0; i < NFILES; i++) {
		const char *name = name_of(i, buf);
		if (name && !exists(name))
			missing++;
		snprintf(other, sizeof(other), "f%d", i);
		if ((!name || strcmp(name, other)) && exists(other))
			stale++;
		snprintf(other, sizeof(other), "r%d", i);
		if ((!name || strcmp(name, other)) && exists(other))
			stale++;
	}
	for (int j = 0; j < NNEW; j++) {
		snprintf(buf, sizeof(buf), "n%d", j);
		if (exists(buf) != (j < nnew))
			j < nnew ? missing++ : stale++;
	}
	UT_CHECK(missing == 0, "%s: %d names that exist were not found", when, missing);
	UT_CHECK(stale == 0, "%s: %d removed names were found", when, stale);
}

static void check_listing(const char *when)
{
	static unsigned char seen[NFILES + NNEW];
	char buf[NAME_BUF];
	int count = 0, unexpected = 0, twice = 0, expected = nnew;
	memset(seen, 0, sizeof(seen));
	DIR *d = opendir(dir);
	UT_CHECK(d != NULL, "%s: opendir: %s", when, strerror(errno));
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		count++;
		int i = atoi(e->d_name + 1), idx = e->d_name[0] == 'n' ? NFILES + i : i;
		int want = e->d_name[0] == 'n' ? i < nnew
					       : i < NFILES && name_of(i, buf) && !strcmp(buf, e->d_name);
		if (!want)
			unexpected++;
		else if (seen[idx]++)
			twice++;
	}
	closedir(d);
	for (int i = 0; i < NFILES; i++)
		expected += !(unlinked && i % 2);
	UT_CHECK(count == expected && unexpected == 0 && twice == 0,
		 "%s: readdir listed %d names (%d unexpected, %d twice), expected %d", when, count,
		 unexpected, twice, expected);
}

static void check(const char *when)
{
	check_lookups(when);
	check_listing(when);
}

static void test_create(void)
{
	char buf[NAME_BUF];
	int bad = 0;
	for (int i = 0; i < NFILES; i++) {
		snprintf(buf, sizeof(buf), "f%d", i);
		bad += make(buf) != 0;
	}
	UT_CHECK(bad == 0, "%d of %d creates failed", bad, NFILES);
	UT_EXPECT_ERRNO(make("f1234"), EEXIST);
	UT_CHECK(!exists("g7") && errno == ENOENT, "a name never made is ENOENT");
	check("created");
}

static void test_rename(void)
{
	char from[PATH_MAX + NAME_BUF], to[PATH_MAX + NAME_BUF];
	int bad = 0;
	for (int i = 0; i < NFILES; i += RENAME_EVERY) {
		snprintf(from, sizeof(from), "%s/f%d", dir, i);
		snprintf(to, sizeof(to), "%s/r%d", dir, i);
		bad += rename(from, to) != 0;
	}
	renamed = 1;
	UT_CHECK(bad == 0, "%d renames failed", bad);
	/* replace f1 by a new file: one f1, with the new file's inode */
	struct stat a, b;
	snprintf(from, sizeof(from), "%s/tmp", dir);
	snprintf(to, sizeof(to), "%s/f1", dir);
	UT_CHECK(make("tmp") == 0 && stat(from, &a) == 0, "a file to rename over f1");
	UT_CHECK(rename(from, to) == 0 && stat(to, &b) == 0 && a.st_ino == b.st_ino,
		 "rename over an existing name: %s", strerror(errno));
	UT_CHECK(!exists("tmp"), "the old name is gone");
	check("renamed");
}

static void test_unlink(void)
{
	char buf[NAME_BUF], path[PATH_MAX + NAME_BUF];
	int bad = 0;
	for (int i = 1; i < NFILES; i += 2) {
		snprintf(path, sizeof(path), "%s/%s", dir, name_of(i, buf));
		bad += unlink(path) != 0;
	}
	unlinked = 1;
	UT_CHECK(bad == 0, "%d unlinks failed", bad);
	check("half unlinked");
	for (; nnew < NNEW; nnew++) {
		snprintf(buf, sizeof(buf), "n%d", nnew);
		bad += make(buf) != 0;
	}
	UT_CHECK(bad == 0, "creates after the unlinks failed");
	check("new names");
}

static void cleanup(void)
{
	char buf[NAME_BUF], path[PATH_MAX + NAME_BUF];
	int bad = 0;
	for (int i = 0; i < NFILES + NNEW; i++) {
		const char *name = i < NFILES ? name_of(i, buf) : buf;
		if (i >= NFILES)
			snprintf(buf, sizeof(buf), "n%d", i - NFILES);
		if (!name)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		bad += unlink(path) != 0;
	}
	UT_CHECK(bad == 0, "%d unlinks in the clean-up failed", bad);
	UT_CHECK(rmdir(dir) == 0, "rmdir of the emptied directory: %s", strerror(errno));
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/t_bigdir.%d", tmp && *tmp ? tmp : "/tmp", (int)getpid());
	if (mkdir(dir, 0700) != 0) {
		UT_CHECK(0, "mkdir %s: %s", dir, strerror(errno));
		return ut_done("t_bigdir");
	}
	test_create();
	test_rename();
	test_unlink();
	cleanup();
	return ut_done("t_bigdir");
}
