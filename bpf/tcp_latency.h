/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Structures shared between bpf/tcp_latency.bpf.c and the C# mirrors in
 * src/NetScope.Agent/Probes/TcpLatencyTypes.cs. Fixed-width types, explicit padding.
 * Changing a layout here requires the same change there; StructLayoutTests compare both with BTF.
 */
#ifndef NETSCOPE_TCP_LATENCY_H
#define NETSCOPE_TCP_LATENCY_H

/* Slot count of a latency histogram: 26 finite log2 slots (1 us .. 2^25 us = 33.5 s) + overflow. */
#define NS_HIST_FINITE_SLOTS	26
#define NS_HIST_SLOTS		(NS_HIST_FINITE_SLOTS + 1)

enum tcp_role {
	TCP_ROLE_UNKNOWN = 0,
	TCP_ROLE_SERVER = 1,	/* passively opened (accepted) */
	TCP_ROLE_CLIENT = 2,	/* actively opened (connected) */
};

/* Key of tcp_lat_hist: one series per role and port. */
struct tcp_lat_key {
	__u8 role;		/* enum tcp_role */
	__u8 pad;
	__u16 port;		/* host byte order; server: local port, client: remote port */
};

/* Value of tcp_lat_hist (per CPU): request/response latency. */
struct tcp_lat_hist {
	__u64 slots[NS_HIST_SLOTS];	/* counts, see bpf/include/histogram.h for bounds */
	__u64 sum_ns;			/* sum of samples, nanoseconds */
	__u64 count;			/* number of samples (== sum of slots) */
};

/* Indexes of tcp_counters (per-CPU array of __u64). */
enum tcp_counter {
	TCP_COUNTER_SEND_CALLS = 0,	/* tcp_sendmsg calls seen */
	TCP_COUNTER_RECV_CALLS = 1,	/* tcp_recvmsg calls seen */
	TCP_COUNTER_MAX = 2,
};

#endif /* NETSCOPE_TCP_LATENCY_H */
