/* fsck.s5fs: checks an S5FS image, reports every problem it finds, and
 * with -y repairs them.
 *
 *   fsck.s5fs [-v] [-r] [-n | -y] IMAGE
 *
 * -n (the default) never writes, except that -r first replays a committed
 * transaction in the journal (as a mount would).  Without -r, a committed
 * transaction not yet replayed is a problem ("mount it or run fsck.s5fs
 * -r"); an incomplete one is a note (mount ignores it); a commit record
 * that fails its checksum, or a damaged journal header, is a problem.
 * -y replays the journal too, then, if the check found problems, repairs
 * them (fsck_fix.c) and checks the image again from the start, up to
 * FSCK_REPAIR_ROUNDS times.  Each problem is one line on standard output,
 * "fsck.s5fs: WHERE: WHAT", each repair "fsck.s5fs: fixed: WHAT", and a
 * summary line ends the report.  Exit status, as e2fsck's: 0 clean (a
 * replay alone counts as clean), 1 problems found and all repaired, 4
 * problems left (-n, or what -y could not repair, or an unusable
 * superblock), 8 on a usage or I/O error.  -v also prints the superblock
 * and one line per in-use inode.  This file holds the driver, the message
 * helpers and the per-inode arrays; the passes are described in fsck.h.
 */
#include "fsck.h"
#include "s5journal.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Repair, check again; a repair that leaves problems gets this many tries. */
#define FSCK_REPAIR_ROUNDS 3

void fsck_problem(fsck_t *f, const char *fmt, ...)
{
	va_list ap;

	f->problems++;
	if (f->quiet)
		return;
	printf("%s: ", FSCK_PROG);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

void fsck_note(fsck_t *f, const char *fmt, ...)
{
	va_list ap;

	if (f->quiet)
		return;
	printf("%s: note: ", FSCK_PROG);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

void fsck_fixed(fsck_t *f, const char *fmt, ...)
{
	va_list ap;

	f->fixes++;
	printf("%s: fixed: ", FSCK_PROG);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

void fsck_fatal_io(fsck_t *f, const char *what, int err)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s: %s: %s\n", FSCK_PROG, f->img.path, what, strerror(-err));
	exit(FSCK_EXIT_ERROR);
}

const char *fsck_path(const fsck_t *f, uint32_t ino)
{
	static char buf[PATH_MAX];
	size_t pos = sizeof(buf) - 1;
	uint32_t steps;

	buf[pos] = '\0';
	if (ino == S5_ROOT_INO)
		return "/";
	if (!f->reached || ino >= f->ninodes || !f->reached[ino])
		return "?";
	for (steps = 0; ino != S5_ROOT_INO && steps < f->ninodes; steps++) {
		size_t len = f->name[ino] ? strlen(f->name[ino]) : 0;
		if (len + 1 > pos)
			return buf + pos;
		pos -= len;
		memcpy(buf + pos, f->name[ino], len);
		buf[--pos] = '/';
		ino = f->parent[ino];
	}
	return buf + pos;
}

void *fsck_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		fprintf(stderr, "%s: out of memory\n", FSCK_PROG);
		exit(FSCK_EXIT_ERROR);
	}
	return p;
}

static void load_inodes(fsck_t *f)
{
	const s5_super_t *sb = &f->img.sb;
	uint32_t table_blocks = (f->ninodes + S5_INODES_PER_BLOCK - 1) / S5_INODES_PER_BLOCK;
	uint8_t *table = fsck_xcalloc(table_blocks, S5_BLOCK_SIZE);
	uint32_t i;
	int err;

	for (i = 0; i < table_blocks; i++) {
		err = s5img_read_block(&f->img, sb->s5s_inode_start + i, table + (size_t)i * S5_BLOCK_SIZE);
		if (err)
			fsck_fatal_io(f, "reading the inode table", err);
	}
	f->inodes = (s5_inode_t *)table;
	f->istate = fsck_xcalloc(f->ninodes, 1);
	f->on_free_list = fsck_xcalloc(f->ninodes, 1);
	f->refs = fsck_xcalloc(f->ninodes, sizeof(*f->refs));
	f->reached = fsck_xcalloc(f->ninodes, 1);
	f->parent = fsck_xcalloc(f->ninodes, sizeof(*f->parent));
	f->name = fsck_xcalloc(f->ninodes, sizeof(*f->name));
	f->block_owner = fsck_xcalloc(f->nblocks, sizeof(*f->block_owner));
}

static void release(fsck_t *f)
{
	uint32_t i;

	if (f->name)
		for (i = 0; i < f->ninodes; i++)
			free(f->name[i]);
	free(f->name);
	free(f->parent);
	free(f->reached);
	free(f->refs);
	free(f->on_free_list);
	free(f->istate);
	free(f->inodes);
	free(f->block_owner);
	free(f->visit);
	free(f->counted);
	free(f->ndata);
	free(f->last_lbn);
	s5img_close(&f->img);
}

static void summary(const fsck_t *f)
{
	const s5_super_t *sb = &f->img.sb;

	if (f->problems) {
		printf("%s: %s: %lu problem%s found\n", FSCK_PROG, f->img.path, f->problems,
		       f->problems == 1 ? "" : "s");
		return;
	}
	printf("%s: %s: clean, %u/%u inodes and %u/%u blocks in use\n", FSCK_PROG, f->img.path,
	       f->ninodes - 1 - sb->s5s_free_inodes, f->ninodes - 1,
	       f->nblocks - sb->s5s_free_blocks, f->nblocks);
}

static void usage(void)
{
	fprintf(stderr, "usage: %s [-v] [-r] [-n | -y] IMAGE\n", FSCK_PROG);
	exit(FSCK_EXIT_ERROR);
}

/* Looks at the journal, replaying a committed transaction if asked;
 * returns -1 if the superblock no longer passes after a replay. */
static int check_journal(fsck_t *f, int replay)
{
	s5j_info_t ji;
	int err = s5j_check(&f->img, &ji);

	if (err)
		fsck_fatal_io(f, "reading the journal", err);
	switch (ji.status) {
	case S5J_NONE:
	case S5J_EMPTY:
		return 0;
	case S5J_INCOMPLETE:
		fsck_note(f, "journal: transaction %u never committed; mounting ignores it", ji.seq);
		return 0;
	case S5J_CORRUPT:
		fsck_problem(f, "journal: transaction %u: %s; it will not be replayed", ji.seq, ji.why);
		return 0;
	case S5J_BAD_HEADER:
		fsck_problem(f, "journal: %s", ji.why);
		return 0;
	case S5J_PENDING:
		break;
	}
	if (!replay) {
		fsck_problem(f, "journal: committed transaction %u (%u blocks) not replayed yet: "
			     "mount the file system or run %s -r", ji.seq, ji.count, FSCK_PROG);
		return 0;
	}
	if ((err = s5j_replay(&f->img, &ji)))
		fsck_fatal_io(f, "replaying the journal", err);
	printf("%s: %s: journal: replayed transaction %u (%u blocks)\n", FSCK_PROG, f->img.path,
	       ji.seq, ji.count);
	return fsck_super(f);
}

/* Opens and checks the image into a fresh *f: 0 when the passes ran, -1
 * when the superblock (or the image's size) stopped them. */
static int check(fsck_t *f, const char *path, int writable, int replay, int verbose, int quiet)
{
	int err;

	memset(f, 0, sizeof(*f));
	f->verbose = verbose;
	f->quiet = quiet;
	err = s5img_open(&f->img, path, writable);
	if (err == -ENOSPC) {
		f->img.path = path;
		fsck_problem(f, "%s: image too small to hold a superblock (%u bytes)", path, S5_BLOCK_SIZE);
		return -1;
	}
	if (err) {
		fprintf(stderr, "%s: %s: %s\n", FSCK_PROG, path, strerror(-err));
		exit(FSCK_EXIT_ERROR);
	}
	if (fsck_super(f) != 0 || check_journal(f, replay) != 0) {
		if (!quiet)
			printf("%s: %s: superblock unusable, nothing else checked\n", FSCK_PROG, path);
		return -1;
	}
	load_inodes(f);
	fsck_inodes(f);
	fsck_free_lists(f);
	fsck_dirs(f);
	return 0;
}

/* Repairs until a check finds the image clean; returns the exit status. */
static int repair(fsck_t *f, const char *path, int verbose)
{
	unsigned long fixes = 0;
	int round, usable = 0;

	for (round = 0; round < FSCK_REPAIR_ROUNDS; round++) {
		fsck_repair(f);
		fixes += f->fixes;
		release(f);
		usable = check(f, path, 1, 0, 0, 1) == 0;
		if (usable && f->problems == 0)
			break;
	}
	if (!usable || f->problems) {
		release(f);
		printf("%s: %s: %lu repairs made, but these problems remain:\n", FSCK_PROG, path, fixes);
		check(f, path, 0, 0, verbose, 0);
		summary(f);
		return FSCK_EXIT_UNFIXED;
	}
	printf("%s: %s: %lu repair%s made\n", FSCK_PROG, path, fixes, fixes == 1 ? "" : "s");
	summary(f);
	return FSCK_EXIT_FIXED;
}

int main(int argc, char **argv)
{
	fsck_t f;
	int opt, status, usable, verbose = 0, replay = 0, fix = 0, no = 0;

	while ((opt = getopt(argc, argv, "vrny")) != -1) {
		if (opt == 'v')
			verbose = 1;
		else if (opt == 'r')
			replay = 1;
		else if (opt == 'n')
			no = 1;
		else if (opt == 'y')
			fix = 1;
		else
			usage();
	}
	if (argc - optind != 1 || (no && fix))
		usage();
	if (fix)
		replay = 1;	/* repairing under a pending transaction would be undone by it */
	usable = check(&f, argv[optind], replay, replay, verbose, 0) == 0;
	summary(&f);
	if (usable && fix && f.problems)
		status = repair(&f, argv[optind], verbose);
	else
		status = f.problems ? FSCK_EXIT_UNFIXED : FSCK_EXIT_CLEAN;
	release(&f);
	return status;
}
