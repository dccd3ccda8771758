// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
// Paired comparison of TCP probe programs on one continuous load (`make probe-ab`, bench/NetScope.Bench/ProbeAb.cs).
//
// The probe-overhead benchmark (BENCH=probe) starts a process per measurement and compares 2 s runs, which
// resolves a few points at best on a shared VM. Changes to the programs move the figure by about one point, so
// this tool keeps one ping-pong load running in-process (4 loopback connections, 1-byte request and response,
// a client and a server thread each) and attaches and detaches the variants' send/recv programs around short
// segments: no process start, no reconnect, and each probe segment sits between two no-probe segments a few
// hundred ms apart, so drift cancels in the ratio.
//
// Each object is loaded once. For a tcp_latency object only its tp_btf programs load (the tracepoint rung, sock
// hook set), its series free-list is filled as the agent does, and its inet_sock_set_state program stays attached
// from before the connections open, so every variant tracks the same sockets; per segment only the
// sock_send_length/sock_recv_length programs are attached. Any other object (the empty and minimal yardsticks)
// has all its programs attached per segment.
//
// Usage: probe_ab <segment ms> <rounds> <object>...
// Output, one line per probe segment: <round> <object index> <transactions per CPU-second ÷ mean of the
// no-probe segments before and after>. The CPU is this process's (user + system of all threads), which holds
// the programs' run time and the loopback softirq work done in its threads.
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <stdlib.h>
#include <string.h>
#include "pingpong_load.h"

#define CONNECTIONS 4
#define MAX_LINKS 16
#define SETTLE_US 20000

struct variant {
	const char *path;
	struct bpf_object *obj;
	struct bpf_link *links[MAX_LINKS];
	int nlinks;
};

static struct pingpong pingpong;

static void die(const char *what, const char *path)
{
	fprintf(stderr, "probe_ab: %s %s\n", what, path);
	exit(1);
}

static int is_tcp_latency(struct bpf_object *obj)
{
	return bpf_object__find_map_by_name(obj, "tcp_series_free") != NULL;
}

/* Attached per segment: every program of a yardstick, the send/recv programs of a tcp_latency object. */
static int per_segment(struct bpf_object *obj, struct bpf_program *prog)
{
	const char *name = bpf_program__name(prog);

	return !is_tcp_latency(obj) || strstr(name, "sock_send_length") || strstr(name, "sock_recv_length");
}

static void load(struct variant *v)
{
	static const char *unused_maps[] = { "sock_states", "recv_args_by_tid", "sock_syscalls" };
	struct bpf_program *prog;
	struct bpf_map *map;
	int tcp;

	v->obj = bpf_object__open_file(v->path, NULL);
	if (!v->obj)
		die("cannot open", v->path);
	tcp = is_tcp_latency(v->obj);
	if (tcp) {
		bpf_object__for_each_program(prog, v->obj)
			bpf_program__set_autoload(prog, strncmp(bpf_program__name(prog), "btf_", 4) == 0);
		for (size_t i = 0; i < sizeof(unused_maps) / sizeof(unused_maps[0]); i++)
			if ((map = bpf_object__find_map_by_name(v->obj, unused_maps[i])))
				bpf_map__set_autocreate(map, false);
		/* The agent's defaults (TcpLatencyProbe.LoadConfig: slow requests from 200 ms, connection closes, receive
		 * times checked one in 64 against 20 us) where the object takes them at load (struct tcp_latency_cfg, whose
		 * first 16 bytes older objects share); the oldest read the events settings from a map, left empty here. */
		if ((map = bpf_object__find_map_by_name(v->obj, ".rodata.cfg"))) {
			__u64 cfg[3] = { 200000000ULL, 1 | (6ULL << 32), 20000 };
			size_t size = bpf_map__value_size(map);

			if (size > sizeof(cfg) || bpf_map__set_initial_value(map, cfg, size))
				die("cannot configure", v->path);
		}
	}
	if (bpf_object__load(v->obj))
		die("cannot load", v->path);
	if (!tcp)
		return;
	map = bpf_object__find_map_by_name(v->obj, "tcp_series_free");
	for (unsigned int i = 0; i < bpf_map__max_entries(map); i++)
		bpf_map_update_elem(bpf_map__fd(map), NULL, &i, 0);
	bpf_object__for_each_program(prog, v->obj)
		if (bpf_program__autoload(prog) && !per_segment(v->obj, prog) && !bpf_program__attach(prog))
			die("cannot attach a program of", v->path);
}

static void attach(struct variant *v)
{
	struct bpf_program *prog;

	v->nlinks = 0;
	bpf_object__for_each_program(prog, v->obj) {
		if (!bpf_program__autoload(prog) || !per_segment(v->obj, prog))
			continue;
		if (v->nlinks == MAX_LINKS || !(v->links[v->nlinks] = bpf_program__attach(prog)))
			die("cannot attach a program of", v->path);
		v->nlinks++;
	}
}

static void detach(struct variant *v)
{
	for (int i = 0; i < v->nlinks; i++)
		bpf_link__destroy(v->links[i]);
	v->nlinks = 0;
}

/* Transactions per CPU-second over one segment. */
static double segment(int ms)
{
	unsigned long long t0 = pingpong_transactions(&pingpong);
	double c0 = pingpong_cpu_seconds();

	usleep(ms * 1000);
	return (pingpong_transactions(&pingpong) - t0) / (pingpong_cpu_seconds() - c0);
}

int main(int argc, char **argv)
{
	int ms, rounds, n;
	struct variant *variants;
	int order[64];
	double before;

	if (argc < 4 || (ms = atoi(argv[1])) <= 0 || (rounds = atoi(argv[2])) <= 0 || argc - 3 > 64) {
		fprintf(stderr, "usage: %s <segment ms> <rounds> <object>... (at most 64)\n", argv[0]);
		return 2;
	}
	n = argc - 3;
	variants = calloc(n, sizeof(*variants));
	for (int i = 0; i < n; i++) {
		variants[i].path = argv[3 + i];
		load(&variants[i]);
	}
	if (pingpong_connect(&pingpong, CONNECTIONS))
		return 1;
	pingpong_start(&pingpong);
	segment(1000);	/* warm-up */
	before = segment(ms);
	srand(20261206);
	for (int r = 0; r < rounds; r++) {
		for (int i = 0; i < n; i++)
			order[i] = i;
		for (int i = n - 1; i > 0; i--) {
			int j = rand() % (i + 1), x = order[i];

			order[i] = order[j];
			order[j] = x;
		}
		for (int k = 0; k < n; k++) {
			struct variant *v = &variants[order[k]];
			double with, after;

			attach(v);
			usleep(SETTLE_US);
			with = segment(ms);
			detach(v);
			usleep(SETTLE_US);
			after = segment(ms);
			printf("%d %d %.5f\n", r, order[k], with / ((before + after) / 2));
			before = after;
		}
		fflush(stdout);
	}
	return 0;
}
