// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
// Baseline for the XDP benchmark: the cost of BPF_PROG_TEST_RUN itself with a program that does nothing.
// vmlinux.h, as in bpf/: the uapi headers need asm/ headers the BPF target does not have.
#include "include/vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("xdp")
int xdp_empty(struct xdp_md *ctx)
{
	return XDP_PASS;
}
