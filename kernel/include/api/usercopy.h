/* Copying between the kernel and user space (kernel/api/usercopy.c).
 *
 * Every function checks that the user range lies below USER_END, then
 * copies; a page fault during the copy is first offered to the VM (demand
 * paging, copy-on-write) and, if the VM cannot resolve it, the copy stops
 * and returns -EFAULT through the exception fixup table.  So a bad
 * pointer from user space -- unmapped, a kernel address, or read-only for
 * a write -- gets -EFAULT, never a panic. */
#pragma once
#include "util/types.h"

int copy_from_user(void *dst, const void *user_src, size_t n);
int copy_to_user(void *user_dst, const void *src, size_t n);
/* Copies a NUL-terminated string of at most max-1 characters; returns its
 * length, -ENAMETOOLONG if it does not fit, -EFAULT. */
int strncpy_from_user(char *dst, const char *user_src, size_t max);
int clear_user(void *user_dst, size_t n);
bool user_range_ok(const void *p, size_t n);
/* Reads a user struct timespec, the 32-bit or (time64) the 64-bit layout
 * (only the low 32 bits of its tv_nsec count, as on Linux for i386),
 * into *sec and *nsec: 0, -EFAULT, or -EINVAL for a negative time or a
 * tv_nsec outside [0, 1e9). */
int timespec_from_user(uint32_t uts, bool time64, int64_t *sec, int64_t *nsec);

/* If eip is inside a user-copy routine, returns where it should resume
 * to report -EFAULT; 0 otherwise.  Used by the page fault handler. */
uint32_t usercopy_fixup(uint32_t eip);
