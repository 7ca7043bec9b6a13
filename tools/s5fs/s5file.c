/* S5FS block map and file reads (s5file.h).  File block lbn lives in
 * s5i_direct[lbn] below S5_IND_FIRST, in entry lbn - S5_IND_FIRST of the
 * single-indirect block below S5_DIND_FIRST, and beyond that in entry
 * (lbn - S5_DIND_FIRST) % S5_PTRS_PER_BLOCK of the indirect block named by
 * entry (lbn - S5_DIND_FIRST) / S5_PTRS_PER_BLOCK of the double-indirect
 * block.  Every pointer read from the image is range-checked before use.
 */
#include "s5file.h"

#include <errno.h>
#include <string.h>

/* Reads entry idx of pointer block bno (which must be a data block). */
static int read_ptr(s5img_t *img, uint32_t bno, uint32_t idx, uint32_t *out)
{
	uint32_t ptrs[S5_PTRS_PER_BLOCK];
	int err;

	if (!s5img_data_block(img, bno))
		return -EUCLEAN;
	err = s5img_read_block(img, bno, ptrs);
	if (err)
		return err;
	*out = ptrs[idx];
	return 0;
}

static int checked(const s5img_t *img, uint32_t bno, uint32_t *out)
{
	if (bno != S5_NO_BLOCK && !s5img_data_block(img, bno))
		return -EUCLEAN;
	*out = bno;
	return 0;
}

int s5file_bmap(s5img_t *img, const s5_inode_t *ip, uint32_t lbn, uint32_t *bno)
{
	uint32_t ind, rel;
	int err;

	if (lbn >= S5_MAX_FILE_BLOCKS)
		return -EFBIG;
	if (lbn < S5_IND_FIRST)
		return checked(img, ip->s5i_direct[lbn], bno);
	if (lbn < S5_DIND_FIRST) {
		ind = ip->s5i_indirect;
		rel = lbn - S5_IND_FIRST;
	} else {
		rel = lbn - S5_DIND_FIRST;
		if (ip->s5i_dindirect == S5_NO_BLOCK) {
			*bno = S5_NO_BLOCK;
			return 0;
		}
		err = read_ptr(img, ip->s5i_dindirect, rel / S5_PTRS_PER_BLOCK, &ind);
		if (err)
			return err;
		rel %= S5_PTRS_PER_BLOCK;
	}
	if (ind == S5_NO_BLOCK) {
		*bno = S5_NO_BLOCK;
		return 0;
	}
	err = read_ptr(img, ind, rel, &ind);
	if (err)
		return err;
	return checked(img, ind, bno);
}

/* Makes *slot name a pointer block, allocating and zeroing one if needed. */
static int ensure_ptr_block(s5img_t *img, s5_inode_t *ip, uint32_t *slot,
			    s5file_alloc_fn alloc, void *ctx)
{
	int err;

	if (*slot != S5_NO_BLOCK)
		return s5img_data_block(img, *slot) ? 0 : -EUCLEAN;
	*slot = alloc(ctx);
	if (*slot == S5_NO_BLOCK)
		return -ENOSPC;
	err = s5img_zero_block(img, *slot);
	if (err)
		return err;
	ip->s5i_nblocks++;
	return 0;
}

/* Sets entry idx of pointer block bno to val. */
static int write_ptr(s5img_t *img, uint32_t bno, uint32_t idx, uint32_t val)
{
	uint32_t ptrs[S5_PTRS_PER_BLOCK];
	int err = s5img_read_block(img, bno, ptrs);

	if (err)
		return err;
	ptrs[idx] = val;
	return s5img_write_block(img, bno, ptrs);
}

int s5file_bmap_set(s5img_t *img, s5_inode_t *ip, uint32_t lbn, uint32_t bno,
		    s5file_alloc_fn alloc, void *ctx)
{
	uint32_t ind, rel;
	int err;

	if (lbn >= S5_MAX_FILE_BLOCKS)
		return -EFBIG;
	if (lbn < S5_IND_FIRST) {
		ip->s5i_direct[lbn] = bno;
		return 0;
	}
	if (lbn < S5_DIND_FIRST) {
		err = ensure_ptr_block(img, ip, &ip->s5i_indirect, alloc, ctx);
		if (err)
			return err;
		return write_ptr(img, ip->s5i_indirect, lbn - S5_IND_FIRST, bno);
	}
	rel = lbn - S5_DIND_FIRST;
	err = ensure_ptr_block(img, ip, &ip->s5i_dindirect, alloc, ctx);
	if (err)
		return err;
	err = read_ptr(img, ip->s5i_dindirect, rel / S5_PTRS_PER_BLOCK, &ind);
	if (err)
		return err;
	if (ind == S5_NO_BLOCK) {
		err = ensure_ptr_block(img, ip, &ind, alloc, ctx);
		if (err)
			return err;
		err = write_ptr(img, ip->s5i_dindirect, rel / S5_PTRS_PER_BLOCK, ind);
		if (err)
			return err;
	} else if (!s5img_data_block(img, ind)) {
		return -EUCLEAN;
	}
	return write_ptr(img, ind, rel % S5_PTRS_PER_BLOCK, bno);
}

ssize_t s5file_read(s5img_t *img, const s5_inode_t *ip, uint32_t off, void *buf, size_t len)
{
	uint8_t block[S5_BLOCK_SIZE];
	uint8_t *out = buf;
	size_t done = 0;

	if (off >= ip->s5i_size)
		return 0;
	if (len > ip->s5i_size - off)
		len = ip->s5i_size - off;
	while (done < len) {
		uint32_t pos = off + (uint32_t)done;
		uint32_t in_block = pos % S5_BLOCK_SIZE;
		size_t n = S5_BLOCK_SIZE - in_block;
		uint32_t bno;
		int err;

		if (n > len - done)
			n = len - done;
		err = s5file_bmap(img, ip, pos >> S5_BLOCK_SHIFT, &bno);
		if (err)
			return err;
		if (bno == S5_NO_BLOCK) {
			memset(out + done, 0, n);
		} else {
			err = s5img_read_block(img, bno, block);
			if (err)
				return err;
			memcpy(out + done, block + in_block, n);
		}
		done += n;
	}
	return (ssize_t)done;
}
