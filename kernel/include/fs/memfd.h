/* memfd_create (kernel/fs/memfd.c): anonymous memory files.  Each is a
 * regular file of a ramfs instance that is mounted nowhere, made in no
 * directory, so no name shows anywhere; it has ramfs's read, write,
 * truncate and mmap (MAP_SHARED included) and goes away with its last
 * descriptor or mapping. */
#pragma once
#include "util/types.h"

#define MFD_CLOEXEC 0x1u
#define MFD_ALLOW_SEALING 0x2u
#define MFD_HUGETLB 0x4u
#define MFD_NAME_MAX 249	/* NAME_MAX less "memfd:", as Linux */

/* Makes the hidden instance (boot, from vfs_init). */
void memfd_init(void);
/* memfd_create(name, flags): the new descriptor, open for reading and
 * writing; -EINVAL for a name over MFD_NAME_MAX bytes or flags other
 * than MFD_CLOEXEC (sealing and huge pages are not supported). */
int memfd_create(const char *name, uint32_t flags);
