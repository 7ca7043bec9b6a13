/* mkfs.s5fs: builds an S5FS image from a host directory tree.
 *
 *   mkfs.s5fs [-v] [-s SIZE] [-i NINODES] [-j BLOCKS] [-u UID:GID] [-o OWNERSPEC]...
 *             [-n DEVSPEC]... [-D DEVFILE] IMAGE DIR
 *
 * SIZE is in bytes with an optional K, M or G suffix (binary units) and is
 * rounded down to whole blocks; without -s the image gets room for the
 * tree plus a quarter, and at least MKFS_MIN_SIZE.  NINODES defaults to
 * one inode per MKFS_BYTES_PER_INODE of image (and at least the tree's
 * count plus spares); it is rounded up to fill the last inode-table block.
 * DEVSPEC adds a device node "PATH,c|b,MAJOR,MINOR[,MODE]" (repeatable);
 * DEVFILE holds one such spec per line.  BLOCKS sizes the metadata
 * journal (0: none; default 1/64 of the image, at most MKFS_JOURNAL_MAX,
 * none below MKFS_JOURNAL_MIN_IMAGE blocks).  Files keep the host's
 * permission bits (set-user-id, set-group-id and sticky too) and owners;
 * -u gives every file the same owner, and OWNERSPEC "PATH,UID,GID"
 * (repeatable) then gives one file of the tree its own.  Exit status: 0 on success, 1 when the tree cannot be stored (no
 * space, name too long, unreadable file...), 2 on a usage error.  This
 * file only parses options and sizes the image; mkfs_tree.c models the
 * tree and mkfs_write.c writes it.
 */
#include "mkfs_tree.h"
#include "mkfs_write.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MKFS_MIN_SIZE (16ull << 20)
#define MKFS_JOURNAL_AUTO UINT32_MAX	/* -j not given */
#define MKFS_JOURNAL_DIVISOR 64u	/* default journal: 1/64 of the image ... */
#define MKFS_JOURNAL_MAX 1024u		/* ... at most 4 MiB ... */
#define MKFS_JOURNAL_MIN_IMAGE 1024u	/* ... and none below 4 MiB unless -j */
#define MKFS_BYTES_PER_INODE (16u << 10)
#define MKFS_SPARE_INODES 64u
#define MKFS_SPARE_BLOCKS 256u
#define MKFS_SLACK_DIVISOR 4u	/* default size: tree + tree / 4 + spare */
#define KIB_SHIFT 10
#define MIB_SHIFT 20
#define GIB_SHIFT 30
#define MAX_DEVSPECS 256

static void usage(void)
{
	fprintf(stderr,
		"usage: %s [-v] [-s SIZE[K|M|G]] [-i NINODES] [-j BLOCKS] [-u UID:GID] [-o PATH,UID,GID]...\n"
		"          [-n PATH,c|b,MAJOR,MINOR[,MODE]]... [-D DEVFILE] IMAGE DIR\n",
		MKFS_PROG);
	exit(2);
}

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (end == s || errno || *s == '-')
		return -1;
	switch (*end) {
	case '\0':
		break;
	case 'k': case 'K':
		shift = KIB_SHIFT;
		break;
	case 'm': case 'M':
		shift = MIB_SHIFT;
		break;
	case 'g': case 'G':
		shift = GIB_SHIFT;
		break;
	default:
		return -1;
	}
	if (*end && end[1])
		return -1;
	if (v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

static int parse_u32(const char *s, const char *stop, uint32_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (end == s || errno || *s == '-' || v > UINT32_MAX || (*end && !strchr(stop, *end)))
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static uint32_t now_seconds(void)
{
	const char *epoch = getenv("SOURCE_DATE_EPOCH");	/* reproducible builds */
	uint32_t t;

	if (epoch && parse_u32(epoch, "", &t) == 0)
		return t;
	return (uint32_t)time(NULL);
}

static uint32_t round_inodes(uint64_t n)
{
	uint64_t r = (n + S5_INODES_PER_BLOCK - 1) / S5_INODES_PER_BLOCK * S5_INODES_PER_BLOCK;

	return r > UINT32_MAX - S5_INODES_PER_BLOCK ? UINT32_MAX / S5_INODES_PER_BLOCK * S5_INODES_PER_BLOCK
						  : (uint32_t)r;
}

/* Picks the block and inode counts the options left open. */
static int size_image(mkfs_geometry_t *geo, uint64_t size, uint32_t ninodes, uint32_t jblocks,
		      const mkfs_node_t *root)
{
	uint64_t need_inodes = 0, need_blocks = 0, nblocks;

	mkfs_tree_count(root, &need_inodes, &need_blocks);
	if (size) {
		nblocks = size / S5_BLOCK_SIZE;
	} else {
		nblocks = need_blocks + need_blocks / MKFS_SLACK_DIVISOR + MKFS_SPARE_BLOCKS;
		if (nblocks < MKFS_MIN_SIZE / S5_BLOCK_SIZE)
			nblocks = MKFS_MIN_SIZE / S5_BLOCK_SIZE;
	}
	if (!ninodes) {
		uint64_t by_size = nblocks * S5_BLOCK_SIZE / MKFS_BYTES_PER_INODE;
		uint64_t by_tree = need_inodes + need_inodes / MKFS_SLACK_DIVISOR + MKFS_SPARE_INODES;
		uint64_t n = by_size > by_tree ? by_size : by_tree;
		/* a small -s: at most a quarter of it for the inode table */
		uint64_t most = nblocks * S5_INODES_PER_BLOCK / MKFS_SLACK_DIVISOR;
		if (size && n > most) {
			if (need_inodes > most) {
				fprintf(stderr, "%s: no space left: the tree needs %llu inodes, "
					"a %llu-block image holds at most %llu (use a larger -s)\n",
					MKFS_PROG, (unsigned long long)need_inodes,
					(unsigned long long)nblocks, (unsigned long long)most);
				return -1;
			}
			n = most;
		}
		ninodes = (uint32_t)(n > UINT32_MAX ? UINT32_MAX : n);
	}
	geo->ninodes = round_inodes((uint64_t)ninodes + 1);	/* + the reserved inode 0 */
	if (jblocks == MKFS_JOURNAL_AUTO) {
		uint64_t j = nblocks / MKFS_JOURNAL_DIVISOR;
		jblocks = nblocks < MKFS_JOURNAL_MIN_IMAGE ? 0
			  : j < S5_JOURNAL_MIN ? S5_JOURNAL_MIN
			  : j > MKFS_JOURNAL_MAX ? MKFS_JOURNAL_MAX : (uint32_t)j;
	}
	geo->jblocks = jblocks;
	if (!size)
		nblocks += S5_INODE_START + mkfs_inode_blocks(geo->ninodes) + jblocks;
	else if ((uint64_t)S5_INODE_START + mkfs_inode_blocks(geo->ninodes) + jblocks >= nblocks) {
		fprintf(stderr, "%s: no space left: a %llu-block image cannot hold the inode table "
			"and a %u-block journal\n", MKFS_PROG, (unsigned long long)nblocks, jblocks);
		return -1;
	}
	if (nblocks > UINT32_MAX) {
		fprintf(stderr, "%s: image too large (at most %u blocks of %u bytes)\n",
			MKFS_PROG, UINT32_MAX, S5_BLOCK_SIZE);
		return -1;
	}
	geo->nblocks = (uint32_t)nblocks;
	return 0;
}

int main(int argc, char **argv)
{
	const char *devspecs[MAX_DEVSPECS], *ownerspecs[MAX_DEVSPECS], *devfile = NULL;
	int ndevspecs = 0, nownerspecs = 0, opt, i;
	uint64_t size = 0;
	uint32_t ninodes = 0, jblocks = MKFS_JOURNAL_AUTO;
	mkfs_owner_t own = { 0 };
	mkfs_geometry_t geo = { 0 };
	mkfs_node_t *root;
	int ret = 1;

	while ((opt = getopt(argc, argv, "vs:i:u:o:n:D:j:")) != -1) {
		switch (opt) {
		case 'j':
			if (parse_u32(optarg, "", &jblocks) < 0 ||
			    (jblocks && jblocks < S5_JOURNAL_MIN)) {
				fprintf(stderr, "%s: bad journal size '%s' (0, or at least %u blocks)\n",
					MKFS_PROG, optarg, S5_JOURNAL_MIN);
				return 2;
			}
			break;
		case 'v':
			geo.verbose = 1;
			break;
		case 's':
			if (parse_size(optarg, &size) < 0 || size < S5_BLOCK_SIZE) {
				fprintf(stderr, "%s: bad size '%s'\n", MKFS_PROG, optarg);
				usage();
			}
			break;
		case 'i':
			if (parse_u32(optarg, "", &ninodes) < 0 || ninodes == 0 ||
			    ninodes >= UINT32_MAX - S5_INODES_PER_BLOCK) {
				fprintf(stderr, "%s: bad inode count '%s'\n", MKFS_PROG, optarg);
				usage();
			}
			break;
		case 'u':
			if (parse_u32(optarg, ":", &own.uid) < 0 || !strchr(optarg, ':') ||
			    parse_u32(strchr(optarg, ':') + 1, "", &own.gid) < 0) {
				fprintf(stderr, "%s: bad owner '%s' (expected UID:GID)\n", MKFS_PROG, optarg);
				usage();
			}
			own.force = 1;
			break;
		case 'n':
			if (ndevspecs == MAX_DEVSPECS) {
				fprintf(stderr, "%s: too many -n options (use -D)\n", MKFS_PROG);
				usage();
			}
			devspecs[ndevspecs++] = optarg;
			break;
		case 'D':
			devfile = optarg;
			break;
		case 'o':
			if (nownerspecs == MAX_DEVSPECS) {
				fprintf(stderr, "%s: too many -o options\n", MKFS_PROG);
				usage();
			}
			ownerspecs[nownerspecs++] = optarg;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2)
		usage();
	geo.now = now_seconds();

	root = mkfs_tree_scan(argv[optind + 1], &own);
	if (!root)
		return 1;
	for (i = 0; i < ndevspecs; i++)
		if (mkfs_tree_add_device(root, devspecs[i], &own, geo.now) < 0)
			goto out_free;
	if (devfile && mkfs_tree_add_device_file(root, devfile, &own, geo.now) < 0)
		goto out_free;
	for (i = 0; i < nownerspecs; i++)
		if (mkfs_tree_set_owner(root, ownerspecs[i]) < 0)
			goto out_free;
	if (size_image(&geo, size, ninodes, jblocks, root) < 0)
		goto out_free;
	if (mkfs_write_image(argv[optind], &geo, root) == 0)
		ret = 0;
out_free:
	mkfs_tree_free(root);
	return ret;
}
