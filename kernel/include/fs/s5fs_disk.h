/* S5FS on-disk format: the one definition shared by the kernel's S5FS and
 * the host tools (tools/s5fs: mkfs.s5fs, fsck.s5fs, s5extract, s5dbg).
 * It includes only <stdint.h>, uses fixed-width fields laid out at their
 * natural alignment (no padding, no 64-bit fields), and checks every
 * structure's size and key offsets below, so a 32-bit freestanding kernel
 * and a 64-bit host compiler agree byte for byte.  All numbers are little
 * endian (x86 on both sides).  doc/fs.md has the long description.
 *
 * The image is an array of S5_BLOCK_SIZE blocks (one block = one page, so
 * the page cache maps one block per page):
 *
 *   block 0                     superblock (s5_super_t)
 *   blocks inode_start ..       inode table: inode_blocks blocks holding
 *          data_start - 1       ninodes s5_inode_t; inode number = index
 *   blocks journal_start ..     the metadata journal (optional, below)
 *          data_start - 1
 *   blocks data_start ..        data blocks: file contents, directories,
 *          nblocks - 1          symlink targets, indirect blocks and the
 *                               free-block list's chain nodes
 *
 * Inode 0 means "no inode": its slot is reserved and stays zero.  The root
 * directory is inode S5_ROOT_INO.  Block number 0 (the superblock) never
 * appears in a block pointer, so a pointer of 0 is a hole: it reads as
 * zeros and takes no block.  An inode maps file block L through
 * s5i_direct[L] for L < S5_NDIRECT, then one single-indirect block of
 * S5_PTRS_PER_BLOCK pointers, then one double-indirect block.
 *
 * Free blocks: the superblock caches up to S5_NICFREE free block numbers
 * (s5s_free.s5f_blocks[0 .. s5f_nfree-1]); s5f_next names a free block that
 * holds the next s5_freenode_t of the chain (0 = end).  Allocation pops the
 * cache; when the cache is empty it copies the node stored in s5f_next into
 * the superblock and hands out that block itself.  Freeing pushes onto the
 * cache; when the cache is full, the freed block receives the cache's
 * contents, and becomes the new s5f_next with an empty cache.  Free inodes
 * are chained through s5i_next_free from s5s_free_inode (0 = end).
 *
 * Invariants (what fsck.s5fs checks):
 *  - superblock: magic and version match; inode_start == S5_INODE_START,
 *    data_start == inode_start + inode_blocks + journal_blocks < nblocks,
 *    and a journal starts right after the inode table; ninodes fits the
 *    inode blocks; the image holds nblocks blocks; state is CLEAN or DIRTY.
 *  - every data block is either referenced exactly once by one in-use inode
 *    (as file data or as an indirect block) or on the free list exactly
 *    once (in the cache or as/in a chain node); s5s_free_blocks counts the
 *    free list; no pointer is outside [data_start, nblocks).
 *  - every inode 1..ninodes-1 is either in use (a valid S5_TYPE_*) or free;
 *    a free inode is all zero except s5i_next_free and is on the free inode
 *    list exactly once; s5s_free_inodes counts that list.
 *  - s5i_nblocks counts the inode's data and indirect blocks; a regular
 *    file maps no block at or past its size; directories and symlinks have
 *    no holes; device nodes have size 0 and no blocks, and only device
 *    nodes have a non-zero s5i_rdev; mode holds permission bits only.
 *  - directories: size is a multiple of S5_DIRENT_SIZE; entry 0 is "."
 *    (itself) and entry 1 is ".." (its parent; the root's parent is
 *    itself); an entry with inode 0 is an empty slot; other names are 1 ..
 *    S5_NAME_LEN bytes without '/', NUL padded, unique in the directory, and
 *    refer to in-use inodes.  Every in-use inode is reachable from the
 *    root, a directory through exactly one name.
 *  - s5i_nlink equals the number of directory entries naming the inode,
 *    "." and ".." included (a directory: 2 + its subdirectories).
 *  - a symlink's target is its contents: 1 .. S5_SYMLINK_MAX bytes with no
 *    NUL, in one block.
 */
#pragma once
#include <stdint.h>

/* ---- geometry ---------------------------------------------------------- */
#define S5_BLOCK_SHIFT 12
#define S5_BLOCK_SIZE (1u << S5_BLOCK_SHIFT)	/* == the kernel's PAGE_SIZE */
#define S5_SUPER_BLOCK 0u			/* block number of the superblock */
#define S5_INODE_START 1u			/* first inode-table block */
#define S5_NO_BLOCK 0u				/* block pointer of a hole */
#define S5_NO_INODE 0u				/* "no inode" in lists and entries */
#define S5_ROOT_INO 1u				/* the root directory */

#define S5_MAGIC 0x53463553u	/* the bytes "S5FS" on disk */
#define S5_VERSION 1u

/* s5s_state */
#define S5_STATE_CLEAN 1u	/* unmounted cleanly (or fresh from mkfs) */
#define S5_STATE_DIRTY 2u	/* mounted read-write, or crashed while so */

/* ---- inodes ------------------------------------------------------------ */
#define S5_NDIRECT 16u
#define S5_PTR_SIZE 4u
#define S5_PTRS_PER_BLOCK (S5_BLOCK_SIZE / S5_PTR_SIZE)	/* 1024 */
#define S5_INODE_SIZE 128u
#define S5_INODES_PER_BLOCK (S5_BLOCK_SIZE / S5_INODE_SIZE)	/* 32 */
#define S5_INODE_RESERVED_WORDS 3u

/* File blocks covered by each level of the block map. */
#define S5_IND_FIRST S5_NDIRECT				/* first single-indirect file block */
#define S5_DIND_FIRST (S5_IND_FIRST + S5_PTRS_PER_BLOCK)	/* first double-indirect */
#define S5_MAX_FILE_BLOCKS (S5_DIND_FIRST + S5_PTRS_PER_BLOCK * S5_PTRS_PER_BLOCK)
/* s5i_size is 32 bits, so the last file blocks are out of reach. */
#define S5_MAX_FILE_SIZE 0xFFFFFFFFu

/* s5i_type */
#define S5_TYPE_FREE 0u
#define S5_TYPE_REG 1u
#define S5_TYPE_DIR 2u
#define S5_TYPE_SYMLINK 3u
#define S5_TYPE_CHR 4u
#define S5_TYPE_BLK 5u
#define S5_TYPE_FIFO 6u
#define S5_TYPE_SOCK 7u	/* a socket's name (bind); holds nothing */
#define S5_TYPE_MAX S5_TYPE_SOCK

#define S5_MODE_MASK 07777u	/* permission, setuid, setgid, sticky bits */
#define S5_LINK_MAX 0xFFFFu	/* s5i_nlink is 16 bits */

/* Device numbers: Linux's 32-bit dev_t encoding (major << 8 | minor for
 * numbers below 256; the rest of a 20-bit minor goes above the major), the
 * same as MKDEV() in drivers/dev.h, so s5i_rdev is a dev_t as stored.  It
 * is spelled out here because this header may include only <stdint.h>. */
#define S5_MAJOR_MAX 0xFFFu
#define S5_MINOR_MAX 0xFFFFFu
#define S5_MINOR_LOW_MASK 0xFFu
#define S5_MAJOR_SHIFT 8u
#define S5_MINOR_HIGH_SHIFT 12u
#define S5_MKDEV(ma, mi) \
	(((uint32_t)(mi) & S5_MINOR_LOW_MASK) | (((uint32_t)(ma) & S5_MAJOR_MAX) << S5_MAJOR_SHIFT) | \
	 (((uint32_t)(mi) & ~S5_MINOR_LOW_MASK & S5_MINOR_MAX) << S5_MINOR_HIGH_SHIFT))
#define S5_DEV_MAJOR(dev) (((uint32_t)(dev) >> S5_MAJOR_SHIFT) & S5_MAJOR_MAX)
#define S5_DEV_MINOR(dev) \
	(((uint32_t)(dev) & S5_MINOR_LOW_MASK) | \
	 (((uint32_t)(dev) >> S5_MINOR_HIGH_SHIFT) & ~S5_MINOR_LOW_MASK & S5_MINOR_MAX))

typedef struct s5_inode {
	uint16_t s5i_type;	/* S5_TYPE_*; S5_TYPE_FREE when on the free list */
	uint16_t s5i_mode;	/* permission bits (S5_MODE_MASK) */
	uint16_t s5i_nlink;	/* directory entries naming this inode */
	uint16_t s5i_flags;	/* reserved, 0 */
	uint32_t s5i_size;	/* bytes; symlink: target length */
	uint32_t s5i_uid;
	uint32_t s5i_gid;
	uint32_t s5i_atime;	/* seconds since the epoch */
	uint32_t s5i_mtime;
	uint32_t s5i_ctime;
	uint32_t s5i_rdev;	/* S5_MKDEV() for device nodes, else 0 */
	uint32_t s5i_nblocks;	/* data + indirect blocks allocated */
	uint32_t s5i_next_free;	/* free inodes: next on the free list */
	uint32_t s5i_direct[S5_NDIRECT];
	uint32_t s5i_indirect;	/* block of S5_PTRS_PER_BLOCK pointers */
	uint32_t s5i_dindirect;	/* block of pointers to indirect blocks */
	uint32_t s5i_reserved[S5_INODE_RESERVED_WORDS];	/* 0 */
} s5_inode_t;

/* ---- directories ------------------------------------------------------- */
#define S5_DIRENT_SIZE 64u
#define S5_NAME_LEN 59u		/* longest name; the field keeps a NUL after it */
#define S5_DIRENTS_PER_BLOCK (S5_BLOCK_SIZE / S5_DIRENT_SIZE)	/* 64 */
#define S5_DOT_SLOT 0u		/* entry index of "." */
#define S5_DOTDOT_SLOT 1u	/* entry index of ".." */
#define S5_SYMLINK_MAX (S5_BLOCK_SIZE - 1u)	/* longest symlink target */

typedef struct s5_dirent {
	uint32_t s5d_ino;	/* S5_NO_INODE: empty slot */
	char s5d_name[S5_NAME_LEN + 1];	/* NUL terminated and NUL padded */
} s5_dirent_t;

/* ---- superblock and free-block list ------------------------------------ */
#define S5_SUPER_HEADER_SIZE 64u	/* bytes before the free-block cache */
#define S5_SUPER_RESERVED_WORDS 2u
#define S5_FREENODE_HEADER_SIZE 8u	/* s5f_nfree + s5f_next */
#define S5_NICFREE ((S5_BLOCK_SIZE - S5_SUPER_HEADER_SIZE - S5_FREENODE_HEADER_SIZE) / S5_PTR_SIZE)

/* The free-block cache in the superblock, and each chain node, which is
 * stored at the start of a free block (the rest of that block is unused). */
typedef struct s5_freenode {
	uint32_t s5f_nfree;	/* valid entries in s5f_blocks, <= S5_NICFREE */
	uint32_t s5f_next;	/* free block holding the next node; 0 = end */
	uint32_t s5f_blocks[S5_NICFREE];
} s5_freenode_t;

typedef struct s5_super {
	uint32_t s5s_magic;		/* S5_MAGIC */
	uint32_t s5s_version;		/* S5_VERSION */
	uint32_t s5s_nblocks;		/* blocks in the file system, block 0 included */
	uint32_t s5s_ninodes;		/* inode slots, inode 0 included */
	uint32_t s5s_inode_start;	/* S5_INODE_START */
	uint32_t s5s_inode_blocks;	/* blocks of the inode table */
	uint32_t s5s_data_start;	/* first data block */
	uint32_t s5s_free_blocks;	/* blocks on the free list */
	uint32_t s5s_free_inodes;	/* inodes on the free inode list */
	uint32_t s5s_free_inode;	/* head of the free inode list; 0 = empty */
	uint32_t s5s_state;		/* S5_STATE_* */
	uint32_t s5s_mtime;		/* last time the superblock was written */
	uint32_t s5s_journal_start;	/* first journal block; 0 = no journal */
	uint32_t s5s_journal_blocks;	/* journal length in blocks; 0 = none */
	uint32_t s5s_reserved[S5_SUPER_RESERVED_WORDS];	/* 0 */
	s5_freenode_t s5s_free;		/* free-block cache */
} s5_super_t;

/* ---- the metadata journal ---------------------------------------------- */
/* An optional region between the inode table and the data area:
 *
 *   journal_start + 0            header (s5_jheader_t)
 *   journal_start + 1            descriptor of the last transaction written
 *   journal_start + 2 .. + 1+n   copies of its n metadata blocks, in order
 *   journal_start + 2 + n        commit record (s5_jcommit_t)
 *
 * A transaction is valid (committed) when the descriptor and the commit
 * record carry the magic numbers, the same sequence number (at least the
 * header's jh_seq) and block count, and jc_crc is s5_crc32 over the
 * descriptor block followed by the n copies.  Replaying it writes each
 * copy to its home block (jd_home[i]); doing that twice changes nothing.
 * With no journal, s5s_journal_start and s5s_journal_blocks are 0 and the
 * data area follows the inode table (version 1 images from before the
 * journal). */
#define S5_JOURNAL_MAGIC 0x4C4E524Au	/* "JRNL" */
#define S5_JDESC_MAGIC 0x43534544u	/* "DESC" */
#define S5_JCOMMIT_MAGIC 0x54494D43u	/* "CMIT" */
#define S5_JOURNAL_VERSION 1u
#define S5_JHEADER_OFF 0u		/* journal block of the header */
#define S5_JDESC_OFF 1u			/* ... of the descriptor */
#define S5_JLOG_OFF 2u			/* ... of the first logged copy */
#define S5_JOURNAL_OVERHEAD 3u		/* header, descriptor, commit */
#define S5_JOURNAL_MIN 16u		/* smallest journal mkfs accepts */
#define S5_JDESC_HEADER_WORDS 4u
#define S5_JDESC_MAX (S5_BLOCK_SIZE / S5_PTR_SIZE - S5_JDESC_HEADER_WORDS)

typedef struct s5_jheader {
	uint32_t jh_magic;	/* S5_JOURNAL_MAGIC */
	uint32_t jh_version;	/* S5_JOURNAL_VERSION */
	uint32_t jh_blocks;	/* == s5s_journal_blocks */
	uint32_t jh_seq;	/* transactions numbered below this are done */
} s5_jheader_t;

typedef struct s5_jdesc {
	uint32_t jd_magic;	/* S5_JDESC_MAGIC */
	uint32_t jd_seq;	/* the transaction's sequence number */
	uint32_t jd_count;	/* blocks logged, <= S5_JDESC_MAX */
	uint32_t jd_reserved;	/* 0 */
	uint32_t jd_home[S5_JDESC_MAX];	/* home block of each copy */
} s5_jdesc_t;

typedef struct s5_jcommit {
	uint32_t jc_magic;	/* S5_JCOMMIT_MAGIC */
	uint32_t jc_seq;	/* == jd_seq */
	uint32_t jc_count;	/* == jd_count */
	uint32_t jc_crc;	/* s5_crc32 over the descriptor and the copies */
} s5_jcommit_t;

/* Log slots a journal of `blocks` blocks offers one transaction. */
static inline uint32_t s5_journal_capacity(uint32_t blocks)
{
	if (blocks < S5_JOURNAL_OVERHEAD + 1)
		return 0;
	uint32_t n = blocks - S5_JOURNAL_OVERHEAD;
	return n < S5_JDESC_MAX ? n : S5_JDESC_MAX;
}

/* CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), continued from
 * crc (start with S5_CRC32_INIT, finish by xoring S5_CRC32_INIT), four
 * bits at a time from a 16-entry table. */
#define S5_CRC32_INIT 0xFFFFFFFFu
static inline uint32_t s5_crc32_update(uint32_t crc, const void *buf, uint32_t len)
{
	static const uint32_t nibble[16] = {
		0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u,
		0x4DB26158u, 0x5005713Cu, 0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
		0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu,
	};
	const uint8_t *p = buf;
	for (uint32_t i = 0; i < len; i++) {
		crc ^= p[i];
		crc = (crc >> 4) ^ nibble[crc & 0xFu];
		crc = (crc >> 4) ^ nibble[crc & 0xFu];
	}
	return crc;
}

/* ---- layout checks ----------------------------------------------------- */
_Static_assert(sizeof(s5_inode_t) == S5_INODE_SIZE, "s5_inode_t size");
_Static_assert(__builtin_offsetof(s5_inode_t, s5i_direct) == 44, "s5_inode_t layout");
_Static_assert(__builtin_offsetof(s5_inode_t, s5i_dindirect) == 112, "s5_inode_t layout");
_Static_assert(S5_BLOCK_SIZE % S5_INODE_SIZE == 0, "inodes straddle blocks");
_Static_assert(sizeof(s5_dirent_t) == S5_DIRENT_SIZE, "s5_dirent_t size");
_Static_assert(S5_BLOCK_SIZE % S5_DIRENT_SIZE == 0, "entries straddle blocks");
_Static_assert(sizeof(s5_freenode_t) == S5_FREENODE_HEADER_SIZE + S5_NICFREE * S5_PTR_SIZE,
	       "s5_freenode_t size");
_Static_assert(__builtin_offsetof(s5_super_t, s5s_free) == S5_SUPER_HEADER_SIZE, "s5_super_t layout");
_Static_assert(sizeof(s5_super_t) == S5_BLOCK_SIZE, "s5_super_t must fill block 0");
_Static_assert(S5_SYMLINK_MAX < S5_BLOCK_SIZE, "symlink target fits one block");
_Static_assert(sizeof(s5_jdesc_t) == S5_BLOCK_SIZE, "s5_jdesc_t fills a block");
_Static_assert(__builtin_offsetof(s5_super_t, s5s_journal_start) == 48, "s5_super_t layout");

/* ---- helpers (pure arithmetic, usable on both sides) -------------------- */

/* Block of the inode table holding inode ino, and its byte offset there. */
static inline uint32_t s5_inode_block(const s5_super_t *sb, uint32_t ino)
{
	return sb->s5s_inode_start + ino / S5_INODES_PER_BLOCK;
}

static inline uint32_t s5_inode_offset(uint32_t ino)
{
	return (ino % S5_INODES_PER_BLOCK) * S5_INODE_SIZE;
}

/* Blocks needed to hold size bytes. */
static inline uint32_t s5_size_blocks(uint32_t size)
{
	return (uint32_t)(((uint64_t)size + S5_BLOCK_SIZE - 1) >> S5_BLOCK_SHIFT);
}

/* Whether a type value names an in-use inode. */
static inline int s5_type_valid(uint32_t type)
{
	return type > S5_TYPE_FREE && type <= S5_TYPE_MAX;
}
