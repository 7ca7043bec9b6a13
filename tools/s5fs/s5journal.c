/* Host side of the S5FS journal: the same validity rules as the kernel's
 * replay (fs/s5fs_disk.h says what a committed transaction is).  Replay
 * writes each logged copy to its home block, then advances the header's
 * sequence number past the transaction, so a second replay finds nothing
 * (replaying twice would change nothing anyway). */
#include "s5journal.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

const char *s5j_geometry(const s5_super_t *sb)
{
	uint64_t table_end = (uint64_t)sb->s5s_inode_start + sb->s5s_inode_blocks;

	if (!sb->s5s_journal_blocks)
		return sb->s5s_journal_start ? "journal start set without a journal" : NULL;
	if (sb->s5s_journal_start != table_end)
		return "journal does not start right after the inode table";
	if (sb->s5s_journal_blocks < S5_JOURNAL_MIN)
		return "journal smaller than the minimum";
	if (table_end + sb->s5s_journal_blocks != sb->s5s_data_start)
		return "data area does not start right after the journal";
	return NULL;
}

static int jblock(s5img_t *img, uint32_t off, void *buf)
{
	return s5img_read_block(img, img->sb.s5s_journal_start + off, buf);
}

int s5j_check(s5img_t *img, s5j_info_t *info)
{
	static uint8_t page[S5_BLOCK_SIZE];
	static s5_jdesc_t desc;
	const s5_super_t *sb = &img->sb;
	s5_jheader_t jh;
	uint32_t cap, crc, i;
	int err;

	memset(info, 0, sizeof(*info));
	if (!sb->s5s_journal_blocks) {
		info->status = S5J_NONE;
		return 0;
	}
	if ((err = jblock(img, S5_JHEADER_OFF, page)))
		return err;
	memcpy(&jh, page, sizeof(jh));
	if (jh.jh_magic != S5_JOURNAL_MAGIC || jh.jh_version != S5_JOURNAL_VERSION ||
	    jh.jh_blocks != sb->s5s_journal_blocks) {
		info->status = S5J_BAD_HEADER;
		info->why = "bad journal header (magic, version or size)";
		return 0;
	}
	info->status = S5J_EMPTY;
	if ((err = jblock(img, S5_JDESC_OFF, &desc)))
		return err;
	if (desc.jd_magic != S5_JDESC_MAGIC || desc.jd_seq < jh.jh_seq)
		return 0;
	info->seq = desc.jd_seq;
	info->count = desc.jd_count;
	cap = s5_journal_capacity(sb->s5s_journal_blocks);
	if (desc.jd_count == 0 || desc.jd_count > cap) {
		info->status = S5J_CORRUPT;
		info->why = "descriptor block count out of range";
		return 0;
	}
	if ((err = jblock(img, S5_JLOG_OFF + desc.jd_count, page)))
		return err;
	s5_jcommit_t jc;
	memcpy(&jc, page, sizeof(jc));
	if (jc.jc_magic != S5_JCOMMIT_MAGIC || jc.jc_seq != desc.jd_seq ||
	    jc.jc_count != desc.jd_count) {
		info->status = S5J_INCOMPLETE;
		return 0;
	}
	crc = s5_crc32_update(S5_CRC32_INIT, &desc, S5_BLOCK_SIZE);
	for (i = 0; i < desc.jd_count; i++) {
		uint32_t home = desc.jd_home[i];
		if (home >= sb->s5s_nblocks ||
		    (home >= sb->s5s_journal_start && home < sb->s5s_data_start)) {
			info->status = S5J_CORRUPT;
			info->why = "a logged block's home is outside the file system";
			return 0;
		}
		if ((err = jblock(img, S5_JLOG_OFF + i, page)))
			return err;
		crc = s5_crc32_update(crc, page, S5_BLOCK_SIZE);
	}
	if ((crc ^ S5_CRC32_INIT) != jc.jc_crc) {
		info->status = S5J_CORRUPT;
		info->why = "commit record checksum does not match";
		return 0;
	}
	info->status = S5J_PENDING;
	return 0;
}

int s5j_replay(s5img_t *img, const s5j_info_t *info)
{
	static uint8_t page[S5_BLOCK_SIZE];
	static s5_jdesc_t desc;
	uint32_t start = img->sb.s5s_journal_start, i;
	int err;

	if (info->status != S5J_PENDING)
		return -EINVAL;
	if ((err = jblock(img, S5_JDESC_OFF, &desc)))
		return err;
	for (i = 0; i < desc.jd_count; i++) {
		if ((err = jblock(img, S5_JLOG_OFF + i, page)) ||
		    (err = s5img_write_block(img, desc.jd_home[i], page)))
			return err;
	}
	if (fsync(img->fd) < 0)
		return -errno;
	/* the superblock may have been replayed: reload it first */
	if ((err = s5img_read_block(img, S5_SUPER_BLOCK, page)))
		return err;
	memcpy(&img->sb, page, sizeof(img->sb));
	memset(page, 0, sizeof(page));
	s5_jheader_t *jh = (s5_jheader_t *)page;
	jh->jh_magic = S5_JOURNAL_MAGIC;
	jh->jh_version = S5_JOURNAL_VERSION;
	jh->jh_blocks = img->sb.s5s_journal_blocks;
	jh->jh_seq = desc.jd_seq + 1;
	if ((err = s5img_write_block(img, start + S5_JHEADER_OFF, page)))
		return err;
	return fsync(img->fd) < 0 ? -errno : 0;
}
