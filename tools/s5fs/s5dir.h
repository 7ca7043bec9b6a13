/* S5FS directories for the host tools: iterating a directory's entry
 * slots, checking entry names, and resolving paths.
 *
 * A directory is a file of S5_DIRENT_SIZE slots; slot S5_DOT_SLOT is ".",
 * slot S5_DOTDOT_SLOT is "..", a slot with inode S5_NO_INODE is empty.
 * The iterator returns every slot, empty ones included, so callers can
 * check structure; it reads each block once and fails (rather than
 * guessing) on a hole or a bad pointer.  Path resolution follows no
 * symbolic links and needs each intermediate entry to be a directory.
 */
#pragma once
#include <stdint.h>
#include "s5img.h"

typedef struct s5dir_iter {
	s5img_t *img;
	const s5_inode_t *dir;
	uint32_t slot;		/* next slot to return */
	uint32_t nslots;	/* dir size / S5_DIRENT_SIZE */
	uint32_t cached_lbn;	/* file block in block[], or UINT32_MAX */
	s5_dirent_t block[S5_DIRENTS_PER_BLOCK];
} s5dir_iter_t;

void s5dir_iter_init(s5dir_iter_t *it, s5img_t *img, const s5_inode_t *dir);
/* 1 with *de and *slot filled, 0 at the end, or a negative errno. */
int s5dir_next(s5dir_iter_t *it, s5_dirent_t *de, uint32_t *slot);

/* NULL when the name field holds a valid entry name, else what is wrong. */
const char *s5dir_name_problem(const char name[S5_NAME_LEN + 1]);

int s5dir_lookup(s5img_t *img, uint32_t dir_ino, const char *name, uint32_t *ino);
/* Resolves an absolute or root-relative path to an inode number. */
int s5dir_namei(s5img_t *img, const char *path, uint32_t *ino);
