/* s5extract: copies files out of an S5FS image, or lists them.
 *
 *   s5extract [-v] [-m] IMAGE OUTDIR [PATH]   copy PATH (default: the whole
 *                                             tree) into OUTDIR
 *   s5extract -l IMAGE [PATH]                 list PATH's tree
 *
 * Directories, regular files (holes stay holes), symlinks and hard links
 * are recreated with their permission bits and times; owners are not.
 * Device nodes are listed on standard output ("PATH: character device
 * MAJOR,MINOR (not created)") unless -m asks for mknod.  OUTDIR is created
 * if missing; nothing already there is overwritten or followed (O_EXCL,
 * O_NOFOLLOW), and image names that are not valid entry names are
 * skipped, so a hostile image cannot write outside OUTDIR.  Each directory
 * is entered at most once, so a corrupt image with loops terminates.
 * Exit status: 0 when everything was copied, 1 when some entries were
 * not, 2 on a usage error or an image that cannot be read at all.
 */
#include "s5dir.h"
#include "s5file.h"
#include "s5img.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define PROG "s5extract"
#define EXIT_PARTIAL 1
#define EXIT_USAGE 2
#define NEW_DIR_MODE 0700	/* until its contents are written */
#define NEW_FILE_MODE 0600

typedef struct extract {
	s5img_t img;
	int list, verbose, make_devices;
	int errors;
	uint8_t *visited;	/* per inode */
	char **first_path;	/* per inode: host path of its first copy (hard links) */
} extract_t;

static void err_msg(extract_t *x, const char *path, const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", PROG, path, what);
	x->errors++;
}

static void errno_msg(extract_t *x, const char *path, const char *op)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s: %s", op, strerror(errno));
	err_msg(x, path, buf);
}

static void set_times(const char *path, const s5_inode_t *ip, int flags)
{
	struct timespec ts[2] = {
		{ .tv_sec = ip->s5i_atime },
		{ .tv_sec = ip->s5i_mtime },
	};

	utimensat(AT_FDCWD, path, ts, flags);
}

static int copy_blocks(extract_t *x, const s5_inode_t *ip, int fd, const char *path)
{
	uint8_t block[S5_BLOCK_SIZE];
	uint32_t nblk = s5_size_blocks(ip->s5i_size), lbn, bno;
	int err;

	for (lbn = 0; lbn < nblk; lbn++) {
		size_t len = S5_BLOCK_SIZE;
		err = s5file_bmap(&x->img, ip, lbn, &bno);
		if (err) {
			err_msg(x, path, err == -EUCLEAN ? "corrupt block pointer in the image" : strerror(-err));
			return -1;
		}
		if (bno == S5_NO_BLOCK)
			continue;	/* ftruncate below leaves a hole */
		err = s5img_read_block(&x->img, bno, block);
		if (err) {
			err_msg(x, path, strerror(-err));
			return -1;
		}
		if ((uint64_t)lbn * S5_BLOCK_SIZE + len > ip->s5i_size)
			len = ip->s5i_size - lbn * S5_BLOCK_SIZE;
		if (pwrite(fd, block, len, (off_t)lbn * S5_BLOCK_SIZE) != (ssize_t)len) {
			errno_msg(x, path, "write");
			return -1;
		}
	}
	if (ftruncate(fd, ip->s5i_size) < 0) {
		errno_msg(x, path, "truncate");
		return -1;
	}
	return 0;
}

static void extract_regular(extract_t *x, const s5_inode_t *ip, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, NEW_FILE_MODE);

	if (fd < 0) {
		errno_msg(x, path, "create");
		return;
	}
	if (copy_blocks(x, ip, fd, path) == 0)
		fchmod(fd, ip->s5i_mode & S5_MODE_MASK);
	close(fd);
	set_times(path, ip, 0);
}

static void extract_symlink(extract_t *x, const s5_inode_t *ip, const char *path)
{
	char target[S5_SYMLINK_MAX + 1];
	ssize_t n;

	if (ip->s5i_size == 0 || ip->s5i_size > S5_SYMLINK_MAX) {
		err_msg(x, path, "corrupt symlink (bad target length)");
		return;
	}
	n = s5file_read(&x->img, ip, 0, target, ip->s5i_size);
	if (n != (ssize_t)ip->s5i_size || memchr(target, '\0', (size_t)n)) {
		err_msg(x, path, "corrupt symlink target");
		return;
	}
	target[n] = '\0';
	if (symlink(target, path) < 0) {
		errno_msg(x, path, "symlink");
		return;
	}
	set_times(path, ip, AT_SYMLINK_NOFOLLOW);
}

static void extract_device(extract_t *x, const s5_inode_t *ip, const char *path)
{
	unsigned ma = S5_DEV_MAJOR(ip->s5i_rdev), mi = S5_DEV_MINOR(ip->s5i_rdev);
	mode_t kind = ip->s5i_type == S5_TYPE_CHR ? S_IFCHR : S_IFBLK;

	if (ip->s5i_type == S5_TYPE_FIFO) {
		if (mkfifo(path, ip->s5i_mode & S5_MODE_MASK) < 0)
			errno_msg(x, path, "mkfifo");
		else
			set_times(path, ip, 0);
		return;
	}

	if (ip->s5i_type == S5_TYPE_SOCK) {	/* a name with no socket behind it */
		if (mknod(path, S_IFSOCK | (ip->s5i_mode & S5_MODE_MASK), 0) < 0)
			errno_msg(x, path, "mknod");
		else
			set_times(path, ip, 0);
		return;
	}

	if (!x->make_devices) {
		printf("%s: %s %u,%u (not created)\n", path, s5img_type_name(ip->s5i_type), ma, mi);
		return;
	}
	if (mknod(path, kind | (ip->s5i_mode & S5_MODE_MASK), makedev(ma, mi)) < 0) {
		errno_msg(x, path, "mknod");
		return;
	}
	set_times(path, ip, 0);
}

static void extract_inode(extract_t *x, uint32_t ino, const char *path);

/* Copies a directory's entries first, so recursion holds no block buffer. */
static void extract_dir(extract_t *x, const s5_inode_t *ip, const char *path)
{
	s5dir_iter_t *it = malloc(sizeof(*it));
	s5_dirent_t de, *ents = NULL;
	uint32_t slot, n = 0, cap = 0, i;
	char child[PATH_MAX];
	int r;

	if (!it) {
		err_msg(x, path, "out of memory");
		return;
	}
	s5dir_iter_init(it, &x->img, ip);
	while ((r = s5dir_next(it, &de, &slot)) > 0) {
		if (slot <= S5_DOTDOT_SLOT || de.s5d_ino == S5_NO_INODE)
			continue;
		if (s5dir_name_problem(de.s5d_name) || !strcmp(de.s5d_name, ".") || !strcmp(de.s5d_name, "..")) {
			err_msg(x, path, "skipping an entry with an invalid name");
			continue;
		}
		if (n == cap) {
			s5_dirent_t *grown = realloc(ents, (cap = cap ? cap * 2 : 64) * sizeof(*ents));
			if (!grown) {
				err_msg(x, path, "out of memory");
				break;
			}
			ents = grown;
		}
		ents[n++] = de;
	}
	free(it);
	if (r < 0)
		err_msg(x, path, "directory unreadable past some entries (corrupt image)");
	for (i = 0; i < n; i++) {
		const char *sep = path[strlen(path) - 1] == '/' ? "" : "/";
		if ((size_t)snprintf(child, sizeof(child), "%s%s%s", path, sep, ents[i].s5d_name) >= sizeof(child)) {
			err_msg(x, path, "host path too long");
			continue;
		}
		extract_inode(x, ents[i].s5d_ino, child);
	}
	free(ents);
}

static void list_line(const s5_inode_t *ip, const char *path)
{
	static const char kind[] = { '?', '-', 'd', 'l', 'c', 'b', 'p', 's' };

	printf("%c %04o %5u %10u %s", kind[ip->s5i_type], ip->s5i_mode & S5_MODE_MASK,
	       ip->s5i_nlink, ip->s5i_size, path);
	if (ip->s5i_type == S5_TYPE_CHR || ip->s5i_type == S5_TYPE_BLK)
		printf(" (%u,%u)", S5_DEV_MAJOR(ip->s5i_rdev), S5_DEV_MINOR(ip->s5i_rdev));
	putchar('\n');
}

/* A non-directory met again becomes a hard link to its first copy;
 * returns 1 when it did. */
static int hard_link(extract_t *x, uint32_t ino, const char *path)
{
	if (!x->first_path[ino]) {
		x->first_path[ino] = strdup(path);
		return 0;
	}
	if (link(x->first_path[ino], path) < 0)
		errno_msg(x, path, "link");
	return 1;
}

static void extract_inode(extract_t *x, uint32_t ino, const char *path)
{
	s5_inode_t ip;
	int err = s5img_read_inode(&x->img, ino, &ip);

	if (err) {
		err_msg(x, path, "entry refers to an inode out of range");
		return;
	}
	if (!s5_type_valid(ip.s5i_type)) {
		err_msg(x, path, "entry refers to a free or invalid inode");
		return;
	}
	if (ip.s5i_type == S5_TYPE_DIR) {
		if (x->visited[ino]) {
			err_msg(x, path, "directory already visited (corrupt image: a loop or a second name)");
			return;
		}
		x->visited[ino] = 1;
	}
	if (x->list) {
		list_line(&ip, path);
		if (ip.s5i_type == S5_TYPE_DIR)
			extract_dir(x, &ip, path);
		return;
	}
	if (x->verbose)
		printf("%s\n", path);
	if (ip.s5i_type != S5_TYPE_DIR && hard_link(x, ino, path))
		return;
	switch (ip.s5i_type) {
	case S5_TYPE_DIR:
		if (mkdir(path, NEW_DIR_MODE) < 0 && !(errno == EEXIST && ino == S5_ROOT_INO)) {
			errno_msg(x, path, "mkdir");
			return;
		}
		extract_dir(x, &ip, path);
		chmod(path, ip.s5i_mode & S5_MODE_MASK);
		set_times(path, &ip, 0);
		break;
	case S5_TYPE_REG:
		extract_regular(x, &ip, path);
		break;
	case S5_TYPE_SYMLINK:
		extract_symlink(x, &ip, path);
		break;
	default:
		extract_device(x, &ip, path);
		break;
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: %s [-v] [-m] IMAGE OUTDIR [PATH]\n"
			"       %s -l IMAGE [PATH]\n", PROG, PROG);
	exit(EXIT_USAGE);
}

static const char *base_name(const char *path)
{
	const char *end = path + strlen(path), *start;

	while (end > path && end[-1] == '/')
		end--;
	for (start = end; start > path && start[-1] != '/'; start--)
		;
	return start;
}

int main(int argc, char **argv)
{
	extract_t x = { 0 };
	const char *image, *outdir = NULL, *path = "/", *why;
	char dest[PATH_MAX];
	uint32_t ino, i;
	int opt, err;

	while ((opt = getopt(argc, argv, "lvm")) != -1) {
		if (opt == 'l')
			x.list = 1;
		else if (opt == 'v')
			x.verbose = 1;
		else if (opt == 'm')
			x.make_devices = 1;
		else
			usage();
	}
	if (argc - optind < (x.list ? 1 : 2) || argc - optind > (x.list ? 2 : 3))
		usage();
	image = argv[optind++];
	if (!x.list)
		outdir = argv[optind++];
	if (optind < argc)
		path = argv[optind];

	err = s5img_open(&x.img, image, 0);
	if (err) {
		fprintf(stderr, "%s: %s: %s\n", PROG, image, strerror(-err));
		return EXIT_USAGE;
	}
	why = s5img_geometry(&x.img);
	if (why) {
		fprintf(stderr, "%s: %s: %s (run fsck.s5fs)\n", PROG, image, why);
		return EXIT_USAGE;
	}
	err = s5dir_namei(&x.img, path, &ino);
	if (err) {
		fprintf(stderr, "%s: %s: %s: %s\n", PROG, image, path, strerror(-err));
		return EXIT_USAGE;
	}
	x.visited = calloc(x.img.sb.s5s_ninodes, 1);
	x.first_path = calloc(x.img.sb.s5s_ninodes, sizeof(*x.first_path));
	if (!x.visited || !x.first_path) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		return EXIT_USAGE;
	}
	if (x.list) {
		extract_inode(&x, ino, ino == S5_ROOT_INO ? "/" : path);
	} else {
		if (mkdir(outdir, NEW_DIR_MODE | S_IRWXG | S_IRWXO) < 0 && errno != EEXIST) {
			fprintf(stderr, "%s: %s: %s\n", PROG, outdir, strerror(errno));
			return EXIT_USAGE;
		}
		if (ino == S5_ROOT_INO)
			snprintf(dest, sizeof(dest), "%s", outdir);
		else if ((size_t)snprintf(dest, sizeof(dest), "%s/%s", outdir, base_name(path)) >= sizeof(dest))
			usage();
		extract_inode(&x, ino, dest);
	}
	for (i = 0; i < x.img.sb.s5s_ninodes; i++)
		free(x.first_path[i]);
	free(x.first_path);
	free(x.visited);
	s5img_close(&x.img);
	return x.errors ? EXIT_PARTIAL : 0;
}
