/* The ChaCha20 block function (kernel/util/chacha20.c; D. J. Bernstein's
 * design as RFC 8439 specifies it, with the original 64-bit block counter
 * and 64-bit nonce): 64 bytes of key stream for a 256-bit key. */
#pragma once
#include "util/types.h"

#define CHACHA20_KEY_WORDS 8
#define CHACHA20_BLOCK_BYTES 64

void chacha20_block(const uint32_t key[CHACHA20_KEY_WORDS], uint64_t counter, uint64_t nonce,
		    uint8_t out[CHACHA20_BLOCK_BYTES]);
