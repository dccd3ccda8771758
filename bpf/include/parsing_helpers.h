/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Cursor-based, bounds-first packet parsing for XDP (the role of xdp-tutorial
 * common/parsing_helpers.h, written for NetScope).
 *
 * Rules every helper follows:
 *   - the bounds check against data_end comes before any read of the header it guards;
 *   - on success the cursor moves past the header and the helper returns a value >= 0;
 *   - on failure the helper returns -1, leaves the cursor where it was and, when err is not
 *     NULL, stores an enum parse_err saying why;
 *   - loops have a constant bound (verifier friendly on 5.3+, tested on 6.1 and 6.18).
 * Protocol numbers are returned in host byte order.
 */
#ifndef NETSCOPE_PARSING_HELPERS_H
#define NETSCOPE_PARSING_HELPERS_H

#include "netscope_common.h"
#include <bpf/bpf_endian.h>

/* #defines from uapi if_ether.h / in.h / ipv6.h (not in BTF, so not in vmlinux.h). */
#define NS_ETH_P_IP		0x0800
#define NS_ETH_P_IPV6		0x86DD
#define NS_ETH_P_8021Q		0x8100
#define NS_ETH_P_8021AD		0x88A8
#define NS_IPPROTO_HOPOPTS	0
#define NS_IPPROTO_TCP		6
#define NS_IPPROTO_ROUTING	43
#define NS_IPPROTO_FRAGMENT	44
#define NS_IPPROTO_DSTOPTS	60
#define NS_IP_MF		0x2000	/* iphdr.frag_off, host order: more fragments */
#define NS_IP_OFFSET		0x1FFF	/* iphdr.frag_off, host order: offset in 8-byte units */
#define NS_IP6_OFFSET		0xFFF8	/* frag_hdr.frag_off, host order: offset << 3 */

/* VLAN tags accepted in front of the network header (802.1Q and 802.1ad, any order). */
#define PARSE_VLAN_MAX		2
/* IPv6 extension headers walked before the upper-layer header is expected. */
#define PARSE_IPV6_EXT_MAX	6

/* Why a helper failed. Dense from 0 so a caller can index counters with it. */
enum parse_err {
	PARSE_ERR_ETH_TRUNCATED = 0,	/* fewer than 14 bytes */
	PARSE_ERR_VLAN_TRUNCATED = 1,	/* a VLAN tag cut short */
	PARSE_ERR_VLAN_TOO_DEEP = 2,	/* a third VLAN tag */
	PARSE_ERR_NOT_IP = 3,		/* EtherType neither IPv4 nor IPv6 (not an error) */
	PARSE_ERR_IPV4_TRUNCATED = 4,	/* < 20 bytes, or < ihl * 4 bytes */
	PARSE_ERR_IPV4_BAD_HEADER = 5,	/* version != 4, ihl < 5, or tot_len < ihl * 4 */
	PARSE_ERR_IPV6_TRUNCATED = 6,	/* < 40 bytes */
	PARSE_ERR_IPV6_BAD_HEADER = 7,	/* version != 6 */
	PARSE_ERR_IPV6_EXT_TRUNCATED = 8, /* an extension header cut short */
	PARSE_ERR_IPV6_EXT_TOO_DEEP = 9, /* more than PARSE_IPV6_EXT_MAX extension headers */
	PARSE_ERR_FRAGMENT = 10,	/* non-first fragment (IPv4 or IPv6): no L4 header */
	PARSE_ERR_NOT_TCP = 11,		/* upper layer is not TCP (not an error) */
	PARSE_ERR_TCP_TRUNCATED = 12,	/* < 20 bytes: the fixed header is cut short */
	PARSE_ERR_TCP_BAD_DOFF = 13,	/* doff < 5, or doff * 4 bytes run past the packet */
	PARSE_ERR_MAX = 14,
};

struct hdr_cursor {
	void *pos;
};

static __always_inline void parse_set_err(int *err, int value)
{
	if (err)
		*err = value;
}

static __always_inline int parse_is_vlan(__u16 h_proto)
{
	return h_proto == NS_ETH_P_8021Q || h_proto == NS_ETH_P_8021AD;
}

/*
 * Ethernet header plus up to PARSE_VLAN_MAX VLAN tags. Returns the inner EtherType (host order).
 * A third tag is an error (PARSE_ERR_VLAN_TOO_DEEP), not a silent "not IP".
 */
static __always_inline int parse_ethhdr(struct hdr_cursor *nh, void *data_end,
					struct ethhdr **ethhdr, int *err)
{
	struct ethhdr *eth = nh->pos;
	struct vlan_hdr *vlh;
	__u16 h_proto;
	int i;

	if ((void *)(eth + 1) > data_end) {
		parse_set_err(err, PARSE_ERR_ETH_TRUNCATED);
		return -1;
	}
	vlh = (void *)(eth + 1);
	h_proto = bpf_ntohs(eth->h_proto);

#pragma unroll
	for (i = 0; i < PARSE_VLAN_MAX; i++) {
		if (!parse_is_vlan(h_proto))
			break;
		if ((void *)(vlh + 1) > data_end) {
			parse_set_err(err, PARSE_ERR_VLAN_TRUNCATED);
			return -1;
		}
		h_proto = bpf_ntohs(vlh->h_vlan_encapsulated_proto);
		vlh++;
	}
	if (parse_is_vlan(h_proto)) {
		parse_set_err(err, PARSE_ERR_VLAN_TOO_DEEP);
		return -1;
	}
	nh->pos = vlh;
	*ethhdr = eth;
	return h_proto;
}

/*
 * IPv4 header including options (ihl * 4 bytes). Returns the protocol number.
 * Fragments are not judged here: the caller reads frag_off (see NS_IP_OFFSET).
 */
static __always_inline int parse_iphdr(struct hdr_cursor *nh, void *data_end,
				       struct iphdr **iphdr, int *err)
{
	struct iphdr *iph = nh->pos;
	__u8 vihl;
	int hdrsize;

	if ((void *)(iph + 1) > data_end) {
		parse_set_err(err, PARSE_ERR_IPV4_TRUNCATED);
		return -1;
	}
	/* Byte 0 read directly: no dependence on the compiler's bitfield layout. */
	vihl = *(__u8 *)iph;
	hdrsize = (vihl & 0x0F) * 4;
	if ((vihl >> 4) != 4 || hdrsize < (int)sizeof(*iph)) {
		parse_set_err(err, PARSE_ERR_IPV4_BAD_HEADER);
		return -1;
	}
	if (nh->pos + hdrsize > data_end) {
		parse_set_err(err, PARSE_ERR_IPV4_TRUNCATED);
		return -1;
	}
	if (bpf_ntohs(iph->tot_len) < hdrsize) {
		parse_set_err(err, PARSE_ERR_IPV4_BAD_HEADER);
		return -1;
	}
	nh->pos += hdrsize;
	*iphdr = iph;
	return iph->protocol;
}

/* Fixed IPv6 header. Returns the first next-header value (extension headers not yet walked). */
static __always_inline int parse_ip6hdr(struct hdr_cursor *nh, void *data_end,
					struct ipv6hdr **ip6hdr, int *err)
{
	struct ipv6hdr *ip6h = nh->pos;

	if ((void *)(ip6h + 1) > data_end) {
		parse_set_err(err, PARSE_ERR_IPV6_TRUNCATED);
		return -1;
	}
	if ((*(__u8 *)ip6h >> 4) != 6) {
		parse_set_err(err, PARSE_ERR_IPV6_BAD_HEADER);
		return -1;
	}
	nh->pos = ip6h + 1;
	*ip6hdr = ip6h;
	return ip6h->nexthdr;
}

static __always_inline int parse_is_ip6_ext(__u8 nexthdr)
{
	return nexthdr == NS_IPPROTO_HOPOPTS || nexthdr == NS_IPPROTO_ROUTING ||
	       nexthdr == NS_IPPROTO_FRAGMENT || nexthdr == NS_IPPROTO_DSTOPTS;
}

/*
 * Walk up to PARSE_IPV6_EXT_MAX extension headers (hop-by-hop, routing, destination options,
 * fragment) starting from next-header value nexthdr. Returns the upper-layer protocol with
 * the cursor on its header. A non-first fragment fails with PARSE_ERR_FRAGMENT (what follows
 * is not a header); a first fragment (offset 0) is walked through like any other header.
 * Other protocol numbers (ESP, AH, No Next Header, ...) end the walk and are returned as is.
 */
static __always_inline int parse_ip6_ext(struct hdr_cursor *nh, void *data_end,
					 __u8 nexthdr, int *err)
{
	void *pos = nh->pos;
	int i;

#pragma unroll
	for (i = 0; i < PARSE_IPV6_EXT_MAX; i++) {
		struct ipv6_opt_hdr *opt = pos;

		if (!parse_is_ip6_ext(nexthdr))
			break;
		if (nexthdr == NS_IPPROTO_FRAGMENT) {
			struct frag_hdr *frag = pos;

			if ((void *)(frag + 1) > data_end) {
				parse_set_err(err, PARSE_ERR_IPV6_EXT_TRUNCATED);
				return -1;
			}
			if (bpf_ntohs(frag->frag_off) & NS_IP6_OFFSET) {
				parse_set_err(err, PARSE_ERR_FRAGMENT);
				return -1;
			}
			nexthdr = frag->nexthdr;
			pos = frag + 1;
			continue;
		}
		if ((void *)(opt + 1) > data_end) {
			parse_set_err(err, PARSE_ERR_IPV6_EXT_TRUNCATED);
			return -1;
		}
		/* Hop-by-hop, routing and destination options: (hdrlen + 1) * 8 bytes. */
		if (pos + (opt->hdrlen + 1) * 8 > data_end) {
			parse_set_err(err, PARSE_ERR_IPV6_EXT_TRUNCATED);
			return -1;
		}
		nexthdr = opt->nexthdr;
		pos += (opt->hdrlen + 1) * 8;
	}
	if (parse_is_ip6_ext(nexthdr)) {
		parse_set_err(err, PARSE_ERR_IPV6_EXT_TOO_DEEP);
		return -1;
	}
	nh->pos = pos;
	return nexthdr;
}

/* TCP header including options (doff * 4 bytes). Returns the header length in bytes. */
static __always_inline int parse_tcphdr(struct hdr_cursor *nh, void *data_end,
					struct tcphdr **tcphdr, int *err)
{
	struct tcphdr *tcph = nh->pos;
	int len;

	if ((void *)(tcph + 1) > data_end) {
		parse_set_err(err, PARSE_ERR_TCP_TRUNCATED);
		return -1;
	}
	/* Byte 12 high nibble is the data offset; read directly, no bitfield layout assumed. */
	len = (((__u8 *)tcph)[12] >> 4) * 4;
	if (len < (int)sizeof(*tcph)) {
		parse_set_err(err, PARSE_ERR_TCP_BAD_DOFF);
		return -1;
	}
	if (nh->pos + len > data_end) {
		parse_set_err(err, PARSE_ERR_TCP_BAD_DOFF);
		return -1;
	}
	nh->pos += len;
	*tcphdr = tcph;
	return len;
}

#endif /* NETSCOPE_PARSING_HELPERS_H */
