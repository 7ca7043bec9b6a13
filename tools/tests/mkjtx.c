/* mkjtx: writes a one-block transaction into an S5FS image's journal for
 * tools/tests/journal.sh: IMAGE HOME BYTE MODE puts a copy of a block of
 * BYTE bytes destined for block HOME, with a commit record (MODE commit),
 * none (nocommit) or one whose checksum is wrong (badcrc). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fs/s5fs_disk.h"

static void put(FILE *f, uint32_t block, const void *buf)
{
	if (fseek(f, (long)block * S5_BLOCK_SIZE, SEEK_SET) || fwrite(buf, S5_BLOCK_SIZE, 1, f) != 1)
		exit(1);
}

int main(int argc, char **argv)
{
	static uint8_t blk[S5_BLOCK_SIZE];
	static s5_jdesc_t desc;
	s5_super_t sb;
	s5_jheader_t jh;
	if (argc != 5)
		return 2;
	FILE *f = fopen(argv[1], "r+b");
	if (!f || fread(&sb, sizeof(sb), 1, f) != 1 || !sb.s5s_journal_blocks)
		return 1;
	uint32_t js = sb.s5s_journal_start;
	if (fseek(f, (long)js * S5_BLOCK_SIZE, SEEK_SET) || fread(&jh, sizeof(jh), 1, f) != 1)
		return 1;
	desc.jd_magic = S5_JDESC_MAGIC;
	desc.jd_seq = jh.jh_seq;
	desc.jd_count = 1;
	desc.jd_home[0] = (uint32_t)strtoul(argv[2], NULL, 0);
	memset(blk, (int)strtoul(argv[3], NULL, 0), sizeof(blk));
	uint32_t crc = s5_crc32_update(S5_CRC32_INIT, &desc, S5_BLOCK_SIZE);
	crc = s5_crc32_update(crc, blk, S5_BLOCK_SIZE) ^ S5_CRC32_INIT;
	put(f, js + S5_JDESC_OFF, &desc);
	put(f, js + S5_JLOG_OFF, blk);
	memset(blk, 0, sizeof(blk));
	if (strcmp(argv[4], "nocommit") != 0) {
		s5_jcommit_t jc = { S5_JCOMMIT_MAGIC, desc.jd_seq, 1,
				    crc + (strcmp(argv[4], "badcrc") == 0) };
		memcpy(blk, &jc, sizeof(jc));
	}
	put(f, js + S5_JLOG_OFF + 1, blk);
	return fclose(f) ? 1 : 0;
}
