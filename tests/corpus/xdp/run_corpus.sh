#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Verifies the XDP corpus (manifest.json) against build/bpf/http_flood.bpf.o with bpftool only
# (jq reads the manifest and bpftool's JSON). For every packet: load the object with fresh maps
# under a private bpffs directory, apply the scenario's map updates, run the frame through
# BPF_PROG_TEST_RUN 'repeat' times, then check the last verdict, the exact counter deltas and
# the map checks. Pins are removed on exit, also on failure or Ctrl-C.
#
# Usage: tests/corpus/xdp/run_corpus.sh [-v] [name-substring]     (root; bpftool, jq)
# Env:   HF_OBJ=path/to/http_flood.bpf.o   BPFTOOL=bpftool
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../../.." && pwd)"
MANIFEST="$HERE/manifest.json"
OBJ="${HF_OBJ:-$REPO/build/bpf/http_flood.bpf.o}"
BPFTOOL="${BPFTOOL:-bpftool}"
VERBOSE=0
FILTER=""
for arg in "$@"; do
	case "$arg" in
	-v) VERBOSE=1 ;;
	*) FILTER="$arg" ;;
	esac
done

die() { echo "run_corpus: $*" >&2; exit 2; }
command -v "$BPFTOOL" >/dev/null || die "bpftool not found"
command -v jq >/dev/null || die "jq not found"
[ -f "$OBJ" ] || die "object $OBJ not found (build it first)"
[ -f "$MANIFEST" ] || die "$MANIFEST not found (run generate.py)"
[ "$(id -u)" -eq 0 ] || die "needs root (BPF_PROG_LOAD, bpffs)"
if ! grep -q "^[^ ]* /sys/fs/bpf bpf " /proc/mounts; then
	mount -t bpf bpf /sys/fs/bpf || die "bpffs is not mounted: mount -t bpf bpf /sys/fs/bpf"
fi

# bpffs rejects names containing a dot, so no mktemp template here.
PIN_ROOT="/sys/fs/bpf/netscope_corpus_$$_${RANDOM}"
mkdir "$PIN_ROOT" || die "cannot create $PIN_ROOT"
WORK="$(mktemp -d)"	# bpffs holds only pins: scratch files go here
cleanup() { rm -rf "$PIN_ROOT" "$WORK"; }
trap cleanup EXIT INT TERM

PROG_PIN="$PIN_ROOT/progs/xdp_http_flood"
MAPS="$PIN_ROOT/maps"

load_fresh() {
	rm -rf "$PIN_ROOT/progs" "$PIN_ROOT/maps"
	"$BPFTOOL" prog loadall "$OBJ" "$PIN_ROOT/progs" pinmaps "$MAPS" >/dev/null 2>"$WORK/load.err" ||
		{ cat "$WORK/load.err" >&2; die "bpftool prog loadall failed"; }
}

# Sum of each hf_counters entry over CPUs, one "index value" line per entry.
dump_counters() {
	"$BPFTOOL" -j map dump pinned "$MAPS/hf_counters" |
		jq -r '.[] | .formatted | "\(.key) \([.values[].value] | add)"'
}

apply_scenario() {
	local scenario="$1" map key value
	while IFS=$'\t' read -r map key value; do
		[ -n "$map" ] || continue
		# shellcheck disable=SC2086  # key/value are space-separated byte lists
		"$BPFTOOL" map update pinned "$MAPS/$map" key hex $key value hex $value ||
			die "scenario $scenario: update of $map failed"
	done < <(jq -r --arg s "$scenario" '.scenarios[$s].map_updates[] | [.map, .key, .value] | @tsv' "$MANIFEST")
}

verdict_name() {
	case "$1" in
	0) echo XDP_ABORTED ;; 1) echo XDP_DROP ;; 2) echo XDP_PASS ;;
	3) echo XDP_TX ;; 4) echo XDP_REDIRECT ;; *) echo "XDP_UNKNOWN($1)" ;;
	esac
}

total=0
passed=0
failed_names=()
count=$(jq '.packets | length' "$MANIFEST")

for ((i = 0; i < count; i++)); do
	pkt=$(jq -c ".packets[$i]" "$MANIFEST")
	name=$(jq -r .name <<<"$pkt")
	[ -z "$FILTER" ] || [[ "$name" == *"$FILTER"* ]] || continue
	file="$HERE/$(jq -r .file <<<"$pkt")"
	scenario=$(jq -r .scenario <<<"$pkt")
	repeat=$(jq -r .repeat <<<"$pkt")
	want=$(jq -r .expected_verdict <<<"$pkt")
	total=$((total + 1))
	errors=()

	load_fresh
	apply_scenario "$scenario"
	before=$(dump_counters)

	# test_run with repeat N runs the program N times; bpftool reports the last return value.
	out=$("$BPFTOOL" prog run pinned "$PROG_PIN" data_in "$file" repeat "$repeat" 2>&1) ||
		errors+=("bpftool prog run failed: $out")
	ret=$(sed -n 's/^Return value: \([0-9]*\).*/\1/p' <<<"$out")
	got=$(verdict_name "${ret:-none}")
	[ "$got" = "$want" ] || errors+=("verdict $got, expected $want")

	after=$(dump_counters)
	# Exact deltas: listed counters change by exactly delta, all others stay.
	while read -r line; do
		errors+=("$line")
	done < <(awk 'FILENAME == ARGV[1] { want[$1] = $2; label[$1] = $3; next }
		{ delta = $4 - $2; w = ($1 in want) ? want[$1] : 0
		  if (delta != w) printf "counter %s [%s]: delta %d, expected %d\n", \
			($1 in label) ? label[$1] : "unlisted", $1, delta, w }' \
		<(jq -r '.counters[] | "\(.index) \(.delta) \(.name)"' <<<"$pkt") \
		<(paste -d' ' <(echo "$before") <(echo "$after")))

	while IFS=$'\t' read -r map key present; do
		[ -n "$map" ] || continue
		# shellcheck disable=SC2086
		if "$BPFTOOL" map lookup pinned "$MAPS/$map" key hex $key >/dev/null 2>&1; then
			is=true
		else
			is=false
		fi
		[ "$is" = "$present" ] || errors+=("map $map key [$key] present=$is, expected $present")
	done < <(jq -r '.map_checks[] | [.map, .key, (.present | tostring)] | @tsv' <<<"$pkt")

	if [ ${#errors[@]} -eq 0 ]; then
		passed=$((passed + 1))
		[ "$VERBOSE" -eq 0 ] || printf 'ok    %-34s %-9s %s\n' "$name" "$got" "$scenario"
	else
		failed_names+=("$name")
		printf 'FAIL  %-34s scenario=%s\n' "$name" "$scenario"
		for e in "${errors[@]}"; do printf '        %s\n' "$e"; done
	fi
done

echo "run_corpus: $passed/$total packets as expected (object $OBJ)"
[ "$passed" -eq "$total" ] || { echo "failed: ${failed_names[*]}"; exit 1; }
