/* splitmix64 stirred by rdtsc (see include/util/random.h).  random_lock
 * protects the state. */
#include "util/random.h"
#include "main/io.h"
#include "util/spinlock.h"
#include "util/string.h"

static spinlock_t random_lock = SPINLOCK_INIT("random state");
static uint64_t state = 0x853c49e6748fea9bull;

static uint64_t next_u64(void)
{
	spin_lock(&random_lock);
	state += 0x9e3779b97f4a7c15ull ^ rdtsc();
	uint64_t z = state;
	spin_unlock(&random_lock);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void random_bytes(void *buf, size_t n)
{
	uint8_t *p = buf;
	while (n > 0) {
		uint64_t v = next_u64();
		size_t k = MIN(n, sizeof(v));
		memcpy(p, &v, k);
		p += k;
		n -= k;
	}
}

uint32_t random_u32(void)
{
	return (uint32_t)next_u64();
}
