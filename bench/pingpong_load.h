// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
// The probe benchmarks' load, shared by bench/pingpong.c (a process per measurement) and bench/probe_ab.c (one
// continuous load): loopback TCP connections, each a client thread sending 1 byte and waiting for the 1-byte echo
// of a server thread, with TCP_NODELAY on both ends. Each client counts its transactions in a cache line of its
// own, so reading the total mid-run costs the load nothing.
#ifndef NETSCOPE_PINGPONG_LOAD_H
#define NETSCOPE_PINGPONG_LOAD_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define PINGPONG_MAX_CONNECTIONS 64

struct pingpong_connection {
	_Alignas(64) atomic_ullong transactions;
	atomic_int *stop;
	int client_fd;
	pthread_t client, server;
};

struct pingpong {
	atomic_int stop;
	int connections;
	struct pingpong_connection conn[PINGPONG_MAX_CONNECTIONS];
};

static inline void *pingpong_echo(void *arg)
{
	int fd = (int)(long)arg;
	char b;

	while (recv(fd, &b, 1, 0) == 1 && send(fd, &b, 1, 0) == 1)
		;
	close(fd);
	return NULL;
}

static inline void *pingpong_request(void *arg)
{
	struct pingpong_connection *c = arg;
	unsigned long long n = 0;
	char b = 'x';

	while (!atomic_load_explicit(c->stop, memory_order_relaxed)) {
		if (send(c->client_fd, &b, 1, 0) != 1 || recv(c->client_fd, &b, 1, 0) != 1)
			break;
		/* A relaxed store of the thread's own count: a plain move, no locked instruction. */
		atomic_store_explicit(&c->transactions, ++n, memory_order_relaxed);
	}
	shutdown(c->client_fd, SHUT_RDWR);
	close(c->client_fd);
	return NULL;
}

/* Opens @connections connections on 127.0.0.1 and starts their server threads; 0, or -1 after a message. */
static inline int pingpong_connect(struct pingpong *p, int connections)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(addr);
	int listener = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (connections < 1 || connections > PINGPONG_MAX_CONNECTIONS) {
		fprintf(stderr, "pingpong: 1 to %d connections\n", PINGPONG_MAX_CONNECTIONS);
		return -1;
	}
	if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof(addr)) || listen(listener, connections) ||
	    getsockname(listener, (struct sockaddr *)&addr, &len)) {
		perror("pingpong: listen on 127.0.0.1");
		return -1;
	}
	p->connections = connections;
	for (int i = 0; i < connections; i++) {
		struct pingpong_connection *c = &p->conn[i];
		int server;

		c->stop = &p->stop;
		c->client_fd = socket(AF_INET, SOCK_STREAM, 0);
		setsockopt(c->client_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (connect(c->client_fd, (struct sockaddr *)&addr, sizeof(addr)) || (server = accept(listener, NULL, NULL)) < 0) {
			perror("pingpong: connect to 127.0.0.1");
			return -1;
		}
		setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		pthread_create(&c->server, NULL, pingpong_echo, (void *)(long)server);
	}
	close(listener);
	return 0;
}

/* Starts the client threads: the load runs from here. */
static inline void pingpong_start(struct pingpong *p)
{
	for (int i = 0; i < p->connections; i++)
		pthread_create(&p->conn[i].client, NULL, pingpong_request, &p->conn[i]);
}

/* Transactions completed so far, all connections. */
static inline unsigned long long pingpong_transactions(struct pingpong *p)
{
	unsigned long long total = 0;

	for (int i = 0; i < p->connections; i++)
		total += atomic_load_explicit(&p->conn[i].transactions, memory_order_relaxed);
	return total;
}

/* Stops the clients and waits for them (each shuts its connection down, which ends its server thread). */
static inline void pingpong_stop_clients(struct pingpong *p)
{
	atomic_store(&p->stop, 1);
	for (int i = 0; i < p->connections; i++)
		pthread_join(p->conn[i].client, NULL);
}

static inline void pingpong_join_servers(struct pingpong *p)
{
	for (int i = 0; i < p->connections; i++)
		pthread_join(p->conn[i].server, NULL);
}

/* utime + stime of every thread of this process. Under tick accounting the sum is the scheduler's exact run time. */
static inline double pingpong_cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

#endif /* NETSCOPE_PINGPONG_LOAD_H */
