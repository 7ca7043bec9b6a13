/* eventfd (kernel/fs/eventfd.c): a 64-bit counter behind a descriptor,
 * for one process or thread to wake another.
 *
 *  - write adds an 8-byte value; the counter never passes
 *    EVENTFD_COUNTER_MAX: a write that would pass it waits (O_NONBLOCK:
 *    -EAGAIN), and 0xffffffffffffffff itself is -EINVAL.
 *  - read waits while the counter is 0 (O_NONBLOCK: -EAGAIN), then
 *    returns it and sets it to 0, or with EFD_SEMAPHORE returns 1 and
 *    subtracts 1.
 *  - buffers shorter than 8 bytes are -EINVAL; poll: POLLIN while the
 *    counter is above 0, POLLOUT while a write of 1 would not wait.
 * Flags are Linux's. */
#pragma once
#include "util/types.h"

#define EFD_SEMAPHORE 00000001
#define EFD_NONBLOCK 00004000	/* O_NONBLOCK */
#define EFD_CLOEXEC 02000000	/* O_CLOEXEC */
#define EVENTFD_COUNTER_MAX 0xfffffffffffffffeull

/* eventfd2(initval, flags): the new descriptor, or -EINVAL (unknown
 * flags), -ENOMEM, -EMFILE. */
int eventfd_create(uint32_t initval, uint32_t flags);
