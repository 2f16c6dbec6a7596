#!/usr/bin/env bash
# The valgrind lane: memcheck of the plugin's libnl boundary, on a real host topology.
#   1. one ADD, CHECK (with prevResult) and DEL of a network with an uplink, a metadata
#      block and port security, each under valgrind memcheck;
#   2. libnl fault injection (libnl_fault.c, LD_PRELOAD): ADDs during which one libnl call
#      fails as it would when memory runs out, also under memcheck. Each must fail with an
#      error naming that call, leave no interface in the container, and leak nothing on the
#      way out (the route nexthop did).
# Every run must give 0 errors and 0 bytes definitely lost. "Possibly lost" and "still
# reachable" (the Swift runtime's caches) are not counted. Nothing is suppressed: the Swift
# runtime's start-up gives no error and no definite leak here.
#
# It builds its own dynamically linked release binary in .build-valgrind: on the shipped
# static binary valgrind reports false errors from static glibc's start-up (even for
# VERSION) and cannot read its debug information. Everything runs as root inside a
# throwaway network namespace (common.sh in_throwaway_netns).
# Usage: scripts/lib/valgrind_lane.sh          (as root, from the repository root)
set -euo pipefail
source "$(dirname "$0")/common.sh"

VALGRIND_SCRATCH="$FLATNET_ROOT/.build-valgrind"
VALGRIND_BINARY="$VALGRIND_SCRATCH/release/flatnet"
FAULT_LIBRARY="$VALGRIND_SCRATCH/libnl_fault.so"
VALGRIND_ERROR_EXIT=99

# memcheck: valgrind's arguments. It exits VALGRIND_ERROR_EXIT when it found an error or a
# definite leak, else with the plugin's status.
MEMCHECK=(valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite
    --errors-for-leak-kinds=definite --error-exitcode="$VALGRIND_ERROR_EXIT" --num-callers=30)

# findings LOG: "ERRORS LOST_BYTES" from a memcheck report (no leak summary: nothing lost).
findings() {
    local errors lost
    errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9,]*\) errors.*/\1/p' "$1" | tr -d ,)
    lost=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$1" | tr -d ,)
    [ -n "$errors" ] || die "no ERROR SUMMARY in $1: valgrind did not finish"
    echo "$errors ${lost:-0}"
}

# cni VERB NETCONF CONTAINER [ENV...]: the plugin as a runtime calls it, under memcheck;
# stdout is the plugin's, valgrind's report goes to $work/VERB-CONTAINER.log.
cni() {
    local verb="$1" netconf="$2" container="$3"; shift 3
    env "$@" CNI_COMMAND="$verb" CNI_CONTAINERID="$container" CNI_NETNS="/run/netns/$container" \
        CNI_IFNAME=eth0 CNI_PATH=/nonexistent \
        "${MEMCHECK[@]}" --log-file="$work/$verb-$container.log" "$VALGRIND_BINARY" <<<"$netconf"
}

netconf() { # NAME EXTRA-JSON-MEMBERS
    printf '{"cniVersion": "1.0.0", "name": "%s", "type": "flatnet", %s
      "ipam": {"type": "flatnet-ipam", "subnet": "10.43.0.0/16", "gateway": "10.43.0.1",
               "ranges": [{"rangeStart": "10.43.1.2", "rangeEnd": "10.43.1.254"}],
               "routes": [{"dst": "0.0.0.0/0"}], "dataDir": "%s/state"}}' "$1" "$2" "$work"
}

# record LABEL LOG: checks one memcheck report; sets errors and lost (bytes definitely lost).
record() {
    local numbers; numbers=$(findings "$2")
    errors=${numbers% *} lost=${numbers#* }
    [ "$numbers" = "0 0" ] && return
    cp "$2" "$keep/"
    failures+=("$1: $errors errors, $lost bytes definitely lost (report: $keep/$(basename "$2"))")
}

# verb VERB NETCONF: one verb on container vgc1, under memcheck; sets result (its stdout).
verb() {
    local status=0
    result=$(cni "$1" "$2" vgc1) || status=$?
    [ "$status" -eq 0 ] || failures+=("$1 exited $status: $result")
    record "$1" "$work/$1-vgc1.log"
    summary+=("$1 $errors errors/$lost B")
}

# The verbs: ADD, then CHECK and DEL with the ADD's result as prevResult (as a runtime does).
verbs() {
    local config
    config=$(netconf vgflat '"uplink": "eth1", "metadata": {"reservedAddress": "10.43.0.2"},')
    ip netns add vgc1
    verb ADD "$config"
    config=$(python3 -c 'import json, sys
config = json.loads(sys.argv[1]); config["prevResult"] = json.loads(sys.argv[2]); print(json.dumps(config))' \
        "$config" "$result")
    verb CHECK "$config"
    verb DEL "$config"
}

# fault CALL NETCONF [ENV...]: an ADD during which CALL fails must fail naming CALL, and roll
# the container back.
fault() {
    local call="$1" config="$2" container="vgf$((++fault_runs))" status result; shift 2
    ip netns add "$container"
    : > "$work/fired"
    status=0
    result=$(cni ADD "$config" "$container" LD_PRELOAD="$FAULT_LIBRARY" FLATNET_FAULT_CALL="$call" \
        FLATNET_FAULT_LOG="$work/fired" "$@") || status=$?
    if ! grep -qx "$call" "$work/fired"; then
        failures+=("fault $call: never reached (the injection did not fire), ADD exited $status")
    elif [ "$status" -eq 0 ] || ! grep -q "$call" <<<"$result"; then
        failures+=("fault $call: ADD exited $status without naming $call: $result")
    elif ip -n "$container" -o link show | grep -qv ': lo:'; then
        failures+=("fault $call: the failed ADD left an interface in the container")
    else
        faults_named=$((faults_named + 1))
    fi
    record "fault $call" "$work/ADD-$container.log"
    fault_errors=$((fault_errors + errors)) fault_lost=$((fault_lost + lost))
}

faults() {
    local plain vlan
    plain=$(netconf vgfault '')
    vlan=$(netconf vgvlan '"uplink": "eth2", "vlan": 100,')
    fault rtnl_link_set_type "$plain"   # first: only a network's first ADD creates its bridge
    fault rtnl_link_inet_set_conf "$plain"
    fault rtnl_addr_set_local "$plain"
    fault rtnl_route_set_family "$plain"
    fault rtnl_route_set_dst "$plain"
    fault nl_addr_build "$plain" FLATNET_FAULT_ADDRESS=10.43.0.1   # the default route's gateway
    fault rtnl_link_vlan_set_id "$vlan"
    summary+=("$fault_runs faults: $faults_named named, $fault_errors errors/$fault_lost B")
}

# Runs inside the throwaway namespace, which plays the host (as in scripts/bench.sh).
if [ "${1:-}" = "--inside" ]; then
    work="$2"; keep="$3"
    summary=(); failures=(); fault_runs=0 faults_named=0 fault_errors=0 fault_lost=0
    ip netns add vgswitch
    ip link add eth1 type veth peer name port1 netns vgswitch
    ip link add eth2 type veth peer name port2 netns vgswitch
    ip link add docker0 type bridge && ip addr add 172.17.0.1/16 dev docker0 && ip link set docker0 up
    verbs
    faults
    printf '%s\n' "${summary[@]}" > "$work/summary"
    [ "${#failures[@]}" -eq 0 ] || { printf 'FAILED: %s\n' "${failures[@]}" >&2; exit 1; }
    exit 0
fi

require_root "scripts/lib/valgrind_lane.sh"
ensure_packages "${BUILD_PACKAGES[@]}" valgrind iproute2 util-linux python3 ebtables iptables nftables
require_swift
started=$SECONDS
say "building the dynamically linked release binary for valgrind (.build-valgrind)"
# DWARF 4: Debian 12's valgrind 3.19 gives up on the toolchain's default DWARF 5 ("unhandled
# dwarf2 abbrev form code 0x25 ... Possibly corrupted debuginfo file. I can't recover").
(cd "$FLATNET_ROOT" && swift build -c release --product flatnet --scratch-path "$VALGRIND_SCRATCH" \
    -Xswiftc -dwarf-version=4 -Xcc -gdwarf-4 2>&1 | tail -n 1) >&2
[ -x "$VALGRIND_BINARY" ] || die "the valgrind build failed"
clang -shared -fPIC -O1 -o "$FAULT_LIBRARY" "$FLATNET_ROOT/scripts/lib/libnl_fault.c" -ldl \
    || die "building libnl_fault.so failed"
built=$SECONDS

work=$(mktemp -d /tmp/flatnet-valgrind.XXXXXX)
keep="$VALGRIND_SCRATCH/reports"
rm -rf "$keep" && mkdir -p "$keep"
trap 'rm -rf "$work"' EXIT
say "memcheck of ADD, CHECK, DEL and 7 libnl faults in a throwaway network namespace"
status=0
in_throwaway_netns "$0" --inside "$work" "$keep" || status=$?
summary=$(paste -sd ';' "$work/summary" 2>/dev/null | sed 's/;/; /g')
line="valgrind lane: ${summary:-no runs} (memcheck errors/bytes definitely lost);"
line+=" wall $((SECONDS - started)) s"
line+=" (build $((built - started)) s, runs $((SECONDS - built)) s)"
echo "$line"
[ "$status" -eq 0 ] || die "valgrind lane failed (memcheck reports of failing runs: $keep)"
