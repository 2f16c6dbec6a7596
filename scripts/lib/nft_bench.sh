#!/usr/bin/env bash
# Measures what NetfilterSocket's per-container element changes cost with 10 and with
# 1,000 containers' elements already in the port-security sets: add+delete of one
# container's five keys (one transaction each), five lookups (CHECK), a delete of absent
# keys (repeated DEL), and the same add+delete through one `nft -f` exec for context;
# then NetfilterSocket.tableFingerprint of flat-a's real table (socket reused, and opened
# and closed as one ADD would), next to one `nft list table` exec.
# Interleaved A/B in one run, medians and the 1000/10 ratio; nothing passes or fails on a
# number (TESTING.md). Runs as root in a throwaway network namespace.
# Usage: scripts/lib/nft_bench.sh [ROUNDS]   (default 400 rounds per case and host)
# The test bundle is a debug build: the Swift side is slower than the release binary's;
# the kernel's side, which is what grows or not with the sets, is the same.
set -euo pipefail
source "$(dirname "$0")/common.sh"

require_root "scripts/lib/nft_bench.sh"
ensure_packages "${BUILD_PACKAGES[@]}" iproute2 util-linux nftables
build_tests
cd "$FLATNET_ROOT"
FLATNET_NFT_BENCH=1 FLATNET_NFT_BENCH_ROUNDS="${1:-400}" \
    in_throwaway_netns swift test --skip-build --disable-xctest --filter NetfilterSocketBenchmark 2>&1 \
    | grep -E "^NFT-BENCH|✘" | sed 's/^NFT-BENCH //'
