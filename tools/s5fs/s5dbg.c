/* s5dbg: inspects and edits S5FS images field by field, for tests and for
 * people debugging the kernel's S5FS.  It writes exactly what it is told,
 * valid or not (that is how the tests build corrupt images).
 *
 *   s5dbg const                           the format's constants
 *   s5dbg IMAGE sb                        superblock fields
 *   s5dbg IMAGE inode INODE               an inode's fields
 *   s5dbg IMAGE get sb FIELD              one field (decimal)
 *   s5dbg IMAGE get inode INODE FIELD
 *   s5dbg IMAGE set sb FIELD VALUE        write one field
 *   s5dbg IMAGE set inode INODE FIELD VALUE
 *   s5dbg IMAGE lookup PATH               inode number of PATH
 *   s5dbg IMAGE bmap INODE LBN            disk block of file block LBN (0 = hole)
 *   s5dbg IMAGE dirent DIR NAME           "SLOT INODE OFFSET" of an entry
 *   s5dbg IMAGE setdirent DIR NAME INO [NEWNAME]
 *   s5dbg IMAGE offset block|inode N      byte offset in the image
 *
 * INODE is a number or an absolute path; FIELD is a name from the tables
 * below, with [i] for arrays (direct[3], free[0]); VALUE is decimal or 0x
 * hex.  Exit status: 0 on success, 1 on a failed lookup, 2 on misuse.
 */
#include "s5dir.h"
#include "s5file.h"
#include "s5img.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "s5dbg"
#define EXIT_FAIL 1
#define EXIT_USAGE 2
#define FIELD_NAME_MAX 32

typedef struct field {
	const char *name;
	size_t offset;
	size_t size;	/* 2 or 4 bytes */
	uint32_t count;	/* array length; 1 for a scalar */
} field_t;

#define F(type, name, member) { name, offsetof(type, member), sizeof(((type *)0)->member), 1 }
#define FA(type, name, member, n) { name, offsetof(type, member), sizeof(((type *)0)->member[0]), n }

static const field_t super_fields[] = {
	F(s5_super_t, "magic", s5s_magic),
	F(s5_super_t, "version", s5s_version),
	F(s5_super_t, "nblocks", s5s_nblocks),
	F(s5_super_t, "ninodes", s5s_ninodes),
	F(s5_super_t, "inode_start", s5s_inode_start),
	F(s5_super_t, "inode_blocks", s5s_inode_blocks),
	F(s5_super_t, "data_start", s5s_data_start),
	F(s5_super_t, "journal_start", s5s_journal_start),
	F(s5_super_t, "journal_blocks", s5s_journal_blocks),
	F(s5_super_t, "free_blocks", s5s_free_blocks),
	F(s5_super_t, "free_inodes", s5s_free_inodes),
	F(s5_super_t, "free_inode", s5s_free_inode),
	F(s5_super_t, "state", s5s_state),
	F(s5_super_t, "mtime", s5s_mtime),
	F(s5_super_t, "nfree", s5s_free.s5f_nfree),
	F(s5_super_t, "free_next", s5s_free.s5f_next),
	FA(s5_super_t, "free", s5s_free.s5f_blocks, S5_NICFREE),
};

static const field_t inode_fields[] = {
	F(s5_inode_t, "type", s5i_type),
	F(s5_inode_t, "mode", s5i_mode),
	F(s5_inode_t, "nlink", s5i_nlink),
	F(s5_inode_t, "flags", s5i_flags),
	F(s5_inode_t, "size", s5i_size),
	F(s5_inode_t, "uid", s5i_uid),
	F(s5_inode_t, "gid", s5i_gid),
	F(s5_inode_t, "atime", s5i_atime),
	F(s5_inode_t, "mtime", s5i_mtime),
	F(s5_inode_t, "ctime", s5i_ctime),
	F(s5_inode_t, "rdev", s5i_rdev),
	F(s5_inode_t, "nblocks", s5i_nblocks),
	F(s5_inode_t, "next_free", s5i_next_free),
	FA(s5_inode_t, "direct", s5i_direct, S5_NDIRECT),
	F(s5_inode_t, "indirect", s5i_indirect),
	F(s5_inode_t, "dindirect", s5i_dindirect),
};

#define NFIELDS(t) (sizeof(t) / sizeof((t)[0]))

static void __attribute__((noreturn, format(printf, 2, 3))) die(int status, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", PROG);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: %s const\n"
		"       %s IMAGE sb | inode INODE | lookup PATH | bmap INODE LBN\n"
		"       %s IMAGE get sb FIELD | get inode INODE FIELD\n"
		"       %s IMAGE set sb FIELD VALUE | set inode INODE FIELD VALUE\n"
		"       %s IMAGE dirent DIR NAME | setdirent DIR NAME INODE [NEWNAME]\n"
		"       %s IMAGE offset block|inode N\n", PROG, PROG, PROG, PROG, PROG, PROG);
	exit(EXIT_USAGE);
}

static uint32_t parse_u32(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (end == s || *end || errno || v > UINT32_MAX || *s == '-')
		die(EXIT_USAGE, "bad number '%s'", s);
	return (uint32_t)v;
}

static void print_constants(void)
{
	printf("S5_BLOCK_SIZE %u\nS5_NDIRECT %u\nS5_PTRS_PER_BLOCK %u\nS5_INODE_SIZE %u\n"
	       "S5_INODES_PER_BLOCK %u\nS5_DIRENT_SIZE %u\nS5_DIRENTS_PER_BLOCK %u\n"
	       "S5_NAME_LEN %u\nS5_NICFREE %u\nS5_IND_FIRST %u\nS5_DIND_FIRST %u\n"
	       "S5_MAX_FILE_BLOCKS %u\nS5_SYMLINK_MAX %u\nS5_ROOT_INO %u\nS5_MAGIC %#x\n"
	       "S5_SUPER_HEADER_SIZE %u\n",
	       S5_BLOCK_SIZE, S5_NDIRECT, S5_PTRS_PER_BLOCK, S5_INODE_SIZE, S5_INODES_PER_BLOCK,
	       S5_DIRENT_SIZE, S5_DIRENTS_PER_BLOCK, S5_NAME_LEN, S5_NICFREE, S5_IND_FIRST,
	       S5_DIND_FIRST, S5_MAX_FILE_BLOCKS, S5_SYMLINK_MAX, S5_ROOT_INO, S5_MAGIC,
	       S5_SUPER_HEADER_SIZE);
}

/* Finds "name" or "name[i]" in a table; *byte gets its offset. */
static const field_t *find_field(const field_t *t, size_t n, const char *spec, size_t *byte)
{
	char name[FIELD_NAME_MAX];
	const char *br = strchr(spec, '[');
	size_t len = br ? (size_t)(br - spec) : strlen(spec), i;
	uint32_t idx = 0;

	if (len >= sizeof(name))
		die(EXIT_USAGE, "unknown field '%s'", spec);
	memcpy(name, spec, len);
	name[len] = '\0';
	if (br) {
		char num[FIELD_NAME_MAX];
		size_t nlen = strlen(br + 1);
		if (nlen < 2 || nlen >= sizeof(num) || br[nlen] != ']')
			die(EXIT_USAGE, "bad field index in '%s'", spec);
		memcpy(num, br + 1, nlen - 1);
		num[nlen - 1] = '\0';
		idx = parse_u32(num);
	}
	for (i = 0; i < n; i++) {
		if (strcmp(t[i].name, name) != 0)
			continue;
		if ((t[i].count == 1 && br) || idx >= t[i].count)
			die(EXIT_USAGE, "bad field index in '%s'", spec);
		*byte = t[i].offset + idx * t[i].size;
		return &t[i];
	}
	die(EXIT_USAGE, "unknown field '%s'", spec);
}

static uint32_t get_value(const void *base, const field_t *fd, size_t byte)
{
	uint16_t v16;
	uint32_t v32;

	if (fd->size == sizeof(v16)) {
		memcpy(&v16, (const char *)base + byte, sizeof(v16));
		return v16;
	}
	memcpy(&v32, (const char *)base + byte, sizeof(v32));
	return v32;
}

static void set_value(void *base, const field_t *fd, size_t byte, uint32_t v)
{
	uint16_t v16 = (uint16_t)v;

	if (fd->size == sizeof(v16))
		memcpy((char *)base + byte, &v16, sizeof(v16));
	else
		memcpy((char *)base + byte, &v, sizeof(v));
}

static void print_fields(const void *base, const field_t *t, size_t n)
{
	size_t i;
	uint32_t j;

	for (i = 0; i < n; i++) {
		if (t[i].count == 1) {
			printf("%s %u\n", t[i].name, get_value(base, &t[i], t[i].offset));
			continue;
		}
		printf("%s", t[i].name);
		for (j = 0; j < t[i].count; j++)
			printf(" %u", get_value(base, &t[i], t[i].offset + j * t[i].size));
		putchar('\n');
	}
}

static void need_geometry(const s5img_t *img)
{
	const char *why = s5img_geometry(img);

	if (why)
		die(EXIT_FAIL, "superblock unusable: %s", why);
}

static uint32_t inode_arg(s5img_t *img, const char *arg)
{
	uint32_t ino;
	int err;

	need_geometry(img);
	if (arg[0] != '/')
		return parse_u32(arg);
	err = s5dir_namei(img, arg, &ino);
	if (err)
		die(EXIT_FAIL, "%s: not found", arg);
	return ino;
}

static void read_inode(s5img_t *img, uint32_t ino, s5_inode_t *ip)
{
	if (s5img_read_inode(img, ino, ip) != 0)
		die(EXIT_FAIL, "inode %u out of range (1..%u)", ino, img->sb.s5s_ninodes - 1);
}

static void cmd_field(s5img_t *img, int set, char **args, int nargs)
{
	s5_inode_t ino_buf;
	const field_t *fd;
	size_t byte;
	uint32_t ino = 0;
	int is_sb = strcmp(args[0], "sb") == 0;
	int want = (is_sb ? 2 : 3) + set;

	if ((!is_sb && strcmp(args[0], "inode") != 0) || nargs != want)
		usage();
	if (is_sb) {
		fd = find_field(super_fields, NFIELDS(super_fields), args[1], &byte);
		if (!set) {
			printf("%u\n", get_value(&img->sb, fd, byte));
			return;
		}
		set_value(&img->sb, fd, byte, parse_u32(args[2]));
		if (s5img_write_super(img) != 0)
			die(EXIT_FAIL, "%s: write failed", img->path);
		return;
	}
	ino = inode_arg(img, args[1]);
	read_inode(img, ino, &ino_buf);
	fd = find_field(inode_fields, NFIELDS(inode_fields), args[2], &byte);
	if (!set) {
		printf("%u\n", get_value(&ino_buf, fd, byte));
		return;
	}
	set_value(&ino_buf, fd, byte, parse_u32(args[3]));
	if (s5img_write_inode(img, ino, &ino_buf) != 0)
		die(EXIT_FAIL, "%s: write failed", img->path);
}

/* Finds entry NAME of directory DIR: its slot and byte offset in the image. */
static void find_dirent(s5img_t *img, const char *dirarg, const char *name,
			s5_dirent_t *out, uint32_t *slot, uint64_t *offset)
{
	s5_inode_t dir;
	s5dir_iter_t it;
	uint32_t bno;
	int r;

	read_inode(img, inode_arg(img, dirarg), &dir);
	if (dir.s5i_type != S5_TYPE_DIR)
		die(EXIT_FAIL, "%s: not a directory", dirarg);
	s5dir_iter_init(&it, img, &dir);
	while ((r = s5dir_next(&it, out, slot)) > 0) {
		if (strncmp(out->s5d_name, name, sizeof(out->s5d_name)) != 0)
			continue;
		if (s5file_bmap(img, &dir, *slot / S5_DIRENTS_PER_BLOCK, &bno) != 0)
			break;
		*offset = ((uint64_t)bno << S5_BLOCK_SHIFT) +
			  (uint64_t)(*slot % S5_DIRENTS_PER_BLOCK) * S5_DIRENT_SIZE;
		return;
	}
	die(EXIT_FAIL, "no entry '%s'", name);
}

static void cmd_dirent(s5img_t *img, int set, char **args, int nargs)
{
	s5_dirent_t de;
	uint32_t slot, bno;
	uint64_t offset;
	uint8_t block[S5_BLOCK_SIZE];

	if (nargs != (set ? 3 : 2) && !(set && nargs == 4))
		usage();
	find_dirent(img, args[0], args[1], &de, &slot, &offset);
	if (!set) {
		printf("%u %u %llu\n", slot, de.s5d_ino, (unsigned long long)offset);
		return;
	}
	de.s5d_ino = parse_u32(args[2]);
	if (nargs == 4) {
		if (strlen(args[3]) > S5_NAME_LEN)
			die(EXIT_USAGE, "name '%s' too long", args[3]);
		memset(de.s5d_name, 0, sizeof(de.s5d_name));
		memcpy(de.s5d_name, args[3], strlen(args[3]));
	}
	bno = (uint32_t)(offset >> S5_BLOCK_SHIFT);
	if (s5img_read_block(img, bno, block) != 0)
		die(EXIT_FAIL, "%s: read failed", img->path);
	memcpy(block + (offset % S5_BLOCK_SIZE), &de, sizeof(de));
	if (s5img_write_block(img, bno, block) != 0)
		die(EXIT_FAIL, "%s: write failed", img->path);
}

static void cmd_offset(s5img_t *img, char **args, int nargs)
{
	uint32_t n;

	if (nargs != 2)
		usage();
	n = parse_u32(args[1]);
	if (strcmp(args[0], "block") == 0) {
		printf("%llu\n", (unsigned long long)n << S5_BLOCK_SHIFT);
	} else if (strcmp(args[0], "inode") == 0) {
		need_geometry(img);
		printf("%llu\n", ((unsigned long long)s5_inode_block(&img->sb, n) << S5_BLOCK_SHIFT) +
				 s5_inode_offset(n));
	} else {
		usage();
	}
}

static int run(s5img_t *img, const char *cmd, char **args, int nargs)
{
	s5_inode_t inode;
	uint32_t ino, bno;

	if (strcmp(cmd, "sb") == 0 && nargs == 0) {
		print_fields(&img->sb, super_fields, NFIELDS(super_fields));
	} else if (strcmp(cmd, "inode") == 0 && nargs == 1) {
		read_inode(img, inode_arg(img, args[0]), &inode);
		print_fields(&inode, inode_fields, NFIELDS(inode_fields));
	} else if (strcmp(cmd, "get") == 0 && nargs >= 1) {
		cmd_field(img, 0, args, nargs);
	} else if (strcmp(cmd, "set") == 0 && nargs >= 1) {
		cmd_field(img, 1, args, nargs);
	} else if (strcmp(cmd, "lookup") == 0 && nargs == 1) {
		printf("%u\n", inode_arg(img, args[0]));
	} else if (strcmp(cmd, "bmap") == 0 && nargs == 2) {
		ino = inode_arg(img, args[0]);
		read_inode(img, ino, &inode);
		if (s5file_bmap(img, &inode, parse_u32(args[1]), &bno) != 0)
			die(EXIT_FAIL, "bmap: bad block pointer or file block number");
		printf("%u\n", bno);
	} else if (strcmp(cmd, "dirent") == 0) {
		cmd_dirent(img, 0, args, nargs);
	} else if (strcmp(cmd, "setdirent") == 0) {
		cmd_dirent(img, 1, args, nargs);
	} else if (strcmp(cmd, "offset") == 0) {
		cmd_offset(img, args, nargs);
	} else {
		usage();
	}
	return 0;
}

int main(int argc, char **argv)
{
	s5img_t img;
	int writable, err;

	if (argc == 2 && strcmp(argv[1], "const") == 0) {
		print_constants();
		return 0;
	}
	if (argc < 3)
		usage();
	writable = strcmp(argv[2], "set") == 0 || strcmp(argv[2], "setdirent") == 0;
	err = s5img_open(&img, argv[1], writable);
	if (err)
		die(EXIT_USAGE, "%s: %s", argv[1], strerror(-err));
	run(&img, argv[2], argv + 3, argc - 3);
	return s5img_close(&img) ? EXIT_FAIL : 0;
}
