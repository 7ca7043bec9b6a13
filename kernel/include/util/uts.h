/* The system's names, as uname(2) and /proc/sys/kernel report them. */
#pragma once

#define UTS_SYSNAME "M-OS"
#define UTS_NODENAME "mos"
#define UTS_RELEASE "0.3.0"
#define UTS_VERSION "M-OS i686 kernel"
#define UTS_MACHINE "i686"
#define UTS_DOMAINNAME "(none)"
