// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
// Load for the probe-overhead benchmark: <connections> loopback TCP connections, each a client thread
// sending 1 byte and waiting for the 1-byte echo of a server thread, for <seconds>. Prints the total
// transactions per second and the CPU time this process used meanwhile (user + system, all threads, in
// seconds; the probes' programs run inside its send and receive calls, so their cost is in it). C, not
// the bench's managed load, so the load generator's own cost is small and the probes' share of each
// round trip shows.
// Usage: pingpong <connections> <seconds>   Output: <transactions/s> <CPU seconds> <elapsed seconds>
#include <stdlib.h>
#include <time.h>
#include "pingpong_load.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static struct pingpong load;

	if (argc != 3) {
		fprintf(stderr, "usage: %s <connections> <seconds>\n", argv[0]);
		return 2;
	}
	int conns = atoi(argv[1]);
	double seconds = atof(argv[2]);
	if (pingpong_connect(&load, conns))
		return 1;
	double t0 = now(), cpu0 = pingpong_cpu_seconds();
	pingpong_start(&load);
	usleep((useconds_t)(seconds * 1e6));
	pingpong_stop_clients(&load);
	double elapsed = now() - t0, cpu = pingpong_cpu_seconds() - cpu0;
	pingpong_join_servers(&load);
	printf("%.0f %.4f %.4f\n", pingpong_transactions(&load) / elapsed, cpu, elapsed);
	return 0;
}
