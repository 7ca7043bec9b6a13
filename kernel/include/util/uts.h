/* The system's names, as uname(2) and /proc/sys/kernel report them. */
#pragma once

#define UTS_SYSNAME "M-OS"
#define UTS_NODENAME "mos"
/* MOS_VERSION and the commit built (kernel/util/uts.c, from the
 * Makefile's version.h): "0.4.0-g1234abcd5678". */
extern const char uts_release[];
#define UTS_RELEASE uts_release
#define UTS_VERSION "M-OS i686 kernel"
#define UTS_MACHINE "i686"
#define UTS_DOMAINNAME "(none)"
