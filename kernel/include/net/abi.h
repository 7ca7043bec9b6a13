/* The socket ABI of Linux i386: the constants and structures that the
 * socket system calls exchange with user space (families, types, flags,
 * options, struct sockaddr_un, struct msghdr, struct cmsghdr, struct
 * ucred) and socketcall's call numbers.  One definition for the kernel's
 * socket layer and the system-call side (kernel/api/sys_socket.c). */
#pragma once
#include "util/types.h"
#include "fs/stat.h"

#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_NETLINK 16
#define AF_MAX 46		/* families past this do not exist: EAFNOSUPPORT */

#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_SEQPACKET 5
#define SOCK_MAX 10		/* types at or past this are EINVAL */
#define SOCK_TYPE_MASK 0xf
#define SOCK_NONBLOCK O_NONBLOCK
#define SOCK_CLOEXEC O_CLOEXEC

/* send/recv flags */
#define MSG_OOB 0x1u
#define MSG_PEEK 0x2u
#define MSG_DONTROUTE 0x4u
#define MSG_CTRUNC 0x8u
#define MSG_TRUNC 0x20u
#define MSG_DONTWAIT 0x40u
#define MSG_EOR 0x80u
#define MSG_WAITALL 0x100u
#define MSG_NOSIGNAL 0x4000u
#define MSG_CMSG_CLOEXEC 0x40000000u

#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2

#define SOL_SOCKET 1
#define SO_REUSEADDR 2
#define SO_TYPE 3
#define SO_ERROR 4
#define SO_BROADCAST 6
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_KEEPALIVE 9
#define SO_PASSCRED 16
#define SO_PEERCRED 17
#define SO_ACCEPTCONN 30
#define SO_PROTOCOL 38
#define SO_DOMAIN 39

#define SCM_RIGHTS 1
#define SCM_CREDENTIALS 2
#define SCM_MAX_FD 253		/* descriptors in one SCM_RIGHTS message */

#define SOMAXCONN 4096		/* listen backlogs are clamped to this */

#define UNIX_PATH_MAX 108
struct linux_sockaddr_un {
	uint16_t sun_family;
	char sun_path[UNIX_PATH_MAX];
};
#define SUN_PATH_OFFSET 2	/* offsetof(struct sockaddr_un, sun_path) */
#define SOCK_ADDR_MAX 128	/* the largest address a call copies in (sockaddr_storage) */

struct linux_ucred {
	int32_t pid;
	uint32_t uid, gid;
};

struct linux_iovec {
	uint32_t iov_base, iov_len;
};

struct linux_msghdr {
	uint32_t msg_name, msg_namelen;
	uint32_t msg_iov, msg_iovlen;
	uint32_t msg_control, msg_controllen;
	uint32_t msg_flags;
};


struct linux_cmsghdr {
	uint32_t cmsg_len;
	int32_t cmsg_level, cmsg_type;
};
#define CMSG_ALIGN_TO 4u
#define CMSG_ALIGNED(n) (((n) + CMSG_ALIGN_TO - 1) & ~(CMSG_ALIGN_TO - 1))
#define CMSG_HDR_SIZE CMSG_ALIGNED(sizeof(struct linux_cmsghdr))
#define CMSG_LENGTH(n) (CMSG_HDR_SIZE + (n))
#define CMSG_SPACE_FOR(n) (CMSG_HDR_SIZE + CMSG_ALIGNED(n))

/* socketcall(2)'s call numbers. */
#define SYS_SOCKET 1
#define SYS_BIND 2
#define SYS_CONNECT 3
#define SYS_LISTEN 4
#define SYS_ACCEPT 5
#define SYS_GETSOCKNAME 6
#define SYS_GETPEERNAME 7
#define SYS_SOCKETPAIR 8
#define SYS_SEND 9
#define SYS_RECV 10
#define SYS_SENDTO 11
#define SYS_RECVFROM 12
#define SYS_SHUTDOWN 13
#define SYS_SETSOCKOPT 14
#define SYS_GETSOCKOPT 15
#define SYS_SENDMSG 16
#define SYS_RECVMSG 17
#define SYS_ACCEPT4 18
#define SYS_RECVMMSG 19
#define SYS_SENDMMSG 20
