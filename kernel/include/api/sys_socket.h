/* Descriptors that are sockets, for the file calls (kernel/api/sys_socket.c):
 * read, write, readv and writev on a socket are recv and send with no
 * flags, so a datagram written with writev is one message. */
#pragma once
#include "util/types.h"

bool sys_socket_is(int fd);
/* read/write (count 1) or readv/writev on socket fd: uiov is a user
 * buffer (vector false, count its length) or a user iovec array. */
long sys_socket_rw(int fd, uint32_t uiov, uint32_t count, bool vector, bool write);
