/*
 * fuzz.h: what the fuzzers (user/tests/fuzz/t_fuzz_*.c) share: a seeded
 * generator and their settings.  A fuzzer is a utest program (utest.h)
 * that runs only on M-OS (random system calls are not for the host that
 * builds it) and prints its seed first, so any run can be replayed:
 *
 *   MOS_FUZZ_SEED   the seed (default FUZZ_DEFAULT_SEED, the fixed one
 *                   make test uses); the runner passes it on the kernel
 *                   command line, which hands NAME=value words to init
 *   MOS_FUZZ_SCALE  how many rounds, as a multiple of each fuzzer's short
 *                   run (default 1; make fuzz uses more)
 *
 * The generator is xorshift64* (Vigna): fast, 64 bits of state, good
 * enough to spread choices; never used for anything secret.
 */
#ifndef FUZZ_H
#define FUZZ_H
#include <stdint.h>
#include <stdlib.h>

#include "utest.h"

#define FUZZ_DEFAULT_SEED 20261204ull

static uint64_t fuzz_state;

static inline uint32_t fuzz_next(void)
{
	fuzz_state ^= fuzz_state >> 12;
	fuzz_state ^= fuzz_state << 25;
	fuzz_state ^= fuzz_state >> 27;
	return (uint32_t)((fuzz_state * 0x2545F4914F6CDD1Dull) >> 32);
}

/* A number in [0, n). */
static inline uint32_t fuzz_below(uint32_t n)
{
	return n ? fuzz_next() % n : 0;
}

static inline void fuzz_seed(uint64_t seed)
{
	fuzz_state = seed ? seed : FUZZ_DEFAULT_SEED;
}

static inline uint64_t fuzz_env_u64(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);
	return v && *v ? strtoull(v, NULL, 0) : dflt;
}

/* Reads the settings, seeds the generator and says so; returns the scale
 * (at least 1), or 0 when not on M-OS (the caller then reports a skip). */
static inline unsigned fuzz_start(const char *what)
{
	if (!ut_is_mos()) {
		UT_NOTE("%s fuzzing runs only on M-OS", what);
		return 0;
	}
	uint64_t seed = fuzz_env_u64("MOS_FUZZ_SEED", FUZZ_DEFAULT_SEED);
	uint64_t scale = fuzz_env_u64("MOS_FUZZ_SCALE", 1);
	if (scale < 1)
		scale = 1;
	fuzz_seed(seed);
	UT_NOTE("%s fuzzing: seed %llu, scale %llu (replay: make fuzz FUZZ_SEED=%llu "
		"FUZZ_SCALE=%llu)", what, (unsigned long long)seed,
		(unsigned long long)scale, (unsigned long long)seed,
		(unsigned long long)scale);
	return (unsigned)scale;
}
#endif
