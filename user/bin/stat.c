/*
 * stat [-L] FILE...: show what lstat(2) (stat(2) with -L) says about each
 * FILE.  Times are printed in seconds since the epoch, so no time-zone
 * file is needed.  Layout:
 *
 *   File: link -> target
 *   Size: 6  Blocks: 8  IO Block: 4096  symbolic link
 *   Device: 8,1  Inode: 1234  Links: 1
 *   Access: (0777/lrwxrwxrwx)  Uid: 0  Gid: 0
 *   Access time: 1700000000
 *   Modify time: 1700000000
 *   Change time: 1700000000
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "ulib.h"

static void show(const char *path, const struct stat *st)
{
	char mode[UL_MODE_STRLEN], target[PATH_MAX];
	ssize_t n;

	ul_mode_string(st->st_mode, mode);
	printf("  File: %s", path);
	if (S_ISLNK(st->st_mode)) {
		n = readlink(path, target, sizeof target - 1);
		if (n >= 0) {
			target[n] = '\0';
			printf(" -> %s", target);
		}
	}
	printf("\n  Size: %lld  Blocks: %lld  IO Block: %ld  %s\n",
	       (long long)st->st_size, (long long)st->st_blocks,
	       (long)st->st_blksize, ul_file_type(st->st_mode));
	printf("Device: %u,%u  Inode: %llu  Links: %lu",
	       major(st->st_dev), minor(st->st_dev),
	       (unsigned long long)st->st_ino, (unsigned long)st->st_nlink);
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
		printf("  Device type: %u,%u", major(st->st_rdev), minor(st->st_rdev));
	printf("\nAccess: (%04o/%s)  Uid: %u  Gid: %u\n",
	       (unsigned)(st->st_mode & 07777), mode,
	       (unsigned)st->st_uid, (unsigned)st->st_gid);
	printf("Access time: %lld\nModify time: %lld\nChange time: %lld\n",
	       (long long)st->st_atime, (long long)st->st_mtime,
	       (long long)st->st_ctime);
}

int main(int argc, char **argv)
{
	int i = 1, follow = 0, status = 0;
	struct stat st;

	ul_setprogname(argv[0]);
	if (i < argc && strcmp(argv[i], "-L") == 0) {
		follow = 1;
		i++;
	}
	if (i == argc)
		ul_die(1, "usage: stat [-L] FILE...");
	for (; i < argc; i++) {
		if ((follow ? stat(argv[i], &st) : lstat(argv[i], &st)) < 0) {
			ul_warnerr("%s", argv[i]);
			status = 1;
			continue;
		}
		show(argv[i], &st);
	}
	return status;
}
