/* S5FS image access for the host tools: an open image file, its block
 * and inode I/O, and the superblock copy read at open time.
 *
 * The library never prints; every call returns 0 or a negative errno so
 * each tool reports problems its own way.  Every block and inode number is
 * bounds-checked against the image file before any I/O (a block past the
 * end of the file gives -ERANGE), so a garbage image cannot make a caller
 * read or write outside it.  img->sb is only a copy: s5img_write_super()
 * writes it back.  s5img_geometry() is the gate the tools other than fsck
 * pass before trusting the superblock's sizes.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "fs/s5fs_disk.h"

typedef struct s5img {
	const char *path;
	int fd;
	int writable;
	uint64_t file_size;	/* bytes in the image file */
	uint32_t file_blocks;	/* whole blocks in the image file */
	s5_super_t sb;		/* copy of block 0 */
} s5img_t;

int s5img_open(s5img_t *img, const char *path, int writable);
int s5img_create(s5img_t *img, const char *path, uint32_t nblocks);
int s5img_close(s5img_t *img);

int s5img_read_block(s5img_t *img, uint32_t bno, void *buf);
int s5img_write_block(s5img_t *img, uint32_t bno, const void *buf);
int s5img_zero_block(s5img_t *img, uint32_t bno);
int s5img_write_super(s5img_t *img);

int s5img_read_inode(s5img_t *img, uint32_t ino, s5_inode_t *ip);
int s5img_write_inode(s5img_t *img, uint32_t ino, const s5_inode_t *ip);

/* NULL when the superblock's magic, version and geometry are sane and the
 * image file holds all its blocks; otherwise what is wrong. */
const char *s5img_geometry(const s5img_t *img);

/* Whether bno is a data block of this file system. */
int s5img_data_block(const s5img_t *img, uint32_t bno);

const char *s5img_type_name(uint32_t type);
