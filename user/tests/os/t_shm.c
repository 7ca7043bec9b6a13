/*
 * t_shm: POSIX shared memory (glibc's shm_open on /dev/shm) and
 * memfd_create.
 *
 *  - shm_open(O_CREAT|O_EXCL) gives a close-on-exec descriptor; ftruncate
 *    sizes it; MAP_SHARED stores are seen both ways between a parent and
 *    its child, and by another program started with exec that opens the
 *    object by name (and writes back); msync; EEXIST, ENOENT, EINVAL for a
 *    name with a '/' inside; after shm_unlink the mappings still work and
 *    the name is gone;
 *  - memfd_create: a regular file of size 0 in no directory; write, pread,
 *    ftruncate, a MAP_SHARED mapping that a forked child stores into and
 *    read() sees; the mapping outlives the descriptor; a descriptor
 *    inherited through exec maps the same pages; MFD_CLOEXEC sets
 *    FD_CLOEXEC (and only it); EINVAL for unknown flags and a name over
 *    249 bytes; EFAULT for a bad name; on M-OS, MFD_ALLOW_SEALING is EINVAL
 *    (no seals).
 */
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "utest.h"

#define SHM_SIZE 8192
#define PAGE 4096

static char self[PATH_MAX];

/* ---- the exec'd halves ------------------------------------------------- */

/* --shm-child NAME: opens the object, checks the parent's text at 0 and
 * writes its own at PAGE. */
static int shm_child(const char *name)
{
	int fd = shm_open(name, O_RDWR, 0);
	if (fd < 0)
		return 2;
	char *p = mmap(NULL, SHM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return 3;
	if (strcmp(p, "from the parent") != 0)
		return 4;
	strcpy(p + PAGE, "from the exec'd program");
	return msync(p, SHM_SIZE, MS_SYNC) == 0 ? 0 : 5;
}

/* --memfd-child FD: maps the inherited memfd and stores into it. */
static int memfd_child(int fd)
{
	char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return 2;
	if (strcmp(p, "memfd parent") != 0)
		return 3;
	strcpy(p + 100, "memfd exec child");
	return 0;
}

static int run_self(const char *mode, const char *arg)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = { "t_shm", (char *)mode, (char *)arg, NULL };
		char *envp[] = { NULL };
		mos_execve(self, argv, envp);
		_exit(99);
	}
	int st = -1;
	if (pid < 0 || ut_wait(pid, &st, 20000) < 0)
		return -1;
	return st;
}

/* ---- shm_open ---------------------------------------------------------- */

static void test_shm(void)
{
	char name[64];
	snprintf(name, sizeof(name), "/t_shm.%d", (int)getpid());
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	UT_CHECK(fd >= 0, "shm_open(O_CREAT|O_EXCL): %s", strerror(errno));
	if (fd < 0)
		return;
	int fdflags = fcntl(fd, F_GETFD);
	UT_CHECK(fdflags >= 0 && (fdflags & FD_CLOEXEC), "shm_open's descriptor is close-on-exec");
	UT_EXPECT_ERRNO(shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600), EEXIST);
	UT_CHECK(ftruncate(fd, SHM_SIZE) == 0, "ftruncate: %s", strerror(errno));
	struct stat st;
	UT_CHECK(fstat(fd, &st) == 0 && st.st_size == SHM_SIZE && S_ISREG(st.st_mode),
		 "fstat: size %lld", (long long)st.st_size);
	char *p = mmap(NULL, SHM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	UT_CHECK(p != MAP_FAILED, "mmap(MAP_SHARED): %s", strerror(errno));
	if (p == MAP_FAILED)
		return;
	UT_CHECK(p[0] == 0 && p[SHM_SIZE - 1] == 0, "new memory reads as zeros");

	/* Parent and child, both ways. */
	int go[2];
	UT_CHECK(pipe(go) == 0, "pipe");
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		strcpy(p + 16, "child wrote");
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		_exit(strcmp(p + 32, "parent wrote") == 0 ? 0 : 3);
	}
	for (int i = 0; i < 200 && strcmp(p + 16, "child wrote") != 0; i++)
		ut_sleep_ms(10);
	UT_CHECK(strcmp(p + 16, "child wrote") == 0, "the child's store is seen by the parent");
	strcpy(p + 32, "parent wrote");
	UT_CHECK(write(go[1], "g", 1) == 1, "go");
	int status;
	ut_wait(pid, &status, 10000);
	UT_CHECK_EXITED(status, 0, "the child sees the parent's store");
	close(go[0]);
	close(go[1]);

	/* Another program, by name. */
	strcpy(p, "from the parent");
	UT_CHECK(msync(p, SHM_SIZE, MS_SYNC) == 0, "msync(MS_SYNC)");
	UT_CHECK(msync(p, SHM_SIZE, MS_ASYNC) == 0 && msync(p, SHM_SIZE, MS_INVALIDATE) == 0,
		 "msync(MS_ASYNC), msync(MS_INVALIDATE)");
	status = run_self("--shm-child", name);
	UT_CHECK_EXITED(status, 0, "an exec'd program opens the object by name");
	UT_CHECK(strcmp(p + PAGE, "from the exec'd program") == 0,
		 "its store is seen here: '%.30s'", p + PAGE);
	char buf[32] = { 0 };
	UT_CHECK(pread(fd, buf, 23, PAGE) == 23 && strcmp(buf, "from the exec'd program") == 0,
		 "and by read()");

	/* Unlink: the name goes, the memory stays. */
	UT_CHECK(shm_unlink(name) == 0, "shm_unlink");
	UT_EXPECT_ERRNO(shm_open(name, O_RDWR, 0), ENOENT);
	UT_EXPECT_ERRNO(shm_unlink(name), ENOENT);
	close(fd);
	strcpy(p + 64, "still mapped");
	UT_CHECK(strcmp(p + 64, "still mapped") == 0 && strcmp(p, "from the parent") == 0,
		 "the mapping outlives the name and the descriptor");
	munmap(p, SHM_SIZE);
	UT_EXPECT_ERRNO(shm_open("/a/b", O_RDWR | O_CREAT, 0600), EINVAL);
}

/* ---- memfd_create ------------------------------------------------------ */

static int cloexec_of(int fd)
{
	int f = fcntl(fd, F_GETFD);
	return f >= 0 && (f & FD_CLOEXEC);
}

static void test_memfd(void)
{
	int fd = memfd_create("t_shm buffer", 0);
	UT_CHECK(fd >= 0, "memfd_create: %s", strerror(errno));
	if (fd < 0)
		return;
	UT_CHECK(!cloexec_of(fd), "no FD_CLOEXEC without MFD_CLOEXEC");
	struct stat st;
	UT_CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0,
		 "a regular file of size 0");
	UT_CHECK(write(fd, "hello", 5) == 5, "write: %s", strerror(errno));
	char buf[16] = { 0 };
	UT_CHECK(pread(fd, buf, 5, 0) == 5 && memcmp(buf, "hello", 5) == 0, "pread");
	UT_CHECK(ftruncate(fd, 3 * PAGE) == 0 && fstat(fd, &st) == 0 && st.st_size == 3 * PAGE,
		 "ftruncate to 3 pages");
	char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	UT_CHECK(p != MAP_FAILED && memcmp(p, "hello", 5) == 0, "mmap(MAP_SHARED) sees the data");
	if (p == MAP_FAILED)
		return;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		strcpy(p + 2 * PAGE, "child store");
		_exit(0);
	}
	int status;
	ut_wait(pid, &status, 10000);
	UT_CHECK(pread(fd, buf, 11, 2 * PAGE) == 11 && memcmp(buf, "child store", 11) == 0,
		 "a forked child's store, seen by read()");

	/* Through exec: the inherited descriptor maps the same pages. */
	strcpy(p, "memfd parent");
	char fdstr[16];
	snprintf(fdstr, sizeof(fdstr), "%d", fd);
	status = run_self("--memfd-child", fdstr);
	UT_CHECK_EXITED(status, 0, "an exec'd program maps the inherited memfd");
	UT_CHECK(strcmp(p + 100, "memfd exec child") == 0, "its store is seen here");

	/* The mapping keeps the file. */
	close(fd);
	strcpy(p + PAGE, "after close");
	UT_CHECK(strcmp(p + PAGE, "after close") == 0, "the mapping outlives the descriptor");
	munmap(p, 3 * PAGE);

	int fc = memfd_create("cloexec", MFD_CLOEXEC);
	UT_CHECK(fc >= 0 && cloexec_of(fc), "MFD_CLOEXEC sets FD_CLOEXEC");
	close(fc);
	UT_EXPECT_ERRNO(memfd_create("bad", 0x100), EINVAL);
	char longname[300];
	memset(longname, 'n', 250);
	longname[250] = '\0';
	UT_EXPECT_ERRNO(memfd_create(longname, 0), EINVAL);
	longname[249] = '\0';
	int fl = memfd_create(longname, 0);
	UT_CHECK(fl >= 0, "a 249-byte name: %s", strerror(errno));
	close(fl);
	UT_EXPECT_ERRNO(syscall(SYS_memfd_create, (const char *)8, 0), EFAULT);
	if (ut_is_mos())
		UT_EXPECT_ERRNO(memfd_create("seal", MFD_ALLOW_SEALING), EINVAL);
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "--shm-child") == 0)
		return shm_child(argv[2]);
	if (argc >= 3 && strcmp(argv[1], "--memfd-child") == 0)
		return memfd_child(atoi(argv[2]));
	if (!(argc > 0 && strchr(argv[0], '/') && realpath(argv[0], self)))
		snprintf(self, sizeof(self), "%s", "/tests/t_shm");
	test_shm();
	test_memfd();
	return ut_done("t_shm");
}
