/* Data of a socket call in user memory (kernel/net/sock_iter.c): a walk
 * over the caller's iovecs (a kernel copy of the array) that copies to
 * or from kernel buffers with the user-copy functions, so a bad pointer
 * is -EFAULT.  Each copy advances the walk. */
#pragma once
#include "util/types.h"
#include "net/abi.h"

#define SOCK_IOV_MAX 1024	/* UIO_MAXIOV */

typedef struct sock_iter {
	const struct linux_iovec *iov;
	size_t count;		/* entries */
	size_t idx, off;	/* position: entry and offset in it */
	size_t left;		/* bytes from the position to the end */
} sock_iter_t;

/* A walk over iov[0..count): -EINVAL if the lengths add up past
 * SSIZE_MAX. */
int sock_iter_init(sock_iter_t *it, const struct linux_iovec *iov, size_t count);
/* Copies n bytes (n <= left) out of the user buffers into dst. */
int sock_iter_from_user(sock_iter_t *it, void *dst, size_t n);
/* Copies n bytes (n <= left) from src into the user buffers. */
int sock_iter_to_user(sock_iter_t *it, const void *src, size_t n);
