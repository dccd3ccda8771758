// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The probe-overhead benchmark's second yardstick: what a per-socket latency probe that reads the clock at every
 * event does on each send and receive, on the same hooks as NetScope's programs (tp_btf/sock_send_length,
 * tp_btf/sock_recv_length): find the socket's state (bpf_sk_storage_get, the cheapest per-socket store) and read
 * the clock, then keep the time since the socket's previous event. No roles, no series, no histograms, no
 * counters. NetScope's sends take the stack's own transmit time instead of a clock read (docs/kernels.md), which
 * is how its programs came to cost less than this one (bench/NOTES.md). */
#include "include/netscope_common.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct socket_time {
	__u64 last_ns;
	__u64 elapsed_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct socket_time);
} socket_times SEC(".maps");

static __always_inline void on_event(struct sock *sk)
{
	struct socket_time *t;
	__u64 now;

	if (sk->sk_protocol != IPPROTO_TCP_NUM)
		return;
	t = bpf_sk_storage_get(&socket_times, sk, NULL, BPF_SK_STORAGE_GET_F_CREATE);
	if (!t)
		return;
	now = bpf_ktime_get_ns();
	if (t->last_ns)
		t->elapsed_ns += now - t->last_ns;
	t->last_ns = now;
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(minimal_send, struct sock *sk, int ret, int flags)
{
	on_event(sk);
	return 0;
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(minimal_recv, struct sock *sk, int ret, int flags)
{
	on_event(sk);
	return 0;
}
