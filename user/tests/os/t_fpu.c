/*
 * t_fpu: floating-point state survives preemption (DESIGN.md decision 13).
 *
 * Three kinds of computation, each a long dependency chain kept in
 * registers, so any lost or mixed-up register, control word or MXCSR
 * changes the result:
 *   x87:   a long double series, with the x87 control word set to round
 *          upward (so a reset to FNINIT defaults shows);
 *   SSE2:  a packed-double recurrence in xmm registers, MXCSR set to round
 *          toward zero;
 *   float: float32 dot products with packed SSE (mulps/addps), MXCSR set
 *          to round down.
 * The parent first runs each one alone (calibrating the iteration count
 * so a run lasts UTEST_FPU_MS milliseconds, default 500; host_run.sh
 * sets it lower), then forks six children (two of each kind, different
 * seeds) that run concurrently.  Each child reads the expected result
 * from a pipe, computes, compares bit for bit, and exits 0 on a match.
 * The parent itself computes the x87 series meanwhile and checks it too.
 */
#include <emmintrin.h>
#include <stdint.h>
#include <xmmintrin.h>

#include "utest.h"

struct result {
	unsigned char bytes[32];
};

/* ---- the computations ---- */

static void calc_x87(long n, int seed, struct result *r)
{
	unsigned short cw_old, cw = 0x0b7f;	/* round up, 64-bit mantissa */
	__asm__ volatile("fnstcw %0" : "=m"(cw_old));
	__asm__ volatile("fldcw %0" : : "m"(cw));
	long double a = 1.0L + seed * 0.001L, b = 0.25L, c = 0.0L;
	for (long i = 1; i <= n; i++) {
		long double t = (long double)i;
		a = a * 0.9999999L + b / t;
		b = b * 1.0000001L - a * 1e-9L;
		c += a * b / (t + 1.0L);
	}
	__asm__ volatile("fldcw %0" : : "m"(cw_old));
	memset(r, 0, sizeof(*r));
	memcpy(r->bytes, &a, 10);
	memcpy(r->bytes + 10, &b, 10);
	memcpy(r->bytes + 20, &c, 10);
}

static void calc_sse2(long n, int seed, struct result *r)
{
	unsigned int mx_old, mx = 0x1f80 | 0x6000;	/* round toward zero */
	__asm__ volatile("stmxcsr %0" : "=m"(mx_old));
	__asm__ volatile("ldmxcsr %0" : : "m"(mx));
	__m128d x = _mm_set_pd(1.0 + seed, 0.5);
	__m128d y = _mm_set_pd(0.1, 0.2 * seed + 0.3);
	const __m128d k1 = _mm_set_pd(0.99999991, 1.00000007);
	const __m128d k2 = _mm_set_pd(1e-8, 3e-8);
	__m128d acc = _mm_setzero_pd();
	for (long i = 1; i <= n; i++) {
		__m128d ti = _mm_set1_pd((double)i);
		x = _mm_add_pd(_mm_mul_pd(x, k1), _mm_div_pd(y, ti));
		y = _mm_sub_pd(_mm_mul_pd(y, k1), _mm_mul_pd(x, k2));
		acc = _mm_add_pd(acc, _mm_sqrt_pd(_mm_mul_pd(x, x)));
		x = _mm_shuffle_pd(x, x, 1);
	}
	__asm__ volatile("ldmxcsr %0" : : "m"(mx_old));
	memset(r, 0, sizeof(*r));
	_mm_storeu_pd((double *)r->bytes, x);
	_mm_storeu_pd((double *)(r->bytes + 16), _mm_add_pd(acc, y));
}

static void calc_float(long n, int seed, struct result *r)
{
	unsigned int mx_old, mx = 0x1f80 | 0x2000;	/* round down */
	__asm__ volatile("stmxcsr %0" : "=m"(mx_old));
	__asm__ volatile("ldmxcsr %0" : : "m"(mx));
	/* Dot products of two 16-float vectors that evolve every step. */
	__m128 a0 = _mm_set_ps(1.0f, 0.5f, 0.25f, 0.125f + (float)seed);
	__m128 a1 = _mm_set_ps(0.9f, 0.8f, 0.7f, 0.6f);
	__m128 a2 = _mm_set_ps(-0.3f, 0.2f, -0.1f, 0.05f);
	__m128 a3 = _mm_set_ps(0.33f, 0.66f, 0.99f, 0.11f);
	__m128 b0 = _mm_set1_ps(0.5f), b1 = _mm_set1_ps(0.25f);
	__m128 b2 = _mm_set1_ps(-0.125f), b3 = _mm_set1_ps(0.0625f);
	const __m128 decay = _mm_set1_ps(0.999f), nudge = _mm_set1_ps(1e-3f);
	__m128 sum = _mm_setzero_ps();
	__m128 tot = _mm_setzero_ps();	/* no decay: an upset anywhere persists */
	for (long i = 1; i <= n; i++) {
		__m128 d = _mm_add_ps(_mm_add_ps(_mm_mul_ps(a0, b0), _mm_mul_ps(a1, b1)),
				      _mm_add_ps(_mm_mul_ps(a2, b2), _mm_mul_ps(a3, b3)));
		/* horizontal sum: the dot product in every lane */
		d = _mm_add_ps(d, _mm_shuffle_ps(d, d, 0x4e));
		d = _mm_add_ps(d, _mm_shuffle_ps(d, d, 0xb1));
		sum = _mm_add_ps(_mm_mul_ps(sum, decay), d);
		tot = _mm_add_ps(tot, _mm_mul_ps(d, nudge));
		__m128 t = a0;
		a0 = _mm_add_ps(_mm_mul_ps(a1, decay), _mm_mul_ps(d, nudge));
		a1 = _mm_sub_ps(a2, _mm_mul_ps(t, nudge));
		a2 = _mm_add_ps(_mm_mul_ps(a3, decay), _mm_mul_ps(sum, nudge));
		a3 = _mm_shuffle_ps(t, t, 0x39);
		b0 = _mm_add_ps(_mm_mul_ps(b0, decay), _mm_mul_ps(a0, nudge));
		b1 = _mm_sub_ps(_mm_mul_ps(b1, decay), _mm_mul_ps(a1, nudge));
		__m128 u = b2;
		b2 = _mm_shuffle_ps(b3, b3, 0x93);
		b3 = _mm_add_ps(u, _mm_mul_ps(d, _mm_mul_ps(nudge, nudge)));
	}
	__asm__ volatile("ldmxcsr %0" : : "m"(mx_old));
	memset(r, 0, sizeof(*r));
	_mm_storeu_ps((float *)r->bytes, sum);
	_mm_storeu_ps((float *)(r->bytes + 16), _mm_add_ps(_mm_add_ps(a0, b1), tot));
}

typedef void (*calc_fn)(long, int, struct result *);

static const struct {
	const char *name;
	calc_fn fn;
} kinds[] = {
	{ "x87 long double series", calc_x87 },
	{ "SSE2 double recurrence", calc_sse2 },
	{ "float32 SSE dot products", calc_float },
};
#define NKINDS 3
#define PER_KIND 2

/* The iteration count for which fn runs about ms milliseconds. */
static long calibrate(calc_fn fn, long ms)
{
	struct result r;
	long n = 1024;
	for (;;) {
		long long t0 = ut_now_ms();
		fn(n, 0, &r);
		long long dt = ut_now_ms() - t0;
		if (dt >= ms || n >= (1L << 29))
			return n;
		if (dt < ms / 8)
			n *= 8;
		else
			n = (long)((double)n * (double)ms / (double)(dt > 0 ? dt : 1)) + 1;
	}
}

static int run_child(calc_fn fn, long n, int seed, int rfd)
{
	struct result want, got;
	size_t off = 0;
	while (off < sizeof(want)) {
		ssize_t k = read(rfd, (char *)&want + off, sizeof(want) - off);
		if (k <= 0)
			return 2;
		off += (size_t)k;
	}
	close(rfd);
	/* Run twice over: more time under preemption. */
	fn(n, seed, &got);
	if (memcmp(&want, &got, sizeof(want)) != 0)
		return 1;
	fn(n, seed, &got);
	return memcmp(&want, &got, sizeof(want)) != 0;
}

int main(void)
{
	long ms = 500;
	const char *env = getenv("UTEST_FPU_MS");
	if (env && atol(env) > 0)
		ms = atol(env);
	/* Each child runs its computation twice; aim for ~ms per child run. */
	long iters[NKINDS];
	for (int k = 0; k < NKINDS; k++)
		iters[k] = calibrate(kinds[k].fn, ms / 2 > 0 ? ms / 2 : 1);

	struct result expect[NKINDS][PER_KIND];
	for (int k = 0; k < NKINDS; k++)
		for (int s = 0; s < PER_KIND; s++)
			kinds[k].fn(iters[k], s + 1, &expect[k][s]);
	/* The same computation twice alone gives the same bits. */
	struct result again;
	calc_x87(iters[0], 1, &again);
	UT_CHECK(memcmp(&again, &expect[0][0], sizeof(again)) == 0, "x87 run not reproducible");

	pid_t pids[NKINDS][PER_KIND];
	int wfds[NKINDS][PER_KIND];
	fflush(NULL);
	for (int k = 0; k < NKINDS; k++)
		for (int s = 0; s < PER_KIND; s++) {
			int p[2];
			pids[k][s] = -1;
			wfds[k][s] = -1;
			if (!UT_CHECK(pipe(p) == 0, "pipe"))
				continue;
			pid_t pid = fork();
			if (pid == 0) {
				close(p[1]);
				_exit(run_child(kinds[k].fn, iters[k], s + 1, p[0]));
			}
			close(p[0]);
			UT_CHECK(pid > 0, "fork: %s", strerror(errno));
			pids[k][s] = pid;
			wfds[k][s] = p[1];
		}
	/* Send the expected results in; everyone starts computing. */
	for (int k = 0; k < NKINDS; k++)
		for (int s = 0; s < PER_KIND; s++)
			if (wfds[k][s] >= 0) {
				UT_CHECK(write(wfds[k][s], &expect[k][s], sizeof(struct result)) ==
					 (ssize_t)sizeof(struct result), "send expected result");
				close(wfds[k][s]);
			}
	/* The parent computes too, concurrently with the children. */
	struct result mine;
	calc_sse2(iters[1], 2, &mine);
	UT_CHECK(memcmp(&mine, &expect[1][1], sizeof(mine)) == 0,
		 "parent's SSE2 result changed while the children ran");

	for (int k = 0; k < NKINDS; k++)
		for (int s = 0; s < PER_KIND; s++) {
			if (pids[k][s] <= 0)
				continue;
			int st;
			char what[96];
			snprintf(what, sizeof(what), "%s (seed %d, %ld iterations, twice): "
				 "1 = result differs", kinds[k].name, s + 1, iters[k]);
			ut_wait(pids[k][s], &st, 600000);
			UT_CHECK_EXITED(st, 0, what);
		}
	UT_NOTE("iterations: x87 %ld, SSE2 %ld, float %ld (%ld ms target)", iters[0], iters[1],
		iters[2], ms);
	return ut_done("t_fpu");
}
