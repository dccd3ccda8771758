#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Runs `netscope selftest` on every kernel of tests/kernels/matrix.json and asserts on its summary.

The host kernel runs the published agent directly; every other kernel boots under qemu-system-x86_64 with
the initramfs of build-initramfs.sh, whose /init runs the selftest and powers off. For each kernel the
summary line (NETSCOPE-SELFTEST-SUMMARY + JSON) must say passed, each rung configuration must choose the
rung and hook set the matrix expects, and every configuration that attached, on every kernel, must report
the same exact numbers for the same traffic. A guest that never prints the summary (hang, crash, timeout) fails.
Console output goes to OUT_DIR/<kernel>.log. Exit 0 when everything holds, 1 otherwise.

usage: run-matrix.py --app build/app --initramfs build/kernels/initramfs.cpio --corpus tests/corpus/xdp --out build/kernels
"""
import argparse
import glob
import json
import os
import re
import selectors
import subprocess
import sys
import time

SUMMARY = "NETSCOPE-SELFTEST-SUMMARY "
TERMINAL_CONTROL = re.compile(r"\x1b(\[[0-9;?]*[A-Za-z]|c)")
HERE = os.path.dirname(os.path.abspath(__file__))


def version_key(path):
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", path)]


def run_streaming(cmd, log_path, timeout):
    """Runs cmd, copying its output to log_path; returns (lines, exit code or None on timeout, seconds)."""
    start = time.monotonic()
    lines = []
    with open(log_path, "w", encoding="utf-8", errors="replace") as log:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            deadline = start + timeout
            sel = selectors.DefaultSelector()
            sel.register(proc.stdout, selectors.EVENT_READ)
            buffer = b""
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    proc.kill()
                    proc.wait()
                    return lines + [buffer.decode(errors="replace")], None, time.monotonic() - start
                if not sel.select(timeout=min(remaining, 1.0)):
                    continue
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    break
                buffer += chunk
                *complete, buffer = buffer.split(b"\n")
                for raw in complete:
                    line = TERMINAL_CONTROL.sub("", raw.decode(errors="replace")).rstrip("\r")
                    lines.append(line)
                    log.write(line + "\n")
                log.flush()
            if buffer:
                lines.append(buffer.decode(errors="replace"))
                log.write(lines[-1] + "\n")
            return lines, proc.wait(), time.monotonic() - start
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def guest_image(kernel, args):
    """The newest image of a guest kernel, fetched from its Debian package into OUT_DIR/<kernel>/boot when
    none is there yet (downloaded and unpacked, never installed: the host's /boot stays as it is)."""
    boot_dir = os.path.join(args.out, kernel["name"], "boot")
    pattern = os.path.join(boot_dir, kernel["image"])
    if not glob.glob(pattern):
        fetch = subprocess.run(["bash", os.path.join(HERE, "fetch-guest-kernel.sh"), kernel["package"],
                                os.path.join(args.out, kernel["name"])], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        print(fetch.stdout, end="", flush=True)
    images = sorted(glob.glob(pattern), key=version_key)
    if not images:
        raise RuntimeError(f"no kernel image matches {pattern}: fetching package {kernel['package']} failed "
                           "(apt-get download needs the Debian archive)")
    return images[-1]


def command_for(kernel, args):
    """The command that runs the selftest on this kernel, or raises with what is missing."""
    if kernel.get("host"):
        return [os.path.join(args.app, "netscope"), "selftest", "--xdp-corpus", args.corpus]
    accel = os.environ.get("QEMU_ACCEL", "tcg")
    return ["qemu-system-x86_64", "-accel", accel, "-smp", "2", "-m", "1536", "-nographic", "-no-reboot",
            "-net", "none", "-kernel", guest_image(kernel, args), "-initrd", args.initramfs,
            "-append", "console=ttyS0 panic=-1 quiet"]


def chosen(config):
    """The rung/hook set a configuration attached with, e.g. "tracepoint/syscalls", or None."""
    return f"{config['rung']}/{config['hook_set']}" if config["rung"] else None


def matches(want, config):
    """Whether a configuration chose what the matrix wants: "rung/hook_set", just "rung", or None (nothing)."""
    if want is None or "/" in want:
        return chosen(config) == want
    return config["rung"] == want


def check_kernel(kernel, summary):
    """Failures of one kernel's summary against the matrix, each naming kernel, configuration, rung and check."""
    where = f"kernel {kernel['name']} ({summary['kernel']})"
    failures = []
    for check in summary["checks"]:
        if check["outcome"] == "fail":
            failures.append(f"{where}: rungs {check['scope']} [{check['rung'] or '-'}]: check {check['name']} failed: {check['reason']}")
    configurations = {c["name"]: c for c in summary["configurations"]}
    for name, expected in kernel["expect"].items():
        want = expected if isinstance(expected, (str, type(None))) else expected["rung"]
        config = configurations.get(name)
        if config is None:
            failures.append(f"{where}: rungs {name}: the selftest did not run this configuration")
            continue
        reasons = "; ".join(f"{r['rung']}/{r['hook_set']}: {r['reason']}" for r in config["rungs"])
        if not matches(want, config):
            failures.append(f"{where}: rungs {name}: chose {chosen(config) or 'no rung'}, expected {want or 'no rung'} ({reasons})")
        elif isinstance(expected, dict) and expected.get("reason_contains") and expected["reason_contains"] not in reasons:
            failures.append(f"{where}: rungs {name}: refused for another reason than '{expected['reason_contains']}' ({reasons})")
    if not summary["passed"] and not failures:
        failures.append(f"{where}: the selftest says it failed")
    return failures


def compare_numbers(numbers):
    """The same traffic must give the same exact numbers on every rung of every kernel: one failure per difference."""
    if not numbers:
        return []
    differences = []
    first_name, first = numbers[0]
    for name, other in numbers[1:]:
        for key in sorted(set(first) | set(other)):
            if first.get(key) != other.get(key):
                differences.append(f"{name}: same traffic, different numbers: {key} = {other.get(key)} here, {first.get(key)} on {first_name}")
    return differences


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--app", required=True)
    parser.add_argument("--initramfs", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--matrix", default=os.path.join(HERE, "matrix.json"))
    parser.add_argument("--only", help="run only the kernel of this name")
    parser.add_argument("--timeout", type=int, default=int(os.environ.get("NETSCOPE_KERNEL_TIMEOUT", "420")),
                        help="seconds a kernel may take to print its summary (default 420: software emulation on a busy 2-core machine)")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    with open(args.matrix, encoding="utf-8") as f:
        matrix = json.load(f)

    failures, numbers, rows = [], [], []
    for kernel in matrix["kernels"]:
        if args.only and kernel["name"] != args.only:
            continue
        log_path = os.path.join(args.out, f"{kernel['name']}.log")
        try:
            cmd = command_for(kernel, args)
        except RuntimeError as e:
            failures.append(f"kernel {kernel['name']}: {e}")
            continue
        print(f"test-kernels: {kernel['name']}: {' '.join(cmd)}", flush=True)
        lines, code, seconds = run_streaming(cmd, log_path, args.timeout)
        summaries = [l[l.index(SUMMARY) + len(SUMMARY):] for l in lines if SUMMARY in l]
        if not summaries:
            ended = "timed out after %d s" % args.timeout if code is None else f"exited {code} after {seconds:.0f} s"
            tail = "\n    ".join(l for l in lines[-25:] if l.strip())
            failures.append(f"kernel {kernel['name']}: never reported a selftest summary ({ended}); console in {log_path}, last lines:\n    {tail}")
            continue
        summary = json.loads(summaries[-1])
        with open(os.path.join(args.out, f"{kernel['name']}.summary.json"), "w", encoding="utf-8") as f:
            json.dump(summary, f, indent=1)
        failures += check_kernel(kernel, summary)
        for config in summary["configurations"]:
            rows.append((kernel["name"], summary["kernel"], config["name"], chosen(config) or "-", seconds))
            if config["rung"]:
                numbers.append((f"kernel {kernel['name']} rungs {config['name']} [{chosen(config)}]", config["numbers"]))

    differences = compare_numbers(numbers)
    failures += differences

    print(f"{'kernel':<18} {'release':<24} {'rungs allowed':<26} {'rung/hook set chosen':<21} wall")
    for kernel, release, config, rung, seconds in rows:
        print(f"{kernel:<18} {release:<24} {config:<26} {rung:<21} {seconds:.0f} s")
    if numbers and not differences:
        print(f"test-kernels: {len(numbers)} rung configurations recorded the same numbers: "
              + ", ".join(f"{k}={v}" for k, v in sorted(numbers[0][1].items())))
    for failure in failures:
        print(f"test-kernels: FAIL {failure}", file=sys.stderr)
    tested = [k["name"] for k in matrix["kernels"] if not args.only or k["name"] == args.only]
    failed = [name for name in tested if any(f.startswith(f"kernel {name} ") or f.startswith(f"kernel {name}:") for f in failures)]
    print(f"test-kernels: {len(tested) - len(failed)} passed, {len(failed)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
