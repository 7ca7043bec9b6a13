/*
 * Redirections: `<f >f >>f <>f >|f n<&m n>&m n<&- n>&- <<WORD <<-WORD`,
 * for simple and compound commands alike, applied in order.
 *
 * A command run in the shell itself (a builtin, a compound command, a
 * function) gets its redirections undone afterwards: apply_redirs saves
 * each descriptor it replaces as a close-on-exec copy at SAVED_FD_MIN or
 * above, and restore_fds puts them back in reverse order.  In a child
 * that will exit anyway nothing is saved (saved == NULL).
 *
 * A here-document is fed through a pipe: bodies that fit in the pipe are
 * written at once; a longer one by a forked writer, so that the reader
 * never waits on a writer that waits on it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"
#include "ulib.h"

#define FILE_MODE    0666	/* for files created by > and >> (less umask) */
#define SAVED_FD_MIN 10		/* the shell keeps its saved fds above this */

struct saved_fd {
	int fd;
	int saved;		/* copy of the old fd, or -1 if it was closed */
	struct saved_fd *next;
};

static int save_fd(int fd, struct saved_fd **saved)
{
	struct saved_fd *s = sh_alloc(sizeof *s);

	s->fd = fd;
	s->saved = fcntl(fd, F_DUPFD, SAVED_FD_MIN);
	if (s->saved >= 0)
		fcntl(s->saved, F_SETFD, FD_CLOEXEC);
	else if (errno != EBADF)
		return -1;
	s->next = *saved;
	*saved = s;
	return 0;
}

static int dup_redir(struct redir *r, const char *target)
{
	char *end;
	long from;

	if (strcmp(target, "-") == 0) {
		close(r->fd);
		return 0;
	}
	from = strtol(target, &end, 10);
	if (*target == '\0' || *end != '\0' || from < 0 || from > INT_MAX) {
		ul_warn("%s: bad file descriptor", target);
		return -1;
	}
	if (from != r->fd && dup2((int)from, r->fd) < 0) {
		ul_warn("%s: bad file descriptor", target);
		return -1;
	}
	return 0;
}

/* fd (just opened) becomes r->fd. */
static int move_fd(int fd, int to, const char *what)
{
	if (fd != to) {
		if (dup2(fd, to) < 0) {
			ul_warnerr("%s", what);
			close(fd);
			return -1;
		}
		close(fd);
	}
	return 0;
}

static int open_redir(struct redir *r, const char *target)
{
	int flags, fd;

	switch (r->type) {
	case R_IN:     flags = O_RDONLY; break;
	case R_RDWR:   flags = O_RDWR | O_CREAT; break;
	case R_APPEND: flags = O_WRONLY | O_CREAT | O_APPEND; break;
	default:       flags = O_WRONLY | O_CREAT | O_TRUNC; break;
	}
	fd = open(target, flags, FILE_MODE);
	if (fd < 0) {
		ul_warnerr("%s", target);
		return -1;
	}
	return move_fd(fd, r->fd, target);
}

static void write_all(int fd, const char *s, size_t n)
{
	ssize_t k;

	while (n > 0) {
		k = write(fd, s, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return;
		s += k;
		n -= (size_t)k;
	}
}

static int heredoc_redir(struct redir *r)
{
	const char *text = heredoc_text(r);
	size_t n = strlen(text);
	int fds[2];
	pid_t pid;

	if (sh.xerror)
		return -1;
	if (pipe(fds) < 0) {
		ul_warnerr("pipe");
		return -1;
	}
	if (n <= PIPE_BUF) {
		write_all(fds[1], text, n);
	} else {
		pid = sh_fork();
		if (pid == 0) {
			close(fds[0]);
			write_all(fds[1], text, n);
			_exit(0);
		}
		if (pid < 0)
			ul_warnerr("fork");
	}
	close(fds[1]);
	return move_fd(fds[0], r->fd, "here-document");
}

int apply_redirs(struct redir *r, struct saved_fd **saved)
{
	for (; r; r = r->next) {
		const char *target = r->type == R_HEREDOC ? "" : expand_word(r->word);

		if (sh.xerror)
			return -1;
		if (saved && save_fd(r->fd, saved) < 0) {
			ul_warnerr("%d", r->fd);
			return -1;
		}
		if (r->type == R_DUP_IN || r->type == R_DUP_OUT) {
			if (dup_redir(r, target) < 0)
				return -1;
		} else if (r->type == R_HEREDOC) {
			if (heredoc_redir(r) < 0)
				return -1;
		} else if (open_redir(r, target) < 0) {
			return -1;
		}
	}
	return 0;
}

void restore_fds(struct saved_fd *s)
{
	for (; s; s = s->next) {
		if (s->saved >= 0) {
			dup2(s->saved, s->fd);
			close(s->saved);
		} else {
			close(s->fd);
		}
	}
}
