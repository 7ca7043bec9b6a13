/* S5FS image access (s5img.h): positioned reads and writes of whole blocks
 * and of single inodes in an image file.  Block I/O is bounded by the
 * image file's size, inode I/O by the superblock's inode count and the
 * file's size, so a corrupt superblock cannot send I/O astray.  Short reads
 * (a file that shrank under us) are -EIO.
 */
#include "s5img.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int pio_full(int fd, void *buf, size_t len, off_t off, int write)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = write ? pwrite(fd, p, len, off) : pread(fd, p, len, off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

static off_t block_offset(uint32_t bno)
{
	return (off_t)bno << S5_BLOCK_SHIFT;
}

static void set_file_size(s5img_t *img, uint64_t size)
{
	uint64_t blocks = size >> S5_BLOCK_SHIFT;

	img->file_size = size;
	img->file_blocks = blocks > UINT32_MAX ? UINT32_MAX : (uint32_t)blocks;
}

int s5img_open(s5img_t *img, const char *path, int writable)
{
	struct stat st;
	int err;

	memset(img, 0, sizeof(*img));
	img->path = path;
	img->writable = writable;
	img->fd = open(path, writable ? O_RDWR : O_RDONLY);
	if (img->fd < 0)
		return -errno;
	if (fstat(img->fd, &st) < 0)
		goto out_errno;
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		err = -EINVAL;
		goto out_close;
	}
	if (S_ISBLK(st.st_mode)) {
		off_t end = lseek(img->fd, 0, SEEK_END);
		if (end < 0)
			goto out_errno;
		set_file_size(img, (uint64_t)end);
	} else {
		set_file_size(img, (uint64_t)st.st_size);
	}
	if (img->file_blocks == 0) {
		err = -ENOSPC;	/* not even a superblock */
		goto out_close;
	}
	err = s5img_read_block(img, S5_SUPER_BLOCK, &img->sb);
	if (err)
		goto out_close;
	return 0;

out_errno:
	err = -errno;
out_close:
	close(img->fd);
	img->fd = -1;
	return err;
}

int s5img_create(s5img_t *img, const char *path, uint32_t nblocks)
{
	int err;

	memset(img, 0, sizeof(*img));
	img->path = path;
	img->writable = 1;
	img->fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (img->fd < 0)
		return -errno;
	if (ftruncate(img->fd, block_offset(nblocks)) < 0) {
		err = -errno;
		close(img->fd);
		img->fd = -1;
		return err;
	}
	set_file_size(img, (uint64_t)block_offset(nblocks));
	return 0;
}

int s5img_close(s5img_t *img)
{
	int err = 0;

	if (img->fd < 0)
		return 0;
	if (img->writable && fsync(img->fd) < 0 && errno != EINVAL)
		err = -errno;
	if (close(img->fd) < 0 && !err)
		err = -errno;
	img->fd = -1;
	return err;
}

int s5img_read_block(s5img_t *img, uint32_t bno, void *buf)
{
	if (bno >= img->file_blocks)
		return -ERANGE;
	return pio_full(img->fd, buf, S5_BLOCK_SIZE, block_offset(bno), 0);
}

int s5img_write_block(s5img_t *img, uint32_t bno, const void *buf)
{
	if (!img->writable)
		return -EBADF;
	if (bno >= img->file_blocks)
		return -ERANGE;
	return pio_full(img->fd, (void *)buf, S5_BLOCK_SIZE, block_offset(bno), 1);
}

int s5img_zero_block(s5img_t *img, uint32_t bno)
{
	static const uint8_t zeros[S5_BLOCK_SIZE];

	return s5img_write_block(img, bno, zeros);
}

int s5img_write_super(s5img_t *img)
{
	return s5img_write_block(img, S5_SUPER_BLOCK, &img->sb);
}

static int inode_location(const s5img_t *img, uint32_t ino, off_t *off)
{
	uint32_t bno;

	if (ino == S5_NO_INODE || ino >= img->sb.s5s_ninodes)
		return -ERANGE;
	bno = s5_inode_block(&img->sb, ino);
	if (bno < img->sb.s5s_inode_start || bno >= img->file_blocks)
		return -ERANGE;
	*off = block_offset(bno) + s5_inode_offset(ino);
	return 0;
}

int s5img_read_inode(s5img_t *img, uint32_t ino, s5_inode_t *ip)
{
	off_t off;
	int err = inode_location(img, ino, &off);

	if (err)
		return err;
	return pio_full(img->fd, ip, sizeof(*ip), off, 0);
}

int s5img_write_inode(s5img_t *img, uint32_t ino, const s5_inode_t *ip)
{
	off_t off;
	int err;

	if (!img->writable)
		return -EBADF;
	err = inode_location(img, ino, &off);
	if (err)
		return err;
	return pio_full(img->fd, (void *)ip, sizeof(*ip), off, 1);
}

const char *s5img_geometry(const s5img_t *img)
{
	const s5_super_t *sb = &img->sb;
	uint64_t table_end = (uint64_t)sb->s5s_inode_start + sb->s5s_inode_blocks;

	if (sb->s5s_magic != S5_MAGIC)
		return "bad magic number (not an S5FS image)";
	if (sb->s5s_version != S5_VERSION)
		return "unsupported version";
	if (sb->s5s_inode_start != S5_INODE_START || sb->s5s_inode_blocks == 0)
		return "bad inode table position";
	if (sb->s5s_data_start != table_end + sb->s5s_journal_blocks ||
	    sb->s5s_data_start >= sb->s5s_nblocks)
		return "bad data area position";
	if (sb->s5s_ninodes <= S5_ROOT_INO ||
	    sb->s5s_ninodes > (uint64_t)sb->s5s_inode_blocks * S5_INODES_PER_BLOCK)
		return "inode count does not fit the inode table";
	if (sb->s5s_nblocks > img->file_blocks)
		return "file system is larger than the image file";
	return NULL;
}

int s5img_data_block(const s5img_t *img, uint32_t bno)
{
	return bno >= img->sb.s5s_data_start && bno < img->sb.s5s_nblocks;
}

const char *s5img_type_name(uint32_t type)
{
	static const char *const names[] = {
		[S5_TYPE_FREE] = "free",
		[S5_TYPE_REG] = "regular file",
		[S5_TYPE_DIR] = "directory",
		[S5_TYPE_SYMLINK] = "symlink",
		[S5_TYPE_CHR] = "character device",
		[S5_TYPE_BLK] = "block device",
		[S5_TYPE_FIFO] = "FIFO",
		[S5_TYPE_SOCK] = "socket",
	};

	return type <= S5_TYPE_MAX ? names[type] : "invalid type";
}
