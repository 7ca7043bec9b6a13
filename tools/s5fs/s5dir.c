/* S5FS directory iteration, name checks and path lookup (s5dir.h).  The
 * iterator caches one directory block at a time; lookups compare whole
 * NUL-padded name fields, so a name longer than S5_NAME_LEN never
 * matches.
 */
#include "s5dir.h"
#include "s5file.h"

#include <errno.h>
#include <string.h>

void s5dir_iter_init(s5dir_iter_t *it, s5img_t *img, const s5_inode_t *dir)
{
	it->img = img;
	it->dir = dir;
	it->slot = 0;
	it->nslots = dir->s5i_size / S5_DIRENT_SIZE;
	it->cached_lbn = UINT32_MAX;
}

int s5dir_next(s5dir_iter_t *it, s5_dirent_t *de, uint32_t *slot)
{
	uint32_t lbn, bno;
	int err;

	if (it->slot >= it->nslots)
		return 0;
	lbn = it->slot / S5_DIRENTS_PER_BLOCK;
	if (lbn != it->cached_lbn) {
		err = s5file_bmap(it->img, it->dir, lbn, &bno);
		if (err)
			return err;
		if (bno == S5_NO_BLOCK)
			return -EUCLEAN;	/* directories have no holes */
		err = s5img_read_block(it->img, bno, it->block);
		if (err)
			return err;
		it->cached_lbn = lbn;
	}
	*de = it->block[it->slot % S5_DIRENTS_PER_BLOCK];
	*slot = it->slot++;
	return 1;
}

const char *s5dir_name_problem(const char name[S5_NAME_LEN + 1])
{
	size_t len = strnlen(name, S5_NAME_LEN + 1);
	size_t i;

	if (len == 0)
		return "empty name";
	if (len > S5_NAME_LEN)
		return "name not NUL-terminated";
	for (i = len; i <= S5_NAME_LEN; i++)
		if (name[i] != '\0')
			return "garbage after the name's terminating NUL";
	if (memchr(name, '/', len))
		return "name contains '/'";
	return NULL;
}

int s5dir_lookup(s5img_t *img, uint32_t dir_ino, const char *name, uint32_t *ino)
{
	s5_inode_t dir;
	s5dir_iter_t it;
	s5_dirent_t de;
	uint32_t slot;
	size_t len = strlen(name);
	int err;

	if (len == 0 || len > S5_NAME_LEN)
		return -ENOENT;
	err = s5img_read_inode(img, dir_ino, &dir);
	if (err)
		return err;
	if (dir.s5i_type != S5_TYPE_DIR)
		return -ENOTDIR;
	s5dir_iter_init(&it, img, &dir);
	while ((err = s5dir_next(&it, &de, &slot)) > 0) {
		if (de.s5d_ino != S5_NO_INODE && strncmp(de.s5d_name, name, S5_NAME_LEN + 1) == 0) {
			*ino = de.s5d_ino;
			return 0;
		}
	}
	return err < 0 ? err : -ENOENT;
}

int s5dir_namei(s5img_t *img, const char *path, uint32_t *ino)
{
	char name[S5_NAME_LEN + 1];
	uint32_t cur = S5_ROOT_INO;

	while (*path) {
		const char *end;
		size_t len;
		int err;

		while (*path == '/')
			path++;
		if (!*path)
			break;
		end = strchr(path, '/');
		len = end ? (size_t)(end - path) : strlen(path);
		if (len > S5_NAME_LEN)
			return -ENAMETOOLONG;
		memcpy(name, path, len);
		name[len] = '\0';
		err = s5dir_lookup(img, cur, name, &cur);
		if (err)
			return err;
		path += len;
	}
	*ino = cur;
	return 0;
}
