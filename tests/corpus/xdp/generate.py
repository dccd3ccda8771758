#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""
Writes the XDP packet corpus for bpf/http_flood.bpf.c:

  packets/NNN_<name>.bin   raw Ethernet frame bytes, one packet per file
  manifest.json            per packet: file, description, scenario, repeat, expected verdict,
                           exact counter deltas, map checks; per scenario: map updates as bytes

Counter indexes are read from bpf/http_flood.h (enum hf_counter), struct layouts follow the
same header. Addresses are documentation ranges only (192.0.2.0/24, 198.51.100.0/24,
203.0.113.0/24, 2001:db8::/32); packets only ever go through BPF_PROG_TEST_RUN.

Usage: /usr/bin/python3 tests/corpus/xdp/generate.py      (needs python3-scapy)
Verify: tests/corpus/xdp/run_corpus.sh
"""
import ipaddress
import json
import os
import re
import struct
import sys

from scapy.layers.inet import ICMP, IP, TCP, UDP, IPOption_RR
from scapy.layers.inet6 import (ICMPv6EchoRequest, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment,
                                IPv6ExtHdrHopByHop, IPv6ExtHdrRouting)
from scapy.layers.l2 import ARP, Dot1AD, Dot1Q, Ether
from scapy.packet import Raw

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
HEADER = os.path.join(REPO, "bpf", "http_flood.h")
PKT_DIR = os.path.join(HERE, "packets")

XDP_DROP, XDP_PASS = "XDP_DROP", "XDP_PASS"
MAX_RULES = 32
SEC = 1_000_000_000
FOREVER = 0x7FFF_FFFF_FFFF_FFFF  # block expiry far in the future (CLOCK_MONOTONIC ns)


def read_counters():
    text = open(HEADER).read()
    body = text[text.index("enum hf_counter {"):]
    body = body[:body.index("};")]
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"(HF_CNT_\w+) = (\d+)", body)}


CNT = read_counters()
METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE"]
M = {name: 1 << i for i, name in enumerate(METHODS)}


def counter_index(name):
    if "+" in name:
        base, off = name.split("+")
        return CNT[base] + int(off)
    return CNT[name]


# ---------------------------------------------------------------- map contents (http_flood.h)

def hexs(b):
    return " ".join(f"{x:02x}" for x in b)


def addr16(text):
    """16-byte source key: IPv6 as is, IPv4 as ::ffff:a.b.c.d."""
    ip = ipaddress.ip_address(text)
    if ip.version == 4:
        return bytes(10) + b"\xff\xff" + ip.packed
    return ip.packed


def lpm_key(cidr):
    """struct hf_lpm_key: prefixlen in the 128-bit space (IPv4 /n -> 96 + n)."""
    net = ipaddress.ip_network(cidr)
    plen = net.prefixlen + (96 if net.version == 4 else 0)
    return struct.pack("<I", plen) + addr16(str(net.network_address))


def rule_value(action="drop", mode="enforce", kind="requests", methods=(), ports=(), path=b"",
               threshold=0, window_ns=0, block_ns=0, active=1):
    """struct hf_rule, 80 bytes."""
    assert len(ports) <= 8 and len(path) <= 32
    mask = 0
    for m in methods:
        mask |= M[m]
    return struct.pack("<BBBBHBB8H32sIIQQ", active, {"alert": 0, "drop": 1}[action],
                       {"enforce": 0, "shadow": 1}[mode], {"requests": 0, "connections": 1}[kind],
                       mask, len(ports), len(path), *(list(ports) + [0] * (8 - len(ports))),
                       path.ljust(32, b"\0"), threshold, 0, window_ns, block_ns)


def upd(map_name, key, value, comment):
    return {"map": map_name, "key": hexs(key), "value": hexs(value), "comment": comment}


def rules_setup(rules, sources, slot=0, active_slot=None):
    """rules: {rule_id: rule_value bytes}; sources: {cidr: [rule ids]} (containing prefixes folded)."""
    ups = []
    for rid, val in rules.items():
        ups.append(upd("hf_rules", struct.pack("<I", slot * MAX_RULES + rid), val,
                       f"slot {slot} rule {rid}"))
    for cidr, ids in sources.items():
        mask = 0
        for rid in ids:
            mask |= 1 << rid
        ups.append(upd(f"hf_rule_src{slot}", lpm_key(cidr), struct.pack("<Q", mask),
                       f"slot {slot} sources {cidr} -> rules {ids}"))
    if active_slot is not None:
        ups.append(upd("hf_active_slot", struct.pack("<I", 0), struct.pack("<I", active_slot),
                       f"active slot {active_slot}"))
    return ups


def allow(cidr):
    return upd("hf_allow", lpm_key(cidr), struct.pack("<I", 1), f"allowlist {cidr}")


def block(addr, expires_ns, rule_id):
    return upd("hf_blocks", addr16(addr), struct.pack("<QII", expires_ns, rule_id, 0),
               f"block {addr} rule {rule_id} expires {expires_ns}")


ANY = {"::/0": [0]}
STATIC_DENY = rule_value()                       # requests, any method/port/path, drop, enforce
RATE_BLOCK_80 = rule_value(ports=[80], threshold=100, window_ns=SEC, block_ns=60 * SEC)

SCENARIOS = {
    "none": ("no rules, no allowlist, no blocks", []),
    "static_deny_all": ("rule 0: static drop of every HTTP request from any source",
                        rules_setup({0: STATIC_DENY}, ANY)),
    "allowlist_with_deny_all": (
        "rule 0 static drop of every request; allowlist 192.0.2.64/26 and 2001:db8:a11::/48",
        rules_setup({0: STATIC_DENY}, ANY) + [allow("192.0.2.64/26"), allow("2001:db8:a11::/48")]),
    "shadow_static": ("rule 0: static drop of every request, shadow mode",
                      rules_setup({0: rule_value(mode="shadow")}, ANY)),
    "blocked_source": (
        "rule 3 (enforce, ports 80, rate 100/s, block 60 s) active; 203.0.113.66 blocked by rule 3 "
        "until far future",
        rules_setup({3: RATE_BLOCK_80}, {"::/0": [3]}) + [block("203.0.113.66", FOREVER, 3)]),
    "blocked_source_v6": (
        "rule 3 (enforce, ports 80) active; 2001:db8:bad::66 blocked by rule 3 until far future",
        rules_setup({3: RATE_BLOCK_80}, {"::/0": [3]}) + [block("2001:db8:bad::66", FOREVER, 3)]),
    "blocked_shadow": (
        "rule 4 (shadow, rate 100/s, block 60 s) active; 203.0.113.66 blocked by rule 4",
        rules_setup({4: rule_value(mode="shadow", threshold=100, window_ns=SEC, block_ns=60 * SEC)},
                    {"::/0": [4]}) + [block("203.0.113.66", FOREVER, 4)]),
    "block_expired": (
        "rule 3 active; 203.0.113.66 has a block entry that expired (expires_ns = 1)",
        rules_setup({3: RATE_BLOCK_80}, {"::/0": [3]}) + [block("203.0.113.66", 1, 3)]),
    "block_rule_gone": (
        "no rule 5 in the active slot; 203.0.113.66 has a live block entry naming rule 5",
        [block("203.0.113.66", FOREVER, 5)]),
    "path_prefix": (
        "rule 1: static drop of requests whose path starts with /login; rule 2: static drop of "
        "/api/v1/admin/users/ (20 bytes, crosses 8-byte words)",
        rules_setup({1: rule_value(path=b"/login"), 2: rule_value(path=b"/api/v1/admin/users/")},
                    {"::/0": [1, 2]})),
    "port_match": ("rule 0: static drop of requests to ports 8080 or 8443",
                   rules_setup({0: rule_value(ports=[8080, 8443])}, ANY)),
    "method_match": ("rule 0: static drop of POST and PUT requests",
                     rules_setup({0: rule_value(methods=["POST", "PUT"])}, ANY)),
    "source_prefix": (
        "rule 0: static drop of requests from 203.0.113.0/24 and 2001:db8:bad::/48 only",
        rules_setup({0: STATIC_DENY}, {"203.0.113.0/24": [0], "2001:db8:bad::/48": [0]})),
    "rate_limit": ("rule 6: drop requests over 3 per 60 s per source, no block",
                   rules_setup({6: rule_value(threshold=3, window_ns=60 * SEC)}, {"::/0": [6]})),
    "rate_limit_block": (
        "rule 6: drop requests over 2 per 60 s per source and block the source for 300 s",
        rules_setup({6: rule_value(threshold=2, window_ns=60 * SEC, block_ns=300 * SEC)},
                    {"::/0": [6]})),
    "rate_alert": ("rule 7: alert (never drop) on requests over 2 per 60 s",
                   rules_setup({7: rule_value(action="alert", threshold=2, window_ns=60 * SEC)},
                               {"::/0": [7]})),
    "rate_shadow_block": (
        "rule 8: shadow; drop over 1 request per 60 s and block 60 s (audit only)",
        rules_setup({8: rule_value(mode="shadow", threshold=1, window_ns=60 * SEC,
                                   block_ns=60 * SEC)}, {"::/0": [8]})),
    "syn_static": ("rule 9: static drop of connection attempts (SYN) to port 80",
                   rules_setup({9: rule_value(kind="connections", ports=[80])}, {"::/0": [9]})),
    "syn_rate": ("rule 9: drop connection attempts over 2 per 60 s",
                 rules_setup({9: rule_value(kind="connections", threshold=2, window_ns=60 * SEC)},
                             {"::/0": [9]})),
    "slot0_filled_slot1_active": (
        "static deny-all written in slot 0 but hf_active_slot = 1 (slot 1 empty): rules ignored",
        rules_setup({0: STATIC_DENY}, ANY, slot=0, active_slot=1)),
    "slot1_active": ("static deny-all in slot 1 and hf_active_slot = 1",
                     rules_setup({0: STATIC_DENY}, ANY, slot=1, active_slot=1)),
    "inactive_rule": ("rule 0 written with active = 0 (deny-all otherwise)",
                      rules_setup({0: rule_value(active=0)}, ANY)),
}

# ---------------------------------------------------------------- packets

SRC4, DST4 = "192.0.2.10", "198.51.100.80"
SRC6, DST6 = "2001:db8:1::10", "2001:db8:ffff::80"


def eth(ethertype=None):
    e = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
    if ethertype is not None:
        e.type = ethertype
    return e


def ip4(src=SRC4, **kw):
    return IP(src=src, dst=DST4, **kw)


def ip6(src=SRC6, **kw):
    return IPv6(src=src, dst=DST6, **kw)


def tcp(dport=80, flags="PA", **kw):
    return TCP(sport=40000, dport=dport, flags=flags, seq=1000, ack=2000 if "A" in flags else 0,
               **kw)


def http(method="GET", path="/", extra=b""):
    return (f"{method} {path} HTTP/1.1\r\nHost: example.test\r\nUser-Agent: corpus\r\n\r\n"
            .encode() + extra)


def get4(path="/index.html", src=SRC4, dport=80, method="GET"):
    return eth() / ip4(src) / tcp(dport) / Raw(http(method, path))


def get6(path="/index.html", src=SRC6, dport=80, method="GET"):
    return eth() / ip6(src) / tcp(dport) / Raw(http(method, path))


def pad60(frame):
    b = bytes(frame)
    return b + bytes(max(0, 60 - len(b)))


PACKETS = []


def add(name, frame, desc, verdict, counters, scenario="none", repeat=1, checks=(), passes=None):
    """passes: for repeat > 1, how many runs return XDP_PASS (default: all runs as verdict)."""
    data = frame if isinstance(frame, bytes) else bytes(frame)
    assert len(data) >= 14, name  # BPF_PROG_TEST_RUN needs a full Ethernet header
    if passes is None:
        passes = repeat if verdict == XDP_PASS else 0
    total = {"HF_CNT_PACKETS": repeat}
    if passes:
        total["HF_CNT_PASSED"] = passes
    if repeat - passes:
        total["HF_CNT_DROPPED"] = repeat - passes
    for k, v in counters.items():
        total[k] = total.get(k, 0) + v
    assert scenario in SCENARIOS, scenario
    PACKETS.append((name, data, desc, verdict, total, scenario, repeat, list(checks)))


def meth(m, n=1):
    return {f"HF_CNT_METHOD_{m}": n}


def c(**kw):
    out = {}
    for k, v in kw.items():
        out["HF_CNT_" + k.upper()] = v
    return out


def rule(kind, rid, n=1):
    base = {"match": "HF_CNT_RULE_MATCHES", "drop": "HF_CNT_RULE_DROPS",
            "shadow": "HF_CNT_RULE_SHADOW_DROPS", "alert": "HF_CNT_RULE_ALERTS"}[kind]
    return {f"{base}+{rid}": n}


def merge(*ds):
    out = {}
    for d in ds:
        for k, v in d.items():
            out[k] = out.get(k, 0) + v
    return out


def block_check(addr, present):
    return {"map": "hf_blocks", "key": hexs(addr16(addr)), "present": present}


# -- L2 ------------------------------------------------------------------------------------
add("vlan0_get", get4(), "IPv4 TCP GET, no VLAN tag", XDP_PASS, meth("GET"))
add("vlan1_get", eth() / Dot1Q(vlan=100) / ip4() / tcp() / Raw(http()),
    "802.1Q tag, IPv4 GET", XDP_PASS, meth("GET"))
add("vlan2_get", eth() / Dot1AD(vlan=10) / Dot1Q(vlan=100) / ip4() / tcp() / Raw(http()),
    "802.1ad + 802.1Q tags (QinQ), IPv4 GET", XDP_PASS, meth("GET"))
add("vlan2_get_v6", eth() / Dot1Q(vlan=10) / Dot1Q(vlan=20) / ip6() / tcp() / Raw(http()),
    "two 802.1Q tags, IPv6 GET", XDP_PASS, meth("GET"))
add("vlan3_too_deep",
    eth() / Dot1AD(vlan=1) / Dot1Q(vlan=2) / Dot1Q(vlan=3) / ip4() / tcp() / Raw(http()),
    "three VLAN tags: beyond the 2 parsed", XDP_PASS, c(vlan_too_deep=1))
add("vlan_truncated", bytes(eth() / Dot1Q(vlan=100) / ip4() / tcp())[:16],
    "802.1Q EtherType then only 2 of the 4 tag bytes", XDP_PASS, c(vlan_truncated=1))
add("vlan2_truncated", bytes(eth() / Dot1AD(vlan=1) / Dot1Q(vlan=2) / ip4() / tcp())[:20],
    "QinQ: outer tag complete, inner tag cut after 2 bytes", XDP_PASS, c(vlan_truncated=1))
add("arp", eth() / ARP(psrc=SRC4, pdst=DST4), "ARP request", XDP_PASS, c(not_ip=1))
add("eth_only_ipv4", bytes(eth(0x0800)), "14-byte Ethernet header, EtherType IPv4, nothing else",
    XDP_PASS, c(ipv4_truncated=1))
add("eth_only_ipv6", bytes(eth(0x86DD)), "14-byte Ethernet header, EtherType IPv6, nothing else",
    XDP_PASS, c(ipv6_truncated=1))

# -- IPv4 ----------------------------------------------------------------------------------
add("ipv4_options_get",
    eth() / IP(src=SRC4, dst=DST4, options=[IPOption_RR(routers=["198.51.100.1", "198.51.100.2"])])
    / tcp() / Raw(http()), "IPv4 with record-route option (ihl 8), GET", XDP_PASS, meth("GET"))
add("ipv4_truncated", bytes(get4())[:14 + 10], "IPv4 header cut after 10 bytes", XDP_PASS,
    c(ipv4_truncated=1))
add("ipv4_options_truncated",
    bytes(eth() / IP(src=SRC4, dst=DST4, options=[IPOption_RR(routers=["198.51.100.1"] * 4)])
          / tcp())[:14 + 24],
    "IPv4 ihl 10 (40 bytes) but only 24 header bytes present", XDP_PASS, c(ipv4_truncated=1))
_b = bytearray(bytes(get4()))
_b[14] = 0x44
add("ipv4_ihl4", bytes(_b), "IPv4 ihl = 4 (< 5)", XDP_PASS, c(ipv4_bad_header=1))
_b = bytearray(bytes(get4()))
_b[14] = 0x55
add("ipv4_version5", bytes(_b), "version nibble 5 under EtherType IPv4", XDP_PASS,
    c(ipv4_bad_header=1))
add("ipv4_totlen_short", bytes(eth() / ip4(len=16) / tcp() / Raw(http())),
    "IPv4 tot_len 16 < header length 20", XDP_PASS, c(ipv4_bad_header=1))
add("ipv4_first_fragment",
    eth() / ip4(flags="MF", frag=0, id=77) / tcp() / Raw(http("GET", "/first-fragment")),
    "IPv4 first fragment (MF, offset 0) carrying TCP + GET: inspected", XDP_PASS, meth("GET"))
add("ipv4_later_fragment",
    eth() / ip4(flags=0, frag=185, id=77, proto=6) / Raw(http("GET", "/looks-like-http")),
    "IPv4 non-first fragment (offset 185) whose bytes look like a GET", XDP_PASS, c(fragment=1))
add("ipv4_later_fragment_deny_all",
    eth() / ip4(flags="MF", frag=1, id=78, proto=6) / Raw(http("GET", "/x")),
    "IPv4 non-first fragment under a deny-all rule: passes untouched", XDP_PASS, c(fragment=1),
    scenario="static_deny_all")
add("udp_dns", eth() / ip4() / UDP(sport=40000, dport=53) / Raw(b"\x12\x34\x01\x00" + bytes(8)),
    "UDP datagram", XDP_PASS, c(not_tcp=1))
add("udp_get_payload", eth() / ip4() / UDP(sport=40000, dport=80) / Raw(http()),
    "UDP datagram whose payload is a GET line", XDP_PASS, c(not_tcp=1), scenario="static_deny_all")
add("icmp_echo", eth() / ip4() / ICMP() / Raw(b"ping" * 8), "ICMP echo request", XDP_PASS,
    c(not_tcp=1))

# -- IPv6 ----------------------------------------------------------------------------------
add("ipv6_get", get6(), "IPv6 TCP GET, no extension headers", XDP_PASS, meth("GET"))
add("ipv6_ext1_get", eth() / ip6() / IPv6ExtHdrHopByHop() / tcp() / Raw(http()),
    "IPv6 + hop-by-hop, GET", XDP_PASS, meth("GET"))
add("ipv6_ext3_get",
    eth() / ip6() / IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt() / IPv6ExtHdrRouting()
    / tcp() / Raw(http()), "IPv6 + hop-by-hop, destination options, routing, GET", XDP_PASS,
    meth("GET"))
add("ipv6_ext6_get",
    eth() / ip6() / IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt() / IPv6ExtHdrRouting()
    / IPv6ExtHdrFragment(offset=0, m=1, id=9) / IPv6ExtHdrDestOpt() / IPv6ExtHdrDestOpt()
    / tcp() / Raw(http()), "IPv6 with exactly 6 extension headers (the limit), GET", XDP_PASS,
    meth("GET"))
_deep = eth() / ip6()
for _ in range(7):
    _deep = _deep / IPv6ExtHdrDestOpt()
add("ipv6_ext7_too_deep", _deep / tcp() / Raw(http()),
    "IPv6 with 7 destination-options headers before TCP", XDP_PASS, c(ipv6_ext_too_deep=1))
add("ipv6_first_fragment",
    eth() / ip6() / IPv6ExtHdrFragment(offset=0, m=1, id=5) / tcp() / Raw(http()),
    "IPv6 first fragment (offset 0, M) with TCP + GET: inspected", XDP_PASS, meth("GET"))
add("ipv6_later_fragment",
    eth() / ip6() / IPv6ExtHdrFragment(offset=100, m=0, id=5, nh=6) / Raw(http()),
    "IPv6 non-first fragment (offset 100)", XDP_PASS, c(fragment=1))
add("ipv6_truncated", bytes(get6())[:14 + 20], "IPv6 header cut after 20 bytes", XDP_PASS,
    c(ipv6_truncated=1))
_b = bytearray(bytes(get6()))
_b[14] = 0x45
add("ipv6_version4", bytes(_b), "version nibble 4 under EtherType IPv6", XDP_PASS,
    c(ipv6_bad_header=1))
_t = eth() / ip6() / IPv6ExtHdrHopByHop(options=[]) / tcp()
_t[IPv6ExtHdrHopByHop].len = 1            # claims 16 bytes
add("ipv6_ext_truncated", bytes(_t)[:14 + 40 + 8],
    "hop-by-hop header claims 16 bytes, 8 present", XDP_PASS, c(ipv6_ext_truncated=1))
add("ipv6_ext_truncated_1byte", bytes(eth() / ip6() / IPv6ExtHdrDestOpt() / tcp())[:14 + 40 + 1],
    "destination-options header cut after 1 byte", XDP_PASS, c(ipv6_ext_truncated=1))
add("ipv6_frag_truncated",
    bytes(eth() / ip6() / IPv6ExtHdrFragment(offset=0, m=1) / tcp())[:14 + 40 + 6],
    "fragment header cut after 6 of 8 bytes", XDP_PASS, c(ipv6_ext_truncated=1))
add("ipv6_icmp", eth() / ip6() / ICMPv6EchoRequest(), "ICMPv6 echo request", XDP_PASS,
    c(not_tcp=1))
add("ipv6_ext_udp", eth() / ip6() / IPv6ExtHdrHopByHop() / UDP(sport=1, dport=53),
    "IPv6 + hop-by-hop + UDP", XDP_PASS, c(not_tcp=1))
add("ipv6_esp", eth() / ip6(nh=50) / Raw(bytes(16)), "IPv6 ESP (not walked)", XDP_PASS,
    c(not_tcp=1))

# -- TCP header ----------------------------------------------------------------------------
add("tcp_truncated_v4", bytes(get4())[:14 + 20 + 10], "TCP header cut after 10 bytes (IPv4)",
    XDP_PASS, c(tcp_truncated=1))
add("tcp_truncated_v6", bytes(get6())[:14 + 40 + 19], "TCP header cut after 19 bytes (IPv6)",
    XDP_PASS, c(tcp_truncated=1))
add("tcp_doff4", eth() / ip4() / tcp(dataofs=4) / Raw(http()), "TCP doff = 4 (< 5)", XDP_PASS,
    c(tcp_bad_doff=1))
add("tcp_doff_beyond", pad60(eth() / ip4() / tcp(flags="A", dataofs=15)),
    "TCP doff = 15 (60 bytes) in a 60-byte frame", XDP_PASS, c(tcp_bad_doff=1))
add("tcp_options_get",
    eth() / ip4() / tcp(options=[("NOP", None), ("NOP", None), ("Timestamp", (1, 2))])
    / Raw(http()), "TCP with timestamp option (doff 8), GET", XDP_PASS, meth("GET"))
add("tcp_bare_ack_padded", pad60(eth() / ip4() / tcp(flags="A")),
    "bare ACK, padded to 60 bytes: padding is not payload", XDP_PASS, {})
add("tcp_ack_padding_looks_like_get",
    bytes(eth() / ip4() / tcp(flags="A")) + b"GET /x",
    "bare ACK followed by 6 padding bytes 'GET /x' beyond IPv4 tot_len: not a request",
    XDP_PASS, {})
add("tcp_syn", pad60(eth() / ip4() / tcp(flags="S")), "TCP SYN", XDP_PASS, c(tcp_syn=1))
add("tcp_syn_ack", pad60(eth() / ip4() / tcp(flags="SA")), "TCP SYN-ACK: not a connection attempt",
    XDP_PASS, {})
add("tcp_syn_v6", eth() / ip6() / tcp(flags="S"), "TCP SYN over IPv6", XDP_PASS, c(tcp_syn=1))

# -- HTTP request line ---------------------------------------------------------------------
for _m in METHODS:
    _path = "*" if _m == "OPTIONS" else ("example.test:443" if _m == "CONNECT" else "/resource")
    add(f"method_{_m.lower()}", get4(_path, method=_m), f"{_m} request line", XDP_PASS, meth(_m))
add("method_get_v6_deny_all", get6(), "IPv6 GET under deny-all", XDP_DROP,
    merge(meth("GET"), rule("match", 0), rule("drop", 0)), scenario="static_deny_all")
add("lowercase_get", eth() / ip4() / tcp() / Raw(b"get / HTTP/1.1\r\nHost: x\r\n\r\n"),
    "lowercase 'get ' is not HTTP", XDP_PASS, meth("OTHER"), scenario="static_deny_all")
add("get_split_ge", eth() / ip4() / tcp() / Raw(b"GE"), "request split: payload is only 'GE'",
    XDP_PASS, meth("OTHER"), scenario="static_deny_all")
add("get_no_space", eth() / ip4() / tcp() / Raw(b"GETX / HTTP/1.1\r\n\r\n"),
    "'GETX' is not a method", XDP_PASS, meth("OTHER"), scenario="static_deny_all")
add("head_no_space", eth() / ip4() / tcp() / Raw(b"HEADER: value\r\n\r\n"),
    "header continuation 'HEADER:' is not HEAD", XDP_PASS, meth("OTHER"),
    scenario="static_deny_all")
add("get_only_4_bytes", eth() / ip4() / tcp() / Raw(b"GET "),
    "payload is exactly 'GET ' (short load path)", XDP_DROP,
    merge(meth("GET"), rule("match", 0), rule("drop", 0)), scenario="static_deny_all")
add("http_response", eth() / ip4() / tcp() / Raw(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
    "HTTP response, not a request", XDP_PASS, meth("OTHER"), scenario="static_deny_all")
add("tls_client_hello", eth() / ip4() / tcp(443) / Raw(bytes.fromhex("160301002a010000260303")
                                                        + bytes(38)),
    "TLS record header (non-HTTP payload)", XDP_PASS, meth("OTHER"), scenario="static_deny_all")

# -- scenarios: allowlist / static deny / shadow ------------------------------------------
add("allowlisted_v4", get4(src="192.0.2.77"), "source in allowlist 192.0.2.64/26, deny-all rule",
    XDP_PASS, c(allowlisted=1), scenario="allowlist_with_deny_all")
add("allowlisted_v6", get6(src="2001:db8:a11::5"), "IPv6 source in allowlist 2001:db8:a11::/48",
    XDP_PASS, c(allowlisted=1), scenario="allowlist_with_deny_all")
add("allowlisted_syn", pad60(eth() / ip4("192.0.2.100") / tcp(flags="S")),
    "allowlisted SYN: not inspected (no SYN count)", XDP_PASS, c(allowlisted=1),
    scenario="allowlist_with_deny_all")
add("not_allowlisted_v4", get4(src="192.0.2.10"), "source outside the allowlist: deny-all drops",
    XDP_DROP, merge(meth("GET"), rule("match", 0), rule("drop", 0)),
    scenario="allowlist_with_deny_all")
add("static_deny_v4", get4(src="198.51.100.23"), "static deny-all rule drops an IPv4 GET",
    XDP_DROP, merge(meth("GET"), rule("match", 0), rule("drop", 0)), scenario="static_deny_all")
add("static_deny_vlan2", eth() / Dot1AD(vlan=1) / Dot1Q(vlan=2) / ip4() / tcp() / Raw(http("POST")),
    "deny-all drops a POST inside two VLAN tags", XDP_DROP,
    merge(meth("POST"), rule("match", 0), rule("drop", 0)), scenario="static_deny_all")
add("static_deny_ack_passes", pad60(eth() / ip4() / tcp(flags="A")),
    "deny-all (requests) does not touch a bare ACK", XDP_PASS, {}, scenario="static_deny_all")
add("shadow_static", get4(), "shadow deny-all: passes, shadow counter rises", XDP_PASS,
    merge(meth("GET"), rule("match", 0), rule("shadow", 0)), scenario="shadow_static")
add("inactive_rule", get4(), "rule with active = 0 is ignored", XDP_PASS, meth("GET"),
    scenario="inactive_rule")
add("slot0_not_active", get4(), "rules in the inactive slot are ignored", XDP_PASS, meth("GET"),
    scenario="slot0_filled_slot1_active")
add("slot1_active", get4(), "rules in slot 1 apply once hf_active_slot = 1", XDP_DROP,
    merge(meth("GET"), rule("match", 0), rule("drop", 0)), scenario="slot1_active")

# -- scenarios: source prefixes, path, port, method ---------------------------------------
add("source_prefix_v4_match", get4(src="203.0.113.7"), "source in 203.0.113.0/24: dropped",
    XDP_DROP, merge(meth("GET"), rule("match", 0), rule("drop", 0)), scenario="source_prefix")
add("source_prefix_v4_miss", get4(src="198.51.100.7"), "source outside the rule's prefixes",
    XDP_PASS, meth("GET"), scenario="source_prefix")
add("source_prefix_v6_match", get6(src="2001:db8:bad::1"),
    "IPv6 source in 2001:db8:bad::/48: static deny", XDP_DROP,
    merge(meth("GET"), rule("match", 0), rule("drop", 0)), scenario="source_prefix")
add("source_prefix_v6_miss", get6(src="2001:db8:bae::1"), "IPv6 source just outside /48",
    XDP_PASS, meth("GET"), scenario="source_prefix")
add("path_login_match", get4("/login?user=a"), "GET /login?user=a matches prefix /login",
    XDP_DROP, merge(meth("GET"), rule("match", 1), rule("drop", 1)), scenario="path_prefix")
add("path_login_short", eth() / ip4() / tcp() / Raw(b"POST /login HTTP/1.0\r\n\r\n"),
    "short request (path bytes < 32, helper copy path) matches /login", XDP_DROP,
    merge(meth("POST"), rule("match", 1), rule("drop", 1)), scenario="path_prefix")
add("path_login_miss", get4("/logout"), "GET /logout does not match /login", XDP_PASS,
    meth("GET"), scenario="path_prefix")
add("path_exact_prefix_only", eth() / ip4() / tcp() / Raw(b"GET /logi"),
    "payload ends inside the path ('/logi'): shorter than the prefix, no match", XDP_PASS,
    meth("GET"), scenario="path_prefix")
add("path_long_match", get4("/api/v1/admin/users/42/roles?expand=all"),
    "long path matches 20-byte prefix /api/v1/admin/users/", XDP_DROP,
    merge(meth("GET"), rule("match", 2), rule("drop", 2)), scenario="path_prefix")
add("path_long_miss_last_byte", get4("/api/v1/admin/users"),
    "path /api/v1/admin/users (no trailing slash) misses the 20-byte prefix", XDP_PASS,
    meth("GET"), scenario="path_prefix")
add("path_long_miss_word3", get4("/api/v1/admin/userX/42"),
    "path differs in the third 8-byte word", XDP_PASS, meth("GET"), scenario="path_prefix")
add("port_match", get4(dport=8443), "GET to port 8443 (rule ports 8080, 8443)", XDP_DROP,
    merge(meth("GET"), rule("match", 0), rule("drop", 0)), scenario="port_match")
add("port_miss", get4(dport=80), "GET to port 80 (rule ports 8080, 8443)", XDP_PASS, meth("GET"),
    scenario="port_match")
add("method_match_post", get4(method="POST"), "POST against a POST|PUT rule", XDP_DROP,
    merge(meth("POST"), rule("match", 0), rule("drop", 0)), scenario="method_match")
add("method_match_put_v6", get6(method="PUT"), "IPv6 PUT against a POST|PUT rule", XDP_DROP,
    merge(meth("PUT"), rule("match", 0), rule("drop", 0)), scenario="method_match")
add("method_miss_get", get4(method="GET"), "GET against a POST|PUT rule", XDP_PASS, meth("GET"),
    scenario="method_match")

# -- scenarios: block map -----------------------------------------------------------------
add("blocked_source", get4(src="203.0.113.66"), "blocked source, port 80 in rule 3's ports",
    XDP_DROP, merge(c(blocked_drops=1), rule("drop", 3)), scenario="blocked_source")
add("blocked_source_ack", pad60(eth() / ip4("203.0.113.66") / tcp(flags="A")),
    "blocked source: a bare ACK to port 80 is dropped too (block covers all TCP)", XDP_DROP,
    merge(c(blocked_drops=1), rule("drop", 3)), scenario="blocked_source")
add("blocked_source_other_port", get4(src="203.0.113.66", dport=8080),
    "blocked source, port 8080 outside rule 3's ports: inspected, passes", XDP_PASS, meth("GET"),
    scenario="blocked_source")
add("blocked_source_udp", eth() / ip4("203.0.113.66") / UDP(sport=1, dport=80) / Raw(b"x" * 8),
    "blocked source, UDP: blocks apply to TCP only", XDP_PASS, c(not_tcp=1),
    scenario="blocked_source")
add("not_blocked_neighbour", get4(src="203.0.113.67"), "neighbour of a blocked source",
    XDP_PASS, merge(meth("GET"), rule("match", 3)), scenario="blocked_source")
add("blocked_source_v6", get6(src="2001:db8:bad::66"), "blocked IPv6 source", XDP_DROP,
    merge(c(blocked_drops=1), rule("drop", 3)), scenario="blocked_source_v6")
add("blocked_shadow", get4(src="203.0.113.66"), "block by a shadow rule: passes, counted",
    XDP_PASS, merge(c(blocked_shadow=1), rule("shadow", 4), meth("GET"), rule("match", 4)),
    scenario="blocked_shadow")
add("block_expired", get4(src="203.0.113.66"),
    "expired block entry: deleted (UNBLOCKED event), packet inspected and passes", XDP_PASS,
    merge(c(unblocked=1), meth("GET"), rule("match", 3)), scenario="block_expired",
    checks=[block_check("203.0.113.66", False)])
add("block_rule_gone", get4(src="203.0.113.66"),
    "block entry naming a rule absent from the active slot: deleted, passes", XDP_PASS,
    merge(c(unblocked=1), meth("GET")), scenario="block_rule_gone",
    checks=[block_check("203.0.113.66", False)])

# -- scenarios: rate rules (repeat = runs of the same packet, verdict of the last run) -----
add("rate_under_threshold", get4(src="203.0.113.10"), "3 requests, threshold 3: all pass",
    XDP_PASS, merge(meth("GET", 3), rule("match", 6, 3)), scenario="rate_limit", repeat=3)
add("rate_over_threshold", get4(src="203.0.113.10"),
    "5 requests, threshold 3: 4th and 5th dropped, one crossing", XDP_DROP,
    merge(meth("GET", 5), rule("match", 6, 5), rule("drop", 6, 2), rule("alert", 6)),
    scenario="rate_limit", repeat=5, passes=3, checks=[block_check("203.0.113.10", False)])
add("rate_block", get4(src="203.0.113.11"),
    "4 requests, threshold 2, block 300 s: 3rd crosses and blocks, 4th hits the block",
    XDP_DROP, merge(meth("GET", 3), rule("match", 6, 3), rule("drop", 6, 2), rule("alert", 6),
                    c(blocks_added=1, blocked_drops=1)),
    scenario="rate_limit_block", repeat=4, passes=2, checks=[block_check("203.0.113.11", True)])
add("rate_alert_only", get6(src="2001:db8:bad::7"), "alert rule: 5 requests over threshold 2 pass",
    XDP_PASS, merge(meth("GET", 5), rule("match", 7, 5), rule("alert", 7)),
    scenario="rate_alert", repeat=5)
add("rate_shadow_block", get4(src="203.0.113.12"),
    "shadow rule, threshold 1, block: 2nd crosses (would drop, block written), 3rd hits the "
    "shadow block and is inspected again", XDP_PASS,
    merge(meth("GET", 3), rule("match", 8, 3), rule("alert", 8), rule("shadow", 8, 3),
          c(blocks_added=1, blocked_shadow=1)),
    scenario="rate_shadow_block", repeat=3, checks=[block_check("203.0.113.12", True)])
add("syn_static_drop", pad60(eth() / ip4("203.0.113.20") / tcp(flags="S")),
    "connections rule: SYN to port 80 dropped", XDP_DROP,
    merge(c(tcp_syn=1), rule("match", 9), rule("drop", 9)), scenario="syn_static")
add("syn_static_ack_passes", get4(src="203.0.113.20"),
    "connections rule does not match requests (no SYN)", XDP_PASS, meth("GET"),
    scenario="syn_static")
add("syn_static_other_port", pad60(eth() / ip4("203.0.113.20") / tcp(dport=22, flags="S")),
    "connections rule on port 80 ignores SYN to 22", XDP_PASS, c(tcp_syn=1), scenario="syn_static")
add("syn_rate_drop", eth() / ip6("2001:db8:bad::20") / tcp(flags="S"),
    "3 SYNs, threshold 2: 3rd dropped", XDP_DROP,
    merge(c(tcp_syn=3), rule("match", 9, 3), rule("drop", 9), rule("alert", 9)),
    scenario="syn_rate", repeat=3, passes=2)


def main():
    os.makedirs(PKT_DIR, exist_ok=True)
    for old in os.listdir(PKT_DIR):
        if old.endswith(".bin"):
            os.remove(os.path.join(PKT_DIR, old))
    names = set()
    packets = []
    for i, (name, data, desc, verdict, counters, scenario, repeat, checks) in enumerate(PACKETS, 1):
        assert name not in names, name
        names.add(name)
        fname = f"packets/{i:03d}_{name}.bin"
        with open(os.path.join(HERE, fname), "wb") as f:
            f.write(data)
        packets.append({
            "file": fname,
            "name": name,
            "description": desc,
            "scenario": scenario,
            "repeat": repeat,
            "expected_verdict": verdict,
            "counters": [{"name": k, "index": counter_index(k), "delta": v}
                         for k, v in sorted(counters.items(), key=lambda kv: counter_index(kv[0]))],
            "map_checks": checks,
        })
    manifest = {
        "version": 1,
        "object": "build/bpf/http_flood.bpf.o",
        "program": "xdp_http_flood",
        "notes": [
            "Fresh maps for every packet: load the object, apply the scenario's map_updates "
            "(bytes as hex, layouts in bpf/http_flood.h), run the file through BPF_PROG_TEST_RUN "
            "'repeat' times; expected_verdict is the return value of the last run.",
            "counters: exact deltas of hf_counters (summed over CPUs) over all runs; every counter "
            "not listed must not change. Names are enum hf_counter names, '+N' = base + rule id.",
            "map_checks: after the runs, key present / absent in the named map.",
            "Verdicts: XDP_DROP = 1, XDP_PASS = 2.",
        ],
        "scenarios": {k: {"description": d, "map_updates": u} for k, (d, u) in SCENARIOS.items()},
        "packets": packets,
    }
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print(f"wrote {len(packets)} packets, {len(SCENARIOS)} scenarios", file=sys.stderr)


if __name__ == "__main__":
    main()
