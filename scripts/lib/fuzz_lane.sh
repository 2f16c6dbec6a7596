#!/usr/bin/env bash
# The fuzz lane: libFuzzer on every parser flatnet runs on untrusted input (the targets
# are Sources/FlatnetFuzz, one per parser; docs/testing.md). Builds FlatnetFuzz once with
# -sanitize=fuzzer,address into .build-fuzz (the plugin's own build is untouched), then
# runs each target for a fixed number of executions from its committed seed corpus
# (Tests/FuzzCorpus/<target>). Fails on any crash, leak, timeout or out-of-memory, and
# keeps what failed under .build-fuzz/artifacts/<target>/.
#
# Run from the repository root; needs no root. Measured on 2 cores: 3 min 0 s from an
# empty .build-fuzz, build (46 s) included; 3 min 27 s while other builds ran. With the
# etcd targets (http-response, etcd-answers, cluster-records): 6 min 25 s at load 4-14
# (build 146 s); those three took 39 s of it.
#
# Knobs (environment):
#   FLATNET_FUZZ_TARGETS="json netconf"  a subset (default: all)
#   FLATNET_FUZZ_SCALE=10                 multiply every target's executions (longer runs)
#   FLATNET_FUZZ_SEED=N                   libFuzzer's seed (default 1: with deterministic hashing,
#                                         CI runs the same inputs every time, so a failure reproduces)
# A failing input replays without libFuzzer:
#   swift build --product FlatnetFuzz && .build/debug/FlatnetFuzz TARGET FILE
set -euo pipefail

FLATNET_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [ "$PWD" != "$FLATNET_ROOT" ]; then
    echo "error: run fuzz_lane.sh from the repository root ($FLATNET_ROOT)" >&2
    exit 1
fi
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi

SCRATCH=.build-fuzz
BINARY="$SCRATCH/release/FlatnetFuzz"
SCALE="${FLATNET_FUZZ_SCALE:-1}"
SEED="${FLATNET_FUZZ_SEED:-1}"

# target  executions  max_len  seed folders (the first is the target's own)
# Executions are sized so each target runs 10-20 s on 2 cores under ASan (the text
# listings are slow per input: Swift's Character-level string work, and KB-sized inputs;
# http-response reads each input twice, once in pieces of 1-64 bytes, and writes it back).
TARGET_TABLE="
json            300000  4096   json netconf catalog-answers fleet ipam-result
netconf         50000   4096   netconf
cni-args        60000   512    cni-args
ebtables        8000    4096   ebtables
nft-listing     2000    6144   nft-listing
nft-replies     600000  2048   nft-replies
catalog-answers 250000  4096   catalog-answers
fleet           120000  4096   fleet
ipam-result     250000  2048   ipam-result
state-records   300000  1024   state-records
http-response   25000   4096   http-response
etcd-answers    35000   4096   etcd-answers
cluster-records 200000  1024   cluster-records
"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

lane_start=$(date +%s)
say "building FlatnetFuzz (release, -sanitize=fuzzer,address) into $SCRATCH"
build_start=$(date +%s)
# lld, not gold: SwiftPM links executables with --defsym main=FlatnetFuzz_main, which
# gold cannot reconcile with libFuzzer's whole-archive main (it dies with an internal error).
swift build -c release --product FlatnetFuzz --scratch-path "$SCRATCH" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -use-ld=lld 2>&1 \
    | grep -v -E "warning: Cannot export local symbol" | tail -n 2 >&2
[ -x "$BINARY" ] || { echo "error: fuzz build failed" >&2; exit 1; }
build_seconds=$(( $(date +%s) - build_start ))

selected="${FLATNET_FUZZ_TARGETS:-$(awk 'NF {print $1}' <<<"$TARGET_TABLE" | tr '\n' ' ')}"
report=()
failed=()
while read -r target runs max_len seeds; do
    [ -n "$target" ] || continue
    [[ " $selected " == *" $target "* ]] || continue
    runs=$(( runs * SCALE ))
    work="$SCRATCH/run/$target"
    artifacts="$SCRATCH/artifacts/$target"
    rm -rf "$work" && mkdir -p "$work/corpus" "$artifacts"
    seed_dirs=()
    for folder in $seeds; do seed_dirs+=("Tests/FuzzCorpus/$folder"); done
    say "fuzzing $target: $runs executions"
    start=$(date +%s)
    # The first folder is where libFuzzer adds what it finds: a scratch copy, so the
    # committed seeds stay as reviewed. The Swift backtracer is off so libFuzzer sees traps.
    status=0
    # ASan's quarantine (freed memory held back to catch a use after free) is cut from
    # 256 MB to 64 MB: Swift's many small allocations otherwise fill it, and RSS, quickly.
    # Swift seeds its hashing per process, which changes Dictionary order and so the paths
    # libFuzzer sees: deterministic hashing makes a run with one seed the same every time.
    SWIFT_BACKTRACE=enable=no SWIFT_DETERMINISTIC_HASHING=1 ASAN_OPTIONS="quarantine_size_mb=64" \
        FLATNET_FUZZ_TARGET="$target" \
        "$BINARY" "$work/corpus" "${seed_dirs[@]}" \
        -runs="$runs" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 -detect_leaks=1 -reload=0 \
        -seed="$SEED" -print_final_stats=1 -artifact_prefix="$artifacts/" >"$work/log" 2>&1 || status=$?
    seconds=$(( $(date +%s) - start ))
    executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n 1)
    coverage=$(grep -o 'cov: [0-9]*' "$work/log" | tail -n 1 | cut -d' ' -f2)
    line=$(printf '%-16s %9s executions %4ss  coverage %5s  corpus %4s inputs' "$target" "${executed:-?}" \
        "$seconds" "${coverage:-?}" "$(find "$work/corpus" -type f | wc -l)")
    if [ "$status" -ne 0 ]; then
        failed+=("$target")
        line="$line  FAILED (exit $status)"
        grep -E "ERROR|Fatal error|SUMMARY|Test unit written|==[0-9]+==" "$work/log" \
            | head -n 20 >&2 || true
        echo "full log: $work/log; inputs: $artifacts/" >&2
    fi
    report+=("$line")
done <<<"$TARGET_TABLE"

lane_seconds=$(( $(date +%s) - lane_start ))
say "fuzz lane: build ${build_seconds}s, total ${lane_seconds}s (seed $SEED, scale $SCALE)"
printf '%s\n' "${report[@]}"
if [ "${#failed[@]}" -ne 0 ]; then
    echo "fuzz lane FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "fuzz lane passed"
