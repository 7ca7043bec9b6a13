/* The image writer behind mkfs.s5fs (mkfs_write.h).  The inode table is
 * built in memory (one s5_inode_t per slot) and written once at the end;
 * data blocks go straight to the image through s5file_bmap_set(), whose
 * indirect blocks come from the same bump allocator.  Running out of
 * blocks is reported once, with the path being written and the image
 * size, and ends the run.
 */
#include "mkfs_write.h"
#include "s5file.h"
#include "s5img.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct writer {
	s5img_t img;
	const mkfs_geometry_t *geo;
	s5_inode_t *itable;	/* ninodes slots */
	uint32_t next_block;	/* bump allocator over the data area */
	uint32_t next_ino;
	dev_t image_dev;	/* the image itself is never copied into itself */
	ino_t image_ino;
} writer_t;

uint32_t mkfs_inode_blocks(uint32_t ninodes)
{
	return (ninodes + S5_INODES_PER_BLOCK - 1) / S5_INODES_PER_BLOCK;
}

static uint32_t alloc_block(void *ctx)
{
	writer_t *w = ctx;

	if (w->next_block >= w->geo->nblocks)
		return S5_NO_BLOCK;
	return w->next_block++;
}

static int io_error(const writer_t *w, const mkfs_node_t *n, int err)
{
	if (err == -ENOSPC)
		fprintf(stderr, "%s: %s: no space left on the image while writing %s: "
			"%u blocks of %u bytes are not enough (use a larger -s)\n",
			MKFS_PROG, w->img.path, mkfs_tree_path(n), w->geo->nblocks, S5_BLOCK_SIZE);
	else
		fprintf(stderr, "%s: %s: writing %s: %s\n", MKFS_PROG, w->img.path,
			mkfs_tree_path(n), strerror(-err));
	return -1;
}

/* Stores one block of file data at file block lbn. */
static int put_block(writer_t *w, s5_inode_t *ip, uint32_t lbn, const void *data)
{
	uint32_t bno = alloc_block(w);
	int err;

	if (bno == S5_NO_BLOCK)
		return -ENOSPC;
	err = s5img_write_block(&w->img, bno, data);
	if (err)
		return err;
	ip->s5i_nblocks++;
	return s5file_bmap_set(&w->img, ip, lbn, bno, alloc_block, w);
}

static int is_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* Reads up to one block; returns the byte count, 0 at EOF, -errno. */
static ssize_t read_block(int fd, uint8_t *buf)
{
	size_t got = 0;

	while (got < S5_BLOCK_SIZE) {
		ssize_t n = read(fd, buf + got, S5_BLOCK_SIZE - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static int write_regular(writer_t *w, mkfs_node_t *n, s5_inode_t *ip)
{
	uint8_t buf[S5_BLOCK_SIZE];
	uint64_t size = 0;
	uint32_t lbn;
	struct stat st;
	int fd, err = 0;

	fd = open(n->host_path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", MKFS_PROG, n->host_path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == 0 && st.st_dev == w->image_dev && st.st_ino == w->image_ino) {
		fprintf(stderr, "%s: %s: is the image being written\n", MKFS_PROG, n->host_path);
		close(fd);
		return -1;
	}
	for (lbn = 0;; lbn++) {
		ssize_t got = read_block(fd, buf);
		if (got < 0) {
			fprintf(stderr, "%s: %s: %s\n", MKFS_PROG, n->host_path, strerror((int)-got));
			close(fd);
			return -1;
		}
		if (got == 0)
			break;
		size += (uint64_t)got;
		if (size > S5_MAX_FILE_SIZE) {
			fprintf(stderr, "%s: %s: file too large (more than %u bytes)\n",
				MKFS_PROG, n->host_path, S5_MAX_FILE_SIZE);
			close(fd);
			return -1;
		}
		if (is_zero(buf, (size_t)got))
			continue;	/* a hole */
		memset(buf + got, 0, S5_BLOCK_SIZE - (size_t)got);
		err = put_block(w, ip, lbn, buf);
		if (err)
			break;
	}
	close(fd);
	ip->s5i_size = (uint32_t)size;
	return err ? io_error(w, n, err) : 0;
}

static int write_symlink(writer_t *w, mkfs_node_t *n, s5_inode_t *ip)
{
	uint8_t buf[S5_BLOCK_SIZE] = { 0 };
	size_t len = strlen(n->target);
	int err;

	memcpy(buf, n->target, len);
	ip->s5i_size = (uint32_t)len;
	err = put_block(w, ip, 0, buf);
	return err ? io_error(w, n, err) : 0;
}

static uint32_t inode_of(const mkfs_node_t *n)
{
	return n->owner ? n->owner->ino : n->ino;
}

static void fill_entry(s5_dirent_t *de, uint32_t ino, const char *name)
{
	de->s5d_ino = ino;
	strncpy(de->s5d_name, name, sizeof(de->s5d_name));
}

static int write_directory(writer_t *w, mkfs_node_t *n, s5_inode_t *ip)
{
	size_t nslots = n->nchildren + 2, i, subdirs = 0;
	uint64_t bytes = (uint64_t)nslots * S5_DIRENT_SIZE;
	uint32_t nblk = (uint32_t)((bytes + S5_BLOCK_SIZE - 1) / S5_BLOCK_SIZE), lbn;
	s5_dirent_t *ents;
	int err = 0;

	if (bytes > S5_MAX_FILE_SIZE) {
		fprintf(stderr, "%s: %s: directory too large\n", MKFS_PROG, mkfs_tree_path(n));
		return -1;
	}
	ents = calloc((size_t)nblk, S5_BLOCK_SIZE);
	if (!ents) {
		fprintf(stderr, "%s: out of memory\n", MKFS_PROG);
		return -1;
	}
	fill_entry(&ents[S5_DOT_SLOT], n->ino, ".");
	fill_entry(&ents[S5_DOTDOT_SLOT], n->parent ? n->parent->ino : n->ino, "..");
	for (i = 0; i < n->nchildren; i++) {
		fill_entry(&ents[i + 2], inode_of(n->children[i]), n->children[i]->name);
		subdirs += n->children[i]->type == S5_TYPE_DIR;
	}
	if (subdirs + 2 > S5_LINK_MAX) {
		fprintf(stderr, "%s: %s: too many subdirectories (%zu, at most %u)\n",
			MKFS_PROG, mkfs_tree_path(n), subdirs, S5_LINK_MAX - 2);
		free(ents);
		return -1;
	}
	ip->s5i_nlink = (uint16_t)(subdirs + 2);
	ip->s5i_size = (uint32_t)bytes;
	for (lbn = 0; lbn < nblk && !err; lbn++)
		err = put_block(w, ip, lbn, (uint8_t *)ents + (size_t)lbn * S5_BLOCK_SIZE);
	free(ents);
	return err ? io_error(w, n, err) : 0;
}

/* Gives every inode-owning node of the tree its number, in tree order. */
static int assign_inodes(writer_t *w, mkfs_node_t *n)
{
	size_t i;

	if (!n->owner) {
		if (w->next_ino >= w->geo->ninodes) {
			fprintf(stderr, "%s: %s: too many files for %u inodes (use a larger -i)\n",
				MKFS_PROG, w->img.path, w->geo->ninodes - 1);
			return -1;
		}
		n->ino = w->next_ino++;
	}
	for (i = 0; i < n->nchildren; i++)
		if (assign_inodes(w, n->children[i]) < 0)
			return -1;
	return 0;
}

static int write_node(writer_t *w, mkfs_node_t *n)
{
	s5_inode_t *ip;
	size_t i;
	int err = 0;

	if (n->owner)
		return 0;
	ip = &w->itable[n->ino];
	ip->s5i_type = (uint16_t)n->type;
	ip->s5i_mode = n->mode;
	ip->s5i_nlink = (uint16_t)n->nlink;
	ip->s5i_uid = n->uid;
	ip->s5i_gid = n->gid;
	ip->s5i_atime = n->atime;
	ip->s5i_mtime = n->mtime;
	ip->s5i_ctime = n->ctime;
	ip->s5i_rdev = n->rdev;
	if (w->geo->verbose)
		printf("%s: inode %u: %s\n", s5img_type_name(n->type), n->ino, mkfs_tree_path(n));
	switch (n->type) {
	case S5_TYPE_REG:
		err = write_regular(w, n, ip);
		break;
	case S5_TYPE_SYMLINK:
		err = write_symlink(w, n, ip);
		break;
	case S5_TYPE_DIR:
		err = write_directory(w, n, ip);
		break;
	default:
		break;
	}
	for (i = 0; i < n->nchildren && !err; i++)
		err = write_node(w, n->children[i]);
	return err;
}

/* Frees one block the way the kernel does (s5fs_disk.h). */
static int free_block(writer_t *w, uint32_t bno)
{
	s5_freenode_t *cache = &w->img.sb.s5s_free;
	uint8_t buf[S5_BLOCK_SIZE] = { 0 };
	int err;

	if (cache->s5f_nfree == S5_NICFREE) {
		memcpy(buf, cache, sizeof(*cache));
		err = s5img_write_block(&w->img, bno, buf);
		if (err)
			return err;
		cache->s5f_nfree = 0;
		cache->s5f_next = bno;
	} else {
		cache->s5f_blocks[cache->s5f_nfree++] = bno;
	}
	w->img.sb.s5s_free_blocks++;
	return 0;
}

static int build_free_lists(writer_t *w)
{
	s5_super_t *sb = &w->img.sb;
	uint32_t b, ino;
	int err;

	for (ino = w->geo->ninodes - 1; ino >= w->next_ino; ino--) {
		w->itable[ino].s5i_next_free = sb->s5s_free_inode;
		sb->s5s_free_inode = ino;
		sb->s5s_free_inodes++;
	}
	for (b = w->geo->nblocks; b-- > w->next_block;) {
		err = free_block(w, b);
		if (err)
			return err;
	}
	return 0;
}

static int write_inode_table(writer_t *w)
{
	uint32_t i, nblk = mkfs_inode_blocks(w->geo->ninodes);
	int err;

	for (i = 0; i < nblk; i++) {
		err = s5img_write_block(&w->img, S5_INODE_START + i,
					(uint8_t *)w->itable + (size_t)i * S5_BLOCK_SIZE);
		if (err)
			return err;
	}
	return 0;
}

static void init_super(writer_t *w)
{
	s5_super_t *sb = &w->img.sb;
	uint32_t iblocks = mkfs_inode_blocks(w->geo->ninodes);

	memset(sb, 0, sizeof(*sb));
	sb->s5s_magic = S5_MAGIC;
	sb->s5s_version = S5_VERSION;
	sb->s5s_nblocks = w->geo->nblocks;
	sb->s5s_ninodes = w->geo->ninodes;
	sb->s5s_inode_start = S5_INODE_START;
	sb->s5s_inode_blocks = iblocks;
	sb->s5s_journal_start = w->geo->jblocks ? S5_INODE_START + iblocks : 0;
	sb->s5s_journal_blocks = w->geo->jblocks;
	sb->s5s_data_start = S5_INODE_START + iblocks + w->geo->jblocks;
	sb->s5s_state = S5_STATE_CLEAN;
	sb->s5s_mtime = w->geo->now;
}

/* An empty journal: the header, and a zero descriptor (a sparse hole). */
static int write_journal(writer_t *w)
{
	static uint8_t block[S5_BLOCK_SIZE];
	s5_jheader_t *jh = (s5_jheader_t *)block;
	if (!w->geo->jblocks)
		return 0;
	memset(block, 0, sizeof(block));
	jh->jh_magic = S5_JOURNAL_MAGIC;
	jh->jh_version = S5_JOURNAL_VERSION;
	jh->jh_blocks = w->geo->jblocks;
	jh->jh_seq = 1;
	return s5img_write_block(&w->img, w->img.sb.s5s_journal_start + S5_JHEADER_OFF, block);
}

static int fill_image(writer_t *w, mkfs_node_t *root)
{
	s5_super_t *sb = &w->img.sb;
	int err;

	init_super(w);
	w->next_block = sb->s5s_data_start;
	w->next_ino = S5_ROOT_INO;
	if (assign_inodes(w, root) < 0 || write_node(w, root) < 0)
		return -1;
	err = build_free_lists(w);
	if (!err)
		err = write_inode_table(w);
	if (!err)
		err = write_journal(w);
	if (!err)
		err = s5img_write_super(&w->img);
	if (err) {
		fprintf(stderr, "%s: %s: %s\n", MKFS_PROG, w->img.path, strerror(-err));
		return -1;
	}
	if (w->geo->verbose)
		printf("%s: %u blocks (%u free), %u inodes (%u free)\n", w->img.path,
		       sb->s5s_nblocks, sb->s5s_free_blocks, sb->s5s_ninodes - 1, sb->s5s_free_inodes);
	return 0;
}

int mkfs_write_image(const char *image, const mkfs_geometry_t *geo, mkfs_node_t *root)
{
	writer_t w = { .geo = geo };
	struct stat st;
	int err, ret = -1;

	if (geo->nblocks <= S5_INODE_START + mkfs_inode_blocks(geo->ninodes)) {
		fprintf(stderr, "%s: %s: no space left: %u blocks cannot hold a superblock, "
			"%u inode-table blocks and the root directory (use a larger -s)\n",
			MKFS_PROG, image, geo->nblocks, mkfs_inode_blocks(geo->ninodes));
		return -1;
	}
	w.itable = calloc(mkfs_inode_blocks(geo->ninodes), S5_BLOCK_SIZE);
	if (!w.itable) {
		fprintf(stderr, "%s: out of memory\n", MKFS_PROG);
		return -1;
	}
	err = s5img_create(&w.img, image, geo->nblocks);
	if (err) {
		fprintf(stderr, "%s: %s: %s\n", MKFS_PROG, image, strerror(-err));
		goto out_free;
	}
	if (fstat(w.img.fd, &st) == 0) {
		w.image_dev = st.st_dev;
		w.image_ino = st.st_ino;
	}
	ret = fill_image(&w, root);
	err = s5img_close(&w.img);
	if (err && ret == 0) {
		fprintf(stderr, "%s: %s: %s\n", MKFS_PROG, image, strerror(-err));
		ret = -1;
	}
	if (ret < 0)
		unlink(image);
out_free:
	free(w.itable);
	return ret;
}
