/* sleep SECONDS: pause; SECONDS may have a fraction (sleep 0.25). */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "ulib.h"

#define NSEC_PER_SEC 1000000000L

int main(int argc, char **argv)
{
	struct timespec ts;
	double secs;
	char *end;

	ul_setprogname(argv[0]);
	if (argc != 2)
		ul_die(1, "usage: sleep SECONDS");
	secs = strtod(argv[1], &end);
	if (end == argv[1] || *end != '\0' || secs < 0 || secs > 1e9)
		ul_die(1, "%s: invalid time", argv[1]);
	ts.tv_sec = (time_t)secs;
	ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * NSEC_PER_SEC);
	if (ts.tv_nsec >= NSEC_PER_SEC)
		ts.tv_nsec = NSEC_PER_SEC - 1;
	while (ul_nanosleep(&ts, &ts) < 0) {
		if (errno != EINTR)
			ul_dieerr(1, "nanosleep");
	}
	return 0;
}
