#!/usr/bin/env bash
# The start-up and size figures of docs/performance.md, measured again (its "What bounds
# it"). Usage: scripts/lib/startup_figures.sh [--runs N]   (root: apt, netns)
#
# Builds flatnet as scripts/test.sh ships it (static, stripped) and, for the size that
# stripping saves, once more without --strip-all; then three static, stripped hello-world
# Swift programs built the same way (swiftc -O -wmo -static-executable): plain `print`,
# one that links FoundationEssentials, one that decodes a netconf with JSONDecoder; and
# the reference Go bridge plugin (Debian's containernetworking-plugins) for comparison.
# For each it prints the file size, the instructions callgrind counts for one run
# (flatnet: CNI_COMMAND=VERSION, in a runtime-sized environment; within about 2% from
# run to run, user space only: the kernel's exec and page faults are not in it) and the
# median wall time of N runs interleaved with hello's (noisy on a shared machine:
# compare within one run only).
# Every binary runs in a throwaway network namespace (TESTING.md safety rules).
set -euo pipefail
source "$(dirname "$0")/common.sh"

# instruction_count BINARY STDIN: the median of 3 callgrind counts of one run, in the
# environment a runtime gives a plugin (the count grows with the environment's size);
# "n/a" where valgrind cannot read the binary (3.19 gives up on the unstripped one's
# DWARF 5; it runs the same code as the stripped one).
instruction_count() {
    for _ in 1 2 3; do
        printf '%s' "$2" | env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin CNI_COMMAND=VERSION \
            valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" 2>&1 >/dev/null \
            | awk '/Collected :/ {print $NF}' || true
    done | sort -n | awk '{count[NR] = $1} END {print NR == 3 ? count[2] : "n/a"}'
}

if [ "${1:-}" = "--inside" ]; then
    directory="$2" runs="$3"
    netconf='{"cniVersion":"1.0.0"}'
    # Wall time: each binary against hello, interleaved (scripts/lib/abbench.py).
    medians="$(python3 - "$directory" "$runs" "$netconf" <<'PY' | python3 "$FLATNET_ROOT/scripts/lib/abbench.py" \
        | python3 -c 'import json, sys; [print(r["name"], "%.3f" % r["a"]["median_ms"], "%.3f" % r["b"]["median_ms"], "%.2f" % r["ratio"]) for r in json.load(sys.stdin)]'
import json, sys
directory, runs, netconf = sys.argv[1], int(sys.argv[2]), sys.argv[3]
side = lambda name: {"label": name, "argv": [f"{directory}/{name}"], "env": {"CNI_COMMAND": "VERSION"}, "stdin": netconf}
names = ["flatnet", "flatnet-unstripped", "hello-essentials", "hello-json", "bridge-go"]
print(json.dumps({"runs": runs, "cases": [{"name": name, "a": side(name), "b": side("hello")} for name in names]}))
PY
)"
    printf '%-20s %10s %7s %7s %13s %9s %9s %9s\n' binary bytes MB MiB instructions "median" "hello" "ratio"
    for name in flatnet flatnet-unstripped hello hello-essentials hello-json bridge-go; do
        bytes="$(stat -c %s "$directory/$name")"
        instructions="$(instruction_count "$directory/$name" "$netconf")"
        timing="$(printf '%s\n' "$medians" | awk -v name="$name" '$1 == name {print $2, $3, $4}')"
        printf '%-20s %10s %7.2f %7.2f %13s %9s %9s %9s\n' "$name" "$bytes" "$(echo "$bytes / 1000000" | bc -l)" \
            "$(echo "$bytes / 1048576" | bc -l)" "$instructions" ${timing:-- - -}
    done
    echo "(MB = 10^6 bytes; instructions: callgrind, median of 3 single runs; median, hello: ms over $runs runs"
    echo " of each, interleaved with hello's; ratio = median / hello)"
    exit
fi

runs=200
case "${1:-}" in
    --runs) runs="${2:?}" ;;
    "") ;;
    *) die "usage: scripts/lib/startup_figures.sh [--runs N]" ;;
esac
require_root "scripts/lib/startup_figures.sh"
ensure_packages "${BUILD_PACKAGES[@]}" valgrind python3 bc util-linux iproute2 containernetworking-plugins
require_swift
directory="$FLATNET_ROOT/.build/startup-figures"
mkdir -p "$directory"

say "building flatnet without --strip-all (the size stripping saves), then as shipped"
(cd "$FLATNET_ROOT" && swift build "${RELEASE_BUILD_FLAGS[@]}" --product flatnet 2>&1 \
    | grep -v -E "statically linked applications requires at runtime" | tail -n 1) >&2
cp "$FLATNET_RELEASE_BINARY" "$directory/flatnet-unstripped"
build_release
cp "$FLATNET_RELEASE_BINARY" "$directory/flatnet"

say "building the hello-world programs (static, stripped, -O -wmo)"
printf 'print("hello")\n' >"$directory/hello.swift"
cat >"$directory/hello-essentials.swift" <<'SWIFT'
import FoundationEssentials
// Links FoundationEssentials and calls into it once, as flatnet's first versions did.
print(ProcessInfo.processInfo.environment["CNI_COMMAND"] ?? "hello")
SWIFT
cat >"$directory/hello-json.swift" <<'SWIFT'
import FoundationEssentials
// Decodes the netconf on stdin with JSONDecoder, which flatnet's own parser replaced.
struct Netconf: Decodable { let cniVersion: String }
var input = ""
while let line = readLine(strippingNewline: false) { input += line }
print((try? JSONDecoder().decode(Netconf.self, from: Data(input.utf8)))?.cniVersion ?? "hello")
SWIFT
for name in hello hello-essentials hello-json; do
    swiftc -O -wmo -static-executable -Xlinker --strip-all -module-name "${name//-/_}" \
        -o "$directory/$name" "$directory/$name.swift" 2>&1 \
        | grep -v -E "statically linked applications requires at runtime" >&2 || true
    [ -x "$directory/$name" ] || die "building $name failed"
done

# The reference Go plugin's start-up, for docs/performance.md's comparison with Go.
cp /usr/lib/cni/bridge "$directory/bridge-go"

say "measuring ($runs interleaved runs each) in a throwaway network namespace"
in_throwaway_netns "$0" --inside "$directory" "$runs"
