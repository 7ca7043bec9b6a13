/*
 * The ChaCha20 block function: a 4x4 state of 32-bit words (four
 * constants, the key, a counter and a nonce) goes through 20 rounds of
 * quarter-rounds, alternately on columns and diagonals, and is added to
 * its input.  Pure computation: no state, no locks.  The random
 * generator (util/random.c) is its user.
 */
#include "util/chacha20.h"
#include "util/string.h"

#define CHACHA20_ROUNDS 20
#define STATE_WORDS 16

/* "expand 32-byte k", the constants of a 256-bit key. */
static const uint32_t sigma[4] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 };

static inline uint32_t rotl(uint32_t v, int n)
{
	return (v << n) | (v >> (32 - n));
}

static inline void quarter(uint32_t *x, int a, int b, int c, int d)
{
	x[a] += x[b]; x[d] = rotl(x[d] ^ x[a], 16);
	x[c] += x[d]; x[b] = rotl(x[b] ^ x[c], 12);
	x[a] += x[b]; x[d] = rotl(x[d] ^ x[a], 8);
	x[c] += x[d]; x[b] = rotl(x[b] ^ x[c], 7);
}

void chacha20_block(const uint32_t key[CHACHA20_KEY_WORDS], uint64_t counter, uint64_t nonce,
		    uint8_t out[CHACHA20_BLOCK_BYTES])
{
	uint32_t in[STATE_WORDS], x[STATE_WORDS];
	memcpy(in, sigma, sizeof(sigma));
	memcpy(in + 4, key, CHACHA20_KEY_WORDS * sizeof(uint32_t));
	in[12] = (uint32_t)counter;
	in[13] = (uint32_t)(counter >> 32);
	in[14] = (uint32_t)nonce;
	in[15] = (uint32_t)(nonce >> 32);
	memcpy(x, in, sizeof(x));
	for (int i = 0; i < CHACHA20_ROUNDS; i += 2) {
		quarter(x, 0, 4, 8, 12);
		quarter(x, 1, 5, 9, 13);
		quarter(x, 2, 6, 10, 14);
		quarter(x, 3, 7, 11, 15);
		quarter(x, 0, 5, 10, 15);
		quarter(x, 1, 6, 11, 12);
		quarter(x, 2, 7, 8, 13);
		quarter(x, 3, 4, 9, 14);
	}
	for (int i = 0; i < STATE_WORDS; i++)
		x[i] += in[i];
	memcpy(out, x, CHACHA20_BLOCK_BYTES);	/* i686 is little-endian, as ChaCha20 */
}
