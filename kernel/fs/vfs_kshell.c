/*
 * kshell commands for the file systems: ls, cat, mounts, df, sync.  They
 * go through the same kernel functions as the system calls, acting as
 * the kshell's process (init's, usually), so relative paths start at its
 * working directory (cd changes it).  No state of their own, no locks.
 */
#include "fs/vfs.h"
#include "fs/vfs_syscall.h"
#include "mm/kmalloc.h"
#include "test/kshell.h"
#include "util/printf.h"
#include "util/string.h"

#define KSH_DENTS_BUF 1024
#define KSH_CAT_BUF 512
#define KSH_CWD_BUF 256

#define KSH_PERM_BITS 9		/* rwx for user, group, other */
#define KSH_MODE_STR (1 + KSH_PERM_BITS + 1)	/* "drwxr-xr-x" and its NUL */

/* The mode as ls -l shows it. */
static void mode_string(uint32_t mode, char out[KSH_MODE_STR])
{
	static const char rwx[] = "rwx";
	char type = S_ISDIR(mode) ? 'd' : S_ISLNK(mode) ? 'l' : S_ISCHR(mode) ? 'c' :
		    S_ISBLK(mode) ? 'b' : S_ISFIFO(mode) ? 'p' : '-';
	out[0] = type;
	for (int i = 0; i < KSH_PERM_BITS; i++)
		out[1 + i] = (mode & (1u << (KSH_PERM_BITS - 1 - i))) ? rwx[i % 3] : '-';
	out[KSH_MODE_STR - 1] = '\0';
}

static int cmd_ls(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";
	int fd = do_open(dir, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0) {
		kprintf("ls: %s: error %d\n", dir, fd);
		return 1;
	}
	uint8_t *buf = kmalloc(KSH_DENTS_BUF);
	char *path = kmalloc(PATH_MAX);
	int n = buf && path ? 0 : -1;
	while (buf && path && (n = do_getdents(fd, buf, KSH_DENTS_BUF)) > 0) {
		for (int off = 0; off < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
			struct stat64 st;
			off += d->d_reclen;
			snprintf(path, PATH_MAX, "%s/%s", dir, d->d_name);
			if (do_lstat(path, &st) < 0)
				memset(&st, 0, sizeof(st));
			char mode[KSH_MODE_STR];
			mode_string(st.st_mode, mode);
			kprintf("%s %3u %10lld %s\n", mode, (unsigned)st.st_nlink,
				(long long)st.st_size, d->d_name);
		}
	}
	kfree(buf);
	kfree(path);
	do_close(fd);
	return n < 0 ? 1 : 0;
}
KSHELL_COMMAND("ls", "ls [DIR]: list a directory (mode, links, size, name)", cmd_ls);

static int cmd_cat(int argc, char **argv)
{
	if (argc < 2) {
		kprintf("usage: cat FILE\n");
		return 1;
	}
	int fd = do_open(argv[1], O_RDONLY, 0);
	if (fd < 0) {
		kprintf("cat: %s: error %d\n", argv[1], fd);
		return 1;
	}
	char buf[KSH_CAT_BUF + 1];
	ssize_t n;
	while ((n = do_read(fd, buf, KSH_CAT_BUF)) > 0) {
		buf[n] = '\0';
		kprintf("%s", buf);
	}
	do_close(fd);
	return n < 0 ? 1 : 0;
}
KSHELL_COMMAND("cat", "cat FILE: print a file", cmd_cat);

static int cmd_cd(int argc, char **argv)
{
	char cwd[KSH_CWD_BUF];
	int rc = argc > 1 ? do_chdir(argv[1]) : 0;
	if (rc < 0)
		kprintf("cd: %s: error %d\n", argv[1], rc);
	else if (do_getcwd(cwd, sizeof(cwd)) > 0)
		kprintf("%s\n", cwd);
	return rc < 0;
}
KSHELL_COMMAND("cd", "cd [DIR]: change (or show) the kshell's directory", cmd_cd);

static int cmd_df(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/";
	vfs_statfs_t st;
	int rc = vfs_statfs(path, &st);
	if (rc < 0) {
		kprintf("df: %s: error %d\n", path, rc);
		return 1;
	}
	kprintf("%s: %llu of %llu blocks of %u bytes free, %llu of %llu inodes free\n", path,
		(unsigned long long)st.f_bfree, (unsigned long long)st.f_blocks,
		(unsigned)st.f_bsize, (unsigned long long)st.f_ffree,
		(unsigned long long)st.f_files);
	return 0;
}
KSHELL_COMMAND("df", "df [PATH]: free space of a file system", cmd_df);

static int cmd_sync(int argc, char **argv)
{
	return do_sync() < 0;
}
KSHELL_COMMAND("sync", "write every dirty page back", cmd_sync);

static int cmd_mounts(int argc, char **argv)
{
	vfs_print_mounts();
	return 0;
}
KSHELL_COMMAND("mounts", "list the mounted file systems", cmd_mounts);
