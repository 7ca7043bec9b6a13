/*
 * touch FILE...: create each FILE if it does not exist, and set its
 * access and modification times to now.  Kernels without utimensat
 * (ENOSYS) still get the files created.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ulib.h"

#define FILE_MODE 0666	/* less the umask */

int main(int argc, char **argv)
{
	int i, status = 0;

	ul_setprogname(argv[0]);
	if (argc < 2)
		ul_die(1, "usage: touch FILE...");
	for (i = 1; i < argc; i++) {
		int fd = open(argv[i], O_WRONLY | O_CREAT | O_NOCTTY, FILE_MODE);

		if (fd < 0 && errno == EISDIR)
			fd = open(argv[i], O_RDONLY);
		if (fd < 0) {
			ul_warnerr("%s", argv[i]);
			status = 1;
			continue;
		}
		close(fd);
		if (utimensat(AT_FDCWD, argv[i], NULL, 0) < 0 && errno != ENOSYS) {
			ul_warnerr("%s", argv[i]);
			status = 1;
		}
	}
	return status;
}
