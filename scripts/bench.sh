#!/usr/bin/env bash
# flatnet's benchmark: interleaved A/B runs of flatnet and the reference Go plugins
# (Debian containernetworking-plugins, /usr/lib/cni) in the same run, reported as
# medians, min/max and the ratio flatnet/reference. A script, not a test: timings on a
# shared machine are noisy, so nothing here passes or fails on a number.
# Usage: scripts/bench.sh [--runs N] [--rounds R] [--sizes LIST] [--scale-runs N] [--scale-only]
#                         [--rows REGEX] [--binary PATH] [--json FILE]
#   --runs N        executions per side and operation (default 200)
#   --rounds R      rounds of the 100-ADD batches per plugin (default 3)
#   --sizes LIST    the scale rows' sizes: containers attached to each side (default 1,10,100,1000)
#   --scale-runs N  executions per side and operation at each size (default 20)
#   --scale-only    only the scale rows (ADD, DEL, CHECK and the kernel floor at each size;
#                   GC, STATUS, ipam list and doctor at the largest), for a quick look
#   --rows REGEX    only the A/B rows whose whole name matches REGEX (Python re), e.g.
#                   'dual-stack ADD|IPAM ADD /64.*': no scale rows, batches, memory or
#                   in-process figures, for a quick look at a few rows; 'IPAM ADD, etcd.*':
#                   the cluster-store rows (flatnet-ipam on a 3-member TLS etcd cluster started
#                   here, data on tmpfs, next to the local store and host-local; median and p99)
#   --binary PATH   time this flatnet binary instead of this tree's release build (a
#                   before/after comparison; the tree is still built)
#   --json FILE     also write the JSON report to FILE (default .build/bench.json); the scale
#                   rows' ADD medians are drawn in FILE with .json replaced by -scale.svg
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

# Runs inside the throwaway namespace: the scale rows first (they need empty pools), then
# seeds the pools and times every other case. MODE: all, scale (--scale-only) or rows (--rows).
if [ "${1:-}" = "--inside" ]; then
    FLATNET_RELEASE_BINARY="${FLATNET_BENCH_BINARY:-$FLATNET_RELEASE_BINARY}"
    work="$2"; runs="$3"; batch_rounds="$4"; mode="$5"; sizes="$6"; scale_runs="$7"; rows="$8"
    mkdir -p "$work/bin" && ln -sf "$FLATNET_RELEASE_BINARY" "$work/bin/flatnet-ipam"
    # This namespace plays the host for the attach cases; eth1 is flatnet's uplink.
    ip netns add bench-switch
    ip link add eth1 type veth peer name port1 netns bench-switch
    ip link add eth2 type veth peer name port2 netns bench-switch
    ip link add eth3 type veth peer name port3 netns bench-switch
    ip link add eth4 type veth peer name port4 netns bench-switch  # the dual-stack network's
    # The switch ports are up, so the uplinks have carrier as on a real host (STATUS and
    # doctor, timed by the scale rows, report an uplink without carrier as a problem).
    for port in port1 port2 port3 port4; do ip -n bench-switch link set "$port" up; done
    # A docker bridge for the metadata case (flatnet's link pair and rules attach to it).
    ip link add docker0 type bridge && ip addr add 172.17.0.1/16 dev docker0 && ip link set docker0 up
    lib="$FLATNET_ROOT/scripts/lib"
    # The cluster-store rows (issue 19), unless --rows picked neither: a 3-member TLS etcd
    # cluster in namespaces of this one (scripts/lib/etcd_cluster.sh; its data on tmpfs), and
    # a tmpfs for the like-for-like local store. The JSON rows go to stdout, the rest to stderr.
    cluster_store_rows() {
        python3 -c 'import re, sys; sys.exit(not any(re.fullmatch(sys.argv[1], n) for n in sys.argv[2:]))' \
            "$rows" "IPAM ADD, etcd store" "IPAM ADD, etcd store, 4 hosts x 4 parallel" || return 0
        local etcd="$work/etcd" script="$lib/etcd_cluster.sh"
        say "starting a 3-member etcd cluster (TLS, data on tmpfs) for the cluster-store rows"
        "$script" start "$etcd" 1 "$$" >&2
        # Member 1 is every client's first endpoint; a follower forwards to the leader (one more hop).
        say "etcd leader: member $("$script" leader "$etcd") (flatnet-ipam dials member 1 first)"
        mkdir -p "$work/tmpfs" && mount -t tmpfs -o size=64m tmpfs "$work/tmpfs"
        python3 "$lib/etcd_plan.py" "$work/bin" "$work" "$runs" "$etcd" "$script" "$work/tmpfs" |
            python3 "$lib/abbench.py" --rows "$rows"
        python3 "$lib/etcd_contention.py" "$work/bin" "$work" "$runs" "$etcd" "$script" --rows "$rows"
        "$script" down "$etcd" >&2
        umount "$work/tmpfs"
    }
    {
        [ "$mode" = rows ] ||
            python3 "$lib/scale_bench.py" "$FLATNET_RELEASE_BINARY" "$work" --sizes "$sizes" --runs "$scale_runs"
        if [ "$mode" != scale ]; then
            # The seeded pools, unless --rows picked none of the rows that use them.
            if python3 -c 'import re, sys; sys.exit(not any(re.fullmatch(sys.argv[1], n) for n in sys.argv[2:]))' \
                "$rows" "IPAM ADD, 10 leases" "IPAM ADD, 60000 leases" "IPAM ADD /64, 60000 vs 10" "ADD, 60000 leases"
            then
                for plugin in flatnet host-local; do
                    python3 "$lib/seed_pool.py" "$plugin" "$work/$plugin" s10 10 10.43.0.2
                    python3 "$lib/seed_pool.py" "$plugin" "$work/$plugin" s60k 60000 10.43.0.2
                done
                # flatnet's IPv6 pools on one /64 (made by flatnet-ipam, then filled; about 8 s).
                for pool in s10v6:10 s60kv6:60000; do
                    python3 "$lib/seed_pool.py" flatnet "$work/flatnet" "${pool%:*}" "${pool#*:}" 2001:db8:43::2 \
                        "$work/bin/flatnet-ipam"
                done
            fi
            python3 "$lib/bench_plan.py" "$FLATNET_RELEASE_BINARY" "$work/bin" "$work" "$runs" |
                python3 "$lib/abbench.py" --rows "$rows"
            python3 "$lib/attach_plan.py" "$FLATNET_RELEASE_BINARY" "$work" "$runs" |
                python3 "$lib/abbench.py" --rows "$rows"
            cluster_store_rows
        fi
        if [ "$mode" = all ]; then
            python3 "$lib/batch_bench.py" "$FLATNET_RELEASE_BINARY" "$work" "$batch_rounds"
            python3 "$lib/peak_memory.py" "$FLATNET_RELEASE_BINARY" "$work"
        fi
    } | python3 -c 'import json, sys; rows = []; decoder = json.JSONDecoder(); text = sys.stdin.read().strip()
while text:
    part, end = decoder.raw_decode(text); rows += part; text = text[end:].strip()
json.dump(rows, sys.stdout, indent=2)'
    exit
fi

runs=200
batch_rounds=3
sizes=1,10,100,1000
scale_runs=20
mode=all
rows=".*"
json_out="$FLATNET_ROOT/.build/bench.json"
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="${2:?}"; shift 2 ;;
        --rounds) batch_rounds="${2:?}"; shift 2 ;;
        --sizes) sizes="${2:?}"; shift 2 ;;
        --scale-runs) scale_runs="${2:?}"; shift 2 ;;
        --scale-only) mode=scale; shift ;;
        --rows) mode=rows; rows="${2:?}"; shift 2 ;;
        --json) json_out="${2:?}"; shift 2 ;;
        --binary) export FLATNET_BENCH_BINARY; FLATNET_BENCH_BINARY="$(realpath "${2:?}")"; shift 2 ;;
        -h|--help) print_usage "$0"; exit 0 ;;
        *) die "unknown option: $1" ;;
    esac
done
[[ "$sizes" =~ ^[0-9]+(,[0-9]+)*$ ]] || die "--sizes takes sizes separated by commas, like 1,10,100,1000"

require_root "scripts/bench.sh"
# ebtables + iptables: flatnet's containment rules. Debian's ebtables package alone gives only
# ebtables-legacy, which nf_tables-only kernels reject; ebtables-nft (the backend flatnet
# prefers) comes with the iptables package. flatnet picks the backend itself (README.md#which-ebtables).
# etcd-server, etcd-client, openssl: the cluster-store rows' etcd cluster (scripts/lib/etcd_cluster.sh).
ensure_packages "${BUILD_PACKAGES[@]}" containernetworking-plugins iproute2 util-linux python3 ebtables iptables nftables time \
    etcd-server etcd-client openssl
build_release

# State lives on disk (not tmpfs), as /var/lib/cni does on a node: fsync costs count.
work=$(mktemp -d /var/tmp/flatnet-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
case "$mode" in
    scale) say "benchmarking the scale rows only, at $sizes attached ($scale_runs runs per side, interleaved)" ;;
    rows) say "benchmarking the rows matching '$rows' ($runs runs per side, interleaved)" ;;
    *) say "benchmarking ($runs runs per side, interleaved; scale rows at $sizes attached, $scale_runs runs)" \
        "in a throwaway network namespace; seeding 60,000-lease pools" ;;
esac
mkdir -p "$(dirname "$json_out")"
in_throwaway_netns "$0" --inside "$work" "$runs" "$batch_rounds" "$mode" "$sizes" "$scale_runs" "$rows" > "$json_out"
if [ "$mode" != scale ]; then
    python3 -c 'import json, sys; json.dump([r for r in json.load(open(sys.argv[1]))
        if "median_ms" in r["a"] and "attached" not in r and "table" not in r], sys.stdout)' "$json_out" \
        | python3 "$FLATNET_ROOT/scripts/lib/benchtable.py" VERSION=0.6 ADD=0.5 "dual-stack ADD=0.5" DEL=1.0 \
            "100 ADDs 8-parallel=0.5" "IPAM ADD /64, 60000 vs 10=2.0"
    echo
    python3 "$FLATNET_ROOT/scripts/lib/storetable.py" <"$json_out"
fi
if [ "$mode" = rows ]; then
    echo "machine: $(nproc) cores, kernel $(uname -r); JSON report: $json_out"
    exit 0
fi
if [ "$mode" = all ]; then
    python3 - "$json_out" <<'PY'
import json, sys
rows = {row["name"]: row for row in json.load(open(sys.argv[1]))}
for small_name, large_name in (("IPAM ADD, 10 leases", "IPAM ADD, 60000 leases"), ("ADD", "ADD, 60000 leases")):
    small, large = rows[small_name], rows[large_name]
    for side in ("a", "b"):
        ratio = large[side]["median_ms"] / small[side]["median_ms"]
        target = "  (target <= 2.0: %s)" % ("met" if ratio <= 2.0 else "MISSED") if side == "a" else ""
        print(f"scale, {large_name} / {small_name}, {small[side]['label']}: {ratio:.2f}{target}")
memory = rows["peak memory of one ADD"]
print(f"peak memory of one ADD (max RSS, median of 5): flatnet {memory['a']['median_kib']:.0f} KiB, "
      f"bridge+host-local (Go) {memory['b']['median_kib']:.0f} KiB, ratio {memory['ratio']:.2f}")
PY
fi
echo
python3 "$FLATNET_ROOT/scripts/lib/scale_summary.py" "$json_out"
svg="${json_out%.json}-scale.svg"
python3 "$FLATNET_ROOT/scripts/lib/scale_plot.py" "$json_out" "$svg"
echo "machine: $(nproc) cores, kernel $(uname -r); JSON report: $json_out; scale plot: $svg"
[ "$mode" = scale ] && exit 0
# The audit log's share of a call, in-process on a release build (Sources/FlatnetBench):
# build the line (stdin as the dispatcher parsed it), append it to a file on disk, one
# call at a time. The "STATUS, audit log on vs off" row above is the same cost seen from
# outside (whole plugin runs); "ADD, audit log on vs off" is within the noise of ADDs.
say "audit log: what writing one ADD's line costs (2,000 calls, release build)"
run_build "benchmark build" -c release --product FlatnetBench
audit_dir="$work/audit-bench" && mkdir -p "$audit_dir"  # on disk, removed by the EXIT trap
"$FLATNET_ROOT/.build/release/FlatnetBench" "$audit_dir" 2000 | python3 -c 'import json, sys
for row in map(json.loads, sys.stdin):
    print("%s: median %d us, p90 %d us (%d calls)" % (row["name"], row["median_us"], row["p90_us"], row["calls"]))'
# Port security's per-container step on its own: the netlink element changes an ADD, a
# CHECK and a DEL make, with 10 and with 1,000 containers' elements already in the sets
# (interleaved, medians; target: the 1,000 case within 1.2x of the 10 case).
say "port security: one container's set elements at 10 vs 1,000 attached containers"
"$FLATNET_ROOT/scripts/lib/nft_bench.sh" 400
