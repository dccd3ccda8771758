/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Definitions every NetScope BPF program shares: includes and constants absent from vmlinux.h. */
#ifndef NETSCOPE_COMMON_H
#define NETSCOPE_COMMON_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

/* #defines are not in BTF, so vmlinux.h cannot carry them. Values from the uapi headers. */
#define AF_INET		2
#define AF_INET6	10
#define IPPROTO_TCP_NUM	6
#define MSG_PEEK	2

/* include/net/tcp_states.h (enum values are in vmlinux.h, repeated as plain ints for tracepoints) */
#define NS_TCP_ESTABLISHED	1
#define NS_TCP_SYN_SENT		2
#define NS_TCP_SYN_RECV		3
#define NS_TCP_CLOSE		7

#endif /* NETSCOPE_COMMON_H */
