/*
 * t_mosring: the lock-free ring library (user/lib/mosring), across
 * processes, on M-OS and on Linux:
 *  - parameters: slot counts that are not powers of two, zero or huge
 *    slot sizes are EINVAL; odd slot sizes (1, 3, 4097 bytes) carry their
 *    bytes exactly;
 *  - SPSC order with the 32-bit counters started just below the wrap;
 *  - MPSC and MPMC stress: several producer and consumer processes, some
 *    using batches, over a small ring with counters near the wrap; every
 *    message arrives once (count and checksum), in order per producer
 *    when there is one consumer;
 *  - blocking: timeout 0 is EAGAIN, a timed wait ETIMEDOUT after about
 *    its time, a sleeping consumer (and a producer on a full ring) wakes
 *    when the other side acts;
 *  - peers: a closed producer, a producer killed without closing (a
 *    zombie, then reaped), a dead consumer: the other side gets EPIPE;
 *  - handoff mode: page buffers arrive (given on M-OS, copied on Linux),
 *    unaligned ones are copied; MOS_GIVE_MOVE leaves zeros on M-OS.
 */
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "mos/pagegive.h"
#include "mosring.h"
#include "utest.h"

#define NEAR_WRAP 0xfffffff0u
#define STRESS_MSGS 3000
#define STRESS_PRODUCERS 3
#define STRESS_CONSUMERS 2
#define BATCH 4
#define WAIT_MS 10000
#define PG 4096

typedef struct msg {
	uint32_t producer, seq, value, pad;
} msg_t;

/* What consumers report back through a shared page. */
typedef struct tally {
	uint32_t count, sum, order_errors;
} tally_t;

static uint32_t value_of(uint32_t p, uint32_t seq) { return p * 2654435761u ^ seq * 40503u; }

static mosring_t make(int kind, uint32_t slots, uint32_t size, uint32_t first)
{
	mosring_t r;
	mosring_params_t p = { kind, slots, size, 0, first };
	int rc = mosring_create(&r, &p);
	UT_CHECK(rc == 0, "mosring_create(kind %d, %u x %u): %d", kind, slots, size, rc);
	if (rc != 0)
		exit(1);
	return r;
}

static void test_params(void)
{
	mosring_t r;
	mosring_params_t bad[] = {
		{ MOSRING_SPSC, 3, 8, 0, 0 }, { MOSRING_SPSC, 0, 8, 0, 0 },
		{ MOSRING_SPSC, 4, 0, 0, 0 }, { MOSRING_MPMC, 4, MOSRING_MAX_SLOT_SIZE + 1, 0, 0 },
		{ 7, 4, 8, 0, 0 }, { MOSRING_MPMC, 4, 8, PG, 0 }, { MOSRING_SPSC, 4, 8, 100, 0 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		UT_CHECK(mosring_create(&r, &bad[i]) == -EINVAL, "bad parameters %zu: EINVAL", i);
	uint32_t sizes[] = { 1, 3, 64, 4097 };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		mosring_t a = make(MOSRING_SPSC, 2, sizes[i], NEAR_WRAP), b;
		UT_CHECK(mosring_attach(&b, a.fd) == 0, "attach by fd");
		mosring_join(&a, MOSRING_PRODUCER);
		mosring_join(&b, MOSRING_CONSUMER);
		char in[4097], out[4097 + 8];
		bool ok = true;
		for (int round = 0; round < 5; round++) {
			memset(in, 'a' + round, sizes[i]);
			memset(out, 0x7f, sizeof(out));
			ok &= mosring_send(&a, in, 0) == 0 && mosring_recv(&b, out, 0) == 0 &&
			      memcmp(in, out, sizes[i]) == 0 && out[sizes[i]] == 0x7f;
		}
		UT_CHECK(ok, "slot size %u: bytes exact, nothing past the slot", sizes[i]);
		UT_CHECK(mosring_send(&b, in, 0) == -EINVAL, "a consumer cannot send");
		mosring_detach(&b);
		mosring_detach(&a);
	}
}

static void producer(mosring_t *r, uint32_t id, int n, bool batch)
{
	if (mosring_join(r, MOSRING_PRODUCER) < 0)
		_exit(2);
	msg_t m[BATCH];
	for (int seq = 0; seq < n;) {
		int k = batch && n - seq >= BATCH ? BATCH : 1;
		for (int i = 0; i < k; i++)
			m[i] = (msg_t){ id, (uint32_t)(seq + i), value_of(id, (uint32_t)(seq + i)), 0 };
		int sent = mosring_send_burst(r, m, (unsigned)k, WAIT_MS);
		if (sent <= 0)
			_exit(3);
		seq += sent;	/* a short batch: the rest go next, in order */
	}
	mosring_close(r);
	_exit(0);
}

static void consumer(mosring_t *r, tally_t *t, bool batch)
{
	uint32_t next[STRESS_PRODUCERS + 1] = { 0 };
	if (mosring_join(r, MOSRING_CONSUMER) < 0)
		_exit(2);
	msg_t m[BATCH];
	for (;;) {
		int k = mosring_recv_burst(r, m, batch ? BATCH : 1, WAIT_MS);
		if (k == -EPIPE)
			break;
		if (k <= 0)
			_exit(3);
		for (int i = 0; i < k; i++) {
			__atomic_fetch_add(&t->count, 1, __ATOMIC_RELAXED);
			__atomic_fetch_add(&t->sum, m[i].value, __ATOMIC_RELAXED);
			if (m[i].producer <= STRESS_PRODUCERS && m[i].seq != next[m[i].producer]++)
				__atomic_fetch_add(&t->order_errors, 1, __ATOMIC_RELAXED);
		}
	}
	_exit(0);
}

/* nprod producers (the odd ones batching) and ncons consumers. */
static void stress(const char *name, int kind, int nprod, int ncons)
{
	mosring_t r = make(kind, 8, sizeof(msg_t), NEAR_WRAP);
	tally_t *t = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pids[STRESS_PRODUCERS + STRESS_CONSUMERS];
	int n = 0;
	memset(t, 0, sizeof(*t));
	for (int c = 0; c < ncons; c++)
		if ((pids[n++] = fork()) == 0)
			consumer(&r, t, c % 2 == 1);
	for (int p = 1; p <= nprod; p++)
		if ((pids[n++] = fork()) == 0)
			producer(&r, (uint32_t)p, STRESS_MSGS, p % 2 == 1);
	bool ok = true;
	for (int i = 0; i < n; i++) {
		int status;
		ut_wait(pids[i], &status, 60000);
		ok &= WIFEXITED(status) && WEXITSTATUS(status) == 0;
	}
	uint32_t sum = 0;
	for (int p = 1; p <= nprod; p++)
		for (uint32_t s = 0; s < STRESS_MSGS; s++)
			sum += value_of((uint32_t)p, s);
	UT_CHECK(ok, "%s: every process finished cleanly", name);
	UT_CHECK(t->count == (uint32_t)(nprod * STRESS_MSGS), "%s: %u messages arrived of %d", name,
		 t->count, nprod * STRESS_MSGS);
	UT_CHECK(t->sum == sum, "%s: checksum %08x, expected %08x", name, t->sum, sum);
	if (ncons == 1)
		UT_CHECK(t->order_errors == 0, "%s: each producer's messages in order (%u errors)",
			 name, t->order_errors);
	munmap(t, PG);
	mosring_detach(&r);
}

static void test_blocking(void)
{
	mosring_t r = make(MOSRING_SPSC, 2, sizeof(msg_t), NEAR_WRAP);
	msg_t m = { 1, 2, 3, 4 };
	pid_t pid = fork();
	if (pid == 0) {	/* produces after a while, then fills the ring */
		mosring_join(&r, MOSRING_PRODUCER);
		ut_sleep_ms(300);
		for (uint32_t i = 0; i < 3; i++) {
			m.seq = i;
			if (mosring_send(&r, &m, WAIT_MS) < 0)
				_exit(3);
		}
		_exit(mosring_send(&r, &m, 0) == -EAGAIN && mosring_send(&r, &m, 50) == -ETIMEDOUT ? 0 : 4);
	}
	mosring_join(&r, MOSRING_CONSUMER);
	UT_CHECK(mosring_recv(&r, &m, 0) == -EAGAIN, "empty, timeout 0: EAGAIN");
	long long t0 = ut_now_ms();
	int rc = mosring_recv(&r, &m, 60);
	long long dt = ut_now_ms() - t0;
	UT_CHECK(rc == -ETIMEDOUT && dt >= 50 && dt < 2000, "a 60 ms wait: ETIMEDOUT after %lld ms", dt);
	UT_CHECK(mosring_recv(&r, &m, WAIT_MS) == 0 && m.seq == 0, "a sleeping consumer wakes up");
	ut_sleep_ms(400);	/* the producer fills the ring and blocks */
	bool ok = true;
	for (uint32_t i = 1; i < 3; i++)
		ok &= mosring_recv(&r, &m, WAIT_MS) == 0 && m.seq == i;
	UT_CHECK(ok, "a producer blocked on a full ring wakes up");
	int status;
	ut_wait(pid, &status, 10000);
	UT_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "full: EAGAIN, then ETIMEDOUT (%s)",
		 ut_status_str(status));
	mosring_detach(&r);
}

static void test_peers(void)
{
	msg_t m = { 0 };
	int status;
	/* A producer that closes. */
	mosring_t r = make(MOSRING_MPSC, 4, sizeof(msg_t), 0);
	pid_t pid = fork();
	if (pid == 0) {
		mosring_join(&r, MOSRING_PRODUCER);
		mosring_send(&r, &m, 0);
		mosring_close(&r);
		pause();
		_exit(0);
	}
	mosring_join(&r, MOSRING_CONSUMER);
	UT_CHECK(mosring_recv(&r, &m, WAIT_MS) == 0, "the closed producer's message arrives");
	UT_CHECK(mosring_recv(&r, &m, WAIT_MS) == -EPIPE, "then EPIPE");
	kill(pid, SIGKILL);
	ut_wait(pid, &status, 5000);
	mosring_detach(&r);

	/* A producer killed without closing: a zombie until we reap it. */
	r = make(MOSRING_SPSC, 4, sizeof(msg_t), 0);
	pid = fork();
	if (pid == 0) {
		mosring_join(&r, MOSRING_PRODUCER);
		mosring_send(&r, &m, 0);
		mosring_send(&r, &m, 0);
		raise(SIGKILL);
	}
	mosring_join(&r, MOSRING_CONSUMER);
	bool ok = mosring_recv(&r, &m, WAIT_MS) == 0 && mosring_recv(&r, &m, WAIT_MS) == 0;
	long long t0 = ut_now_ms();
	int rc = mosring_recv(&r, &m, WAIT_MS);
	UT_CHECK(ok && rc == -EPIPE, "a dead producer's messages arrive, then EPIPE (%d after %lld ms)",
		 rc, ut_now_ms() - t0);
	ut_wait(pid, &status, 5000);
	UT_CHECK(mosring_recv(&r, &m, WAIT_MS) == -EPIPE, "EPIPE again once it is reaped");
	mosring_detach(&r);

	/* A dead consumer: the producer on a full ring gets EPIPE. */
	r = make(MOSRING_SPSC, 2, sizeof(msg_t), 0);
	pid = fork();
	if (pid == 0) {
		mosring_join(&r, MOSRING_CONSUMER);
		_exit(0);
	}
	ut_wait(pid, &status, 5000);
	mosring_join(&r, MOSRING_PRODUCER);
	mosring_send(&r, &m, 0);
	mosring_send(&r, &m, 0);
	UT_CHECK(mosring_send(&r, &m, WAIT_MS) == -EPIPE, "a full ring with a dead consumer: EPIPE");
	mosring_detach(&r);
}

#define HANDOFF_PAGES 16
#define HANDOFF_BUFS 12

static uint32_t word_of(int buf, int page) { return 0x77000000u + (uint32_t)buf * 256 + (uint32_t)page; }

static void test_handoff(void)
{
	mosring_t r;
	mosring_params_t p = { MOSRING_SPSC, 4, 0, HANDOFF_PAGES * PG, NEAR_WRAP };
	if (!UT_CHECK(mosring_create(&r, &p) == 0, "a handoff ring"))
		return;
	tally_t *t = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	memset(t, 0, sizeof(*t));
	pid_t pid = fork();
	if (pid == 0) {
		if (mosring_join(&r, MOSRING_PRODUCER) < 0)
			_exit(2);
		static char small[100];
		for (int b = 0; b < HANDOFF_BUFS; b++) {
			size_t len = (size_t)(b % HANDOFF_PAGES + 1) * PG;
			char *buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			for (size_t pg = 0; pg < len / PG; pg++)
				((uint32_t *)(buf + pg * PG))[1] = word_of(b, (int)pg);
			unsigned flags = b % 2 ? MOS_GIVE_MOVE : 0;
			if (mosring_send_pages(&r, buf, len, flags, WAIT_MS) < 0)
				_exit(3);
			if (ut_is_mos() && flags && ((uint32_t *)buf)[1] != 0)
				t->order_errors++;	/* MOVE leaves zeros on M-OS */
			munmap(buf, len);
		}
		memset(small, 's', sizeof(small));
		_exit(mosring_send_pages(&r, small + 1, 50, 0, WAIT_MS) < 0 ? 4 : 0);
	}
	mosring_join(&r, MOSRING_CONSUMER);
	bool ok = true;
	for (int b = 0; b < HANDOFF_BUFS && ok; b++) {
		void *buf;
		size_t len;
		ok = mosring_recv_pages(&r, &buf, &len, WAIT_MS) == 0 &&
		     len == (size_t)(b % HANDOFF_PAGES + 1) * PG;
		for (size_t pg = 0; ok && pg < len / PG; pg++)
			ok = ((uint32_t *)((char *)buf + pg * PG))[1] == word_of(b, (int)pg);
		mosring_release_pages(&r);
	}
	UT_CHECK(ok, "%d page buffers arrive whole", HANDOFF_BUFS);
	void *buf;
	size_t len;
	UT_CHECK(mosring_recv_pages(&r, &buf, &len, WAIT_MS) == 0 && len == 50 &&
		 memcmp(buf, "ssssssssss", 10) == 0, "an unaligned buffer is copied");
	mosring_release_pages(&r);
	int status;
	ut_wait(pid, &status, 10000);
	UT_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the producer finished (%s)",
		 ut_status_str(status));
	UT_CHECK(t->order_errors == 0, "MOS_GIVE_MOVE left the giver's buffer zeroed on M-OS");
	UT_CHECK(mosring_recv_pages(&r, &buf, &len, WAIT_MS) == -EPIPE, "then EPIPE");
	munmap(t, PG);
	mosring_detach(&r);
}

static void test_spsc_order(void)
{
	mosring_t r = make(MOSRING_SPSC, 4, sizeof(msg_t), NEAR_WRAP);
	pid_t pid = fork();
	if (pid == 0)
		producer(&r, 1, STRESS_MSGS, true);
	mosring_join(&r, MOSRING_CONSUMER);
	msg_t m;
	uint32_t seq = 0;
	bool ok = true;
	int rc;
	while ((rc = mosring_recv(&r, &m, WAIT_MS)) == 0)
		ok &= m.seq == seq++ && m.value == value_of(1, m.seq);
	UT_CHECK(ok && rc == -EPIPE && seq == STRESS_MSGS,
		 "SPSC across the 32-bit wrap: %u messages in order, then EPIPE (%d)", seq, rc);
	int status;
	ut_wait(pid, &status, 10000);
	mosring_detach(&r);
}

int main(void)
{
	test_params();
	test_spsc_order();
	stress("MPSC", MOSRING_MPSC, STRESS_PRODUCERS, 1);
	stress("MPMC", MOSRING_MPMC, STRESS_PRODUCERS, STRESS_CONSUMERS);
	test_blocking();
	test_peers();
	test_handoff();
	return ut_done("t_mosring");
}
