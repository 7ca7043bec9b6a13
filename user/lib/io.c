/*
 * Whole-buffer I/O: write(2) may write less than asked (pipes, ttys) or
 * be interrupted; these loop until done or a real error.
 */
#include <errno.h>
#include <unistd.h>

#include "ulib.h"

#define COPY_BUF_SIZE 65536

int ul_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Returns 0, or -1 with errno set (from the read or the write). */
int ul_copy_fd(int in, int out)
{
	static char buf[COPY_BUF_SIZE];

	for (;;) {
		ssize_t n = read(in, buf, sizeof buf);

		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (ul_write_all(out, buf, (size_t)n) < 0)
			return -1;
	}
}
