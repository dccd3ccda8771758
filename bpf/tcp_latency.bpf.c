// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * TCP request/response latency, aggregated in the kernel.
 *
 * Three rungs of entry programs share one handler (on_send / on_recv):
 *   fentry     fentry/tcp_sendmsg + fexit/tcp_recvmsg            (cheapest, needs trampolines)
 *   kprobe     kprobe/tcp_sendmsg + kprobe+kretprobe/tcp_recvmsg  (needs CONFIG_KPROBES)
 *   tracepoint tp_btf/sock_send_length + tp_btf/sock_recv_length (6.3+); before 6.3
 *              syscalls:sys_enter_/sys_exit_ of the socket I/O syscalls (the last section)
 * User space (TcpLatencyProbe.cs) turns off the other rungs' programs before load.
 * The socket role comes from inet_sock_set_state and retransmits from tcp_retransmit_skb, attached with
 * every rung in the variant that matches its socket state storage (below).
 *
 * Socket state storage: a program that gets the socket as a BTF pointer (tp_btf, fentry/fexit) keeps the
 * state in the socket itself (sock_storage, BPF_MAP_TYPE_SK_STORAGE: a lookup is a pointer walk, no hash,
 * no capacity; the kernel frees it with the socket) and reads socket fields with plain loads. The others
 * (kprobe, classic tracepoints) only have its address: they key sock_states, an LRU hash, by it and read
 * fields with bpf_probe_read_kernel. Each rung is attached with the tp_btf or the tp variant of the shared
 * programs to match. The handlers take how they reach the socket (enum sk_access), a constant in every
 * program, so each program keeps only its own storage and reads.
 *
 * Events: connection closes and slow requests go to the tcp_events ring buffer, thinned by the
 * sampling shift in tcp_event_sampling (user space raises it when the event rate exceeds its budget).
 * Histograms and counters are never sampled. Every event is counted: offered (before sampling),
 * produced (kept by sampling) and lost (ring full), so user space can prove nothing vanished.
 *
 * Series: everything recorded for one (role, port) lives in one entry of the per-CPU array tcp_series.
 * tcp_series_keys maps a series' key to its entry, and a socket resolves its series once, when it
 * reaches ESTABLISHED, and keeps the index in its sock_state: a send or receive then costs one state
 * lookup (sock_storage or sock_states) and one array lookup, which the verifier inlines.
 *
 * Cardinality: user space sizes the series maps to (configured ports + "other") x 2 roles + cap
 * entries, creates the keys of configured ports and of TCP_PORT_OTHER before attaching, and pushes the
 * remaining indexes into tcp_series_free. A new series pops its index there; when none is left (the
 * cap), the socket counts under TCP_PORT_OTHER of its role instead.
 */
#include "include/netscope_common.h"
#include <bpf/bpf_endian.h>
#include "include/histogram.h"
#include "tcp_latency.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Per-socket state, created when a TCP socket reaches ESTABLISHED and deleted when it reaches CLOSE. */
struct sock_state {
	__u64 pending_ts_ns;	/* start of the request in flight, 0 when none */
	__u64 open_ts_ns;	/* when the socket reached ESTABLISHED */
	__u64 bytes_sent;
	__u64 bytes_received;
	__u32 retransmits;
	__u32 requests;		/* requests completed */
	__u32 pid;		/* tgid of the first process seen sending/receiving */
	__u32 series;		/* entry of tcp_series (TCP_SERIES_NONE: not counted) */
	__u32 write_seq;	/* the socket's write_seq at its last send event, 0 before the first (sock tracepoints only, see send_time_ns) */
	__u32 copied_seq;	/* its copied_seq at its last receive event, 0 before the first (idem, recv_time_ns) */
	__u16 port;		/* series port (see struct tcp_lat_key); events carry it even when folded into "other" */
	__u8 role;		/* enum tcp_role */
	__u8 identified;	/* pid and comm are set */
	char comm[16];
};

/* Rungs that only have the socket's address: keyed by it. LRU so missed closes cannot fill it; when more
 * sockets are open at once, the least recently used one's state is evicted (see TCP_COUNTER_SOCKETS_*). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct sock_state);
} sock_states SEC(".maps");

/* Rungs with a BTF socket pointer: the state lives in the socket (allocated on create, so no prealloc). */
struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sock_state);
} sock_storage SEC(".maps");

/* The three series maps are resized together by user space (see "Cardinality" above). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct tcp_series);
} tcp_series SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct tcp_lat_key);
	__type(value, struct tcp_series_slot);
} tcp_series_keys SEC(".maps");

/* Indexes of tcp_series no series holds yet. A queue pops atomically, so two CPUs meeting new series
 * at once never take the same index (and it needs no BPF atomics, which came in 5.12). */
struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 1024);
	__type(value, __u32);
} tcp_series_free SEC(".maps");

/* sock_state.series of a socket whose series has no entry (user space did not create "other"). */
#define TCP_SERIES_NONE 0xffffffffU

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TCP_COUNTER_MAX);
	__type(key, __u32);
	__type(value, __u64);
} tcp_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);	/* resized by user space (events.ring_size) */
} tcp_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} tcp_event_sampling SEC(".maps");

/*
 * What user space configures at load (TcpLatencyProbe sets it between open and load). libbpf freezes .rodata
 * sections read-only, so to the verifier every read of it is a constant: a check costs no memory access and the
 * code of a feature turned off is dropped at load. The slow-request threshold used to be read from a map on every
 * completed request, which cost about a point of throughput on the probe bench (bench/NOTES.md).
 */
const volatile struct tcp_latency_cfg cfg SEC(".rodata.cfg") = {};

/* Filled in by libbpf at load from the running kernel's release (recv_time_ns). */
extern unsigned int LINUX_KERNEL_VERSION __kconfig;

/* Where receive times come from (recv_time_ns), in a section of its own so user space reads exactly it. Plain stores
 * from several CPUs: a lost update only delays or repeats a decision. */
struct tcp_recv_time_state recv_time SEC(".data.recv_time") = {};

/* Ring buffer records are untyped; this anchor puts struct tcp_event into the object's BTF so user
 * space can check its C# mirror against it (StructLayoutTests). */
const struct tcp_event *unused_tcp_event __attribute__((unused));
_Static_assert(sizeof(struct tcp_event) == 104, "struct tcp_event layout");

/* kprobe rung only: tcp_recvmsg arguments saved at entry for the kretprobe. */
struct recv_args {
	__u64 sk;
	__s32 flags;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct recv_args);
} recv_args_by_tid SEC(".maps");

/* Stable tracepoint layout (include/trace/events/tcp.h since 4.15), read without CO-RE because the
 * kernel's struct for it was renamed (tcp_event_sk_skb -> tcp_retransmit_skb in 6.x). */
struct ns_tcp_retransmit_args {
	__u64 common;
	const void *skbaddr;
	const void *skaddr;
};

/*
 * The tcp_series index of @key, a new one taken from tcp_series_free on first use. When none is left
 * (the tracked-port cap), the index of the TCP_PORT_OTHER series of the same role, created by user space.
 */
static __always_inline __u32 series_index(const struct tcp_lat_key *key)
{
	struct tcp_lat_key other = { .role = key->role, .port = TCP_PORT_OTHER };
	struct tcp_series_slot slot = {};
	struct tcp_series_slot *found = bpf_map_lookup_elem(&tcp_series_keys, key);

	if (found)
		return found->index;
	if (bpf_map_pop_elem(&tcp_series_free, &slot.index) == 0) {
		if (bpf_map_update_elem(&tcp_series_keys, key, &slot, BPF_NOEXIST) == 0)
			return slot.index;
		/* Another CPU created the series meanwhile: give the index back and use theirs. */
		bpf_map_push_elem(&tcp_series_free, &slot.index, 0);
		found = bpf_map_lookup_elem(&tcp_series_keys, key);
		if (found)
			return found->index;
	}
	found = bpf_map_lookup_elem(&tcp_series_keys, &other);
	return found ? found->index : TCP_SERIES_NONE;
}

/* The socket's series entry on this CPU, or NULL when it has none. */
static __always_inline struct tcp_series *series_of(const struct sock_state *state)
{
	return bpf_map_lookup_elem(&tcp_series, &state->series);
}

static __always_inline __u64 *counter(__u32 index)
{
	return bpf_map_lookup_elem(&tcp_counters, &index);
}

static __always_inline void count(__u32 index)
{
	__u64 *value = counter(index);

	if (value)
		*value += 1;
}

/* The sampling shift in force (tcp_event_sampling), at most TCP_EVENT_MAX_SAMPLE_SHIFT. */
static __always_inline __u32 event_sample_shift(void)
{
	__u32 zero = 0;
	__u32 *shift = bpf_map_lookup_elem(&tcp_event_sampling, &zero);

	if (!shift)
		return 0;
	return *shift > TCP_EVENT_MAX_SAMPLE_SHIFT ? TCP_EVENT_MAX_SAMPLE_SHIFT : *shift;
}

/*
 * A zeroed tcp_event in the ring for an event that is due, or NULL when sampling skips it or the
 * ring is full. The caller fills it and submits it.
 */
static __always_inline struct tcp_event *event_reserve(__u8 type, const struct sock_state *state)
{
	__u32 shift;
	struct tcp_event *event;

	count(TCP_COUNTER_EVENTS_OFFERED);
	shift = event_sample_shift();
	if (shift && (bpf_get_prandom_u32() & ((1U << shift) - 1)))
		return NULL;
	count(TCP_COUNTER_EVENTS_PRODUCED);
	event = bpf_ringbuf_reserve(&tcp_events, sizeof(*event), 0);
	if (!event) {
		count(TCP_COUNTER_EVENTS_LOST);
		return NULL;
	}
	__builtin_memset(event, 0, sizeof(*event));
	event->type = type;
	event->role = state->role;
	event->series_port = state->port;
	event->pid = state->pid;
	__builtin_memcpy(event->comm, state->comm, sizeof(event->comm));
	event->timestamp_ns = bpf_ktime_get_ns();
	return event;
}

/* IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d); @addr in network byte order. */
static __always_inline void ipv4_mapped(__u8 *out, __u32 addr)
{
	out[10] = 0xff;
	out[11] = 0xff;
	__builtin_memcpy(out + 12, &addr, 4);
}

/*
 * Every handler below takes the socket as @sk plus how to reach it, @access, a constant in each program, so
 * only one branch of these survives compilation:
 *   SK_ADDR      @sk is an address (kprobe, classic tracepoints): the state is in sock_states and fields
 *                are read with bpf_probe_read_kernel;
 *   SK_BTF       @sk is a BTF pointer (tp_btf, fentry/fexit): the state is in sock_storage and fields are
 *                plain loads (the verifier checks them against BTF; a fault reads 0); the tcp_sock behind
 *                it comes from the bpf_skc_to_tcp_sock helper (5.9+);
 *   SK_BTF_CAST  as SK_BTF, but the tcp_sock comes from the bpf_rdonly_cast kfunc (6.2+), which costs no
 *                call at run time: a helper call is one of the dearest things on these paths (each return
 *                goes through the kernel's return thunk). Only the sock tracepoints (6.3+) use it, so no
 *                program that loads on an older kernel refers to it.
 * Field paths are CO-RE relocated either way.
 */
enum sk_access {
	SK_ADDR,
	SK_BTF,
	SK_BTF_CAST,
};

/* Weak: absent before 6.2, where only programs that are never loaded refer to it (see SK_BTF_CAST). */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

#define SK_READ(access, ptr, field) ((access) != SK_ADDR ? (ptr)->field : BPF_CORE_READ(ptr, field))
#define SK_READ_ARRAY(access, dst, ptr, field)					\
	do {									\
		if ((access) != SK_ADDR)					\
			__builtin_memcpy(dst, (ptr)->field, sizeof(*(dst)));	\
		else								\
			BPF_CORE_READ_INTO(dst, ptr, field);			\
	} while (0)

/* @sk as a tcp_sock (the verifier only lets a pointer typed as struct tcp_sock reach the fields past struct
 * sock). NULL: not a TCP socket; SK_BTF_CAST and SK_ADDR do not check, their callers only pass TCP sockets
 * (the sock tracepoints check sk_protocol, the others are TCP functions or checked sockets). */
static __always_inline struct tcp_sock *tcp_sock_of(__u64 sk, enum sk_access access)
{
	if (access == SK_BTF_CAST)
		return bpf_rdonly_cast((void *)sk, bpf_core_type_id_kernel(struct tcp_sock));
	if (access == SK_BTF)
		return bpf_skc_to_tcp_sock((void *)sk);
	return (struct tcp_sock *)sk;
}

/* The socket's state, or NULL when it is not tracked. */
static __always_inline struct sock_state *sock_state_of(__u64 sk, enum sk_access access)
{
	if (access != SK_ADDR)
		return bpf_sk_storage_get(&sock_storage, (void *)sk, NULL, 0);
	return bpf_map_lookup_elem(&sock_states, &sk);
}

/* Gives the socket @init as its state; false when there was no room (counted by the caller). A socket
 * cannot have a state here already: it reaches ESTABLISHED once per CLOSE, which deletes the state. */
static __always_inline bool sock_state_create(__u64 sk, struct sock_state *init, enum sk_access access)
{
	if (access != SK_ADDR)
		return bpf_sk_storage_get(&sock_storage, (void *)sk, init, BPF_SK_STORAGE_GET_F_CREATE) != NULL;
	return bpf_map_update_elem(&sock_states, &sk, init, BPF_ANY) == 0;
}

static __always_inline void sock_state_delete(__u64 sk, enum sk_access access)
{
	if (access != SK_ADDR)
		bpf_sk_storage_delete(&sock_storage, (void *)sk);
	else
		bpf_map_delete_elem(&sock_states, &sk);
}

/* Local and remote endpoints and the smoothed RTT of the socket @tp (from tcp_sock_of; NULL: left zero). */
static __always_inline void event_fill_socket(struct tcp_event *event, struct tcp_sock *tp, enum sk_access access)
{
	if (!tp)
		return;
	/* inet_sport, not skc_num: a closing socket's skc_num is already 0 (port released) when
	 * inet_sock_set_state reports CLOSE. */
	event->local_port = bpf_ntohs(SK_READ(access, tp, inet_conn.icsk_inet.inet_sport));
	event->remote_port = bpf_ntohs(SK_READ(access, tp, inet_conn.icsk_inet.sk.__sk_common.skc_dport));
	if (SK_READ(access, tp, inet_conn.icsk_inet.sk.__sk_common.skc_family) == AF_INET6) {
		SK_READ_ARRAY(access, &event->local_addr, tp, inet_conn.icsk_inet.sk.__sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		SK_READ_ARRAY(access, &event->remote_addr, tp, inet_conn.icsk_inet.sk.__sk_common.skc_v6_daddr.in6_u.u6_addr8);
	} else {
		ipv4_mapped(event->local_addr, SK_READ(access, tp, inet_conn.icsk_inet.sk.__sk_common.skc_rcv_saddr));
		ipv4_mapped(event->remote_addr, SK_READ(access, tp, inet_conn.icsk_inet.sk.__sk_common.skc_daddr));
	}
	event->srtt_us = SK_READ(access, tp, srtt_us) >> 3;
}

/* The first process seen using the socket owns it in events (softirq state changes have no process). */
static __always_inline void identify(struct sock_state *state)
{
	if (state->identified)
		return;
	state->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(state->comm, sizeof(state->comm));
	state->identified = 1;
}

static __always_inline void observe(struct tcp_lat_hist *hist, __u64 value_ns)
{
	__u32 slot = ns_hist_slot(value_ns);

	if (slot >= NS_HIST_SLOTS)
		return;
	hist->slots[slot] += 1;
	hist->sum_ns += value_ns;
	hist->count += 1;
}

/* A request completed: its latency, the socket's smoothed RTT at that moment, and a slow-request event. */
static __always_inline void record_latency(struct sock_state *state, struct tcp_series *series, __u64 sk,
					   enum sk_access access, __u64 latency_ns)
{
	/* Once for the RTT and the slow-request event: with SK_BTF it is a helper call. */
	struct tcp_sock *tp = tcp_sock_of(sk, access);
	struct tcp_event *event;
	__u32 srtt_us;

	if (series) {
		observe(&series->latency, latency_ns);
		srtt_us = tp ? SK_READ(access, tp, srtt_us) >> 3 : 0;
		if (srtt_us)
			observe(&series->rtt, (__u64)srtt_us * 1000);
	}
	state->requests += 1;
	if (!cfg.slow_threshold_ns || latency_ns < cfg.slow_threshold_ns)
		return;
	event = event_reserve(TCP_EVENT_SLOW_REQUEST, state);
	if (!event)
		return;
	event_fill_socket(event, tp, access);
	event->duration_ns = latency_ns;
	bpf_ringbuf_submit(event, 0);
}

/* A tracked socket closed: one record of its whole life. */
static __always_inline void record_close(struct sock_state *state, __u64 sk, enum sk_access access)
{
	struct tcp_event *event;

	if (!cfg.close_events)
		return;
	event = event_reserve(TCP_EVENT_CONNECTION_CLOSE, state);
	if (!event)
		return;
	event_fill_socket(event, tcp_sock_of(sk, access), access);
	event->duration_ns = event->timestamp_ns - state->open_ts_ns;
	event->bytes_sent = state->bytes_sent;
	event->bytes_received = state->bytes_received;
	event->retransmits = state->retransmits;
	event->requests = state->requests;
	bpf_ringbuf_submit(event, 0);
}

/* From @start_ns to @end_ns. A transmit time comes from ktime_get_ns, a clock read from its NMI-safe variant
 * (ktime_get_mono_fast_ns): the two can disagree by nanoseconds, so a negative span counts as 0, not as 2^64. */
static __always_inline __u64 elapsed_ns(__u64 start_ns, __u64 end_ns)
{
	return end_ns > start_ns ? end_ns - start_ns : 0;
}

/*
 * Whether a socket's sequence number @seq (write_seq after a send, copied_seq after a receive) advanced by exactly
 * @bytes since *@last, its value at the socket's previous event of that kind, which @seq then becomes: the call's
 * bytes, and only they, went through the stack's own send or receive path.
 */
static __always_inline bool seq_advanced_by(__u32 *last, __u32 seq, long bytes)
{
	__u32 advanced = seq - *last;

	*last = seq;
	return advanced == (__u32)bytes;
}

/*
 * When the send that just returned happened, and the clock to count it under. On the sock tracepoint (SK_BTF_CAST,
 * which fires after the send) the stack has read the clock itself: tcp_write_xmit refreshes tcp_clock_cache before
 * it transmits, because the segments' send times (skb_mstamp_ns, hence every RTT sample) are taken from it. When
 * this send's bytes, and only they, were queued on the socket since its last send event (write_seq advanced by
 * exactly @bytes: no ULP such as kTLS added or held anything, no sockmap redirected it) and all of them have left
 * (snd_nxt == write_seq), they left during this call, so the cache lies between the call's start and now: the
 * response's (or request's) transmission. That saves a clock read, the dearest step of these programs (a
 * clocksource read through an indirect call; Linux 6.19 removed one from tcp_recvmsg for the same reason). Otherwise
 * (the data is still queued: cork, MSG_MORE, Nagle, congestion or receive window) the clock is read. The other
 * rungs hook the send's entry (fentry, kprobe) or have no BTF socket (syscalls): the clock, as before.
 * Receives: recv_time_ns.
 */
static __always_inline __u64 send_time_ns(struct sock_state *state, __u64 sk, long bytes, enum sk_access access)
{
	struct tcp_sock *tp;

	if (access == SK_BTF_CAST) {
		tp = tcp_sock_of(sk, access);
		if (seq_advanced_by(&state->write_seq, tp->write_seq, bytes) && tp->snd_nxt == tp->write_seq) {
			count(TCP_COUNTER_SEND_TIMES_TRANSMIT);
			return tp->tcp_clock_cache;
		}
	}
	count(TCP_COUNTER_SEND_TIMES_CLOCK);
	return bpf_ktime_get_ns();
}

/* Notes a send that is not timed (see send_time_ns: each timed send compares write_seq with the previous send's). */
static __always_inline void send_untimed(struct sock_state *state, __u64 sk, enum sk_access access)
{
	if (access == SK_BTF_CAST)
		state->write_seq = tcp_sock_of(sk, access)->write_seq;
}

/* Whether receives may take the time tcp_recvmsg read (recv_time_ns): a constant in each program once loaded. */
static __always_inline bool recv_times_from_stack(enum sk_access access)
{
	return access == SK_BTF_CAST && cfg.receive_max_age_ns && LINUX_KERNEL_VERSION < KERNEL_VERSION(6, 19, 0);
}

/* One check of a receive's stack time against the clock: true, with the clock's time in *@now_ns, when it is stale. */
static __always_inline bool recv_time_stale(__u64 stack_ns, __u64 *now_ns)
{
	count(TCP_COUNTER_RECV_TIME_CHECKS);
	*now_ns = bpf_ktime_get_ns();
	if (elapsed_ns(stack_ns, *now_ns) <= cfg.receive_max_age_ns) {
		if (recv_time.stale_strikes)
			recv_time.stale_strikes = 0;
		return false;
	}
	count(TCP_COUNTER_RECV_TIME_STALE);
	if (++recv_time.stale_strikes >= TCP_RECV_STALE_STRIKES)
		recv_time.from_clock = 1;
	return true;
}

/*
 * When the receive that just returned read its data, and the clock to count it under. Up to Linux 6.18 tcp_recvmsg
 * refreshes tcp_clock_cache after copying each skb (tcp_rcv_space_adjust), so on the sock tracepoint the cache is
 * the time of the call's last copy, a few hundred ns before now. It is taken when this call's bytes, and only they,
 * were consumed from the socket since its last receive event (copied_seq advanced by exactly @bytes: tcp_recvmsg
 * copied them, not a ULP such as kTLS or a sockmap reading on its own). Linux 6.19 dropped that refresh (Eric
 * Dumazet, "tcp: remove one ktime_get() from recvmsg() fast path"), after which the cache holds the data's arrival
 * or a later acknowledgement, not the read: from 6.19 on, and with cfg.receive_max_age_ns 0, receives read the clock.
 * A kernel that carries the change under an older version is caught at run time: one receive in 2^receive_check_shift
 * that would take the cache also reads the clock, and a cache older than receive_max_age_ns is stale. A stale check
 * takes the clock's time and leaves the per-CPU count that spaces the checks where it was, so the next receive is
 * checked too; TCP_RECV_STALE_STRIKES stale checks in a row (an interrupt in the window between the copy and the
 * tracepoint is one, not eight) turn the cache off for good (recv_time.from_clock).
 */
static __always_inline __u64 recv_time_ns(struct sock_state *state, __u64 sk, long bytes, enum sk_access access)
{
	struct tcp_sock *tp;
	__u64 *taken, stack_ns, now_ns;

	if (recv_times_from_stack(access)) {
		tp = tcp_sock_of(sk, access);
		taken = counter(TCP_COUNTER_RECV_TIMES_STACK);
		if (seq_advanced_by(&state->copied_seq, tp->copied_seq, bytes) && !recv_time.from_clock && taken) {
			stack_ns = tp->tcp_clock_cache;
			if (!(*taken & ((1ULL << cfg.receive_check_shift) - 1)) && recv_time_stale(stack_ns, &now_ns)) {
				count(TCP_COUNTER_RECV_TIMES_CLOCK);
				return now_ns;
			}
			*taken += 1;
			return stack_ns;
		}
	}
	count(TCP_COUNTER_RECV_TIMES_CLOCK);
	return bpf_ktime_get_ns();
}

/* Notes a receive that is not timed (see recv_time_ns: each timed receive compares copied_seq with the previous one's). */
static __always_inline void recv_untimed(struct sock_state *state, __u64 sk, enum sk_access access)
{
	if (recv_times_from_stack(access))
		state->copied_seq = tcp_sock_of(sk, access)->copied_seq;
}

/*
 * Server: a request starts at its first received bytes and ends at the first sent bytes.
 * Client: a request starts at its first sent bytes and ends at the first received bytes.
 * A response without a request in flight is not a sample.
 */
static __always_inline void on_send(__u64 sk, long bytes, enum sk_access access)
{
	struct tcp_series *series;
	struct sock_state *state;

	count(TCP_COUNTER_SEND_CALLS);
	if (bytes <= 0)
		return;
	state = sock_state_of(sk, access);
	if (!state)
		return;
	identify(state);
	state->bytes_sent += bytes;
	series = series_of(state);
	if (series)
		series->stats.bytes_sent += bytes;
	if (state->role == TCP_ROLE_SERVER && state->pending_ts_ns) {
		record_latency(state, series, sk, access, elapsed_ns(state->pending_ts_ns, send_time_ns(state, sk, bytes, access)));
		state->pending_ts_ns = 0;
	} else if (state->role == TCP_ROLE_CLIENT && !state->pending_ts_ns) {
		state->pending_ts_ns = send_time_ns(state, sk, bytes, access);
	} else {
		send_untimed(state, sk, access);
	}
}

static __always_inline void on_recv(__u64 sk, long bytes, int flags, enum sk_access access)
{
	struct tcp_series *series;
	struct sock_state *state;

	count(TCP_COUNTER_RECV_CALLS);
	if (bytes <= 0 || (flags & MSG_PEEK))
		return;
	state = sock_state_of(sk, access);
	if (!state)
		return;
	identify(state);
	state->bytes_received += bytes;
	series = series_of(state);
	if (series)
		series->stats.bytes_received += bytes;
	if (state->role == TCP_ROLE_SERVER && !state->pending_ts_ns) {
		state->pending_ts_ns = recv_time_ns(state, sk, bytes, access);
	} else if (state->role == TCP_ROLE_CLIENT && state->pending_ts_ns) {
		record_latency(state, series, sk, access, elapsed_ns(state->pending_ts_ns, recv_time_ns(state, sk, bytes, access)));
		state->pending_ts_ns = 0;
	} else {
		recv_untimed(state, sk, access);
	}
}

/*
 * A TCP socket changed state: ESTABLISHED from SYN_RECV (accepted: server, series port = local port
 * @sport) or from SYN_SENT (connected: client, series port = remote port @dport) creates its state; CLOSE
 * closes it. Ports in host byte order.
 */
static __always_inline void on_set_state(__u64 sk, int oldstate, int newstate, __u16 sport, __u16 dport, enum sk_access access)
{
	struct sock_state state = {};
	struct tcp_lat_key key = {};
	struct tcp_series *series;
	struct sock_state *tracked;

	if (newstate == NS_TCP_CLOSE) {
		tracked = sock_state_of(sk, access);
		if (!tracked)
			return;
		series = series_of(tracked);
		if (series)
			series->stats.conns_closed += 1;
		record_close(tracked, sk, access);
		sock_state_delete(sk, access);
		count(TCP_COUNTER_SOCKETS_RELEASED);
		return;
	}
	if (newstate != NS_TCP_ESTABLISHED)
		return;
	if (oldstate == NS_TCP_SYN_RECV) {
		state.role = TCP_ROLE_SERVER;
		state.port = sport;
	} else if (oldstate == NS_TCP_SYN_SENT) {
		state.role = TCP_ROLE_CLIENT;
		state.port = dport;
	} else {
		return;
	}
	key.role = state.role;
	key.port = state.port;
	state.series = series_index(&key);
	state.open_ts_ns = bpf_ktime_get_ns();
	if (!sock_state_create(sk, &state, access)) {
		count(TCP_COUNTER_SOCKETS_UNTRACKED);
		return;
	}
	count(TCP_COUNTER_SOCKETS_TRACKED);
	series = series_of(&state);
	if (series)
		series->stats.conns_opened += 1;
}

static __always_inline void on_retransmit(__u64 sk, enum sk_access access)
{
	struct tcp_series *series;
	struct sock_state *state = sock_state_of(sk, access);

	if (!state)
		return;
	state->retransmits += 1;
	series = series_of(state);
	if (series)
		series->stats.retransmits += 1;
}

/* ---- socket role and retransmits: attached with every rung, in the variant of its state storage ---- */

/* With the rungs that keep the state in sock_states. */
SEC("tp/sock/inet_sock_set_state")
int tp_inet_sock_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	/* Read both ports up front: selecting a field by branch makes clang add an offset to the ctx
	 * pointer, which the verifier refuses ("dereference of modified ctx ptr"). */
	__u16 sport = ctx->sport;
	__u16 dport = ctx->dport;

	if (ctx->protocol != IPPROTO_TCP_NUM)
		return 0;
	on_set_state((__u64)ctx->skaddr, ctx->oldstate, ctx->newstate, sport, dport, SK_ADDR);
	return 0;
}

SEC("tp/tcp/tcp_retransmit_skb")
int tp_tcp_retransmit_skb(struct ns_tcp_retransmit_args *ctx)
{
	on_retransmit((__u64)ctx->skaddr, SK_ADDR);
	return 0;
}

/* With the rungs that keep the state in sock_storage. The tracepoint's sport is ntohs(inet_sport), which
 * equals skc_num (the bound local port) at ESTABLISHED; only CLOSE needs inet_sport, and reads it itself. */
SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(btf_inet_sock_set_state, const struct sock *sk, int oldstate, int newstate)
{
	if (sk->sk_protocol != IPPROTO_TCP_NUM)
		return 0;
	on_set_state((__u64)sk, oldstate, newstate, sk->__sk_common.skc_num,
		     bpf_ntohs(sk->__sk_common.skc_dport), SK_BTF);
	return 0;
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(btf_tcp_retransmit_skb, const struct sock *sk)
{
	on_retransmit((__u64)sk, SK_BTF);
	return 0;
}

/* ---- rung: fentry (state in sock_storage) ---- */

SEC("fentry/tcp_sendmsg")
int BPF_PROG(fentry_tcp_sendmsg, struct sock *sk, struct msghdr *msg, size_t size)
{
	on_send((__u64)sk, (long)size, SK_BTF);
	return 0;
}

SEC("fexit/tcp_recvmsg")
int BPF_PROG(fexit_tcp_recvmsg, struct sock *sk)
{
	__u64 ret = 0, flags = 0;

	/* Read by position-independent helpers: tcp_recvmsg lost its nonblock argument in 5.19. */
	bpf_get_func_ret(ctx, &ret);
	bpf_get_func_arg(ctx, 3, &flags);
	on_recv((__u64)sk, (long)(int)ret, (int)flags, SK_BTF);
	return 0;
}

/* ---- rung: kprobe (state in sock_states) ---- */

SEC("kprobe/tcp_sendmsg")
int BPF_KPROBE(kprobe_tcp_sendmsg, struct sock *sk, struct msghdr *msg, size_t size)
{
	on_send((__u64)sk, (long)size, SK_ADDR);
	return 0;
}

SEC("kprobe/tcp_recvmsg")
int BPF_KPROBE(kprobe_tcp_recvmsg, struct sock *sk, struct msghdr *msg, size_t len, int flags)
{
	__u64 tid = bpf_get_current_pid_tgid();
	struct recv_args args = { .sk = (__u64)sk, .flags = flags };

	bpf_map_update_elem(&recv_args_by_tid, &tid, &args, BPF_ANY);
	return 0;
}

SEC("kretprobe/tcp_recvmsg")
int BPF_KRETPROBE(kretprobe_tcp_recvmsg, int ret)
{
	__u64 tid = bpf_get_current_pid_tgid();
	struct recv_args *args = bpf_map_lookup_elem(&recv_args_by_tid, &tid);

	if (!args)
		return 0;
	on_recv(args->sk, ret, args->flags, SK_ADDR);
	bpf_map_delete_elem(&recv_args_by_tid, &tid);
	return 0;
}

/* ---- rung: tracepoint, hook set sock (6.3+; state in sock_storage) ---- */

SEC("tp_btf/sock_send_length")
int BPF_PROG(btf_sock_send_length, struct sock *sk, int ret, int flags)
{
	if (sk->sk_protocol != IPPROTO_TCP_NUM)
		return 0;
	on_send((__u64)sk, ret, SK_BTF_CAST);
	return 0;
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(btf_sock_recv_length, struct sock *sk, int ret, int flags)
{
	if (sk->sk_protocol != IPPROTO_TCP_NUM)
		return 0;
	on_recv((__u64)sk, ret, flags, SK_BTF_CAST);
	return 0;
}

/* ---- rung: tracepoint, hook set syscalls (kernels without sock_send_length, i.e. before 6.3; state in
 * sock_states: the socket comes from a walk of plain addresses) ----
 *
 * The same handlers fed from the syscall layer: syscalls:sys_enter_X/sys_exit_X of read, write, readv,
 * writev, sendto, recvfrom, sendmsg and recvmsg (CONFIG_FTRACE_SYSCALLS). At enter the fd is resolved to
 * its socket; at exit the return value is the byte count the sock tracepoints would have reported.
 * What never passes through these syscalls is not seen: sendfile, splice, io_uring, recvmmsg/sendmmsg,
 * in-kernel sockets (NFS, iSCSI, ...) and 32-bit (compat) processes.
 *
 * One program serves several tracepoints where their context layouts agree (every sys_enter_X has
 * args[6] at the same offset, every sys_exit_X has ret): user space attaches it to each of them.
 */

#define NS_S_IFMT	00170000
#define NS_S_IFSOCK	0140000

/* A socket syscall in flight on one thread, saved at enter for the exit. */
struct sock_syscall {
	__u64 sk;
	__s32 flags;	/* recvfrom/recvmsg flags (MSG_PEEK), 0 otherwise */
	__s32 nr;	/* syscall number: the exit must be the same syscall's */
};

/* LRU: a thread that never returns from its syscall (killed in it) cannot leak its entry. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct sock_syscall);
} sock_syscalls SEC(".maps");

/*
 * The TCP socket behind @fd of the current task, or 0. These tracepoints fire for every read and write
 * of every file and pipe, so anything that is not a socket leaves after the inode mode: the current
 * task's fd table -> struct file -> inode. The walk to the fd table goes through BTF pointers (plain
 * loads, CO-RE relocated, a fault reads 0); from the fd array on, the pointers are no longer typed and
 * are read with bpf_probe_read_kernel. Measured: ~125 ns less per call than BPF_CORE_READ all the way
 * (make bench BENCH=syscalls).
 */
static __always_inline __u64 tcp_sock_of_fd(long fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *fdt = task->files->fdt;
	struct file *file = NULL;
	struct inode *inode = NULL;
	umode_t mode = 0;
	struct socket *sock;
	struct sock *sk;

	if (fd < 0 || fd >= fdt->max_fds)
		return 0;
	if (bpf_probe_read_kernel(&file, sizeof(file), &fdt->fd[fd]) || !file)
		return 0;
	bpf_probe_read_kernel(&inode, sizeof(inode), &file->f_inode);
	if (!inode || bpf_probe_read_kernel(&mode, sizeof(mode), &inode->i_mode))
		return 0;
	if ((mode & NS_S_IFMT) != NS_S_IFSOCK)
		return 0;
	/* A socket's file keeps its struct socket in private_data (sock_alloc_file). */
	sock = BPF_CORE_READ(file, private_data);
	sk = BPF_CORE_READ(sock, sk);
	if (!sk || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP_NUM)
		return 0;
	return (__u64)sk;
}

static __always_inline void sock_syscall_enter(const struct trace_event_raw_sys_enter *ctx, int flags)
{
	struct sock_syscall call = { .flags = flags, .nr = (int)ctx->id };
	__u64 tid;

	/* The fd argument is an int; a negative one arrives sign-extended or truncated, both refused. */
	call.sk = tcp_sock_of_fd((int)ctx->args[0]);
	if (!call.sk)
		return;
	tid = bpf_get_current_pid_tgid();
	bpf_map_update_elem(&sock_syscalls, &tid, &call, BPF_ANY);
}

/* The saved call of this thread when it is the syscall that is returning, else NULL. */
static __always_inline struct sock_syscall *sock_syscall_exit(const struct trace_event_raw_sys_exit *ctx, __u64 *tid)
{
	struct sock_syscall *call;

	*tid = bpf_get_current_pid_tgid();
	call = bpf_map_lookup_elem(&sock_syscalls, tid);
	if (call && call->nr != (int)ctx->id) {
		/* Stale (its thread died in the syscall and the id was reused): not this call's. */
		bpf_map_delete_elem(&sock_syscalls, tid);
		return NULL;
	}
	return call;
}

/* read, readv, write, writev, sendto, sendmsg: fd is the first argument, no receive flags. */
SEC("tp")
int tp_sys_enter_sock_io(struct trace_event_raw_sys_enter *ctx)
{
	sock_syscall_enter(ctx, 0);
	return 0;
}

/* recvfrom(fd, buf, len, flags, addr, addrlen) */
SEC("tp")
int tp_sys_enter_recvfrom(struct trace_event_raw_sys_enter *ctx)
{
	sock_syscall_enter(ctx, (int)ctx->args[3]);
	return 0;
}

/* recvmsg(fd, msg, flags) */
SEC("tp")
int tp_sys_enter_recvmsg(struct trace_event_raw_sys_enter *ctx)
{
	sock_syscall_enter(ctx, (int)ctx->args[2]);
	return 0;
}

/* Exit of write, writev, sendto, sendmsg. */
SEC("tp")
int tp_sys_exit_sock_send(struct trace_event_raw_sys_exit *ctx)
{
	__u64 tid;
	struct sock_syscall *call = sock_syscall_exit(ctx, &tid);

	if (!call)
		return 0;
	on_send(call->sk, ctx->ret, SK_ADDR);
	bpf_map_delete_elem(&sock_syscalls, &tid);
	return 0;
}

/* Exit of read, readv, recvfrom, recvmsg. */
SEC("tp")
int tp_sys_exit_sock_recv(struct trace_event_raw_sys_exit *ctx)
{
	__u64 tid;
	struct sock_syscall *call = sock_syscall_exit(ctx, &tid);

	if (!call)
		return 0;
	on_recv(call->sk, ctx->ret, call->flags, SK_ADDR);
	bpf_map_delete_elem(&sock_syscalls, &tid);
	return 0;
}
