/* Shared helpers of the file-system suites (kernel/test/vfstest*.c,
 * test_s5fs*.c, test_pipe.c): each generic test runs in a directory of
 * the file system under test (a ramfs mount or an S5FS), given as `base`,
 * and builds its paths under it with vt_path. */
#pragma once
#include "test/ktest.h"
#include "fs/stat.h"
#include "fs/vfs_syscall.h"
#include "util/string.h"
#include "util/types.h"

#define VT_PATH_MAX 512

/* Formats base + "/" + fmt into a static ring of buffers (a few paths can
 * be in use at once). */
const char *vt_path(const char *base, const char *fmt, ...) __printf(2, 3);
/* Declares a local copy of vt_path(base, fmt, ...) for a path that must
 * outlive many other vt_path calls. */
#define VT_LOCAL_PATH(name, base, ...) \
	char name[VT_PATH_MAX]; \
	strlcpy(name, vt_path(base, __VA_ARGS__), VT_PATH_MAX)

/* Creates path with len bytes from data (O_CREAT|O_TRUNC); 0 or -errno. */
int vt_write_file(const char *path, const void *data, size_t len);
/* Reads up to n bytes of path; the count or -errno. */
ssize_t vt_read_file(const char *path, void *buf, size_t n);
/* The size st_size reports, or -errno. */
int64_t vt_file_size(const char *path);
/* Removes path and everything below it (no symlink is followed). */
int vt_remove_tree(const char *path);
/* Calls fn(name, arg) for each entry of directory path (by getdents),
 * "." and ".." included; stops when fn returns true.  0 or -errno. */
int vt_for_each_entry(const char *path, bool (*fn)(const char *, void *), void *arg);
/* Whether directory path lists name (by getdents). */
bool vt_dir_has(const char *path, const char *name);
/* Entries of directory path other than "." and "..", or -errno. */
int vt_dir_count(const char *path);
/* Fills buf with a pattern that depends on seed and the byte's offset. */
void vt_pattern(void *buf, size_t n, uint64_t offset, uint32_t seed);
bool vt_pattern_ok(const void *buf, size_t n, uint64_t offset, uint32_t seed);

/* The longest name the file system under test takes (run_all sets it). */
extern size_t vt_name_max;

/* Counters that must come back after a test: vnodes, open files and
 * resident pages, with the caches dropped first. */
typedef struct vt_counts {
	size_t vnodes, files, pages;
} vt_counts_t;
void vt_counts_take(vt_counts_t *c);
/* Drops the caches and checks the counts are back to c. */
void vt_counts_check(const vt_counts_t *c, const char *what);

/* The generic tests (vfstest.c, vfstest_names.c, vfstest_rename.c). */
void vt_test_basic_io(const char *base);
void vt_test_open_flags(const char *base);
void vt_test_dup(const char *base);
void vt_test_stat(const char *base);
void vt_test_attrs(const char *base);
void vt_test_dirs(const char *base);
void vt_test_unlink_link(const char *base);
void vt_test_getdents(const char *base);
void vt_test_truncate(const char *base);
void vt_test_sparse(const char *base);
void vt_test_paths(const char *base);
void vt_test_symlinks(const char *base);
void vt_test_cwd(const char *base);
void vt_test_mknod(const char *base);
void vt_test_rename(const char *base);
void vt_test_many_files(const char *base, int n);
void vt_test_big_file(const char *base, uint32_t bytes);
void vt_test_deep(const char *base, int depth);
