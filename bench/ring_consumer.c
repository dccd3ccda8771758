// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
// The C baseline of the ring-buffer drain benchmark: libbpf's ring_buffer__poll with a callback that
// counts struct tcp_event records and checks a field, on fills made by ring_producer.bpf.o.
// Usage: ring_consumer <ring_producer.bpf.o> <fills>; prints "records=<n> ns=<drain ns> bad=<n>".
// Only the drain is timed (the fill is the producer's cost, common to both readers).
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "tcp_latency.h"

struct fill_args {
	__u32 want;
};

static unsigned long long records, bad;

static int on_record(void *ctx, void *data, size_t size)
{
	const struct tcp_event *e = data;
	records++;
	if (size < sizeof(*e) || e->type != TCP_EVENT_CONNECTION_CLOSE)
		bad++;
	return 0;
}

static unsigned long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s <ring_producer.bpf.o> <fills>\n", argv[0]);
		return 2;
	}
	int fills = atoi(argv[2]);
	struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "%s: cannot open/load\n", argv[1]);
		return 1;
	}
	int prog = bpf_program__fd(bpf_object__find_program_by_name(obj, "ring_fill"));
	int map = bpf_map__fd(bpf_object__find_map_by_name(obj, "bench_events"));
	struct ring_buffer *rb = ring_buffer__new(map, on_record, NULL, NULL);
	if (!rb) {
		fprintf(stderr, "ring_buffer__new failed\n");
		return 1;
	}
	struct fill_args args = { .want = 1u << 20 };
	unsigned long long produced = 0, drain_ns = 0;
	for (int i = 0; i < fills; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &args, .ctx_size_in = sizeof(args));
		if (bpf_prog_test_run_opts(prog, &opts)) {
			perror("bpf_prog_test_run_opts");
			return 1;
		}
		produced += opts.retval;
		unsigned long long t0 = now_ns();
		while (ring_buffer__poll(rb, 0) > 0)
			;
		drain_ns += now_ns() - t0;
	}
	printf("records=%llu ns=%llu bad=%llu produced=%llu\n", records, drain_ns, bad, produced);
	ring_buffer__free(rb);
	bpf_object__close(obj);
	return records == produced && bad == 0 ? 0 : 1;
}
