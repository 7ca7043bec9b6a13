/* The host tree model behind mkfs.s5fs (mkfs_tree.h).  Scanning recurses
 * over the host directory with lstat, so symlinks are stored as symlinks
 * and never followed.  Hard links among non-directories are kept: a table
 * of (st_dev, st_ino) pairs seen with st_nlink > 1 maps a second name to
 * the first node.  Device specs walk the model, creating directories as
 * needed, and refuse to replace anything already there.
 */
#include "mkfs_tree.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#define MKFS_DIR_MODE 0755u
#define MKFS_CHR_MODE 0666u
#define MKFS_BLK_MODE 0660u
#define HOST_SECTOR 512u	/* unit of st_blocks */
#define SPEC_FIELDS_MIN 4
#define SPEC_FIELDS_MAX 5
#define OWNER_FIELDS 3	/* PATH,UID,GID */
#define SPEC_LINE_MAX 4096

typedef struct hardlink {
	dev_t dev;
	ino_t ino;
	mkfs_node_t *node;
} hardlink_t;

static hardlink_t *links;
static size_t nlinks, links_cap;

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fprintf(stderr, "%s: out of memory\n", MKFS_PROG);
		exit(2);
	}
	return q;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xrealloc(NULL, n), s, n);
}

static mkfs_node_t *node_new(const char *name, uint32_t type)
{
	mkfs_node_t *n = xrealloc(NULL, sizeof(*n));

	memset(n, 0, sizeof(*n));
	snprintf(n->name, sizeof(n->name), "%s", name);
	n->type = type;
	n->nlink = 1;
	return n;
}

static void add_child(mkfs_node_t *dir, mkfs_node_t *child)
{
	if (dir->nchildren == dir->cap) {
		dir->cap = dir->cap ? dir->cap * 2 : 8;
		dir->children = xrealloc(dir->children, dir->cap * sizeof(*dir->children));
	}
	dir->children[dir->nchildren++] = child;
	child->parent = dir;
}

static uint32_t clamp_time(time_t t)
{
	if (t < 0)
		return 0;
	return (uint64_t)t > UINT32_MAX ? UINT32_MAX : (uint32_t)t;
}

static void set_owner(mkfs_node_t *n, uint32_t uid, uint32_t gid, const mkfs_owner_t *own)
{
	n->uid = own->force ? own->uid : uid;
	n->gid = own->force ? own->gid : gid;
}

static int cmp_children(const void *a, const void *b)
{
	const mkfs_node_t *x = *(mkfs_node_t *const *)a, *y = *(mkfs_node_t *const *)b;

	return strcmp(x->name, y->name);
}

static mkfs_node_t *find_child(const mkfs_node_t *dir, const char *name)
{
	size_t i;

	for (i = 0; i < dir->nchildren; i++)
		if (strcmp(dir->children[i]->name, name) == 0)
			return dir->children[i];
	return NULL;
}

const char *mkfs_tree_path(const mkfs_node_t *node)
{
	static char buf[PATH_MAX];
	size_t pos = sizeof(buf) - 1;

	buf[pos] = '\0';
	if (!node->parent) {
		buf[--pos] = '/';
		return buf + pos;
	}
	for (; node->parent; node = node->parent) {
		size_t len = strlen(node->name);
		if (len + 1 > pos)
			break;
		pos -= len;
		memcpy(buf + pos, node->name, len);
		buf[--pos] = '/';
	}
	return buf + pos;
}

static mkfs_node_t *find_hardlink(const struct stat *st)
{
	size_t i;

	for (i = 0; i < nlinks; i++)
		if (links[i].dev == st->st_dev && links[i].ino == st->st_ino)
			return links[i].node;
	return NULL;
}

static void remember_hardlink(const struct stat *st, mkfs_node_t *node)
{
	if (nlinks == links_cap) {
		links_cap = links_cap ? links_cap * 2 : 16;
		links = xrealloc(links, links_cap * sizeof(*links));
	}
	links[nlinks++] = (hardlink_t){ st->st_dev, st->st_ino, node };
}

static int fill_from_stat(mkfs_node_t *n, const char *path, const struct stat *st,
			  const mkfs_owner_t *own)
{
	n->mode = st->st_mode & S5_MODE_MASK;
	set_owner(n, st->st_uid, st->st_gid, own);
	n->atime = clamp_time(st->st_atime);
	n->mtime = clamp_time(st->st_mtime);
	n->ctime = clamp_time(st->st_ctime);
	if (S_ISREG(st->st_mode)) {
		if ((uint64_t)st->st_size > S5_MAX_FILE_SIZE) {
			fprintf(stderr, "%s: %s: file too large (%lld bytes, at most %u)\n",
				MKFS_PROG, path, (long long)st->st_size, S5_MAX_FILE_SIZE);
			return -1;
		}
		n->size = (uint64_t)st->st_size;
		n->host_blocks = ((uint64_t)st->st_blocks * HOST_SECTOR + S5_BLOCK_SIZE - 1) / S5_BLOCK_SIZE;
		n->host_path = xstrdup(path);
	} else if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) {
		unsigned ma = major(st->st_rdev), mi = minor(st->st_rdev);
		if (ma > S5_MAJOR_MAX || mi > S5_MINOR_MAX) {
			fprintf(stderr, "%s: %s: device number %u,%u too large (at most %u,%u)\n",
				MKFS_PROG, path, ma, mi, S5_MAJOR_MAX, S5_MINOR_MAX);
			return -1;
		}
		n->rdev = S5_MKDEV(ma, mi);
	}
	return 0;
}

static int read_symlink(mkfs_node_t *n, const char *path)
{
	char buf[S5_SYMLINK_MAX + 2];
	ssize_t len = readlink(path, buf, sizeof(buf) - 1);

	if (len < 0) {
		fprintf(stderr, "%s: %s: %s\n", MKFS_PROG, path, strerror(errno));
		return -1;
	}
	if (len == 0 || (size_t)len > S5_SYMLINK_MAX) {
		fprintf(stderr, "%s: %s: symlink target length %zd not in 1..%u\n",
			MKFS_PROG, path, len, S5_SYMLINK_MAX);
		return -1;
	}
	buf[len] = '\0';
	n->target = xstrdup(buf);
	return 0;
}

static uint32_t type_of(mode_t mode)
{
	if (S_ISREG(mode))
		return S5_TYPE_REG;
	if (S_ISDIR(mode))
		return S5_TYPE_DIR;
	if (S_ISLNK(mode))
		return S5_TYPE_SYMLINK;
	if (S_ISCHR(mode))
		return S5_TYPE_CHR;
	if (S_ISBLK(mode))
		return S5_TYPE_BLK;
	return S5_TYPE_FREE;
}

static int scan_dir(mkfs_node_t *dir, const char *path, const mkfs_owner_t *own);

/* Adds host entry `name` of directory `dir` (host path `path`). */
static int scan_entry(mkfs_node_t *dir, const char *dirpath, const char *name,
		      const mkfs_owner_t *own)
{
	char path[PATH_MAX];
	struct stat st;
	mkfs_node_t *n, *first;
	uint32_t type;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dirpath, name) >= sizeof(path)) {
		fprintf(stderr, "%s: %s/%s: host path too long\n", MKFS_PROG, dirpath, name);
		return -1;
	}
	if (strlen(name) > S5_NAME_LEN) {
		fprintf(stderr, "%s: %s: name too long (%zu bytes, at most %u)\n",
			MKFS_PROG, path, strlen(name), S5_NAME_LEN);
		return -1;
	}
	if (lstat(path, &st) < 0) {
		fprintf(stderr, "%s: %s: %s\n", MKFS_PROG, path, strerror(errno));
		return -1;
	}
	type = type_of(st.st_mode);
	if (type == S5_TYPE_FREE) {
		fprintf(stderr, "%s: warning: %s: skipped (S5FS has no sockets or FIFOs)\n",
			MKFS_PROG, path);
		return 0;
	}
	n = node_new(name, type);
	add_child(dir, n);
	if (type != S5_TYPE_DIR && st.st_nlink > 1) {
		first = find_hardlink(&st);
		if (first) {
			n->owner = first;
			if (++first->nlink > S5_LINK_MAX) {
				fprintf(stderr, "%s: %s: too many links (at most %u)\n",
					MKFS_PROG, path, S5_LINK_MAX);
				return -1;
			}
			return 0;
		}
		remember_hardlink(&st, n);
	}
	if (fill_from_stat(n, path, &st, own) < 0)
		return -1;
	if (type == S5_TYPE_SYMLINK)
		return read_symlink(n, path);
	if (type == S5_TYPE_DIR)
		return scan_dir(n, path, own);
	return 0;
}

static int scan_dir(mkfs_node_t *dir, const char *path, const mkfs_owner_t *own)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int err = 0;

	if (!d) {
		fprintf(stderr, "%s: %s: %s\n", MKFS_PROG, path, strerror(errno));
		return -1;
	}
	while (!err && (errno = 0, de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		err = scan_entry(dir, path, de->d_name, own);
	}
	if (!err && errno) {
		fprintf(stderr, "%s: %s: %s\n", MKFS_PROG, path, strerror(errno));
		err = -1;
	}
	closedir(d);
	if (dir->nchildren > 1)
		qsort(dir->children, dir->nchildren, sizeof(*dir->children), cmp_children);
	return err;
}

mkfs_node_t *mkfs_tree_scan(const char *dir, const mkfs_owner_t *own)
{
	mkfs_node_t *root = node_new("", S5_TYPE_DIR);
	struct stat st;

	if (stat(dir, &st) < 0) {
		fprintf(stderr, "%s: %s: %s\n", MKFS_PROG, dir, strerror(errno));
		goto out_free;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "%s: %s: not a directory\n", MKFS_PROG, dir);
		goto out_free;
	}
	if (fill_from_stat(root, dir, &st, own) < 0 || scan_dir(root, dir, own) < 0)
		goto out_free;
	return root;

out_free:
	mkfs_tree_free(root);
	return NULL;
}

/* Splits spec at commas into at most SPEC_FIELDS_MAX fields. */
static int split_spec(char *spec, char **field)
{
	int n = 0;
	char *p = spec;

	for (;;) {
		if (n == SPEC_FIELDS_MAX)
			return -1;
		field[n++] = p;
		p = strchr(p, ',');
		if (!p)
			break;
		*p++ = '\0';
	}
	return n;
}

static int parse_uint(const char *s, int base, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, base);
	return (*s == '\0' || *end != '\0' || errno || *out > max || *s == '-') ? -1 : 0;
}

/* Finds or creates directory `name` in dir. */
static mkfs_node_t *spec_dir(mkfs_node_t *dir, const char *name, const mkfs_owner_t *own,
			     uint32_t now, const char *spec)
{
	mkfs_node_t *n = find_child(dir, name);

	if (n) {
		if (n->type != S5_TYPE_DIR) {
			fprintf(stderr, "%s: device %s: %s is not a directory\n",
				MKFS_PROG, spec, mkfs_tree_path(n));
			return NULL;
		}
		return n;
	}
	n = node_new(name, S5_TYPE_DIR);
	n->mode = MKFS_DIR_MODE;
	set_owner(n, 0, 0, own);
	n->atime = n->mtime = n->ctime = now;
	add_child(dir, n);
	qsort(dir->children, dir->nchildren, sizeof(*dir->children), cmp_children);
	return n;
}

static int spec_error(const char *spec, const char *what)
{
	fprintf(stderr, "%s: device spec '%s': %s (expected PATH,c|b,MAJOR,MINOR[,MODE])\n",
		MKFS_PROG, spec, what);
	return -1;
}

int mkfs_tree_add_device(mkfs_node_t *root, const char *spec, const mkfs_owner_t *own, uint32_t now)
{
	char buf[SPEC_LINE_MAX], *field[SPEC_FIELDS_MAX], *comp, *next;
	unsigned long ma, mi, mode;
	uint32_t type;
	mkfs_node_t *dir = root, *n;
	int nf;

	if (strlen(spec) >= sizeof(buf))
		return spec_error(spec, "too long");
	strcpy(buf, spec);
	nf = split_spec(buf, field);
	if (nf < SPEC_FIELDS_MIN)
		return spec_error(spec, "wrong number of fields");
	if (strcmp(field[1], "c") == 0)
		type = S5_TYPE_CHR;
	else if (strcmp(field[1], "b") == 0)
		type = S5_TYPE_BLK;
	else
		return spec_error(spec, "type must be c or b");
	if (parse_uint(field[2], 0, S5_MAJOR_MAX, &ma) < 0)
		return spec_error(spec, "bad major number");
	if (parse_uint(field[3], 0, S5_MINOR_MAX, &mi) < 0)
		return spec_error(spec, "bad minor number");
	mode = type == S5_TYPE_CHR ? MKFS_CHR_MODE : MKFS_BLK_MODE;
	if (nf == SPEC_FIELDS_MAX && parse_uint(field[4], 8, S5_MODE_MASK, &mode) < 0)
		return spec_error(spec, "bad octal mode");

	for (comp = field[0]; *comp == '/'; comp++)
		;
	if (!*comp)
		return spec_error(spec, "empty path");
	for (;;) {
		next = strchr(comp, '/');
		if (next)
			*next++ = '\0';
		if (strlen(comp) > S5_NAME_LEN) {
			fprintf(stderr, "%s: device spec '%s': name '%s' too long (at most %u bytes)\n",
				MKFS_PROG, spec, comp, S5_NAME_LEN);
			return -1;
		}
		if (!*comp || strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0)
			return spec_error(spec, "path has an empty, '.' or '..' component");
		while (next && *next == '/')
			next++;
		if (!next || !*next)
			break;
		dir = spec_dir(dir, comp, own, now, spec);
		if (!dir)
			return -1;
		comp = next;
	}
	if (find_child(dir, comp)) {
		fprintf(stderr, "%s: device spec '%s': %s/%s already exists\n",
			MKFS_PROG, spec, dir == root ? "" : mkfs_tree_path(dir), comp);
		return -1;
	}
	n = node_new(comp, type);
	n->mode = (uint16_t)mode;
	n->rdev = S5_MKDEV(ma, mi);
	set_owner(n, 0, 0, own);
	n->atime = n->mtime = n->ctime = now;
	add_child(dir, n);
	qsort(dir->children, dir->nchildren, sizeof(*dir->children), cmp_children);
	return 0;
}

int mkfs_tree_set_owner(mkfs_node_t *root, const char *spec)
{
	char buf[SPEC_LINE_MAX], *field[SPEC_FIELDS_MAX], *comp, *next;
	unsigned long uid, gid;
	mkfs_node_t *n = root;

	if (strlen(spec) >= sizeof(buf) || (strcpy(buf, spec), split_spec(buf, field)) != OWNER_FIELDS ||
	    parse_uint(field[1], 10, UINT32_MAX, &uid) < 0 ||
	    parse_uint(field[2], 10, UINT32_MAX, &gid) < 0) {
		fprintf(stderr, "%s: owner spec '%s': expected PATH,UID,GID\n", MKFS_PROG, spec);
		return -1;
	}
	for (comp = field[0]; comp && *comp; comp = next) {
		next = strchr(comp, '/');
		if (next)
			*next++ = '\0';
		if (!*comp)
			continue;
		n = find_child(n, comp);
		if (!n) {
			fprintf(stderr, "%s: owner spec '%s': no such file in the tree\n", MKFS_PROG, spec);
			return -1;
		}
	}
	if (n->owner)
		n = n->owner;	/* a hard link: the inode's node */
	n->uid = (uint32_t)uid;
	n->gid = (uint32_t)gid;
	return 0;
}

int mkfs_tree_add_device_file(mkfs_node_t *root, const char *file, const mkfs_owner_t *own, uint32_t now)
{
	char line[SPEC_LINE_MAX];
	FILE *f = fopen(file, "r");
	int err = 0;

	if (!f) {
		fprintf(stderr, "%s: %s: %s\n", MKFS_PROG, file, strerror(errno));
		return -1;
	}
	while (!err && fgets(line, sizeof(line), f)) {
		char *p = line, *end;
		while (*p == ' ' || *p == '\t')
			p++;
		end = p + strcspn(p, "\r\n");
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		*end = '\0';
		if (*p && *p != '#')
			err = mkfs_tree_add_device(root, p, own, now);
	}
	if (!err && ferror(f)) {
		fprintf(stderr, "%s: %s: read error\n", MKFS_PROG, file);
		err = -1;
	}
	fclose(f);
	return err;
}

/* Blocks of pointers needed to map nblocks file blocks. */
static uint64_t map_blocks(uint64_t nblocks)
{
	uint64_t n = 0;

	if (nblocks > S5_IND_FIRST)
		n++;
	if (nblocks > S5_DIND_FIRST)
		n += 1 + (nblocks - S5_DIND_FIRST + S5_PTRS_PER_BLOCK - 1) / S5_PTRS_PER_BLOCK;
	return n;
}

void mkfs_tree_count(const mkfs_node_t *root, uint64_t *inodes, uint64_t *blocks)
{
	uint64_t file_blocks, data;
	size_t i;

	if (root->owner)
		return;	/* an extra name: no inode, no blocks */
	(*inodes)++;
	switch (root->type) {
	case S5_TYPE_REG:
		file_blocks = (root->size + S5_BLOCK_SIZE - 1) / S5_BLOCK_SIZE;
		data = root->host_blocks < file_blocks ? root->host_blocks : file_blocks;
		*blocks += data + map_blocks(file_blocks);
		break;
	case S5_TYPE_DIR:
		file_blocks = ((root->nchildren + 2) * S5_DIRENT_SIZE + S5_BLOCK_SIZE - 1) / S5_BLOCK_SIZE;
		*blocks += file_blocks + map_blocks(file_blocks);
		break;
	case S5_TYPE_SYMLINK:
		(*blocks)++;
		break;
	default:
		break;
	}
	for (i = 0; i < root->nchildren; i++)
		mkfs_tree_count(root->children[i], inodes, blocks);
}

void mkfs_tree_free(mkfs_node_t *root)
{
	size_t i;

	if (!root)
		return;
	if (!root->parent) {
		free(links);
		links = NULL;
		nlinks = links_cap = 0;
	}
	for (i = 0; i < root->nchildren; i++)
		mkfs_tree_free(root->children[i]);
	free(root->children);
	free(root->host_path);
	free(root->target);
	free(root);
}
