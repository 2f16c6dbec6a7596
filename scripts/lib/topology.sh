#!/usr/bin/env bash
# The reference topology of TESTING.md, in network namespaces only. Used by the tests and
# the demo. Run it inside a throwaway network namespace (scripts/lib/common.sh
# in_throwaway_netns): it never touches the namespace it starts in, except to create
# named namespaces under /run/netns.
#
#   topology.sh up P        P-sw, P-sw2 (two L2 segments), P-hA, P-hB (hosts), P-rt (router)
#   topology.sh container P NAME     an empty container namespace P-NAME
#   topology.sh down P      deletes every namespace whose name starts with P-
#
# Hosts: eth1 on segment 1 (switch bridge "sw"), eth2 on segment 2 (bridge "sw"), both
# without addresses (flatnet's uplinks), lo up. Router: eth1 10.43.0.1/16 on segment 1.
set -euo pipefail

netns() { ip netns add "$1"; ip -n "$1" link set lo up; }

# plug SWITCH NS IFNAME: a switch port whose peer is born inside NS as IFNAME.
plug() {
    local switch="$1" namespace="$2" ifname="$3" port="p$((RANDOM % 100000))"
    while ip -n "$switch" link show "$port" >/dev/null 2>&1; do port="p$((RANDOM % 100000))"; done
    ip -n "$switch" link add "$port" type veth peer name "$ifname" netns "$namespace"
    ip -n "$switch" link set "$port" master sw up
}

up() {
    local p="$1"
    for segment in sw sw2; do
        netns "$p-$segment"
        ip -n "$p-$segment" link add sw type bridge
        ip -n "$p-$segment" link set sw up
    done
    for host in hA hB; do
        netns "$p-$host"
        plug "$p-sw" "$p-$host" eth1
        plug "$p-sw2" "$p-$host" eth2
    done
    netns "$p-rt"
    plug "$p-sw" "$p-rt" eth1
    ip -n "$p-rt" addr add 10.43.0.1/16 dev eth1
    ip -n "$p-rt" link set eth1 up
}

down() {
    local p="$1"
    for namespace in $(ip netns list | awk '{print $1}' | grep "^$p-" || true); do
        ip netns del "$namespace" 2>/dev/null || true
    done
}

case "${1:-}" in
    up) up "$2" ;;
    container) netns "$2-$3" ;;
    down) down "$2" ;;
    *) echo "usage: topology.sh up|container|down PREFIX [NAME]" >&2; exit 2 ;;
esac
