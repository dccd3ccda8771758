// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
// Load for the probe-overhead benchmark: <connections> loopback TCP connections, each a client thread
// sending 1 byte and waiting for the 1-byte echo of a server thread, for <seconds>. Prints the total
// transactions per second and the CPU time this process used meanwhile (user + system, all threads, in
// seconds; the probes' programs run inside its send and receive calls, so their cost is in it). C, not
// the bench's managed load, so the load generator's own cost is small and the probes' share of each
// round trip shows.
// Usage: pingpong <connections> <seconds>   Output: <transactions/s> <CPU seconds> <elapsed seconds>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static atomic_int stop;
static atomic_ullong transactions;

static void *echo(void *arg)
{
	int fd = (int)(long)arg;
	char b;
	while (recv(fd, &b, 1, 0) == 1 && send(fd, &b, 1, 0) == 1)
		;
	close(fd);
	return NULL;
}

static void *client(void *arg)
{
	int fd = (int)(long)arg;
	unsigned long long n = 0;
	char b = 'x';
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		if (send(fd, &b, 1, 0) != 1 || recv(fd, &b, 1, 0) != 1)
			break;
		n++;
	}
	atomic_fetch_add(&transactions, n);
	shutdown(fd, SHUT_RDWR);
	close(fd);
	return NULL;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* utime + stime of every thread. Under tick accounting the sum is the scheduler's exact run time. */
static double cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s <connections> <seconds>\n", argv[0]);
		return 2;
	}
	int conns = atoi(argv[1]);
	double seconds = atof(argv[2]);
	int one = 1;
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(addr);
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) || listen(lfd, conns) ||
	    getsockname(lfd, (struct sockaddr *)&addr, &len)) {
		perror("pingpong: listen on 127.0.0.1");
		return 1;
	}
	pthread_t servers[conns], clients[conns];
	int cfds[conns];
	for (int i = 0; i < conns; i++) {
		cfds[i] = socket(AF_INET, SOCK_STREAM, 0);
		setsockopt(cfds[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (connect(cfds[i], (struct sockaddr *)&addr, sizeof(addr))) {
			perror("pingpong: connect");
			return 1;
		}
		int sfd = accept(lfd, NULL, NULL);
		setsockopt(sfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		pthread_create(&servers[i], NULL, echo, (void *)(long)sfd);
	}
	double t0 = now(), cpu0 = cpu_seconds();
	for (int i = 0; i < conns; i++)
		pthread_create(&clients[i], NULL, client, (void *)(long)cfds[i]);
	usleep((useconds_t)(seconds * 1e6));
	atomic_store(&stop, 1);
	for (int i = 0; i < conns; i++)
		pthread_join(clients[i], NULL);
	double elapsed = now() - t0, cpu = cpu_seconds() - cpu0;
	for (int i = 0; i < conns; i++)
		pthread_join(servers[i], NULL);
	printf("%.0f %.4f %.4f\n", atomic_load(&transactions) / elapsed, cpu, elapsed);
	return 0;
}
