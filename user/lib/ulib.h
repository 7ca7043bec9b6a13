/*
 * ulib: the few helpers the M-OS user programs share.
 *
 * glibc is the C library (DESIGN.md decision 6); this is only what would
 * otherwise be copied between programs: error messages in the usual
 * "prog: what: why" form, mode strings for ls and stat, whole-buffer
 * writes, signal names, recursive copy and removal for cp/mv/rm, the
 * user and group files for id, whoami and su, and two
 * wrappers (ul_fork, ul_nanosleep) that fall back to the plain Linux
 * system calls when glibc's preferred ones (clone, clock_nanosleep) are
 * not there, so the programs run on an M-OS kernel that has only the
 * classic calls.  Every program is linked with libulib.a.
 */
#ifndef ULIB_H
#define ULIB_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

/* err.c: messages on stderr, prefixed with the program's name. */
extern const char *ul_progname;
void ul_setprogname(const char *argv0);
void ul_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* As ul_warn, followed by ": " and strerror(errno). */
void ul_warnerr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ul_die(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
void ul_dieerr(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* mode.c: "drwxr-xr-x" (always 10 characters and a NUL) and "directory". */
#define UL_MODE_STRLEN 11
void ul_mode_string(mode_t mode, char out[UL_MODE_STRLEN]);
const char *ul_file_type(mode_t mode);

/* io.c: write everything (retrying short writes); copy in to out. */
int ul_write_all(int fd, const void *buf, size_t len);
int ul_copy_fd(int in, int out);

/* proc.c */
pid_t ul_fork(void);
int ul_nanosleep(const struct timespec *req, struct timespec *rem);

/* signames.c: "INT", "SIGINT" or "2" -> 2; -1 if unknown.  2 -> "INT". */
int ul_signum(const char *name);
const char *ul_signame(int sig);
int ul_nsig(void);

/* tree.c: both print their own messages and return 0 or -1. */
int ul_copy_path(const char *src, const char *dst, int recursive);
int ul_remove_tree(const char *path, int force);

/* users.c: /etc/passwd and /etc/group, parsed directly (no NSS).  The
 * results stay valid until the next lookup of the same kind; NULL when
 * there is no such entry (or no file). */
#define UL_PASSWD_FILE "/etc/passwd"
#define UL_GROUP_FILE "/etc/group"
typedef struct ul_user {
	const char *name, *home, *shell;
	unsigned uid, gid;
} ul_user_t;
const ul_user_t *ul_user_by_name(const char *name);
const ul_user_t *ul_user_by_uid(unsigned uid);
const char *ul_group_name(unsigned gid);
/* The user's groups: gid first, then every group listing name as a
 * member; at most max; returns the count. */
int ul_user_groups(const char *name, unsigned gid, unsigned *groups, int max);

#endif /* ULIB_H */
