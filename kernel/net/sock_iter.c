/*
 * Walks over a socket call's user buffers (net/sock_iter.h): sendmsg's
 * and recvmsg's iovecs, or read's and write's single buffer as one
 * iovec.  The iovec array is the caller's kernel copy; the buffers stay
 * in user space and every byte moves through copy_from_user or
 * copy_to_user, so a bad address is -EFAULT wherever it lies.  No lock:
 * an iterator belongs to one system call.
 */
#include "net/sock_iter.h"
#include "api/usercopy.h"
#include "util/debug.h"
#include "util/errno.h"

#define SOCK_SSIZE_MAX 0x7fffffffu

int sock_iter_init(sock_iter_t *it, const struct linux_iovec *iov, size_t count)
{
	size_t total = 0;
	for (size_t i = 0; i < count; i++) {
		if (iov[i].iov_len > SOCK_SSIZE_MAX - total)
			return -EINVAL;
		total += iov[i].iov_len;
	}
	it->iov = iov;
	it->count = count;
	it->idx = 0;
	it->off = 0;
	it->left = total;
	return 0;
}

/* Copies n bytes between kernel memory k and the walk's user buffers. */
static int iter_copy(sock_iter_t *it, void *k, size_t n, bool to_user)
{
	KASSERT(n <= it->left, "socket copy of %u bytes past the end (%u left)", n, it->left);
	uint8_t *kp = k;
	while (n > 0) {
		const struct linux_iovec *v = &it->iov[it->idx];
		if (it->off == v->iov_len) {	/* an empty or used-up entry */
			it->idx++;
			it->off = 0;
			continue;
		}
		size_t chunk = MIN(n, v->iov_len - it->off);
		void *u = (void *)(uintptr_t)(v->iov_base + it->off);
		int rc = to_user ? copy_to_user(u, kp, chunk) : copy_from_user(kp, u, chunk);
		if (rc < 0)
			return -EFAULT;
		kp += chunk;
		n -= chunk;
		it->left -= chunk;
		it->off += chunk;
	}
	return 0;
}

int sock_iter_from_user(sock_iter_t *it, void *dst, size_t n)
{
	return iter_copy(it, dst, n, false);
}

int sock_iter_to_user(sock_iter_t *it, const void *src, size_t n)
{
	return iter_copy(it, (void *)src, n, true);
}
