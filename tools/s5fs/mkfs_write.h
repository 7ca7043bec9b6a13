/* mkfs.s5fs's image writer: lays out a file system of a given size and
 * inode count and fills it from a mkfs_tree model.
 *
 * Inode numbers are handed out in tree order from S5_ROOT_INO, data blocks
 * bump-allocated upwards from data_start, so each file's blocks are
 * contiguous.  Regular files are copied block by block and all-zero blocks
 * become holes.  Once the tree is written, the rest of the inodes form the
 * free inode list (ascending), and the rest of the blocks are pushed onto
 * the free-block list from the top down, exactly as the kernel frees them,
 * so the lowest free blocks are handed out first.  The superblock is
 * written last, marked clean.  On any failure the message names the path
 * and the image file is removed.
 */
#pragma once
#include <stdint.h>
#include "mkfs_tree.h"

typedef struct mkfs_geometry {
	uint32_t nblocks;	/* total blocks */
	uint32_t ninodes;	/* inode slots, a multiple of S5_INODES_PER_BLOCK */
	uint32_t jblocks;	/* journal blocks after the inode table; 0 = none */
	uint32_t now;		/* superblock time */
	int verbose;
} mkfs_geometry_t;

/* Inode-table blocks for ninodes slots. */
uint32_t mkfs_inode_blocks(uint32_t ninodes);

int mkfs_write_image(const char *image, const mkfs_geometry_t *geo, mkfs_node_t *root);
