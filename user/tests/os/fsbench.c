/* fsbench: the small-file cost of the S5FS journal (doc/STATUS.md).
 *
 *   fsbench [N] [DIR]
 *
 * In DIR (default /tmp/fsb): creates N files (default 300) of 4 KiB and
 * closes them; unlinks them; then creates N more with an fsync each;
 * then sync.  Prints microseconds per file for each phase (CLOCK_MONOTONIC).
 * Run on an image with a journal and on one made with mkfs.s5fs -j 0.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FB_SIZE 4096
#define FB_DEFAULT_N 300
#define US_PER_S 1000000.0
#define NS_PER_US 1000.0

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * US_PER_S + ts.tv_nsec / NS_PER_US;
}

static void create_all(int n, int do_fsync)
{
	static char buf[FB_SIZE];
	char name[32];
	memset(buf, 'b', sizeof(buf));
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%c%d", do_fsync ? 's' : 'f', i);
		int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf) ||
		    (do_fsync && fsync(fd) < 0)) {
			perror(name);
			exit(1);
		}
		close(fd);
	}
}

static void unlink_all(int n, char c)
{
	char name[32];
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%c%d", c, i);
		unlink(name);
	}
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : FB_DEFAULT_N;
	const char *dir = argc > 2 ? argv[2] : "/tmp/fsb";
	mkdir(dir, 0755);
	if (n <= 0 || chdir(dir) < 0) {
		perror(dir);
		return 1;
	}
	double t0 = now_us();
	create_all(n, 0);
	double t1 = now_us();
	unlink_all(n, 'f');
	double t2 = now_us();
	create_all(n, 1);
	double t3 = now_us();
	sync();
	double t4 = now_us();
	unlink_all(n, 's');
	sync();
	printf("fsbench: %d files: create+write %.0f us/file, unlink %.0f us/file, "
	       "create+write+fsync %.0f us/file, sync %.0f us\n",
	       n, (t1 - t0) / n, (t2 - t1) / n, (t3 - t2) / n, t4 - t3);
	return 0;
}
