// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * HTTP flood detection and shedding at XDP.
 *
 * Per packet, cheapest decisions first:
 *   1. parse Ethernet (<= 2 VLAN tags), IPv4 (options) or IPv6 (<= 6 extension headers), TCP;
 *      anything else passes and is counted by reason (hf_counters HF_CNT_PARSE_BASE + reason);
 *   2. source in hf_allow (LPM)          -> pass, never dropped by anything;
 *   3. source in hf_blocks and not expired -> drop (rule enforce) / count (rule shadow),
 *      only on the blocking rule's ports; expired entries are deleted (event UNBLOCKED);
 *   4. L7: HTTP/1.x request line (method + 32-byte path prefix) or TCP SYN; otherwise pass;
 *   5. one LPM lookup in the active slot's source trie gives the candidate rule mask;
 *   6. each candidate rule: filters (kind, ports, method, path), then static (threshold 0) or
 *      fixed-window per-source counting in hf_src_state; crossings emit events, may block.
 * Rules are double-buffered (hf_rules slot 0/1, hf_rule_src0/1) and switched by hf_active_slot,
 * so user space swaps whole rule sets without reloading the program. See docs/xdp-design.md.
 */
#include "include/netscope_common.h"
#include "include/parsing_helpers.h"
#include "http_flood.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/*
 * Ring buffer wakeups: 0 = wake the consumer for every event (default; events are rare).
 * > 0 = submit with BPF_RB_NO_WAKEUP until at least this many bytes are waiting, then force a
 * wakeup; user space must then also drain on a timer (ring_buffer__consume).
 */
const volatile __u32 cfg_wakeup_min_bytes = 0;

/*
 * Clock for windows, block expiry and event timestamps, both CLOCK_MONOTONIC based:
 * 0 = bpf_ktime_get_coarse_ns (default; jiffy resolution, 1-4 ms, ~20 ns cheaper per call here),
 * 1 = bpf_ktime_get_ns (full resolution; for windows shorter than ~100 ms).
 */
const volatile __u32 cfg_precise_clock = 0;

/* Sources never inspected nor dropped. Value ignored (user space writes 1). */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 16384);
	__type(key, struct hf_lpm_key);
	__type(value, __u32);
} hf_allow SEC(".maps");

/* Blocked sources. Written by the program (and optionally by user space). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct hf_block_key);
	__type(value, struct hf_block);
} hf_blocks SEC(".maps");

/* Rule sets: index slot * HF_MAX_RULES + rule_id. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, HF_RULE_SLOTS * HF_MAX_RULES);
	__type(key, __u32);
	__type(value, struct hf_rule);
} hf_rules SEC(".maps");

/* Key 0: the rule slot in use (0 or 1). User space flips it after filling the other slot. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} hf_active_slot SEC(".maps");

/* Rule sources of slot 0 / slot 1: longest prefix -> mask of rule ids (bit = 1 << rule_id). */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 16384);
	__type(key, struct hf_lpm_key);
	__type(value, __u64);
} hf_rule_src0 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 16384);
	__type(key, struct hf_lpm_key);
	__type(value, __u64);
} hf_rule_src1 SEC(".maps");

/* Per source and rule fixed-window counts (rate rules only). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct hf_state_key);
	__type(value, struct hf_state);
} hf_src_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, HF_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} hf_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} hf_events SEC(".maps");

/* Ring buffer records are untyped; this anchor puts struct hf_event into the object's BTF so user
 * space can check its C# mirror against it (StructLayoutTests). */
const struct hf_event *unused_hf_event __attribute__((unused));

/* The counter blocks are addressed as base + enum value; keep both headers in step. */
_Static_assert(HF_CNT_PARSE_BASE + PARSE_ERR_TCP_BAD_DOFF == HF_CNT_TCP_BAD_DOFF, "parse counters");
_Static_assert(HF_CNT_PARSE_BASE + PARSE_ERR_MAX <= HF_CNT_RULE_MATCHES, "parse counters overlap");
_Static_assert(HF_CNT_METHOD_BASE + HF_METHOD_OTHER == HF_CNT_METHOD_OTHER, "method counters");
_Static_assert(sizeof(struct hf_rule) == 80, "struct hf_rule layout");
_Static_assert(sizeof(struct hf_event) == 48, "struct hf_event layout");
_Static_assert(sizeof(struct hf_state_key) == 20, "struct hf_state_key layout");

/* What the rule loop needs about the packet; no packet pointers past parsing. */
struct hf_pkt {
	union {
		__u8 b[HF_ADDR_LEN];
		__u32 w[4];
	} addr;			/* source, network order, IPv4 mapped */
	__u64 now;		/* CLOCK_MONOTONIC ns (see cfg_precise_clock), 0 until needed */
	__u32 slot;		/* active rule slot, valid once have_slot */
	__u16 dport;		/* host order */
	__u8 family;		/* AF_INET / AF_INET6 */
	__u8 is_syn;		/* SYN set, ACK clear */
	__u8 method;		/* enum hf_method; HF_METHOD_OTHER = not a request line */
	__u8 have_slot;
	__u8 path_avail;	/* bytes valid in struct hf_path, 0..32 */
	__u8 pad;
	__u32 payload_off;	/* TCP payload offset from ctx->data */
	__u32 payload_len;	/* TCP payload bytes (IP length, capped at the frame end) */
};

struct hf_path {
	__u64 w[HF_PATH_PREFIX_MAX / 8];	/* raw path bytes after "METHOD " */
};

/* Largest TCP payload offset inspected (headers are far shorter; XDP frames are <= 1 page). */
#define HF_MAX_PAYLOAD_OFF	0x3FFF

/* Little-endian view of up to four characters, as loaded from packet memory. */
#define HF_W4(a, b, c, d) \
	((__u32)(__u8)(a) | (__u32)(__u8)(b) << 8 | (__u32)(__u8)(c) << 16 | (__u32)(__u8)(d) << 24)

static __always_inline void count(__u32 index)
{
	__u64 *value = bpf_map_lookup_elem(&hf_counters, &index);

	if (value)
		*value += 1;
}

static __always_inline __u64 pkt_now(struct hf_pkt *pkt)
{
	if (!pkt->now)
		pkt->now = cfg_precise_clock ? bpf_ktime_get_ns() : bpf_ktime_get_coarse_ns();
	return pkt->now;
}

static __always_inline __u32 pkt_slot(struct hf_pkt *pkt)
{
	__u32 zero = 0, *slot;

	if (!pkt->have_slot) {
		slot = bpf_map_lookup_elem(&hf_active_slot, &zero);
		pkt->slot = slot ? (*slot & 1) : 0;
		pkt->have_slot = 1;
	}
	return pkt->slot;
}

static __always_inline struct hf_rule *active_rule(struct hf_pkt *pkt, __u32 rule_id)
{
	__u32 key = pkt_slot(pkt) * HF_MAX_RULES + (rule_id & (HF_MAX_RULES - 1));
	struct hf_rule *rule = bpf_map_lookup_elem(&hf_rules, &key);

	if (!rule || !rule->active)
		return NULL;
	return rule;
}

static __always_inline __u64 wakeup_flags(void)
{
	if (!cfg_wakeup_min_bytes)
		return 0;
	if (bpf_ringbuf_query(&hf_events, BPF_RB_AVAIL_DATA) >= cfg_wakeup_min_bytes)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

static __always_inline void emit(struct hf_pkt *pkt, __u8 type, __u32 rule_id, __u32 cnt,
				 __u64 expires_ns, __u8 mode, __u8 reason)
{
	struct hf_event *e = bpf_ringbuf_reserve(&hf_events, sizeof(*e), 0);

	if (!e) {
		count(HF_CNT_EVENTS_LOST);
		return;
	}
	e->timestamp_ns = pkt_now(pkt);
	e->block_expires_ns = expires_ns;
	__builtin_memcpy(e->addr, pkt->addr.b, HF_ADDR_LEN);
	e->count = cnt;
	e->rule_id = rule_id;
	e->dport = pkt->dport;
	e->type = type;
	e->family = pkt->family;
	e->mode = mode;
	e->reason = reason;
	e->pad[0] = 0;
	e->pad[1] = 0;
	bpf_ringbuf_submit(e, wakeup_flags());
}

static __always_inline int port_matches(const struct hf_rule *rule, __u16 dport)
{
	__u8 n = rule->port_count;
	int i;

	if (!n)
		return 1;
#pragma unroll
	for (i = 0; i < HF_MAX_PORTS; i++) {
		if (i >= n)
			break;
		if (rule->ports[i] == dport)
			return 1;
	}
	return 0;
}

/* Bytes 0..n-1 of a loaded 8-byte word (n in 1..8). */
static __always_inline __u64 low_bytes_mask(__u32 n)
{
	if (n >= 8)
		return ~0ULL;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (1ULL << (n * 8)) - 1;
#else
	return ~0ULL << ((8 - n) * 8);
#endif
}

/* Word-wise prefix compare: at most 4 masked 8-byte compares, no per-byte loop. */
static __always_inline int path_matches(const struct hf_rule *rule, const struct hf_pkt *pkt,
					const struct hf_path *path)
{
	__u32 len = rule->path_len;
	const __u64 *want = (const __u64 *)rule->path_prefix;
	int i;

	if (!len)
		return 1;
	if (len > HF_PATH_PREFIX_MAX || len > pkt->path_avail)
		return 0;
#pragma unroll
	for (i = 0; i < HF_PATH_PREFIX_MAX / 8; i++) {
		if (len <= (__u32)i * 8)
			break;
		if ((want[i] ^ path->w[i]) & low_bytes_mask(len - i * 8))
			return 0;
	}
	return 1;
}

static __always_inline int rule_matches(const struct hf_rule *rule, const struct hf_pkt *pkt,
					const struct hf_path *path)
{
	if (rule->count_kind == HF_COUNT_REQUESTS) {
		if (pkt->method >= HF_METHOD_OTHER)
			return 0;
		if (rule->method_mask && !(rule->method_mask & (1U << pkt->method)))
			return 0;
		if (!path_matches(rule, pkt, path))
			return 0;
	} else if (rule->count_kind == HF_COUNT_CONNECTIONS) {
		if (!pkt->is_syn)
			return 0;
	} else {
		return 0;
	}
	return port_matches(rule, pkt->dport);
}

/*
 * Write a block entry. A shadow rule never replaces a live entry (an enforcing block must not
 * be weakened by an audit-only rule); an enforcing rule replaces whatever is there.
 */
static __always_inline void add_block(struct hf_pkt *pkt, const struct hf_rule *rule,
				      __u32 rule_id, __u32 cnt)
{
	struct hf_block_key key;
	struct hf_block value = {}, *old;
	__u64 now = pkt_now(pkt);

	__builtin_memcpy(key.addr, pkt->addr.b, HF_ADDR_LEN);
	if (rule->mode == HF_MODE_SHADOW) {
		old = bpf_map_lookup_elem(&hf_blocks, &key);
		if (old && old->expires_ns > now)
			return;
	}
	value.expires_ns = now + rule->block_ns;
	if (value.expires_ns < now)
		value.expires_ns = ~0ULL;
	value.rule_id = rule_id;
	if (bpf_map_update_elem(&hf_blocks, &key, &value, BPF_ANY))
		return;
	count(HF_CNT_BLOCKS_ADDED);
	emit(pkt, HF_EVENT_BLOCKED, rule_id, cnt, value.expires_ns, rule->mode, 0);
}

/* A drop decision by a rule: enforce drops, shadow only counts. */
static __always_inline void rule_drop(const struct hf_rule *rule, __u32 rule_id, int *verdict)
{
	if (rule->mode == HF_MODE_SHADOW) {
		count(HF_CNT_RULE_SHADOW_DROPS + rule_id);
	} else {
		count(HF_CNT_RULE_DROPS + rule_id);
		*verdict = XDP_DROP;
	}
}

/* Fixed-window count for (source, rule); returns 1 when this packet is over the threshold. */
static __always_inline int rate_over(struct hf_pkt *pkt, const struct hf_rule *rule, __u32 rule_id)
{
	struct hf_state_key key;
	struct hf_state *st;
	__u64 now = pkt_now(pkt);
	__u32 cnt;

	__builtin_memcpy(key.addr, pkt->addr.b, HF_ADDR_LEN);
	key.rule_id = rule_id;
	st = bpf_map_lookup_elem(&hf_src_state, &key);
	if (!st) {
		struct hf_state init = { .window_start_ns = now, .count = 1 };

		/* threshold >= 1 here, so a first packet is never over it. */
		bpf_map_update_elem(&hf_src_state, &key, &init, BPF_ANY);
		return 0;
	}
	if (now - st->window_start_ns >= rule->window_ns) {
		st->window_start_ns = now;
		st->count = 1;
		st->flags = 0;
	} else if (st->count != ~0U) {
		st->count += 1;
	}
	cnt = st->count;
	if (cnt <= rule->threshold)
		return 0;
	if (!(st->flags & HF_STATE_REPORTED)) {
		st->flags |= HF_STATE_REPORTED;
		count(HF_CNT_RULE_ALERTS + rule_id);
		emit(pkt, HF_EVENT_THRESHOLD_CROSSED, rule_id, cnt, 0, rule->mode, 0);
		if (rule->action == HF_ACTION_DROP && rule->block_ns)
			add_block(pkt, rule, rule_id, cnt);
	}
	return 1;
}

/* Returns XDP_DROP when the source has a live block for this port under an enforcing rule. */
static __always_inline int check_block(struct hf_pkt *pkt)
{
	struct hf_block_key key;
	struct hf_block *blk;
	struct hf_rule *rule;
	__u64 expires_ns, now;
	__u32 rule_id;

	__builtin_memcpy(key.addr, pkt->addr.b, HF_ADDR_LEN);
	blk = bpf_map_lookup_elem(&hf_blocks, &key);
	if (!blk)
		return XDP_PASS;
	now = pkt_now(pkt);
	expires_ns = blk->expires_ns;
	rule_id = blk->rule_id;
	rule = rule_id < HF_MAX_RULES ? active_rule(pkt, rule_id) : NULL;
	if (!rule || now >= expires_ns) {
		/* Only the CPU whose delete succeeds reports, so one event per block. */
		if (bpf_map_delete_elem(&hf_blocks, &key) == 0) {
			count(HF_CNT_UNBLOCKED);
			emit(pkt, HF_EVENT_UNBLOCKED, rule_id, 0, expires_ns, rule ? rule->mode : 0,
			     rule ? HF_UNBLOCK_EXPIRED : HF_UNBLOCK_RULE_GONE);
		}
		return XDP_PASS;
	}
	if (!port_matches(rule, pkt->dport))
		return XDP_PASS;
	rule_id &= HF_MAX_RULES - 1;
	if (rule->mode == HF_MODE_SHADOW) {
		count(HF_CNT_BLOCKED_SHADOW);
		count(HF_CNT_RULE_SHADOW_DROPS + rule_id);
		return XDP_PASS;
	}
	count(HF_CNT_BLOCKED_DROPS);
	count(HF_CNT_RULE_DROPS + rule_id);
	return XDP_DROP;
}

/*
 * Recognise "METHOD " at the start of the payload from one 8-byte load (zero-filled when the
 * payload is shorter). Returns the enum hf_method, HF_METHOD_OTHER when none; *len is the
 * length of "METHOD " (the path starts there).
 */
static __always_inline __u8 parse_method(struct xdp_md *ctx, void *payload, void *data_end,
					 __u32 payload_len, __u32 *len)
{
	__u64 word = 0;
	__u32 lo, hi;

	if (!payload_len)
		return HF_METHOD_OTHER;
	if (payload_len >= 8) {
		if (payload + 8 > data_end)
			return HF_METHOD_OTHER;
		word = *(__u64 *)payload;
	} else {
		__u32 n = payload_len;	/* 1..7 */

		/* 1..8 for the verifier (see read_path), whatever the compiler knows about n. */
		barrier_var(n);
		n = ((n - 1) & 7) + 1;
		if (bpf_xdp_load_bytes(ctx, payload - (void *)(long)ctx->data, &word, n))
			return HF_METHOD_OTHER;
	}
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	word = __builtin_bswap64(word);
#endif
	lo = (__u32)word;
	hi = (__u32)(word >> 32);
	switch (lo) {
	case HF_W4('G', 'E', 'T', ' '):
		*len = 4;
		return HF_METHOD_GET;
	case HF_W4('P', 'U', 'T', ' '):
		*len = 4;
		return HF_METHOD_PUT;
	case HF_W4('H', 'E', 'A', 'D'):
		*len = 5;
		return (hi & 0xFF) == ' ' ? HF_METHOD_HEAD : HF_METHOD_OTHER;
	case HF_W4('P', 'O', 'S', 'T'):
		*len = 5;
		return (hi & 0xFF) == ' ' ? HF_METHOD_POST : HF_METHOD_OTHER;
	case HF_W4('P', 'A', 'T', 'C'):
		*len = 6;
		return (hi & 0xFFFF) == HF_W4('H', ' ', 0, 0) ? HF_METHOD_PATCH : HF_METHOD_OTHER;
	case HF_W4('T', 'R', 'A', 'C'):
		*len = 6;
		return (hi & 0xFFFF) == HF_W4('E', ' ', 0, 0) ? HF_METHOD_TRACE : HF_METHOD_OTHER;
	case HF_W4('D', 'E', 'L', 'E'):
		*len = 7;
		return (hi & 0xFFFFFF) == HF_W4('T', 'E', ' ', 0) ? HF_METHOD_DELETE : HF_METHOD_OTHER;
	case HF_W4('O', 'P', 'T', 'I'):
		*len = 8;
		return hi == HF_W4('O', 'N', 'S', ' ') ? HF_METHOD_OPTIONS : HF_METHOD_OTHER;
	case HF_W4('C', 'O', 'N', 'N'):
		*len = 8;
		return hi == HF_W4('E', 'C', 'T', ' ') ? HF_METHOD_CONNECT : HF_METHOD_OTHER;
	}
	return HF_METHOD_OTHER;
}

/* Copy up to 32 path bytes starting at payload offset off; sets pkt->path_avail. */
static __always_inline void read_path(struct xdp_md *ctx, struct hf_pkt *pkt, struct hf_path *path,
				      void *payload, void *data_end, __u32 payload_len, __u32 off)
{
	__u32 avail;
	void *p;

	if (off >= payload_len || off > 8)
		return;
	avail = payload_len - off;
	p = payload + off;
	if (avail >= HF_PATH_PREFIX_MAX) {
		if (p + HF_PATH_PREFIX_MAX > data_end)
			return;
		path->w[0] = ((__u64 *)p)[0];
		path->w[1] = ((__u64 *)p)[1];
		path->w[2] = ((__u64 *)p)[2];
		path->w[3] = ((__u64 *)p)[3];
		pkt->path_avail = HF_PATH_PREFIX_MAX;
		return;
	}
	if (!avail)
		return;
	/*
	 * 1..31 here. Re-derive the bound in a form the verifier tracks on 6.1 as well (it loses a
	 * separate != 0 test): ((n - 1) & 31) + 1 is 1..32, the size of struct hf_path.
	 */
	barrier_var(avail);
	avail = ((avail - 1) & (HF_PATH_PREFIX_MAX - 1)) + 1;
	if (bpf_xdp_load_bytes(ctx, p - (void *)(long)ctx->data, path, avail))
		return;
	pkt->path_avail = avail;
}

/*
 * One candidate rule against the packet. A global (non-static, noinline) function: the
 * verifier checks it once instead of once per loop iteration and caller state, which keeps
 * the 32-rule loop far below the complexity limit on 6.1 as on 6.18.
 * Returns XDP_DROP when the rule drops the packet (enforce), else XDP_PASS.
 */
__noinline int hf_eval_rule(struct hf_pkt *pkt, const struct hf_path *path, __u32 rule_id)
{
	struct hf_rule *rule;
	int verdict = XDP_PASS;

	if (!pkt || !path || rule_id >= HF_MAX_RULES)
		return XDP_PASS;
	rule = active_rule(pkt, rule_id);
	if (!rule || !rule_matches(rule, pkt, path))
		return XDP_PASS;
	count(HF_CNT_RULE_MATCHES + rule_id);
	if (!rule->threshold) {
		/* Static rule: every match counts; drop rules drop every match, no block. */
		if (rule->action == HF_ACTION_DROP)
			rule_drop(rule, rule_id, &verdict);
		return verdict;
	}
	if (rate_over(pkt, rule, rule_id) && rule->action == HF_ACTION_DROP)
		rule_drop(rule, rule_id, &verdict);
	return verdict;
}

static __always_inline int pass_reason(int reason)
{
	count(HF_CNT_PARSE_BASE + ((__u32)reason < PARSE_ERR_MAX ? reason : PARSE_ERR_NOT_IP));
	return XDP_PASS;
}

/*
 * Everything after header parsing: allowlist, block map, request line / SYN, rules.
 * Global (verified once for any arguments) so the many packet layouts the parser accepts
 * (VLAN depth x IPv4 options x IPv6 extension chains x TCP options) do not each re-verify it.
 * pkt carries the source, ports and payload position as plain numbers; packet pointers are
 * rebuilt here from ctx with fresh bounds checks.
 */
__noinline int hf_inspect(struct xdp_md *ctx, struct hf_pkt *pkt)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct hf_path path = {};
	struct hf_lpm_key lpm;
	__u32 payload_len, method_len = 0, id;
	__u64 *maskp, mask;
	int verdict = XDP_PASS;
	void *payload;

	if (!pkt)
		return XDP_PASS;

	/* ---- source decisions, before any L7 work ---- */
	lpm.prefixlen = 128;
	__builtin_memcpy(lpm.addr, pkt->addr.b, HF_ADDR_LEN);
	if (bpf_map_lookup_elem(&hf_allow, &lpm)) {
		count(HF_CNT_ALLOWLISTED);
		return XDP_PASS;
	}
	if (check_block(pkt) == XDP_DROP)
		return XDP_DROP;

	/* ---- L7: request line or SYN ---- */
	pkt->method = HF_METHOD_OTHER;
	payload_len = pkt->payload_len;
	/* Bound below MAX_PACKET_OFF (0xffff) so the verifier keeps ranges for payload + n. */
	if (pkt->payload_off > HF_MAX_PAYLOAD_OFF)
		return XDP_PASS;
	payload = data + (pkt->payload_off & HF_MAX_PAYLOAD_OFF);
	if (payload_len) {
		pkt->method = parse_method(ctx, payload, data_end, payload_len, &method_len);
		count(HF_CNT_METHOD_BASE + pkt->method);
	}
	if (pkt->is_syn)
		count(HF_CNT_TCP_SYN);
	if (pkt->method == HF_METHOD_OTHER && !pkt->is_syn)
		return XDP_PASS;

	/* ---- candidate rules for this source: one LPM lookup ---- */
	if (pkt_slot(pkt))
		maskp = bpf_map_lookup_elem(&hf_rule_src1, &lpm);
	else
		maskp = bpf_map_lookup_elem(&hf_rule_src0, &lpm);
	if (!maskp)
		return XDP_PASS;
	mask = *maskp & 0xFFFFFFFFULL;
	if (!mask)
		return XDP_PASS;
	if (pkt->method != HF_METHOD_OTHER)
		read_path(ctx, pkt, &path, payload, data_end, payload_len, method_len);

	for (id = 0; id < HF_MAX_RULES; id++) {
		if (!(mask >> id))
			break;
		if (((mask >> id) & 1) && hf_eval_rule(pkt, &path, id) == XDP_DROP)
			verdict = XDP_DROP;
	}
	return verdict;
}

/* Headers only: returns the verdict, counting why a packet is not inspected. */
static __always_inline int hf_process(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct hdr_cursor nh = { .pos = data };
	struct hf_pkt pkt = {};
	struct ethhdr *eth;
	struct iphdr *iph;
	struct ipv6hdr *ip6h;
	struct tcphdr *tcph;
	__u32 ip_end, frame_len, payload_off;
	int proto, err = PARSE_ERR_NOT_IP;

	proto = parse_ethhdr(&nh, data_end, &eth, &err);
	if (proto < 0)
		return pass_reason(err);

	if (proto == NS_ETH_P_IP) {
		ip_end = nh.pos - data;
		proto = parse_iphdr(&nh, data_end, &iph, &err);
		if (proto < 0)
			return pass_reason(err);
		if (bpf_ntohs(iph->frag_off) & NS_IP_OFFSET)
			return pass_reason(PARSE_ERR_FRAGMENT);
		ip_end += bpf_ntohs(iph->tot_len);
		pkt.family = AF_INET;
		pkt.addr.w[2] = bpf_htonl(0x0000FFFF);
		pkt.addr.w[3] = iph->saddr;
	} else if (proto == NS_ETH_P_IPV6) {
		ip_end = nh.pos - data;
		proto = parse_ip6hdr(&nh, data_end, &ip6h, &err);
		if (proto < 0)
			return pass_reason(err);
		/* payload_len 0 (jumbogram) leaves the frame end as the limit. */
		if (ip6h->payload_len)
			ip_end += sizeof(*ip6h) + bpf_ntohs(ip6h->payload_len);
		else
			ip_end = ~0U;
		__builtin_memcpy(pkt.addr.b, &ip6h->saddr, HF_ADDR_LEN);
		pkt.family = AF_INET6;
		proto = parse_ip6_ext(&nh, data_end, proto, &err);
		if (proto < 0)
			return pass_reason(err);
	} else {
		return pass_reason(PARSE_ERR_NOT_IP);
	}
	if (proto != NS_IPPROTO_TCP)
		return pass_reason(PARSE_ERR_NOT_TCP);
	if (parse_tcphdr(&nh, data_end, &tcph, &err) < 0)
		return pass_reason(err);
	pkt.dport = bpf_ntohs(tcph->dest);
	/* Byte 13: flags. SYN 0x02 set and ACK 0x10 clear is a connection attempt. */
	pkt.is_syn = (((__u8 *)tcph)[13] & 0x12) == 0x02;

	/* Payload ends at the IP length (drops Ethernet padding) or the frame, whichever is first. */
	payload_off = nh.pos - data;
	frame_len = data_end - data;
	if (ip_end > frame_len)
		ip_end = frame_len;
	pkt.payload_off = payload_off;
	pkt.payload_len = ip_end > payload_off ? ip_end - payload_off : 0;
	return hf_inspect(ctx, &pkt);
}

SEC("xdp")
int xdp_http_flood(struct xdp_md *ctx)
{
	int verdict;

	count(HF_CNT_PACKETS);
	verdict = hf_process(ctx);
	count(verdict == XDP_DROP ? HF_CNT_DROPPED : HF_CNT_PASSED);
	return verdict;
}
