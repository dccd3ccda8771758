// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The probe-overhead benchmark's floor: programs that do nothing, on the two hooks NetScope's send/recv
 * programs use on this machine (tp_btf/sock_send_length, tp_btf/sock_recv_length). What the ping-pong loses
 * with these attached is the cost of the hook itself (tracepoint, BPF dispatch, this CPU's mitigations),
 * which no program on these hooks can avoid. */
#include "include/vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tp_btf/sock_send_length")
int empty_send(void *ctx)
{
	return 0;
}

SEC("tp_btf/sock_recv_length")
int empty_recv(void *ctx)
{
	return 0;
}
