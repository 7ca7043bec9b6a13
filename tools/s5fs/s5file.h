/* S5FS file contents for the host tools: the block map (file block ->
 * disk block through direct, single- and double-indirect pointers) and
 * reads of a file's bytes.
 *
 * Lookups never trust the image: a pointer (data or indirect) outside the
 * data area gives -EUCLEAN, a file block beyond the map -EFBIG.  Setting a
 * mapping allocates missing indirect blocks through the caller's
 * allocator, zeroes them and counts them in s5i_nblocks; the caller counts
 * the data block itself.  The inode is the caller's copy: writing it back
 * is the caller's job.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "s5img.h"

/* Returns a fresh block number, or S5_NO_BLOCK when the image is full. */
typedef uint32_t (*s5file_alloc_fn)(void *ctx);

int s5file_bmap(s5img_t *img, const s5_inode_t *ip, uint32_t lbn, uint32_t *bno);
int s5file_bmap_set(s5img_t *img, s5_inode_t *ip, uint32_t lbn, uint32_t bno,
		    s5file_alloc_fn alloc, void *ctx);

/* Reads up to len bytes at off, stopping at the file's size; holes read as
 * zeros.  Returns the byte count or a negative errno. */
ssize_t s5file_read(s5img_t *img, const s5_inode_t *ip, uint32_t off, void *buf, size_t len);
