/* The release string uname(2) and /proc/sys/kernel/osrelease report, in
 * one object so that only it is rebuilt when the commit changes. */
#include "util/uts.h"
#include "version.h"	/* MOS_RELEASE, made by the Makefile */

const char uts_release[] = MOS_RELEASE;
