/* Kernel random numbers (kernel/util/random.c): a splitmix64 stream whose
 * state is stirred with the time-stamp counter on every call.  Good
 * enough for AT_RANDOM, getrandom() and the heap's random start (ASLR); not a
 * cryptographic generator (documented in doc/api.md). */
#pragma once
#include "util/types.h"
void random_bytes(void *buf, size_t n);
uint32_t random_u32(void);
