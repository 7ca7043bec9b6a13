/*
 * cat [FILE...]: copy each FILE (standard input for none, or for "-") to
 * standard output, in order.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "ulib.h"

static int cat_one(const char *path)
{
	int fd = STDIN_FILENO;

	if (strcmp(path, "-") != 0) {
		fd = open(path, O_RDONLY);
		if (fd < 0) {
			ul_warnerr("%s", path);
			return 1;
		}
	}
	if (ul_copy_fd(fd, STDOUT_FILENO) < 0) {
		ul_warnerr("%s", path);
		if (fd != STDIN_FILENO)
			close(fd);
		return 1;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	int i, status = 0;

	ul_setprogname(argv[0]);
	if (argc < 2)
		return cat_one("-");
	for (i = 1; i < argc; i++)
		status |= cat_one(argv[i]);
	return status;
}
