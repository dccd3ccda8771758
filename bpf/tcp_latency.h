/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Structures shared between bpf/tcp_latency.bpf.c and the C# mirrors in
 * src/NetScope.Agent/Probes/TcpLatencyTypes.cs. Fixed-width types, explicit padding.
 * Changing a layout here requires the same change there; StructLayoutTests compare both with BTF.
 */
#ifndef NETSCOPE_TCP_LATENCY_H
#define NETSCOPE_TCP_LATENCY_H

/* Latency histograms: OpenTelemetry exponential buckets at scale 2 over microseconds (see
 * bpf/include/histogram.h): an underflow slot (<= 1 us), 104 buckets up to 2^26 us, an overflow slot. */
#define NS_EXP_SCALE		2
#define NS_EXP_BUCKETS		104
#define NS_HIST_SLOTS		(NS_EXP_BUCKETS + 2)

enum tcp_role {
	TCP_ROLE_UNKNOWN = 0,
	TCP_ROLE_SERVER = 1,	/* passively opened (accepted) */
	TCP_ROLE_CLIENT = 2,	/* actively opened (connected) */
};

/* Key of tcp_series_keys: one series per role and port. */
struct tcp_lat_key {
	__u8 role;		/* enum tcp_role */
	__u8 pad;
	__u16 port;		/* host byte order; server: local port, client: remote port */
};

/* A histogram of struct tcp_series (per CPU): request/response latency or smoothed RTT. */
struct tcp_lat_hist {
	__u64 slots[NS_HIST_SLOTS];	/* counts, see bpf/include/histogram.h for the slot layout */
	__u64 sum_ns;			/* sum of samples, nanoseconds */
	__u64 count;			/* number of samples (== sum of slots) */
};

/* Counters of struct tcp_series (per CPU): what happened on one series' sockets. */
struct tcp_series_stats {
	__u64 bytes_sent;		/* bytes passed to successful sends */
	__u64 bytes_received;		/* bytes returned by successful receives */
	__u64 conns_opened;		/* sockets that reached ESTABLISHED */
	__u64 conns_closed;		/* tracked sockets that reached CLOSE */
	__u64 retransmits;		/* tcp:tcp_retransmit_skb on tracked sockets */
};

/*
 * Value of tcp_series (per-CPU array): everything recorded for one series, in one entry so that a send
 * or receive costs one inlined array lookup (the entry's index is kept in the socket's state) instead of
 * one hash lookup per value.
 */
struct tcp_series {
	struct tcp_series_stats stats;
	struct tcp_lat_hist latency;	/* request/response latency */
	struct tcp_lat_hist rtt;	/* smoothed RTT (srtt_us >> 3) sampled when a request completes */
};

/* Value of tcp_series_keys: where a series lives in tcp_series. */
struct tcp_series_slot {
	__u32 index;		/* entry of tcp_series */
	__u32 reserved;		/* 1: created by user space (configured port or "other"), exported even while empty */
};

/* Port of the series that collects every port beyond the tracked-port cap ("other"). */
#define TCP_PORT_OTHER		0

/* Indexes of tcp_counters (per-CPU array of __u64). */
enum tcp_counter {
	TCP_COUNTER_SEND_CALLS = 0,	/* tcp_sendmsg calls seen */
	TCP_COUNTER_RECV_CALLS = 1,	/* tcp_recvmsg calls seen */
	TCP_COUNTER_EVENTS_OFFERED = 2,	/* events due before sampling (the controller's input) */
	TCP_COUNTER_EVENTS_PRODUCED = 3,/* events kept by sampling: submitted or lost */
	TCP_COUNTER_EVENTS_LOST = 4,	/* bpf_ringbuf_reserve failures (ring full) */
	TCP_COUNTER_SOCKETS_TRACKED = 5,	/* sockets given a state at ESTABLISHED */
	TCP_COUNTER_SOCKETS_RELEASED = 6,	/* tracked sockets whose state was deleted at CLOSE */
	TCP_COUNTER_SOCKETS_UNTRACKED = 7,	/* sockets at ESTABLISHED that got no state (no memory) */
	TCP_COUNTER_SEND_TIMES_TRANSMIT = 8,	/* timed sends (request start or end) that took the stack's transmit time */
	TCP_COUNTER_SEND_TIMES_CLOCK = 9,	/* timed sends that read the clock */
	TCP_COUNTER_RECV_TIMES_STACK = 10,	/* timed receives (server request start, client response) that took the time tcp_recvmsg read */
	TCP_COUNTER_RECV_TIMES_CLOCK = 11,	/* timed receives that read the clock */
	TCP_COUNTER_RECV_TIME_CHECKS = 12,	/* receives whose stack time was checked against the clock */
	TCP_COUNTER_RECV_TIME_STALE = 13,	/* checks that found it older than cfg.receive_max_age_ns */
	TCP_COUNTER_MAX = 14,
};

/* ---- ring buffer tcp_events ---- */

enum tcp_event_type {
	TCP_EVENT_CONNECTION_CLOSE = 1,	/* a tracked socket reached CLOSE */
	TCP_EVENT_SLOW_REQUEST = 2,	/* a request's latency reached the slow threshold */
};

/* Record of tcp_events. 104 bytes. Addresses are IPv6 or IPv4-mapped IPv6 (::ffff:a.b.c.d). */
struct tcp_event {
	__u8 type;			/* enum tcp_event_type */
	__u8 role;			/* enum tcp_role */
	__u16 series_port;		/* the series (struct tcp_lat_key.port) */
	__u16 local_port;		/* host byte order */
	__u16 remote_port;		/* host byte order */
	__u8 local_addr[16];
	__u8 remote_addr[16];
	__u32 pid;			/* tgid of the first process seen sending/receiving; 0 when unknown */
	__u32 srtt_us;			/* smoothed RTT at the event */
	char comm[16];			/* that process's comm; empty when unknown */
	__u64 timestamp_ns;		/* CLOCK_MONOTONIC */
	__u64 duration_ns;		/* close: since ESTABLISHED; slow request: the request's latency */
	__u64 bytes_sent;		/* close: over the connection's life; slow request: 0 */
	__u64 bytes_received;		/* idem */
	__u32 retransmits;		/* close: over the connection's life; slow request: 0 */
	__u32 requests;			/* close: requests completed; slow request: 0 */
};

/* Load-time configuration, the variable cfg in section .rodata.cfg: set by user space between open and load. */
struct tcp_latency_cfg {
	__u64 slow_threshold_ns;	/* 0: no slow-request events */
	__u32 close_events;		/* 0: no connection-close events */
	__u32 receive_check_shift;	/* one receive in 2^shift that takes the stack's time is checked against the clock */
	__u64 receive_max_age_ns;	/* 0: receives read the clock; else the most a checked stack time may lag it */
};

/* Consecutive stale checks after which receives read the clock for good (tcp_recv_time_state.from_clock). */
#define TCP_RECV_STALE_STRIKES	8

/* The variable recv_time (section .data.recv_time): written by the programs, read by user space. */
struct tcp_recv_time_state {
	__u32 stale_strikes;	/* stale checks in a row */
	__u32 from_clock;	/* 1: the checks turned the stack's receive times off */
};

/* The one value of tcp_event_sampling (__u32), written by user space at any time: keep one event in 2^value
 * (adaptive sampling), at most 16. */
#define TCP_EVENT_MAX_SAMPLE_SHIFT	16

#endif /* NETSCOPE_TCP_LATENCY_H */
