/* s5mangle: damages an S5FS image at random, reproducibly, for the
 * random-corruption loop of tools/tests/fsck_repair.sh.
 *
 *   s5mangle IMAGE SEED BLOCK...
 *
 * From SEED (its own generator, so every host gives the same damage) it
 * picks one to four of the listed blocks and writes one to sixteen random
 * bytes at a random offset in each.  In block 0 it spares the geometry
 * (the words before s5s_free_blocks, and s5s_journal_blocks): a superblock
 * fsck cannot trust is tested on its own (fsck leaves it alone, exit 4),
 * here every image must be repairable.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include "fs/s5fs_disk.h"

#define MANGLE_MAX_SPOTS 4u
#define MANGLE_MAX_BYTES 16u

static uint64_t state;

/* Whether byte off of the superblock belongs to its geometry. */
static int geometry_byte(uint32_t off)
{
	uint32_t jb = offsetof(s5_super_t, s5s_journal_blocks);

	return off < offsetof(s5_super_t, s5s_free_blocks) || (off >= jb && off < jb + S5_PTR_SIZE);
}

static uint32_t next(uint32_t bound)	/* xorshift64*, in [0, bound) */
{
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return (uint32_t)((state * 0x2545F4914F6CDD1DULL) >> 32) % bound;
}

int main(int argc, char **argv)
{
	uint8_t buf[S5_BLOCK_SIZE];
	uint32_t spots, i, j, len, off;
	FILE *f;

	if (argc < 4)
		return 2;
	f = fopen(argv[1], "r+b");
	if (!f)
		return 2;
	state = strtoull(argv[2], NULL, 0) * 2654435761u + 1;
	spots = 1 + next(MANGLE_MAX_SPOTS);
	for (i = 0; i < spots; i++) {
		uint32_t block = (uint32_t)strtoul(argv[3 + next((uint32_t)argc - 3)], NULL, 0);

		len = 1 + next(MANGLE_MAX_BYTES);
		off = next(S5_BLOCK_SIZE - len);
		if (fseek(f, (long)block * S5_BLOCK_SIZE, SEEK_SET) || fread(buf, sizeof(buf), 1, f) != 1)
			return 1;
		for (j = 0; j < len; j++) {
			uint8_t byte = (uint8_t)next(256);

			if (block != S5_SUPER_BLOCK || !geometry_byte(off + j))
				buf[off + j] = byte;
		}
		if (fseek(f, (long)block * S5_BLOCK_SIZE, SEEK_SET) || fwrite(buf, sizeof(buf), 1, f) != 1)
			return 1;
	}
	return fclose(f) ? 1 : 0;
}
