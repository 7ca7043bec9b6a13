/* ioctl requests on files that are not terminals (kernel/api/sys_fs.c):
 * FIBMAP (a file block's device block) and FIGETBSZ (the block size), as
 * Linux has them; anything else is -ENOTTY. */
#pragma once
#include "util/types.h"

struct vnode;

long file_ioctl(struct vnode *vn, uint32_t cmd, uint32_t arg);
