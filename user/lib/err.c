/*
 * Error messages for the user programs: "prog: message" or, with the
 * errno variants, "prog: message: No such file or directory", on stderr.
 * Programs call ul_setprogname(argv[0]) first.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ulib.h"

const char *ul_progname = "?";

void ul_setprogname(const char *argv0)
{
	const char *slash;

	if (!argv0 || !*argv0)
		return;
	slash = strrchr(argv0, '/');
	ul_progname = slash ? slash + 1 : argv0;
	if (*ul_progname == '-')	/* login shells are "-sh" */
		ul_progname++;
}

static void vwarn(int err, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: ", ul_progname);
	vfprintf(stderr, fmt, ap);
	if (err >= 0)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
}

void ul_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(-1, fmt, ap);
	va_end(ap);
}

void ul_warnerr(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vwarn(err, fmt, ap);
	va_end(ap);
	errno = err;
}

void ul_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(-1, fmt, ap);
	va_end(ap);
	exit(status);
}

void ul_dieerr(int status, const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vwarn(err, fmt, ap);
	va_end(ap);
	exit(status);
}
