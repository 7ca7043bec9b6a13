/*
 * t_fuzz_fs: mounting corrupted S5FS images.  The fuzz step's runner
 * (tools/run-tests.sh) puts two small images made by mkfs.s5fs on the
 * fuzz disk, one without and one with a journal (/tests/fuzz/plain.img,
 * /tests/fuzz/journal.img), and gives M-OS a spare disk, /dev/hdb.  Each
 * round copies one image to hdb, changes 1 to 8 bytes or words (mostly
 * in the superblock, inode table and journal at its start), mounts it on
 * /mnt/fz, walks the tree (stat, read, readlink, getdents, bounded in
 * depth and count), makes, renames and removes a file and a directory,
 * and unmounts.  Any errno is acceptable along the way except from the
 * unmount of a mount we closed everything on; a panic, a hang or a leak
 * (runall's check) fails the run.  Two fixed cases come first: the
 * pristine images mount and hold their files, and an image without its
 * magic number is refused.
 */
#include <dirent.h>
#include <sys/mount.h>

#include "fuzz.h"

#define ROUNDS_PER_SCALE 60
#define DEVICE "/dev/hdb"
#define MOUNT_POINT "/mnt/fz"
#define MAX_IMAGE (2u << 20)
#define HOT_BYTES (16u * 1024)	/* superblock and first inode blocks */
#define WARM_BYTES (64u * 1024)
#define WALK_DEPTH 6
#define WALK_ENTRIES 300
#define READ_LIMIT (256u * 1024)
#define MAGIC_OFFSET 0		/* S5FS's magic opens the superblock */

static const char *const image_paths[] = { "/tests/fuzz/plain.img", "/tests/fuzz/journal.img" };
static unsigned char *images[2];
static size_t image_len[2];
static unsigned walked_entries;

static int load(const char *path, unsigned char **buf, size_t *len)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	*buf = malloc(MAX_IMAGE);
	ssize_t n = *buf ? read(fd, *buf, MAX_IMAGE) : -1;
	close(fd);
	if (n <= 0)
		return -1;
	*len = (size_t)n;
	return 0;
}

static int write_device(const unsigned char *buf, size_t len)
{
	int fd = open(DEVICE, O_WRONLY);
	if (fd < 0)
		return -1;
	ssize_t n = pwrite(fd, buf, len, 0);
	int rc = (n == (ssize_t)len && fsync(fd) == 0) ? 0 : -1;
	close(fd);
	return rc;
}

static void mutate(unsigned char *buf, size_t len)
{
	static const uint32_t words[] = {
		0, 1, 0xffffffff, 0x7fffffff, 0x80000000, 0x1000, 0xffff, 2, 3, 64, 1024,
	};
	for (int i = 0, n = 1 + fuzz_below(8); i < n; i++) {
		uint32_t where = fuzz_below(10);
		size_t limit = where < 4 ? HOT_BYTES : where < 7 ? WARM_BYTES : len;
		if (limit > len)
			limit = len;
		size_t off = fuzz_below(limit);
		if (fuzz_below(2)) {
			buf[off] = fuzz_next();
		} else {
			off &= ~(size_t)3;
			uint32_t w = words[fuzz_below(sizeof(words) / sizeof(words[0]))];
			if (off + 4 <= len)
				memcpy(buf + off, &w, 4);
		}
	}
}

static void walk(const char *dir, int depth)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) && walked_entries < WALK_ENTRIES) {
		walked_entries++;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		struct stat st;
		if (lstat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth < WALK_DEPTH) {
			walk(path, depth + 1);
		} else if (S_ISLNK(st.st_mode)) {
			char target[256];
			(void)!readlink(path, target, sizeof(target));
		} else if (S_ISREG(st.st_mode)) {
			int fd = open(path, O_RDONLY);
			static char chunk[4096];
			for (size_t done = 0; fd >= 0 && done < READ_LIMIT; done += sizeof(chunk))
				if (read(fd, chunk, sizeof(chunk)) <= 0)
					break;
			if (fd >= 0)
				close(fd);
		}
	}
	closedir(d);
}

static void change_things(void)
{
	static char data[20000];
	memset(data, 'z', sizeof(data));
	int fd = open(MOUNT_POINT "/new", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd >= 0) {
		(void)!write(fd, data, sizeof(data));
		fsync(fd);
		close(fd);
	}
	rename(MOUNT_POINT "/new", MOUNT_POINT "/new2");
	unlink(MOUNT_POINT "/new2");
	if (mkdir(MOUNT_POINT "/nd", 0755) == 0)
		rmdir(MOUNT_POINT "/nd");
	(void)!truncate(MOUNT_POINT "/hello.txt", 3);
}

/* One round on buf: 1 if it mounted, 0 if refused; -1 if the unmount
 * failed (a check has said so). */
static int round_on(const unsigned char *buf, size_t len, unsigned r)
{
	if (!UT_CHECK(write_device(buf, len) == 0, "round %u: write %s: %s", r, DEVICE,
		      strerror(errno)))
		return -1;
	if (mount(DEVICE, MOUNT_POINT, "s5fs", 0, NULL) < 0)
		return 0;
	walked_entries = 0;
	walk(MOUNT_POINT, 0);
	change_things();
	return UT_CHECK(umount(MOUNT_POINT) == 0, "round %u: umount: %s", r, strerror(errno)) ?
	       1 : -1;
}

static void fixed_cases(void)
{
	for (int i = 0; i < 2; i++) {
		UT_CHECK(write_device(images[i], image_len[i]) == 0, "write %s", image_paths[i]);
		if (!UT_CHECK(mount(DEVICE, MOUNT_POINT, "s5fs", 0, NULL) == 0,
			      "the pristine %s mounts: %s", image_paths[i], strerror(errno)))
			continue;
		char buf[16] = { 0 };
		int fd = open(MOUNT_POINT "/hello.txt", O_RDONLY);
		UT_CHECK(fd >= 0 && read(fd, buf, sizeof(buf) - 1) == 6 &&
			 strcmp(buf, "hello\n") == 0, "%s holds hello.txt", image_paths[i]);
		if (fd >= 0)
			close(fd);
		UT_CHECK(umount(MOUNT_POINT) == 0, "umount: %s", strerror(errno));
	}
	static unsigned char copy[MAX_IMAGE];
	memcpy(copy, images[0], image_len[0]);
	memset(copy + MAGIC_OFFSET, 0, 4);
	UT_CHECK(write_device(copy, image_len[0]) == 0, "write the image without magic");
	errno = 0;
	int rc = mount(DEVICE, MOUNT_POINT, "s5fs", 0, NULL);
	UT_CHECK(rc < 0 && errno != 0, "an image without its magic is refused (rc %d, %s)", rc,
		 strerror(errno));
	if (rc == 0)
		umount(MOUNT_POINT);
}

int main(void)
{
	unsigned scale = fuzz_start("file-system image");
	if (!scale)
		return ut_done("t_fuzz_fs");
	for (int i = 0; i < 2; i++)
		if (!UT_CHECK(load(image_paths[i], &images[i], &image_len[i]) == 0,
			      "read %s", image_paths[i]))
			return ut_done("t_fuzz_fs");
	mkdir(MOUNT_POINT, 0755);
	fixed_cases();

	static unsigned char buf[MAX_IMAGE];
	unsigned rounds = ROUNDS_PER_SCALE * scale, mounted = 0, refused = 0;
	for (unsigned r = 0; r < rounds; r++) {
		int which = fuzz_below(2);
		memcpy(buf, images[which], image_len[which]);
		mutate(buf, image_len[which]);
		int rc = round_on(buf, image_len[which], r);
		if (rc < 0)
			break;
		if (rc)
			mounted++;
		else
			refused++;
	}
	UT_NOTE("%u rounds: %u images mounted, walked and unmounted, %u refused at mount",
		rounds, mounted, refused);
	/* The device is free again: nothing kept it. */
	int fd = open(DEVICE, O_WRONLY);
	UT_CHECK(fd >= 0, "%s can be opened for writing after the rounds: %s", DEVICE,
		 strerror(errno));
	if (fd >= 0)
		close(fd);
	rmdir(MOUNT_POINT);
	return ut_done("t_fuzz_fs");
}
