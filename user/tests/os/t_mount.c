/*
 * t_mount: mount(2) takes a block device file as its source, and a block
 * device has one owner.
 *
 * On M-OS (the test runner attaches a small S5FS as the second disk,
 * /dev/hdb): mount("/dev/hdb", dir, "s5fs") works and a file written
 * there survives umount and mount.  Mounting a device that is mounted
 * already (hdb on a second directory, or hda, the root's) is EBUSY;
 * opening a mounted device for writing is EBUSY, reading it is allowed;
 * while the device is open for writing (in any process: a forked child's
 * copy of the descriptor counts) mounting it is EBUSY; unmounting gives
 * the device back.  Bad arguments: ENOENT (no such source or target),
 * ENOTBLK (a character device or a regular file as source), ENODEV
 * (unknown type), ENOTDIR (target not a directory); a damaged superblock
 * is EINVAL, and the disk mounts again once it is repaired.
 *
 * On Linux (no second disk, and mounting there would touch the host):
 * only the checks that fail before anything is mounted (ENODEV, ENOENT,
 * ENOTBLK), when the host lets this process call mount at all.  Linux
 * also differs by design: mounting a mounted device again mounts the
 * same file system a second time instead of failing.
 */
#include "utest.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/mount.h>

#define ROOT_DISK "/dev/hda"
#define SCRATCH_DISK "/dev/hdb"
#define FS_TYPE "s5fs"
#define MAGIC_LEN 4	/* the superblock's first bytes: damaged and repaired */
#define TEXT "written on hdb\n"
#define SKIP_TAG "t_mount: SKIPPED"	/* the runner fails a boot that prints it */

static char dir[256], mnt[300], mnt2[300], plain[300], missing[300], file[320];
static const char *mounted_on;	/* where the scratch disk is mounted, or NULL */

static void paths(void)
{
	snprintf(dir, sizeof(dir), "%s", ut_scratch_dir("t_mount"));
	snprintf(mnt, sizeof(mnt), "%s/mnt", dir);
	snprintf(mnt2, sizeof(mnt2), "%s/mnt2", dir);
	snprintf(plain, sizeof(plain), "%s/plain", dir);
	snprintf(missing, sizeof(missing), "%s/missing", dir);
	snprintf(file, sizeof(file), "%s/hello", mnt);
	UT_CHECK(mkdir(mnt, 0755) == 0 && mkdir(mnt2, 0755) == 0, "mkdir: %s", strerror(errno));
	int fd = open(plain, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	UT_CHECK(fd >= 0, "create %s: %s", plain, strerror(errno));
	close(fd);
}

static int mount_scratch(const char *target)
{
	return mount(SCRATCH_DISK, target, FS_TYPE, 0, NULL);
}

static int open_ok(const char *path, int flags)
{
	int fd = open(path, flags);
	UT_CHECK(fd >= 0, "open %s (flags %#x): %s", path, flags, strerror(errno));
	return fd;
}

/* Arguments refused before any device is touched. */
static void test_bad_arguments(void)
{
	UT_EXPECT_ERRNO(mount("/dev/no-such-disk", mnt, FS_TYPE, 0, NULL), ENOENT);
	UT_EXPECT_ERRNO(mount("/dev/null", mnt, FS_TYPE, 0, NULL), ENOTBLK);
	UT_EXPECT_ERRNO(mount(plain, mnt, FS_TYPE, 0, NULL), ENOTBLK);
	UT_EXPECT_ERRNO(mount(SCRATCH_DISK, mnt, "no-such-fs", 0, NULL), ENODEV);
	UT_EXPECT_ERRNO(mount(SCRATCH_DISK, plain, FS_TYPE, 0, NULL), ENOTDIR);
	UT_EXPECT_ERRNO(mount(SCRATCH_DISK, missing, FS_TYPE, 0, NULL), ENOENT);
}

/* The root's disk belongs to the root: no second mount, no raw writes;
 * reading it is fine. */
static void test_root_disk(void)
{
	UT_EXPECT_ERRNO(mount(ROOT_DISK, mnt, FS_TYPE, 0, NULL), EBUSY);
	UT_EXPECT_ERRNO(open(ROOT_DISK, O_WRONLY), EBUSY);
	UT_EXPECT_ERRNO(open(ROOT_DISK, O_RDWR), EBUSY);
	char buf[512];
	int fd = open_ok(ROOT_DISK, O_RDONLY);
	UT_CHECK(fd >= 0 && read(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf),
		 "read the mounted root disk: %s", strerror(errno));
	close(fd);
}

static void read_magic(const char *what, unsigned char out[MAGIC_LEN])
{
	memset(out, 0, MAGIC_LEN);
	int fd = open_ok(SCRATCH_DISK, O_RDONLY);
	UT_CHECK(pread(fd, out, MAGIC_LEN, 0) == MAGIC_LEN, "%s: read %s: %s", what,
		 SCRATCH_DISK, strerror(errno));
	close(fd);
}

/* Writes the superblock's first bytes through the (unmounted) device. */
static void write_magic(const char *what, const unsigned char bytes[MAGIC_LEN])
{
	int fd = open_ok(SCRATCH_DISK, O_RDWR);
	UT_CHECK(pwrite(fd, bytes, MAGIC_LEN, 0) == MAGIC_LEN, "%s: %s", what, strerror(errno));
	close(fd);
}

/* While mounted: a second mount anywhere is EBUSY, writers are refused,
 * readers see the disk. */
static void test_owner(const unsigned char magic[MAGIC_LEN])
{
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	UT_CHECK(fd >= 0 && write(fd, TEXT, strlen(TEXT)) == (ssize_t)strlen(TEXT),
		 "write %s: %s", file, strerror(errno));
	close(fd);
	UT_EXPECT_ERRNO(mount_scratch(mnt2), EBUSY);
	UT_EXPECT_ERRNO(mount_scratch(mnt), EBUSY);
	UT_EXPECT_ERRNO(open(SCRATCH_DISK, O_WRONLY), EBUSY);
	UT_EXPECT_ERRNO(open(SCRATCH_DISK, O_RDWR), EBUSY);
	unsigned char seen[MAGIC_LEN];
	read_magic("mounted", seen);
	UT_CHECK(memcmp(seen, magic, MAGIC_LEN) == 0, "a mounted disk reads as before");
	UT_CHECK(umount(mnt) == 0, "umount %s: %s", mnt, strerror(errno));
	mounted_on = NULL;
	struct stat st;
	UT_EXPECT_ERRNO(stat(file, &st), ENOENT);
	/* unmounting gave the disk back: it mounts elsewhere */
	if (UT_CHECK(mount_scratch(mnt2) == 0, "mount on %s after umount: %s", mnt2,
		     strerror(errno))) {
		mounted_on = mnt2;
		UT_CHECK(umount(mnt2) == 0, "umount %s: %s", mnt2, strerror(errno));
		mounted_on = NULL;
	}
}

/* A child holds the device open for writing until the pipe closes. */
static pid_t child_writer(int wfd, int *release)
{
	int p[2];
	if (pipe(p) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		close(p[1]);
		char c;
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		close(wfd);
		_exit(0);
	}
	close(p[0]);
	*release = p[1];
	return pid;
}

/* Writers exclude the mount, however many copies of the descriptor. */
static void test_writers(void)
{
	int fd = open_ok(SCRATCH_DISK, O_RDWR);
	UT_EXPECT_ERRNO(mount_scratch(mnt), EBUSY);
	int release = -1;
	pid_t pid = child_writer(fd, &release);
	UT_CHECK(pid > 0, "fork: %s", strerror(errno));
	close(fd);
	UT_EXPECT_ERRNO(mount_scratch(mnt), EBUSY);	/* the child's copy */
	close(release);
	int status = -1;
	UT_CHECK(pid > 0 && ut_wait(pid, &status, 10000) == pid, "child: %s", strerror(errno));
	int ro = open_ok(SCRATCH_DISK, O_RDONLY);	/* readers do not count */
	UT_CHECK(mount_scratch(mnt) == 0, "mount after the writers closed: %s", strerror(errno));
	close(ro);
	mounted_on = mnt;
	char buf[64] = { 0 };
	int f = open(file, O_RDONLY);
	UT_CHECK(f >= 0 && read(f, buf, sizeof(buf) - 1) == (ssize_t)strlen(TEXT) &&
		 strcmp(buf, TEXT) == 0, "the file survives umount and mount: '%s'", buf);
	close(f);
	UT_CHECK(unlink(file) == 0, "unlink %s: %s", file, strerror(errno));
	UT_CHECK(umount(mnt) == 0, "umount: %s", strerror(errno));
	mounted_on = NULL;
}

/* A damaged superblock is refused with EINVAL; repaired, it mounts. */
static void test_corrupt(const unsigned char magic[MAGIC_LEN])
{
	unsigned char bad[MAGIC_LEN];
	for (int i = 0; i < MAGIC_LEN; i++)
		bad[i] = (unsigned char)~magic[i];
	write_magic("damage the superblock", bad);
	UT_EXPECT_ERRNO(mount_scratch(mnt), EINVAL);
	write_magic("repair the superblock", magic);
	UT_CHECK(mount_scratch(mnt) == 0, "mount the repaired disk: %s", strerror(errno));
	mounted_on = mnt;
	UT_CHECK(umount(mnt) == 0, "umount: %s", strerror(errno));
	mounted_on = NULL;
}

static void test_scratch_disk(void)
{
	struct stat st;
	if (stat(SCRATCH_DISK, &st) < 0 || !S_ISBLK(st.st_mode)) {
		UT_NOTE(SKIP_TAG ": no second disk (%s)", SCRATCH_DISK);
		return;
	}
	unsigned char magic[MAGIC_LEN];
	read_magic("unmounted", magic);
	if (mount_scratch(mnt) < 0) {
		UT_NOTE(SKIP_TAG ": %s holds no S5FS (%s)", SCRATCH_DISK, strerror(errno));
		return;
	}
	mounted_on = mnt;
	test_owner(magic);
	test_writers();
	test_corrupt(magic);
}

static void mos_tests(void)
{
	paths();
	test_bad_arguments();
	test_root_disk();
	test_scratch_disk();
	if (mounted_on)
		umount(mounted_on);
	unlink(plain);
	rmdir(mnt);
	rmdir(mnt2);
	UT_CHECK(rmdir(dir) == 0, "rmdir %s: %s", dir, strerror(errno));
}

/* A block-device file-system type the host kernel knows, or NULL. */
static const char *host_block_fs(void)
{
	static const char *const candidates[] = { "ext4", "ext2", "ext3", "vfat", "xfs" };
	static char line[128];
	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
		FILE *f = fopen("/proc/filesystems", "r");
		if (!f)
			return NULL;
		int found = 0;
		while (fgets(line, sizeof(line), f)) {
			char *tab = strchr(line, '\t');
			if (!tab || strncmp(line, "nodev", 5) == 0)
				continue;
			tab[strcspn(tab, "\n")] = 0;
			found |= strcmp(tab + 1, candidates[i]) == 0;
		}
		fclose(f);
		if (found)
			return candidates[i];
	}
	return NULL;
}

static void linux_tests(void)
{
	const char *d = ut_scratch_dir("t_mount");
	if (mount("none", d, "no-such-fs", 0, NULL) < 0 && errno == EPERM) {
		UT_NOTE("mount(2) is not permitted here: Linux checks skipped");
	} else {
		UT_EXPECT_ERRNO(mount("none", d, "no-such-fs", 0, NULL), ENODEV);
		const char *type = host_block_fs();
		if (type) {
			UT_EXPECT_ERRNO(mount("/dev/no-such-disk", d, type, 0, NULL), ENOENT);
			UT_EXPECT_ERRNO(mount("/dev/null", d, type, 0, NULL), ENOTBLK);
		} else {
			UT_NOTE("no block file-system type in /proc/filesystems");
		}
	}
	rmdir(d);
}

int main(void)
{
	if (ut_is_mos())
		mos_tests();
	else
		linux_tests();
	return ut_done("t_mount");
}
