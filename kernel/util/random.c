/*
 * The entropy pool and the ChaCha20 generator (util/random.h).
 *
 * The pool is POOL_WORDS words; each sample is folded into the next word
 * in turn (xor, rotate, add the neighbour), so every word ends up
 * depending on every sample.  A request first rekeys the generator when
 * samples came in since the last one (the new key is the old key's
 * stream xor the pool), takes key stream block by block (counter up),
 * then replaces the key with one more block of its own stream (fast key
 * erasure), so a later look at the key tells nothing of what was handed
 * out.  random_lock protects the pool, the key and the counter; requests
 * are small (callers loop in chunks), so it is held briefly.
 */
#include "util/random.h"
#include "main/io.h"
#include "util/chacha20.h"
#include "util/spinlock.h"
#include "util/string.h"

#define POOL_WORDS 16
#define JITTER_SAMPLES 512
#define JITTER_SPIN 16		/* work between two reads of the counter */
#define REQUEST_MAX 256		/* bytes per locked request */

static spinlock_t random_lock = SPINLOCK_INIT("entropy pool and generator");
static uint32_t pool[POOL_WORDS];
static size_t pool_pos;
static uint32_t pool_new;		/* samples since the last rekey */
static uint32_t key[CHACHA20_KEY_WORDS];
static uint64_t counter;
static uint32_t batch[CHACHA20_BLOCK_BYTES / sizeof(uint32_t)];	/* random_u32's */
static size_t batch_left;

static inline uint32_t rotl(uint32_t v, int n)
{
	return (v << n) | (v >> (32 - n));
}

/* random_lock held. */
static void mix_word(uint32_t w)
{
	size_t i = pool_pos;
	pool_pos = (pool_pos + 1) % POOL_WORDS;
	pool[i] = rotl(pool[i] ^ w, 7) + pool[pool_pos];
	pool_new++;
}

void random_mix(const void *data, size_t n)
{
	const uint8_t *p = data;
	spin_lock(&random_lock);
	while (n > 0) {
		uint32_t w = 0;
		size_t k = MIN(n, sizeof(w));
		memcpy(&w, p, k);
		mix_word(w ^ (uint32_t)rdtsc());
		p += k;
		n -= k;
	}
	spin_unlock(&random_lock);
}

void random_add_interrupt(int irq)
{
	uint64_t t = rdtsc();
	spin_lock(&random_lock);
	mix_word((uint32_t)t ^ ((uint32_t)(t >> 32) << 16) ^ ((uint32_t)irq << 24));
	spin_unlock(&random_lock);
}

void random_init(void)
{
	volatile uint32_t sink = 0;
	uint64_t last = rdtsc();
	for (int i = 0; i < JITTER_SAMPLES; i++) {
		for (int k = 0; k < JITTER_SPIN; k++)
			sink += k * (uint32_t)last;
		uint64_t t = rdtsc();
		uint32_t delta = (uint32_t)(t - last);
		last = t;
		random_mix(&delta, sizeof(delta));
	}
}

/* random_lock held: a fresh key from the pool, when it has news. */
static void rekey_locked(void)
{
	if (!pool_new)
		return;
	uint8_t block[CHACHA20_BLOCK_BYTES];
	chacha20_block(key, counter++, 0, block);
	for (int i = 0; i < CHACHA20_KEY_WORDS; i++) {
		uint32_t w;
		memcpy(&w, block + i * sizeof(w), sizeof(w));
		key[i] = w ^ pool[i] ^ pool[i + CHACHA20_KEY_WORDS];
	}
	pool_new = 0;
	memset(block, 0, sizeof(block));
}

/* random_lock held: n <= REQUEST_MAX bytes of stream, then a new key. */
static void request_locked(uint8_t *p, size_t n)
{
	uint8_t block[CHACHA20_BLOCK_BYTES];
	rekey_locked();
	while (n > 0) {
		chacha20_block(key, counter++, 0, block);
		size_t k = MIN(n, sizeof(block));
		memcpy(p, block, k);
		p += k;
		n -= k;
	}
	chacha20_block(key, counter++, 0, block);	/* fast key erasure */
	memcpy(key, block, sizeof(key));
	memset(block, 0, sizeof(block));
}

void random_bytes(void *buf, size_t n)
{
	uint8_t *p = buf;
	while (n > 0) {
		size_t k = MIN(n, (size_t)REQUEST_MAX);
		spin_lock(&random_lock);
		request_locked(p, k);
		spin_unlock(&random_lock);
		p += k;
		n -= k;
	}
}

/* Words come from a batch of stream so that frequent small users (the
 * vm's tree priorities) pay one block per sixteen words. */
uint32_t random_u32(void)
{
	spin_lock(&random_lock);
	if (batch_left == 0) {
		request_locked((uint8_t *)batch, sizeof(batch));
		batch_left = ARRAY_SIZE(batch);
	}
	uint32_t v = batch[--batch_left];
	batch[batch_left] = 0;
	spin_unlock(&random_lock);
	return v;
}
