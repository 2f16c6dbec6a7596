#!/usr/bin/env bash
# flatnet's benchmark: interleaved A/B runs of flatnet and the reference Go plugins
# (Debian containernetworking-plugins, /usr/lib/cni) in the same run, reported as
# medians, min/max and the ratio flatnet/reference. A script, not a test: timings on a
# shared machine are noisy, so nothing here passes or fails on a number.
# Usage: scripts/bench.sh [--runs N] [--json FILE]
#   --runs N     executions per side and operation (default 200)
#   --json FILE  also write the JSON report to FILE (default .build/bench.json)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

runs=200
json_out="$FLATNET_ROOT/.build/bench.json"
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="${2:?}"; shift 2 ;;
        --json) json_out="${2:?}"; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option: $1" ;;
    esac
done

require_root "scripts/bench.sh"
ensure_packages "${BUILD_PACKAGES[@]}" containernetworking-plugins iproute2 util-linux python3
build_release
reference=/usr/lib/cni/bridge

# VERSION: the start-up floor, the cost of exec'ing the plugin at all. The Go plugins
# speak up to 1.0.0, so both are asked in 1.0.0.
spec=$(cat <<JSON
{"runs": $runs, "cases": [
  {"name": "VERSION",
   "a": {"label": "flatnet", "argv": ["$FLATNET_RELEASE_BINARY"], "env": {"CNI_COMMAND": "VERSION"},
         "stdin": "{\"cniVersion\": \"1.0.0\"}"},
   "b": {"label": "bridge (Go)", "argv": ["$reference"], "env": {"CNI_COMMAND": "VERSION"},
         "stdin": "{\"cniVersion\": \"1.0.0\"}"}}
]}
JSON
)

say "benchmarking ($runs runs per side, interleaved) in a throwaway network namespace"
mkdir -p "$(dirname "$json_out")"
echo "$spec" | in_throwaway_netns python3 "$FLATNET_ROOT/scripts/lib/abbench.py" > "$json_out"
python3 "$FLATNET_ROOT/scripts/lib/benchtable.py" VERSION=0.6 < "$json_out"
echo "machine: $(nproc) cores, kernel $(uname -r); JSON report: $json_out"
