/* The S5FS metadata journal on the host (fsck.s5fs): finds the last
 * transaction in an image's journal, judges it as the kernel does at
 * mount (kernel/fs/s5fs/s5fs_journal.c; format in fs/s5fs_disk.h), and
 * replays it.  Like s5img, it never prints: s5j_check fills a status and
 * a message. */
#pragma once
#include "s5img.h"

typedef enum s5j_status {
	S5J_NONE,		/* no journal in this image */
	S5J_EMPTY,		/* a journal with nothing to replay */
	S5J_INCOMPLETE,		/* the last transaction never committed: ignored */
	S5J_PENDING,		/* a committed transaction not yet replayed */
	S5J_CORRUPT,		/* a commit record that does not match (bad CRC...) */
	S5J_BAD_HEADER,		/* the journal area itself is damaged */
} s5j_status_t;

typedef struct s5j_info {
	s5j_status_t status;
	uint32_t seq, count;	/* the transaction looked at */
	const char *why;	/* S5J_CORRUPT, S5J_BAD_HEADER: what is wrong */
} s5j_info_t;

/* Judges the journal of img (whose superblock passed s5img_geometry): 0,
 * or a negative errno on an I/O error. */
int s5j_check(s5img_t *img, s5j_info_t *info);
/* Replays a S5J_PENDING transaction into img (opened writable), marks the
 * journal empty, and reloads img->sb: 0 or a negative errno. */
int s5j_replay(s5img_t *img, const s5j_info_t *info);
/* Where the journal's geometry in the superblock is wrong, or NULL. */
const char *s5j_geometry(const s5_super_t *sb);
