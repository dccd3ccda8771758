/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Histogram slot math, in one place (bcc libbpf-tools/bits.bpf.h plays the same role).
 * Latency histograms use log2 slots over microseconds with upper-inclusive bounds:
 *   slot 0 holds [0, 1 us], slot i (1..NS_HIST_FINITE_SLOTS-1) holds (2^(i-1) us, 2^i us],
 *   the last slot holds everything above 2^(NS_HIST_FINITE_SLOTS-1) us (the +Inf bucket).
 * Bounds are compared in nanoseconds with integers, so user space can reproduce them exactly.
 */
#ifndef NETSCOPE_HISTOGRAM_H
#define NETSCOPE_HISTOGRAM_H

#include "../tcp_latency.h"

static __always_inline __u32 ns_hist_slot(__u64 value_ns)
{
	__u32 slot;

	/* Bounded loop, no data-dependent exit beyond the cap: the verifier accepts it on 5.3+. */
	for (slot = 0; slot < NS_HIST_FINITE_SLOTS; slot++) {
		if (value_ns <= (1000ULL << slot))
			return slot;
	}
	return NS_HIST_SLOTS - 1;
}

#endif /* NETSCOPE_HISTOGRAM_H */
