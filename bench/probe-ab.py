#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Before/after of the TCP probe programs: `make probe-ab BASE=<git revision>` (root, minutes).

Builds bpf/tcp_latency.bpf.c as it is at BASE and as it is in the working tree, then runs bench/probe_ab.c
with both and the two yardsticks of the probe benchmark (bench/empty_probe.bpf.c, bench/minimal_probe.bpf.c)
on one continuous in-process ping-pong load, and prints each one's share of the no-probe rate and the working
tree's ratio to BASE, round by round. Medians with a distribution-free 95 % interval (order statistics), as in
the benchmarks; only rounds in which every variant ran count.
"""
import argparse
import math
import pathlib
import statistics
import subprocess
import sys
import tempfile

REPO = pathlib.Path(__file__).resolve().parent.parent
CLANG = ["clang-16", "-g", "-O2", "-target", "bpf", "-D__TARGET_ARCH_x86", "-Wall", "-Werror"]


def build_at(revision: str, out: pathlib.Path) -> pathlib.Path:
    """Compiles tcp_latency.bpf.c with the bpf/ tree of `revision` (its headers included)."""
    with tempfile.TemporaryDirectory() as tree:
        archive = subprocess.run(["git", "-C", str(REPO), "archive", revision, "bpf"], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", tree], input=archive, check=True)
        obj = out / f"tcp_latency-{revision}.bpf.o"
        subprocess.run(CLANG + ["-I", f"{tree}/bpf", "-c", f"{tree}/bpf/tcp_latency.bpf.c", "-o", str(obj)], check=True)
        return obj


def interval(values: list[float]) -> tuple[float, float]:
    """95 % confidence interval of the median from order statistics."""
    ordered = sorted(values)
    k = max(0, int(len(ordered) / 2 - 1.96 * math.sqrt(len(ordered)) / 2))
    return ordered[k], ordered[len(ordered) - 1 - k]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="git revision whose bpf/ is the baseline")
    parser.add_argument("--rounds", type=int, default=150)
    parser.add_argument("--segment-ms", type=int, default=500)
    args = parser.parse_args()

    out = REPO / "build" / "bench" / "ab"
    out.mkdir(parents=True, exist_ok=True)
    variants = {
        f"base {args.base}": build_at(args.base, out),
        "working tree": REPO / "build" / "bpf" / "tcp_latency.bpf.o",
        "minimal probe": REPO / "build" / "bench" / "minimal_probe.bpf.o",
        "empty programs": REPO / "build" / "bench" / "empty_probe.bpf.o",
    }
    names = list(variants)
    print(f"probe-ab: {args.rounds} rounds of {len(names)} variants, {args.segment_ms} ms segments", flush=True)
    run = subprocess.run([str(REPO / "build" / "bench" / "probe_ab"), str(args.segment_ms), str(args.rounds)]
                         + [str(p) for p in variants.values()], check=True, capture_output=True, text=True)
    rounds: dict[int, dict[int, float]] = {}
    for line in run.stdout.splitlines():
        r, i, ratio = line.split()
        rounds.setdefault(int(r), {})[int(i)] = float(ratio)
    complete = [v for v in rounds.values() if len(v) == len(names)]
    if not complete:
        print("probe-ab: no complete round", file=sys.stderr)
        return 1

    print(f"share of the no-probe rate (transactions per CPU-second), {len(complete)} rounds:")
    for i, name in enumerate(names):
        values = [r[i] for r in complete]
        lo, hi = interval(values)
        print(f"  {name:24s} {statistics.median(values) * 100:6.2f} %  (95 % CI {lo * 100:.2f}-{hi * 100:.2f})")
    print(f"round by round, against {names[0]}:")
    for i, name in enumerate(names[1:], start=1):
        values = [r[i] / r[0] for r in complete]
        lo, hi = interval(values)
        print(f"  {name:24s} {statistics.median(values) * 100:6.2f} %  (95 % CI {lo * 100:.2f}-{hi * 100:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
