/*
 * Recursive copy and removal, shared by cp, mv (its cross-filesystem
 * fallback) and rm.  Both walk with opendir/readdir (getdents64 below),
 * report each failure as "prog: path: reason", carry on with the rest and
 * return -1 if anything failed.  Symbolic links are never followed inside
 * a tree: they are copied as links and removed as links.  A directory's
 * names are read in full before any is acted on, so removing entries never
 * disturbs the directory offset of a readdir in progress.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ulib.h"

static char *join(const char *dir, const char *name)
{
	size_t len = strlen(dir) + strlen(name) + 2;
	char *p = malloc(len);

	if (!p)
		ul_die(1, "out of memory");
	snprintf(p, len, "%s/%s", dir, name);
	return p;
}

static int is_dot_or_dotdot(const char *name)
{
	return name[0] == '.' &&
	       (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'));
}

static void free_names(char **names, size_t n)
{
	while (n > 0)
		free(names[--n]);
	free(names);
}

/* The entries of dir other than . and .., in *names; -1 if unreadable. */
static int read_names(const char *path, char ***names, size_t *count)
{
	struct dirent *de;
	char **v = NULL;
	size_t n = 0, cap = 0;
	DIR *dir = opendir(path);

	if (!dir) {
		ul_warnerr("%s", path);
		return -1;
	}
	while ((de = readdir(dir)) != NULL) {
		if (is_dot_or_dotdot(de->d_name))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			v = realloc(v, cap * sizeof *v);
			if (!v)
				ul_die(1, "out of memory");
		}
		v[n] = strdup(de->d_name);
		if (!v[n])
			ul_die(1, "out of memory");
		n++;
	}
	closedir(dir);
	*names = v;
	*count = n;
	return 0;
}

static int copy_file(const char *src, const char *dst, mode_t mode)
{
	int in, out, ret = 0;

	in = open(src, O_RDONLY);
	if (in < 0) {
		ul_warnerr("%s", src);
		return -1;
	}
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, mode & 07777);
	if (out < 0) {
		ul_warnerr("%s", dst);
		close(in);
		return -1;
	}
	if (ul_copy_fd(in, out) < 0) {
		ul_warnerr("copying %s to %s", src, dst);
		ret = -1;
	}
	if (close(out) < 0 && ret == 0) {
		ul_warnerr("%s", dst);
		ret = -1;
	}
	close(in);
	return ret;
}

static int copy_link(const char *src, const char *dst)
{
	char target[PATH_MAX];
	ssize_t n = readlink(src, target, sizeof target - 1);

	if (n < 0) {
		ul_warnerr("%s", src);
		return -1;
	}
	target[n] = '\0';
	if (symlink(target, dst) < 0) {
		ul_warnerr("%s", dst);
		return -1;
	}
	return 0;
}

static int copy_dir(const char *src, const char *dst, mode_t mode)
{
	char **names;
	size_t i, n;
	int ret = 0;

	/* Owner rwx while filling it, the real mode afterwards. */
	if (mkdir(dst, 0700) < 0 && errno != EEXIST) {
		ul_warnerr("%s", dst);
		return -1;
	}
	if (read_names(src, &names, &n) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		char *s = join(src, names[i]);
		char *d = join(dst, names[i]);

		if (ul_copy_path(s, d, 1) < 0)
			ret = -1;
		free(s);
		free(d);
	}
	free_names(names, n);
	chmod(dst, mode & 07777);
	return ret;
}

int ul_copy_path(const char *src, const char *dst, int recursive)
{
	struct stat st;
	int r = recursive ? lstat(src, &st) : stat(src, &st);

	if (r < 0) {
		ul_warnerr("%s", src);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		if (!recursive) {
			ul_warn("%s: is a directory (not copied; use -r)", src);
			return -1;
		}
		return copy_dir(src, dst, st.st_mode);
	}
	if (S_ISLNK(st.st_mode))
		return copy_link(src, dst);
	return copy_file(src, dst, st.st_mode);
}

int ul_remove_tree(const char *path, int force)
{
	struct stat st;
	char **names;
	size_t i, n;
	int ret = 0;

	if (lstat(path, &st) < 0) {
		if (force && errno == ENOENT)
			return 0;
		ul_warnerr("%s", path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(path) < 0) {
			ul_warnerr("%s", path);
			return -1;
		}
		return 0;
	}
	if (read_names(path, &names, &n) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		char *child = join(path, names[i]);

		if (ul_remove_tree(child, force) < 0)
			ret = -1;
		free(child);
	}
	free_names(names, n);
	if (rmdir(path) < 0) {
		ul_warnerr("%s", path);
		ret = -1;
	}
	return ret;
}
