/* Pipes (kernel/fs/pipe.c): an anonymous FIFO of PIPE_CAPACITY bytes
 * between a read end and a write end, each an open file on one vnode of
 * the unmounted pipe file system (so fstat reports S_IFIFO).
 *
 *  - read blocks while the pipe is empty and a writer remains; with no
 *    writer left it returns 0 (end of file); O_NONBLOCK gives -EAGAIN.
 *  - write with no reader left returns -EPIPE (or the bytes written so
 *    far); SIGPIPE comes with signals.  A write of at most PIPE_BUF bytes
 *    is atomic: it waits until all of it fits, and with O_NONBLOCK it is
 *    -EAGAIN unless all of it fits.  Larger writes may be split.
 *  - a cancelled thread's wait ends with -EINTR (or the bytes so far). */
#pragma once
#include "fs/vnode.h"

#define PIPE_CAPACITY (4 * PIPE_BUF)

void pipe_init(void);
/* A new pipe vnode, referenced once (the caller opens its two ends). */
int pipe_create(vnode_t **out);
/* Whether vn is a pipe of pipefs (an anonymous pipe or a FIFO's pipe). */
bool pipe_is_pipe(const vnode_t *vn);
/* Opens an end of a named FIFO's pipe (fs/fifo.c) with POSIX's waits:
 * O_RDONLY waits for a writer, O_WRONLY for a reader (-ENXIO at once
 * with O_NONBLOCK and no reader), O_RDWR and O_RDONLY|O_NONBLOCK do not
 * wait; -EINTR if the wait is cancelled. */
int pipe_open_fifo(vnode_t *vn, uint32_t oflags);
