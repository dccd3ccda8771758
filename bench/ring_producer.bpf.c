// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
// Producer for the ring-buffer drain benchmark: one BPF_PROG_TEST_RUN of ring_fill writes struct
// tcp_event records (the agent's tcp_events record, bpf/tcp_latency.h) into bench_events until the ring
// is full or `want` records are written, and returns how many it wrote. Both consumers (the agent's
// reader and bench/ring_consumer.c) drain the same kind of fill, so the comparison is reader against reader.
#include "include/vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "tcp_latency.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* The agent's default events.ring_size (256 KiB). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} bench_events SEC(".maps");

/* ctx_in of the test run. */
struct fill_args {
	__u32 want;
};

static long write_one(__u64 index, void *ctx)
{
	struct tcp_event *e = bpf_ringbuf_reserve(&bench_events, sizeof(*e), 0);
	if (!e)
		return 1; /* ring full: stop the loop */
	__builtin_memset(e, 0, sizeof(*e));
	e->type = TCP_EVENT_CONNECTION_CLOSE;
	e->role = TCP_ROLE_SERVER;
	e->series_port = 8080;
	e->local_port = 8080;
	e->remote_port = 40000 + (index & 0xfff);
	e->local_addr[10] = 0xff;
	e->local_addr[11] = 0xff;
	e->local_addr[12] = 127;
	e->local_addr[15] = 1;
	__builtin_memcpy(e->remote_addr, e->local_addr, sizeof(e->remote_addr));
	e->pid = 1;
	e->srtt_us = 50;
	e->timestamp_ns = bpf_ktime_get_ns();
	e->duration_ns = 1000 + index;
	e->requests = (__u32)index;
	bpf_ringbuf_submit(e, 0);
	*(__u32 *)ctx += 1;
	return 0;
}

SEC("syscall")
int ring_fill(struct fill_args *args)
{
	__u32 written = 0;
	bpf_loop(args->want, write_one, &written, 0);
	return written;
}
