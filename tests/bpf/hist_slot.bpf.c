// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Test-only program: runs the kernel's histogram slot function (bpf/include/histogram.h) on a value, so
 * HistogramSlotTests can check it against ExponentialBuckets.SlotOf through BPF_PROG_TEST_RUN.
 * Packet in: the value (u64, little endian) in its first 8 bytes; packet out: the slot (u32) after it.
 * XDP only because BPF_PROG_TEST_RUN of XDP takes and returns a buffer on every kernel NetScope supports.
 */
#include "include/netscope_common.h"
#include "include/histogram.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("xdp")
int hist_slot(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 *value = data;
	__u32 *slot = data + sizeof(*value);

	if ((void *)(slot + 1) > data_end)
		return XDP_ABORTED;
	*slot = ns_hist_slot(*value);
	return XDP_PASS;
}
