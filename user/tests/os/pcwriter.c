/* pcwriter: the workload of the power-cut harness (tools/powercut.sh).
 *
 *   pcwriter SEED [DIR]
 *
 * Runs until the machine is killed, in DIR (default /tmp/pc): creates
 * files, appends to them, renames and unlinks them, each followed by
 * fsync of the file and of the directory, and between them writes and
 * deletes files it never syncs.  Every durable step is announced on
 * standard output (the serial console the harness captures) before it
 * starts ("P BEGIN ...") and after its fsyncs returned ("P OK NAME ID
 * LEN", "P MV OLD NEW", "P RM NAME"), so the checker
 * (tools/powercut_check.py) knows what must survive the cut.  Byte k of
 * the file with number ID is pc_byte(ID, k), so any prefix can be checked.
 * The same binary runs on Linux.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PC_DIR "/tmp/pc"
#define PC_MAX_FILES 64		/* durable files alive at once */
#define PC_MAX_LEN 24000	/* bytes per create or append, at most */
#define PC_NOISE_LEN 20000	/* bytes of an unsynced file, at most */
#define PC_NAME 32
#define PC_LINE 160

typedef struct pcfile {
	char name[PC_NAME];
	unsigned id, len;
} pcfile_t;

static pcfile_t files[PC_MAX_FILES];
static int nfiles;
static unsigned next_id = 1, seed;
static int dirfd;

static unsigned char pc_byte(unsigned id, unsigned k)
{
	return (unsigned char)(k * 131u + id * 7u + (k >> 8) + (id >> 3));
}

static unsigned rnd(unsigned n)
{
	return (unsigned)rand_r(&seed) % n;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char line[PC_LINE];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0 && write(1, line, (size_t)n) < 0)
		exit(1);
}

static void die(const char *what)
{
	say("P FAIL %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Writes bytes [from, to) of file id at offset from. */
static void put(int fd, unsigned id, unsigned from, unsigned to)
{
	static unsigned char buf[PC_MAX_LEN];
	for (unsigned k = from; k < to; k++)
		buf[k - from] = pc_byte(id, k);
	if (pwrite(fd, buf, to - from, from) != (ssize_t)(to - from))
		die("pwrite");
}

static void sync_dir(void)
{
	if (fsync(dirfd) < 0)
		die("fsync dir");
}

static void op_create(void)
{
	pcfile_t *f = &files[nfiles];
	f->id = next_id++;
	f->len = rnd(PC_MAX_LEN);
	snprintf(f->name, sizeof(f->name), "f%u", f->id);
	say("P BEGIN NEW %s %u %u\n", f->name, f->id, f->len);
	int fd = open(f->name, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0)
		die("create");
	put(fd, f->id, 0, f->len);
	if (fsync(fd) < 0)
		die("fsync");
	close(fd);
	sync_dir();
	nfiles++;
	say("P OK %s %u %u\n", f->name, f->id, f->len);
}

static void op_append(pcfile_t *f)
{
	unsigned more = 1 + rnd(PC_MAX_LEN - 1);
	say("P BEGIN APPEND %s %u %u\n", f->name, f->id, f->len + more);
	int fd = open(f->name, O_WRONLY);
	if (fd < 0)
		die("open");
	put(fd, f->id, f->len, f->len + more);
	if (fdatasync(fd) < 0)
		die("fdatasync");
	close(fd);
	f->len += more;
	say("P OK %s %u %u\n", f->name, f->id, f->len);
}

static void op_rename(pcfile_t *f)
{
	char to[PC_NAME];
	snprintf(to, sizeof(to), "r%u_%u", f->id, next_id++);
	say("P BEGIN MV %s %s\n", f->name, to);
	if (rename(f->name, to) < 0)
		die("rename");
	sync_dir();
	say("P MV %s %s\n", f->name, to);
	strcpy(f->name, to);
}

static void op_unlink(int i)
{
	say("P BEGIN RM %s\n", files[i].name);
	if (unlink(files[i].name) < 0)
		die("unlink");
	sync_dir();
	say("P RM %s\n", files[i].name);
	files[i] = files[--nfiles];
}

/* Files nobody syncs: metadata and data churn for the cut to land in. */
static void op_noise(void)
{
	char name[PC_NAME];
	snprintf(name, sizeof(name), "u%u", rnd(8));
	if (rnd(3) == 0) {
		unlink(name);
		return;
	}
	int fd = open(name, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd < 0)
		die("noise");
	put(fd, 0, 0, rnd(PC_NOISE_LEN));
	close(fd);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 2 ? argv[2] : PC_DIR;
	if (argc < 2) {
		fprintf(stderr, "usage: pcwriter SEED [DIR]\n");
		return 2;
	}
	seed = (unsigned)strtoul(argv[1], NULL, 0);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		die("mkdir");
	if (chdir(dir) < 0)
		die("chdir");
	if ((dirfd = open(".", O_RDONLY | O_DIRECTORY)) < 0)
		die("open dir");
	sync_dir();
	say("P START seed %u\n", seed);
	for (;;) {
		unsigned r = rnd(100);
		if (nfiles == 0 || (r < 30 && nfiles < PC_MAX_FILES))
			op_create();
		else if (r < 55)
			op_append(&files[rnd((unsigned)nfiles)]);
		else if (r < 65)
			op_rename(&files[rnd((unsigned)nfiles)]);
		else if (r < 75)
			op_unlink((int)rnd((unsigned)nfiles));
		else
			op_noise();
	}
}
