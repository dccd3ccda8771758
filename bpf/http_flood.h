/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * C# mirrors in src/NetScope.Agent/Probes/HttpFloodTypes.cs must match.
 *
 * Structures and constants shared between bpf/http_flood.bpf.c (XDP) and user space.
 * Fixed-width types, explicit padding, little-endian host (x86_64) unless a field says
 * "network order". Addresses are always 16 bytes: IPv6 as is, IPv4 as IPv4-mapped IPv6
 * (::ffff:a.b.c.d, i.e. 10 zero bytes, 0xff 0xff, then the 4 IPv4 bytes), network order.
 * See docs/xdp-design.md for how user space fills the maps.
 */
#ifndef NETSCOPE_HTTP_FLOOD_H
#define NETSCOPE_HTTP_FLOOD_H

#define HF_MAX_RULES		32	/* rule ids 0..31 */
#define HF_RULE_SLOTS		2	/* double-buffered rule sets; hf_rules has 2 * 32 entries */
#define HF_MAX_PORTS		8	/* destination ports per rule */
#define HF_PATH_PREFIX_MAX	32	/* bytes of the request path compared */
#define HF_ADDR_LEN		16

/* hf_rule.action */
enum hf_action {
	HF_ACTION_ALERT = 0,		/* count and emit events, never drop */
	HF_ACTION_DROP = 1,		/* drop over-threshold (static rule: all) matching packets */
};

/* hf_rule.mode */
enum hf_mode {
	HF_MODE_ENFORCE = 0,
	HF_MODE_SHADOW = 1,		/* decide and count as if dropping, but pass */
};

/* hf_rule.count_kind */
enum hf_count_kind {
	HF_COUNT_REQUESTS = 0,		/* TCP segments whose payload starts with an HTTP/1.x request line */
	HF_COUNT_CONNECTIONS = 1,	/* TCP segments with SYN set and ACK clear */
};

/* HTTP methods: ids used for hf_rule.method_mask bits (1 << id) and method counters. */
enum hf_method {
	HF_METHOD_GET = 0,
	HF_METHOD_HEAD = 1,
	HF_METHOD_POST = 2,
	HF_METHOD_PUT = 3,
	HF_METHOD_DELETE = 4,
	HF_METHOD_OPTIONS = 5,
	HF_METHOD_PATCH = 6,
	HF_METHOD_CONNECT = 7,
	HF_METHOD_TRACE = 8,
	HF_METHOD_OTHER = 9,	/* counter only: TCP payload that is not a recognised request line */
	HF_METHOD_COUNT = 10,
};

/* Key of hf_allow and hf_rule_src0/1 (LPM tries). */
struct hf_lpm_key {
	__u32 prefixlen;		/* bits of addr that count, 0..128; IPv4 a.b.c.d/n -> 96 + n */
	__u8 addr[HF_ADDR_LEN];		/* network order, IPv4 as ::ffff:a.b.c.d */
};

/* Value of hf_rules, index = slot * HF_MAX_RULES + rule_id. 80 bytes. */
struct hf_rule {
	__u8 active;			/* 1 = rule in use in this slot, 0 = ignored */
	__u8 action;			/* enum hf_action */
	__u8 mode;			/* enum hf_mode */
	__u8 count_kind;		/* enum hf_count_kind */
	__u16 method_mask;		/* bit (1 << enum hf_method); 0 = any method (requests only) */
	__u8 port_count;		/* entries used in ports[], 0..8; 0 = any destination port */
	__u8 path_len;			/* bytes used in path_prefix, 0..32; 0 = any path (requests only) */
	__u16 ports[HF_MAX_PORTS];	/* TCP destination ports, host order */
	__u8 path_prefix[HF_PATH_PREFIX_MAX]; /* raw bytes, e.g. "/login"; tail after path_len ignored */
	__u32 threshold;		/* matching packets per window per source; 0 = static (every match) */
	__u32 pad;
	__u64 window_ns;		/* fixed window length, nanoseconds; required (> 0) when threshold > 0 */
	__u64 block_ns;			/* block duration, nanoseconds; 0 = no block, drop only while over */
};

/* Key of hf_src_state (LRU hash). 20 bytes. */
struct hf_state_key {
	__u8 addr[HF_ADDR_LEN];		/* source, network order, IPv4 mapped */
	__u32 rule_id;			/* 0..31 */
};

/* hf_state.flags */
#define HF_STATE_REPORTED	0x1	/* threshold crossing already handled in this window */

/* Value of hf_src_state. 16 bytes. */
struct hf_state {
	__u64 window_start_ns;		/* bpf_ktime_get_ns (CLOCK_MONOTONIC) at window start */
	__u32 count;			/* matching packets in this window (approximate across CPUs) */
	__u32 flags;			/* HF_STATE_* */
};

/* Key of hf_blocks (LRU hash). 16 bytes. */
struct hf_block_key {
	__u8 addr[HF_ADDR_LEN];		/* source, network order, IPv4 mapped */
};

/* Value of hf_blocks. 16 bytes. */
struct hf_block {
	__u64 expires_ns;		/* CLOCK_MONOTONIC ns; blocked while now < expires_ns */
	__u32 rule_id;			/* blocking rule: its ports and mode apply */
	__u32 pad;
};

/* hf_event.type */
enum hf_event_type {
	HF_EVENT_THRESHOLD_CROSSED = 1,	/* source exceeded a rule's threshold in this window */
	HF_EVENT_BLOCKED = 2,		/* block entry written (also in shadow mode) */
	HF_EVENT_UNBLOCKED = 3,		/* block entry deleted by the kernel */
};

/* hf_event.reason (HF_EVENT_UNBLOCKED only; 0 otherwise) */
enum hf_unblock_reason {
	HF_UNBLOCK_EXPIRED = 0,		/* expires_ns reached */
	HF_UNBLOCK_RULE_GONE = 1,	/* blocking rule not active in the active slot */
};

/* Record in hf_events (ring buffer). 48 bytes. */
struct hf_event {
	__u64 timestamp_ns;		/* bpf_ktime_get_ns (CLOCK_MONOTONIC) */
	__u64 block_expires_ns;		/* BLOCKED/UNBLOCKED: block expiry, CLOCK_MONOTONIC ns; else 0 */
	__u8 addr[HF_ADDR_LEN];		/* source, network order, IPv4 mapped */
	__u32 count;			/* THRESHOLD_CROSSED/BLOCKED: count in window; else 0 */
	__u32 rule_id;			/* 0..31 */
	__u16 dport;			/* destination port of the triggering packet, host order */
	__u8 type;			/* enum hf_event_type */
	__u8 family;			/* 2 = AF_INET, 10 = AF_INET6 (of the triggering packet) */
	__u8 mode;			/* enum hf_mode of the rule when the event was made */
	__u8 reason;			/* enum hf_unblock_reason for UNBLOCKED, else 0 */
	__u8 pad[2];
};

/*
 * Indexes of hf_counters (per-CPU array of __u64; sum over CPUs). Per-rule blocks are
 * base + rule_id. Gaps are reserved and stay 0.
 */
enum hf_counter {
	HF_CNT_PACKETS = 0,		/* every packet seen */
	HF_CNT_PASSED = 1,		/* XDP_PASS returned */
	HF_CNT_DROPPED = 2,		/* XDP_DROP returned */
	HF_CNT_ALLOWLISTED = 3,		/* TCP from an allowlisted source: passed, not inspected */
	HF_CNT_BLOCKED_DROPS = 4,	/* dropped by a live block entry (enforce) */
	HF_CNT_BLOCKED_SHADOW = 5,	/* would have been dropped by a block entry (shadow rule) */
	HF_CNT_EVENTS_LOST = 6,		/* bpf_ringbuf_reserve failures */
	HF_CNT_TCP_SYN = 7,		/* inspected TCP segments with SYN set, ACK clear */
	HF_CNT_UNBLOCKED = 8,		/* block entries deleted by the kernel (expired / rule gone) */
	HF_CNT_BLOCKS_ADDED = 9,	/* block entries written (enforce and shadow) */

	HF_CNT_METHOD_BASE = 16,	/* + enum hf_method: inspected segments by request method */
	HF_CNT_METHOD_GET = 16,
	HF_CNT_METHOD_HEAD = 17,
	HF_CNT_METHOD_POST = 18,
	HF_CNT_METHOD_PUT = 19,
	HF_CNT_METHOD_DELETE = 20,
	HF_CNT_METHOD_OPTIONS = 21,
	HF_CNT_METHOD_PATCH = 22,
	HF_CNT_METHOD_CONNECT = 23,
	HF_CNT_METHOD_TRACE = 24,
	HF_CNT_METHOD_OTHER = 25,	/* payload present but no recognised request line */

	HF_CNT_PARSE_BASE = 32,		/* + enum parse_err (bpf/include/parsing_helpers.h): passed uninspected */
	HF_CNT_ETH_TRUNCATED = 32,
	HF_CNT_VLAN_TRUNCATED = 33,
	HF_CNT_VLAN_TOO_DEEP = 34,	/* more than 2 VLAN tags */
	HF_CNT_NOT_IP = 35,		/* not IPv4/IPv6 (ARP, ...): not an error */
	HF_CNT_IPV4_TRUNCATED = 36,
	HF_CNT_IPV4_BAD_HEADER = 37,	/* version != 4, ihl < 5, tot_len < ihl * 4 */
	HF_CNT_IPV6_TRUNCATED = 38,
	HF_CNT_IPV6_BAD_HEADER = 39,	/* version != 6 */
	HF_CNT_IPV6_EXT_TRUNCATED = 40,
	HF_CNT_IPV6_EXT_TOO_DEEP = 41,	/* more than 6 extension headers */
	HF_CNT_FRAGMENT = 42,		/* non-first IPv4/IPv6 fragment: not an error */
	HF_CNT_NOT_TCP = 43,		/* UDP, ICMP, ...: not an error */
	HF_CNT_TCP_TRUNCATED = 44,	/* fewer than 20 TCP header bytes */
	HF_CNT_TCP_BAD_DOFF = 45,	/* doff < 5 or doff * 4 past the packet end */

	HF_CNT_RULE_MATCHES = 64,	/* + rule_id: packets matching the rule's filters */
	HF_CNT_RULE_DROPS = 96,		/* + rule_id: dropped by the rule (enforce; incl. block drops) */
	HF_CNT_RULE_SHADOW_DROPS = 128,	/* + rule_id: would-be drops in shadow mode (incl. block) */
	HF_CNT_RULE_ALERTS = 160,	/* + rule_id: threshold crossings (once per source per window) */
	HF_CNT_MAX = 192,		/* max_entries of hf_counters */
};

#endif /* NETSCOPE_HTTP_FLOOD_H */
