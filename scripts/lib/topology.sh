#!/usr/bin/env bash
# The reference topology of TESTING.md, in network namespaces only. Used by the tests and
# the demo. Run it inside a throwaway network namespace (scripts/lib/common.sh
# in_throwaway_netns): it never touches the namespace it starts in, except to create
# named namespaces under /run/netns.
#
#   topology.sh up P        P-sw, P-sw2 (two L2 segments), P-hA, P-hB (hosts), P-rt (router)
#   topology.sh container P NAME     an empty container namespace P-NAME
#   topology.sh metadata P HOST     docker0 (172.17.0.1/16) in P-HOST, with P-HOST-md, a
#                           metadata service at 169.254.169.250:80 answering "HOST", and
#                           P-HOST-dk, another namespace on docker0 (172.17.0.9)
#   topology.sh trunk P     the VLAN layout instead of `up`: P-tsw (a VLAN-aware switch),
#                           P-hA, P-hB, P-rt on trunk ports (see trunk() below); needs 802.1Q
#   topology.sh down P      kills the processes in, and deletes, every namespace P-*
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

# trunk_port NS IFNAME PORT: port PORT of P-tsw's VLAN-aware bridge, its peer IFNAME born
# in NS; a trunk: VLANs 100, 200 and 300 tagged (no host has a network on 300: the
# foreign VLAN), untagged frames in the default VLAN 1.
trunk_port() {
    ip -n "$p-tsw" link add "$3" type veth peer name "$2" netns "$1"
    ip -n "$p-tsw" link set "$3" master sw up
    for vid in 100 200 300; do bridge -n "$p-tsw" vlan add dev "$3" vid "$vid"; done
}

# trunk P: a trunk switch P-tsw (bridge sw, vlan_filtering 1); hosts P-hA and P-hB with
# uplink eth1 on trunk ports to-hA and to-hB (hA also trunk-uplink0 on to-hA-long: its
# name plus ".200" exceeds 15 bytes); a router P-rt on trunk port to-rt, gateway of one
# subnet, 10.60.0.0/24, on three L2 segments: untagged 10.60.0.129 (eth1), vlan 100
# 10.60.0.1 (eth1.100), vlan 200 10.60.0.65 (eth1.200), with MACs 02:60:00:00:00:00,
# 02:60:00:00:01:00 and 02:60:00:00:02:00, so that an answer names its segment. One
# subnet, so nothing but L2 separates the segments: the router reaches each quarter of it
# through its own segment (a /26 route each; the containers' ranges lie in them) and
# answers ARP only for the address of the segment asked on (arp_ignore 1).
trunk() {
    p="$1"
    netns "$p-tsw"
    ip -n "$p-tsw" link add sw type bridge vlan_filtering 1
    ip -n "$p-tsw" link set sw up
    for host in hA hB; do netns "$p-$host"; trunk_port "$p-$host" eth1 "to-$host"; done
    trunk_port "$p-hA" trunk-uplink0 to-hA-long
    netns "$p-rt"
    trunk_port "$p-rt" eth1 to-rt
    ip netns exec "$p-rt" sysctl -qw net.ipv4.conf.all.arp_ignore=1
    ip -n "$p-rt" link set eth1 address 02:60:00:00:00:00 up
    ip -n "$p-rt" addr add 10.60.0.129/24 dev eth1
    ip -n "$p-rt" route add 10.60.0.128/26 dev eth1
    local vlan segment
    for vlan in 100 200; do
        segment=$(( vlan / 100 ))
        ip -n "$p-rt" link add link eth1 name "eth1.$vlan" address "02:60:00:00:0$segment:00" type vlan id "$vlan"
        ip -n "$p-rt" link set "eth1.$vlan" up
        ip -n "$p-rt" addr add "10.60.0.$(( (segment - 1) * 64 + 1 ))/24" dev "eth1.$vlan"
        ip -n "$p-rt" route add "10.60.0.$(( (segment - 1) * 64 ))/26" dev "eth1.$vlan"
    done
}

# on_docker0 HOSTNS NS IFNAME ADDRESS: NS gets IFNAME on HOSTNS's docker0, ADDRESS, default via docker0.
on_docker0() {
    local host="$1" namespace="$2" port="d$((RANDOM % 100000))"
    netns "$namespace"
    ip -n "$host" link add "$port" master docker0 up type veth peer name eth0 netns "$namespace"
    ip -n "$namespace" addr add "$3" dev eth0
    ip -n "$namespace" link set eth0 up
    ip -n "$namespace" route add default via 172.17.0.1
}

metadata() {
    local p="$1" host="$2"
    ip -n "$p-$host" link add docker0 type bridge
    ip -n "$p-$host" addr add 172.17.0.1/16 dev docker0
    ip -n "$p-$host" link set docker0 up
    ip netns exec "$p-$host" sysctl -qw net.ipv4.ip_forward=1
    on_docker0 "$p-$host" "$p-$host-md" 172.17.0.2/16
    ip -n "$p-$host-md" addr add 169.254.169.250/32 dev eth0
    ip -n "$p-$host" route add 169.254.169.250/32 via 172.17.0.2
    on_docker0 "$p-$host" "$p-$host-dk" 172.17.0.9/16
    # The metadata service: answers every connection with its host's name. It closes
    # every descriptor it inherited, so whoever ran this script is not kept waiting, and
    # unblocks and defaults the signals a plain kill sends: it may inherit them blocked
    # (a test runner's threads block SIGTERM) or ignored (bash ignores SIGINT in `&` jobs).
    ip netns exec "$p-$host-md" python3 -c '
import os, signal, socket, sys
os.closerange(3, 65536)
signal.pthread_sigmask(signal.SIG_SETMASK, [])
for number in (signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGTERM): signal.signal(number, signal.SIG_DFL)
server = socket.socket(); server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("169.254.169.250", 80)); server.listen(16)
while True:
    connection, _ = server.accept(); connection.sendall(sys.argv[1].encode()); connection.close()
' "$host" </dev/null >/dev/null 2>&1 &
    for _ in $(seq 50); do ip netns exec "$p-$host-md" ss -ltn 2>/dev/null | grep -q 169.254.169.250:80 && return; sleep 0.05; done
    echo "metadata service in $p-$host-md did not start" >&2; return 1
}

down() {
    local p="$1"
    for namespace in $(ip netns list | awk '{print $1}' | grep "^$p-" || true); do
        # SIGKILL: a process started here may block or ignore SIGTERM (TESTING.md), and
        # every one of them holds its namespace alive after `ip netns del`.
        ip netns pids "$namespace" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
        # flatnet keys its host state by the host netns's inode, which the kernel hands to
        # a later namespace once this one is gone: a host that goes takes its state along,
        # so no later test's host starts with this one's records (/run/flatnet is this
        # test run's own tmpfs).
        local inode
        inode="$(stat -L -c %i "/run/netns/$namespace" 2>/dev/null || true)"
        if [ -n "$inode" ] && [ -d /run/flatnet ]; then
            # (Files are net-<inode>.<network>; the host claims are a directory, net-<inode>.)
            find /run/flatnet -mindepth 2 -maxdepth 2 \( -name "net-$inode.*" -o -name "net-$inode" \) \
                -exec rm -rf {} + 2>/dev/null || true
        fi
        ip netns del "$namespace" 2>/dev/null || true
    done
}

case "${1:-}" in
    up) up "$2" ;;
    container) netns "$2-$3" ;;
    trunk) trunk "$2" ;;
    metadata) metadata "$2" "$3" ;;
    down) down "$2" ;;
    *) echo "usage: topology.sh up|trunk|container|metadata|down PREFIX [NAME]" >&2; exit 2 ;;
esac
