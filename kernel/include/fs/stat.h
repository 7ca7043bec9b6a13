/* The file-system part of the Linux i386 system-call ABI (DESIGN.md
 * decision 5): open flags, file-type and permission bits, struct stat64,
 * struct linux_dirent64, lseek whences, the *at() conventions and the
 * name limits.  Every value and layout here is Linux's, so the numbers a
 * static glibc binary passes mean the same thing on M-OS.  Shared by the
 * VFS (kernel/fs), the system-call layer (kernel/api) and, later, the
 * user-space headers. */
#pragma once
#include "util/types.h"

/* ---- limits ------------------------------------------------------------ */
#define NAME_MAX 255		/* bytes in one path component */
#define PATH_MAX 4096		/* bytes in a path, its NUL included */
#define MAXSYMLINKS 40		/* symlinks followed in one resolution */
#define PIPE_BUF 4096		/* writes up to this size are atomic */

/* ---- open(2) flags (asm-generic/fcntl.h, as i386 uses them) ------------ */
#define O_ACCMODE 00000003
#define O_RDONLY 00000000
#define O_WRONLY 00000001
#define O_RDWR 00000002
#define O_CREAT 00000100
#define O_EXCL 00000200
#define O_NOCTTY 00000400
#define O_TRUNC 00001000
#define O_APPEND 00002000
#define O_NONBLOCK 00004000
#define O_DSYNC 00010000
#define O_FASYNC 00020000
#define O_DIRECT 00040000
#define O_LARGEFILE 00100000
#define O_DIRECTORY 00200000
#define O_NOFOLLOW 00400000
#define O_NOATIME 01000000
#define O_CLOEXEC 02000000
#define O_SYNC 04010000
#define O_PATH 010000000
#define O_TMPFILE 020200000

/* fcntl(2) descriptor flag. */
#define FD_CLOEXEC 1

/* ---- the *at() calls --------------------------------------------------- */
#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_EACCESS 0x200
#define AT_REMOVEDIR 0x200
#define AT_SYMLINK_FOLLOW 0x400
#define AT_EMPTY_PATH 0x1000

/* utimensat(2): a tv_nsec of UTIME_NOW means "now", UTIME_OMIT "leave". */
#define UTIME_NOW ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)

/* ---- lseek(2) ---------------------------------------------------------- */
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

/* ---- mode bits (include/uapi/linux/stat.h) ----------------------------- */
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define S_IFLNK 0120000
#define S_IFREG 0100000
#define S_IFBLK 0060000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFIFO 0010000
#define S_ISUID 0004000
#define S_ISGID 0002000
#define S_ISVTX 0001000
#define S_IRWXU 00700
#define S_IRWXG 00070
#define S_IRWXO 00007
#define S_IXUSR 00100
#define S_IXGRP 00010
#define S_IXOTH 00001
#define S_IALLUGO 07777		/* every permission and special bit */

#define S_ISLNK(m) (((m) & S_IFMT) == S_IFLNK)
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)
#define S_ISDIR(m) (((m) & S_IFMT) == S_IFDIR)
#define S_ISCHR(m) (((m) & S_IFMT) == S_IFCHR)
#define S_ISBLK(m) (((m) & S_IFMT) == S_IFBLK)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)
#define S_ISSOCK(m) (((m) & S_IFMT) == S_IFSOCK)

/* st_blocks counts units of this many bytes. */
#define STAT_BLOCK_UNIT 512

/* ---- struct stat64 (arch/x86/include/uapi/asm/stat.h, i386) ------------
 * Packed to 4-byte alignment, which is what i386's ABI gives its 64-bit
 * members, so the layout is the same whichever compiler reads it. */
struct stat64 {
	uint64_t st_dev;
	uint8_t __pad0[4];
	uint32_t __st_ino;	/* low 32 bits of st_ino */
	uint32_t st_mode;
	uint32_t st_nlink;
	uint32_t st_uid;
	uint32_t st_gid;
	uint64_t st_rdev;
	uint8_t __pad3[4];
	int64_t st_size;
	uint32_t st_blksize;
	uint64_t st_blocks;	/* STAT_BLOCK_UNIT-byte units allocated */
	uint32_t st_atime;
	uint32_t st_atime_nsec;
	uint32_t st_mtime;
	uint32_t st_mtime_nsec;
	uint32_t st_ctime;
	uint32_t st_ctime_nsec;
	uint64_t st_ino;
} __attribute__((packed, aligned(4)));

_Static_assert(sizeof(struct stat64) == 96, "struct stat64 is 96 bytes on i386");
_Static_assert(offsetof(struct stat64, st_mode) == 16, "stat64 layout");
_Static_assert(offsetof(struct stat64, st_size) == 44, "stat64 layout");
_Static_assert(offsetof(struct stat64, st_blocks) == 56, "stat64 layout");
_Static_assert(offsetof(struct stat64, st_ino) == 88, "stat64 layout");

/* ---- struct statx (include/uapi/linux/stat.h) -------------------------- */
struct statx_timestamp {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t __reserved;
};

struct statx {
	uint32_t stx_mask;		/* STATX_* filled in */
	uint32_t stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode;
	uint16_t __spare0;
	uint64_t stx_ino, stx_size, stx_blocks;
	uint64_t stx_attributes_mask;
	struct statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor;
	uint32_t stx_dev_major, stx_dev_minor;
	uint64_t __spare2[14];
} __attribute__((packed, aligned(8)));

_Static_assert(sizeof(struct statx) == 256, "struct statx is 256 bytes");
_Static_assert(offsetof(struct statx, stx_rdev_major) == 128, "statx layout");

#define STATX_BASIC_STATS 0x000007ffu	/* type..blocks, what stat gives */
#define STATX__RESERVED 0x80000000u
#define AT_NO_AUTOMOUNT 0x800
#define AT_STATX_SYNC_TYPE 0x6000	/* both bits: EINVAL */

/* ---- getdents64(2) records (include/linux/dirent.h) ---------------------
 * Each record is d_reclen bytes, a multiple of DIRENT64_ALIGN: the header,
 * the NUL-terminated name, and padding.  d_off is the directory position
 * just after this entry (what lseek takes to resume there). */
struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
} __attribute__((packed, aligned(4)));

#define DIRENT64_ALIGN 8
#define DIRENT64_NAME_OFFSET 19
_Static_assert(offsetof(struct linux_dirent64, d_name) == DIRENT64_NAME_OFFSET,
	       "linux_dirent64 layout");

/* d_type values: the S_IFMT bits shifted down. */
#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12
#define DT_SHIFT 12
#define IFTODT(mode) (((mode) & S_IFMT) >> DT_SHIFT)
