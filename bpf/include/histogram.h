/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Histogram slot math, in one place (bcc libbpf-tools/bits.bpf.h plays the same role).
 *
 * Latency histograms use OpenTelemetry base-2 exponential buckets at scale 2 (four buckets per power
 * of two) over microseconds: bucket i covers (2^(i/4) us, 2^((i+1)/4) us]. Values are nanoseconds, so
 * "v_ns <= 1000 * 2^(k/4)" is decided exactly with integers as "v_ns <= floor(1000 * 2^(k/4))"
 * (for an integer v_ns the two are equivalent). ns_exp_upper_ns[i] = floor(1000 * 2^((i+1)/4)) is the
 * upper bound of bucket i, computed exactly as isqrt(isqrt(1000^4 * 2^(i+1))); the unit tests
 * (ExponentialBucketsTests) recompute the table and check it against the double-precision OTel
 * definition.
 *
 * Slots of a histogram value:
 *   slot 0                      v <= 1 us         (OTel bucket index <= -1: the zero/underflow slot)
 *   slot 1 + i, i in 0..103     bucket i          (1 us .. 2^26 us = 67 s)
 *   slot NS_HIST_SLOTS - 1      v > 2^26 us       (overflow)
 */
#ifndef NETSCOPE_HISTOGRAM_H
#define NETSCOPE_HISTOGRAM_H

#include "../tcp_latency.h"

static const __u64 ns_exp_upper_ns[NS_EXP_BUCKETS] = {
	1189ULL, 1414ULL, 1681ULL, 2000ULL, 2378ULL, 2828ULL,
	3363ULL, 4000ULL, 4756ULL, 5656ULL, 6727ULL, 8000ULL,
	9513ULL, 11313ULL, 13454ULL, 16000ULL, 19027ULL, 22627ULL,
	26908ULL, 32000ULL, 38054ULL, 45254ULL, 53817ULL, 64000ULL,
	76109ULL, 90509ULL, 107634ULL, 128000ULL, 152218ULL, 181019ULL,
	215269ULL, 256000ULL, 304437ULL, 362038ULL, 430538ULL, 512000ULL,
	608874ULL, 724077ULL, 861077ULL, 1024000ULL, 1217748ULL, 1448154ULL,
	1722155ULL, 2048000ULL, 2435496ULL, 2896309ULL, 3444311ULL, 4096000ULL,
	4870992ULL, 5792618ULL, 6888623ULL, 8192000ULL, 9741984ULL, 11585237ULL,
	13777246ULL, 16384000ULL, 19483969ULL, 23170475ULL, 27554493ULL, 32768000ULL,
	38967938ULL, 46340950ULL, 55108987ULL, 65536000ULL, 77935877ULL, 92681900ULL,
	110217974ULL, 131072000ULL, 155871754ULL, 185363800ULL, 220435949ULL, 262144000ULL,
	311743509ULL, 370727600ULL, 440871899ULL, 524288000ULL, 623487019ULL, 741455200ULL,
	881743799ULL, 1048576000ULL, 1246974039ULL, 1482910400ULL, 1763487599ULL, 2097152000ULL,
	2493948079ULL, 2965820800ULL, 3526975198ULL, 4194304000ULL, 4987896159ULL, 5931641601ULL,
	7053950396ULL, 8388608000ULL, 9975792318ULL, 11863283203ULL, 14107900792ULL, 16777216000ULL,
	19951584637ULL, 23726566406ULL, 28215801584ULL, 33554432000ULL, 39903169274ULL, 47453132812ULL,
	56431603169ULL, 67108864000ULL,
};

/*
 * 1 when a > b, else 0, for a, b < 2^63, without a branch: BPF has no set-on-condition instruction, so a
 * comparison compiles to a jump, and on latency values such jumps go either way at random.
 */
static __always_inline __u64 ns_gt(__u64 a, __u64 b)
{
	return (b - a) >> 63;
}

/* floor(log2(v)) for 0 < v < 2^63 (BPF has no count-leading-zeros): halve the width five times, each
 * step a shift by 0 or by the half width, without branches. */
static __always_inline __u32 ns_log2(__u64 v)
{
	__u64 log = 0, step;
	__u32 half;

#pragma unroll
	for (half = 32; half >= 2; half /= 2) {
		step = ns_gt(v, (1ULL << half) - 1) * half;
		v >>= step;
		log |= step;
	}
	return log | (v >> 1);
}

/*
 * The slot of @value_ns. For a value in [2^m, 2^(m+1)) ns, m = floor(log2(v)), the bucket is one of the
 * five from 4m - 40 to 4m - 36: the bound before them, ns_exp_upper_ns[4m - 41] = floor(1000 * 2^(m - 10)),
 * is below 2^m, and ns_exp_upper_ns[4m - 36] = floor(1000 * 2^(m - 8.75)) is at least 2^(m+1). So it is
 * 4m - 40 plus how many of the four bounds from there lie below the value, summed without branches (a
 * binary search over the table took seven unpredictable jumps per value). The clamps only act below 2 us
 * (the first bucket) and never at the top (m <= 35 there), and on steady traffic they go the same way
 * every time.
 */
static __always_inline __u32 ns_hist_slot(__u64 value_ns)
{
	__s64 first;

	if (value_ns <= 1000)
		return 0;
	if (value_ns > ns_exp_upper_ns[NS_EXP_BUCKETS - 1])
		return NS_HIST_SLOTS - 1;
	first = 4 * (__s64)ns_log2(value_ns) - 40;
	if (first < 0)
		first = 0;
	if (first > NS_EXP_BUCKETS - 4)		/* unreachable (see above); bounds the reads for the verifier */
		first = NS_EXP_BUCKETS - 4;
	return 1 + first
		+ ns_gt(value_ns, ns_exp_upper_ns[first])
		+ ns_gt(value_ns, ns_exp_upper_ns[first + 1])
		+ ns_gt(value_ns, ns_exp_upper_ns[first + 2])
		+ ns_gt(value_ns, ns_exp_upper_ns[first + 3]);
}

#endif /* NETSCOPE_HISTOGRAM_H */
