/* Suite "s5fs_dir": S5FS directories that grow, and their in-memory name
 * index (kernel/fs/s5fs/s5fs_dindex.c), on an S5FS on hdb that the test
 * runner makes with enough inodes (tools/run-tests.sh).  One directory
 * gets DIR_FILES files; each is looked up, a quarter renamed, half
 * unlinked, new names fill the holes without the directory growing, and
 * after every step each name that should exist is found, each removed
 * one is ENOENT and getdents lists exactly the names that remain.  The
 * same checks run after an unmount and mount (the index is rebuilt from
 * the blocks) and with the index budget squeezed to almost nothing
 * (memory pressure: the index is dropped, the directory scanned, and
 * built again once the budget has room).  Afterwards every index entry
 * is given back and no vnode, file or page is left over; the runner
 * fscks the image. */
#include "vfstest.h"
#include "fs/s5fs.h"
#include "fs/vfs.h"
#include "mm/kmalloc.h"
#include "util/errno.h"
#include "util/printf.h"
#include "util/string.h"

#define DIR_DEVNODE "/dev/hdb"
#define DIR_MNT "/s5dir"
#define BIG DIR_MNT "/big"
#define OTHER DIR_MNT "/other"
#define DIR_FILES 5000u
#define RENAME_EVERY 4u			/* f<i> becomes r<i> when i % 4 == 0 */
#define NEW_FILES 500u			/* n<j>, created in the holes */
#define SQUEEZED_BUDGET 16u		/* index entries allowed under "pressure" */
#define NAME_BUF 16

typedef struct dir_state {
	uint32_t nnew;			/* n0 .. n(nnew-1) exist */
	bool unlinked;			/* odd i are gone */
	bool renamed;			/* i % 4 == 0 are r<i> */
} dir_state_t;

/* The name file i has in state st, or NULL if it is gone. */
static const char *name_of(const dir_state_t *st, uint32_t i, char *buf)
{
	if (st->unlinked && i % 2)
		return NULL;
	snprintf(buf, NAME_BUF, "%c%u", st->renamed && i % RENAME_EVERY == 0 ? 'r' : 'f',
		 (unsigned)i);
	return buf;
}

static bool exists(const char *name)
{
	struct stat64 st;
	return do_stat(vt_path(BIG, "%s", name), &st) == 0;
}

/* Every name that should exist is found; every other is ENOENT. */
static void check_lookups(const dir_state_t *st, const char *when)
{
	uint32_t missing = 0, stale = 0;
	char buf[NAME_BUF];
	for (uint32_t i = 0; i < DIR_FILES; i++) {
		const char *name = name_of(st, i, buf);
		if (name)
			missing += !exists(name);
		snprintf(buf, sizeof(buf), "f%u", (unsigned)i);
		if (!name || strcmp(name, buf) != 0)
			stale += exists(buf);
		snprintf(buf, sizeof(buf), "r%u", (unsigned)i);
		if (!name || strcmp(name, buf) != 0)
			stale += exists(buf);
	}
	for (uint32_t j = 0; j < NEW_FILES; j++) {
		snprintf(buf, sizeof(buf), "n%u", (unsigned)j);
		if (j < st->nnew)
			missing += !exists(buf);
		else
			stale += exists(buf);
	}
	KT_ASSERT(missing == 0, "%s: %u existing names not found", when, (unsigned)missing);
	KT_ASSERT(stale == 0, "%s: %u removed names found", when, (unsigned)stale);
}

typedef struct listing {
	const dir_state_t *st;
	uint8_t *seen;			/* per file i, then per new file j */
	uint32_t count, unexpected, dups;
} listing_t;

static bool list_one(const char *name, void *arg)
{
	listing_t *l = arg;
	char buf[NAME_BUF];
	unsigned long i;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	l->count++;
	if (kstrtoul(name + 1, &i) < 0) {
		l->unexpected++;
		return false;
	}
	size_t idx = name[0] == 'n' ? DIR_FILES + i : i;
	bool want = name[0] == 'n' ? i < l->st->nnew
				   : i < DIR_FILES && name_of(l->st, (uint32_t)i, buf) &&
					     strcmp(buf, name) == 0;
	if (!want)
		l->unexpected++;
	else if (l->seen[idx]++)
		l->dups++;
	return false;
}

/* getdents lists exactly the names that exist, each once. */
static void check_listing(const dir_state_t *st, const char *when)
{
	listing_t l = { st, kzalloc(DIR_FILES + NEW_FILES), 0, 0, 0 };
	KT_ASSERT(l.seen != NULL, "memory for the listing");
	if (!l.seen)
		return;
	KT_EQ(vt_for_each_entry(BIG, list_one, &l), 0);
	uint32_t expected = st->nnew;
	for (uint32_t i = 0; i < DIR_FILES; i++)
		expected += !(st->unlinked && i % 2);
	KT_ASSERT(l.count == expected && l.unexpected == 0 && l.dups == 0,
		  "%s: getdents listed %u names (%u unexpected, %u twice), expected %u", when,
		  (unsigned)l.count, (unsigned)l.unexpected, (unsigned)l.dups, (unsigned)expected);
	kfree(l.seen);
}

static void check_all(const dir_state_t *st, const char *when)
{
	check_lookups(st, when);
	check_listing(st, when);
}

static uint32_t count_ok(int rc, uint32_t *bad)
{
	*bad += rc != 0;
	return rc == 0;
}

static void create_all(void)
{
	uint32_t bad = 0;
	for (uint32_t i = 0; i < DIR_FILES; i++) {
		int fd = do_open(vt_path(BIG, "f%u", (unsigned)i), O_CREAT | O_EXCL | O_WRONLY, 0644);
		if (count_ok(fd < 0 ? fd : 0, &bad))
			do_close(fd);
	}
	KT_ASSERT(bad == 0, "%u of %u creates failed", (unsigned)bad, DIR_FILES);
	/* a second create of an existing name is EEXIST, through the index */
	KT_EQ(do_open(BIG "/f4999", O_CREAT | O_EXCL | O_WRONLY, 0644), -EEXIST);
}

static void rename_quarter(dir_state_t *st)
{
	uint32_t bad = 0;
	for (uint32_t i = 0; i < DIR_FILES; i += RENAME_EVERY) {
		VT_LOCAL_PATH(from, BIG, "f%u", (unsigned)i);
		count_ok(do_rename(from, vt_path(BIG, "r%u", (unsigned)i)), &bad);
	}
	KT_ASSERT(bad == 0, "%u renames failed", (unsigned)bad);
	st->renamed = true;
	/* out to another directory and back: both directories stay exact */
	KT_EQ(do_rename(BIG "/r0", OTHER "/moved"), 0);
	KT_ASSERT(!exists("r0"), "a name moved out is gone");
	KT_EQ(do_rename(OTHER "/moved", BIG "/r0"), 0);
	/* replacing an existing name keeps one entry */
	KT_EQ(vt_write_file(OTHER "/repl", "x", 1), 0);
	KT_EQ(do_link(BIG "/f2", OTHER "/keep"), 0);
	KT_EQ(do_rename(OTHER "/repl", BIG "/f2"), 0);
	KT_EQ(vt_file_size(BIG "/f2"), 1);
	KT_EQ(do_rename(OTHER "/keep", BIG "/f2"), 0);
	KT_EQ(vt_file_size(BIG "/f2"), 0);
}

static void unlink_half(dir_state_t *st)
{
	char buf[NAME_BUF];
	uint32_t bad = 0;
	for (uint32_t i = 1; i < DIR_FILES; i += 2)
		count_ok(do_unlink(vt_path(BIG, "%s", name_of(st, i, buf))), &bad);
	KT_ASSERT(bad == 0, "%u unlinks failed", (unsigned)bad);
	st->unlinked = true;
}

/* New names go into the holes: the directory does not grow. */
static void fill_holes(dir_state_t *st)
{
	int64_t size = vt_file_size(BIG);
	uint32_t bad = 0;
	for (uint32_t j = st->nnew; j < NEW_FILES; j++)
		count_ok(vt_write_file(vt_path(BIG, "n%u", (unsigned)j), "", 0), &bad);
	KT_ASSERT(bad == 0, "%u creates in holes failed", (unsigned)bad);
	st->nnew = NEW_FILES;
	KT_EQ(vt_file_size(BIG), size);
}

static void remount(void)
{
	KT_EQ(vfs_unmount(DIR_MNT), 0);
	KT_EQ(vfs_mount("s5fs", DIR_DEVNODE, DIR_MNT), 0);
}

/* With almost no budget the index goes; everything still works. */
static void squeeze(dir_state_t *st)
{
	s5_dx_stats_t a, b;
	s5_dx_get_stats(&a);
	s5_dx_set_budget(SQUEEZED_BUDGET);
	KT_EQ(do_unlink(BIG "/n0"), 0);
	KT_EQ(vt_write_file(BIG "/n0", "", 0), 0);	/* an insert that does not fit */
	s5_dx_get_stats(&b);
	KT_ASSERT(b.drops > a.drops && b.entries <= SQUEEZED_BUDGET,
		  "the index is dropped when its budget is gone (%u entries)", (unsigned)b.entries);
	check_all(st, "without an index");
	KT_EQ(do_rename(BIG "/n1", BIG "/n1x"), 0);
	KT_ASSERT(!exists("n1") && exists("n1x"), "rename without an index");
	KT_EQ(do_rename(BIG "/n1x", BIG "/n1"), 0);
	s5_dx_set_budget(0);
	check_all(st, "budget restored");		/* enough lookups to rebuild */
	s5_dx_get_stats(&a);
	KT_ASSERT(a.builds > b.builds, "the index is built again once it fits");
}

static void dir_main(void)
{
	vt_counts_t before;
	s5_dx_stats_t s0, s1;
	dir_state_t st = { 0, false, false };
	vt_counts_take(&before);
	s5_dx_get_stats(&s0);
	KT_EQ(do_mkdir(DIR_MNT, 0755), 0);
	if (vfs_mount("s5fs", DIR_DEVNODE, DIR_MNT) < 0) {
		kprintf("s5fs_dir: SKIPPED: hdb holds no S5FS: this suite needs the runner's "
			"image\n");
		KT_EQ(do_rmdir(DIR_MNT), 0);
		return;
	}
	KT_EQ(do_mkdir(BIG, 0755), 0);
	KT_EQ(do_mkdir(OTHER, 0755), 0);
	create_all();
	s5_dx_get_stats(&s1);
	KT_ASSERT(s1.builds > s0.builds && s1.entries >= s0.entries + DIR_FILES,
		  "a large directory gets an index (%u entries)", (unsigned)s1.entries);
	check_all(&st, "created");
	rename_quarter(&st);
	check_all(&st, "renamed");
	unlink_half(&st);
	check_all(&st, "half unlinked");
	fill_holes(&st);
	check_all(&st, "holes filled");
	remount();
	check_all(&st, "after a remount");
	squeeze(&st);
	KT_EQ(vt_remove_tree(BIG), 0);
	KT_EQ(vt_remove_tree(OTHER), 0);
	KT_EQ(vfs_unmount(DIR_MNT), 0);
	KT_EQ(do_rmdir(DIR_MNT), 0);
	s5_dx_get_stats(&s1);
	KT_EQ(s1.entries, s0.entries);
	KT_EQ(s1.builds - s0.builds, s1.drops - s0.drops);
	vt_counts_check(&before, "s5fs_dir");
}
KTEST_SUITE("s5fs_dir", dir_main);
