/* Helpers for the file-system suites (vfstest.h): path building, whole-
 * file reads and writes, tree removal, directory listing through
 * getdents, data patterns, and the leak counters. */
#include "vfstest.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "fs/vnode.h"
#include "mm/kmalloc.h"
#include "mm/pframe.h"
#include "util/errno.h"
#include "util/printf.h"
#include "util/string.h"

#define VT_PATH_RING 64
#define VT_DENTS_BUF 1024
#define VT_REMOVE_DEPTH_MAX 64

const char *vt_path(const char *base, const char *fmt, ...)
{
	static char ring[VT_PATH_RING][VT_PATH_MAX];
	static int next;
	char *buf = ring[next++ % VT_PATH_RING];
	size_t n = (size_t)snprintf(buf, VT_PATH_MAX, "%s/", base);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + n, VT_PATH_MAX - n, fmt, ap);
	va_end(ap);
	return buf;
}

int vt_write_file(const char *path, const void *data, size_t len)
{
	int fd = do_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return fd;
	ssize_t w = do_write(fd, data, len);
	do_close(fd);
	if (w < 0)
		return (int)w;
	return (size_t)w == len ? 0 : -EIO;
}

ssize_t vt_read_file(const char *path, void *buf, size_t n)
{
	int fd = do_open(path, O_RDONLY, 0);
	if (fd < 0)
		return fd;
	size_t got = 0;
	ssize_t r;
	while (got < n && (r = do_read(fd, (uint8_t *)buf + got, n - got)) > 0)
		got += (size_t)r;
	do_close(fd);
	return (ssize_t)got;
}

int64_t vt_file_size(const char *path)
{
	struct stat64 st;
	int rc = do_stat(path, &st);
	return rc < 0 ? rc : st.st_size;
}

/* Removes the entries of directory path, going down at most
 * VT_REMOVE_DEPTH_MAX levels.  Directory positions survive removals, so
 * one pass of getdents sees every entry. */
static int remove_children(const char *path, int depth)
{
	if (depth > VT_REMOVE_DEPTH_MAX)
		return -ELOOP;
	int fd = do_open(path, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return fd;
	uint8_t *buf = kmalloc(VT_DENTS_BUF);
	char *child = kmalloc(PATH_MAX);
	int rc = buf && child ? 0 : -ENOMEM;
	while (rc == 0) {
		int n = do_getdents(fd, buf, VT_DENTS_BUF);
		if (n <= 0) {
			rc = n;
			break;
		}
		for (int off = 0; off < n && rc == 0;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
			off += d->d_reclen;
			if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
				continue;
			snprintf(child, PATH_MAX, "%s/%s", path, d->d_name);
			if (d->d_type == DT_DIR) {
				rc = remove_children(child, depth + 1);
				if (rc == 0)
					rc = do_rmdir(child);
			} else {
				rc = do_unlink(child);
			}
		}
	}
	kfree(buf);
	kfree(child);
	do_close(fd);
	return rc;
}

int vt_remove_tree(const char *path)
{
	struct stat64 st;
	int rc = do_lstat(path, &st);
	if (rc < 0)
		return rc;
	if (!S_ISDIR(st.st_mode))
		return do_unlink(path);
	rc = remove_children(path, 0);
	return rc < 0 ? rc : do_rmdir(path);
}

int vt_for_each_entry(const char *path, bool (*fn)(const char *, void *), void *arg)
{
	int fd = do_open(path, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return fd;
	uint8_t *buf = kmalloc(VT_DENTS_BUF);
	int rc = buf ? 0 : -ENOMEM;
	bool stop = false;
	while (rc == 0 && !stop) {
		int n = do_getdents(fd, buf, VT_DENTS_BUF);
		if (n <= 0) {
			rc = n;
			break;
		}
		for (int off = 0; off < n && !stop;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
			off += d->d_reclen;
			stop = fn(d->d_name, arg);
		}
	}
	kfree(buf);
	do_close(fd);
	return rc;
}

static bool match_name(const char *name, void *arg)
{
	const char **want = arg;
	if (strcmp(name, *want) == 0) {
		*want = NULL;
		return true;
	}
	return false;
}

bool vt_dir_has(const char *path, const char *name)
{
	const char *want = name;
	vt_for_each_entry(path, match_name, &want);
	return want == NULL;
}

static bool count_name(const char *name, void *arg)
{
	if (strcmp(name, ".") && strcmp(name, ".."))
		(*(int *)arg)++;
	return false;
}

int vt_dir_count(const char *path)
{
	int count = 0;
	int rc = vt_for_each_entry(path, count_name, &count);
	return rc < 0 ? rc : count;
}

static uint8_t pattern_byte(uint64_t offset, uint32_t seed)
{
	uint32_t x = (uint32_t)offset * 2654435761u ^ (uint32_t)(offset >> 32) ^ seed;
	return (uint8_t)(x ^ (x >> 13) ^ (x >> 24));
}

void vt_pattern(void *buf, size_t n, uint64_t offset, uint32_t seed)
{
	for (size_t i = 0; i < n; i++)
		((uint8_t *)buf)[i] = pattern_byte(offset + i, seed);
}

bool vt_pattern_ok(const void *buf, size_t n, uint64_t offset, uint32_t seed)
{
	for (size_t i = 0; i < n; i++)
		if (((const uint8_t *)buf)[i] != pattern_byte(offset + i, seed))
			return false;
	return true;
}

void vt_counts_take(vt_counts_t *c)
{
	vfs_drop_caches();
	c->vnodes = vnode_count();
	c->files = file_count();
	c->pages = pframe_count();
}

void vt_counts_check(const vt_counts_t *c, const char *what)
{
	vt_counts_t now;
	vt_counts_take(&now);
	KT_ASSERT(now.vnodes == c->vnodes, "%s: %d vnodes leaked", what,
		  (int)(now.vnodes - c->vnodes));
	KT_ASSERT(now.files == c->files, "%s: %d open files leaked", what,
		  (int)(now.files - c->files));
	KT_ASSERT(now.pages == c->pages, "%s: %d pages left resident", what,
		  (int)(now.pages - c->pages));
}
