#!/usr/bin/env bash
# flatnet's demo: sets everything up on a fresh machine of this kind and shows the flat
# network at work: two simulated hosts on one switch, containers attached by flatnet,
# reaching each other, the router and their own host's metadata service. Everything runs
# inside a throwaway network namespace (nothing on this machine's own network is
# touched, and everything vanishes when the demo ends).
# Usage: scripts/demo.sh      (needs root; installs the Debian packages it needs)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

if [ "${1:-}" != "--inside" ]; then
    require_root "scripts/demo.sh"
    # ebtables + iptables: flatnet's containment rules. Debian's ebtables package alone gives only
    # ebtables-legacy, which nf_tables-only kernels reject; ebtables-nft (the backend flatnet
    # prefers) comes with the iptables package. flatnet picks the backend itself (README).
    ensure_packages "${BUILD_PACKAGES[@]}" iproute2 util-linux python3 ebtables iptables nftables iputils-ping
    build_release
    say "entering a throwaway network namespace"
    in_throwaway_netns "$0" --inside
    exit
fi

flatnet="$FLATNET_RELEASE_BINARY"
example="$FLATNET_ROOT/netconf/examples/flat-a.conflist"
step() { printf '\n\033[1;34m--- %s\033[0m\n' "$*"; }

# The plugin object of the conflist, with name and cniVersion injected, as a runtime
# sends it. Optional python3 edits (dotted path = JSON value) make broken variants.
plugin_config() {
    python3 - "$example" "$@" <<'PY'
import json, sys
conflist = json.load(open(sys.argv[1]))
plugin = dict(conflist["plugins"][0], name=conflist["name"], cniVersion=conflist["cniVersion"])
for edit in sys.argv[2:]:
    path, value = edit.split("=", 1)
    *parents, leaf = path.split(".")
    target = plugin
    for key in parents:
        target = target[key]
    target[leaf] = json.loads(value)
print(json.dumps(plugin))
PY
}

cni() {  # cni COMMAND [config edits...]: one plugin call as a runtime makes it
    local command="$1"; shift
    plugin_config "$@" | CNI_COMMAND="$command" CNI_CONTAINERID=demo1 CNI_NETNS=/run/netns/demo1 \
        CNI_IFNAME=eth0 CNI_PATH="$(dirname "$flatnet")" "$flatnet" || true
}

topology="$FLATNET_ROOT/scripts/lib/topology.sh"
state=$(mktemp -d)
trap '"$topology" down demo; rm -rf "$state"' EXIT

# attach COMMAND HOST CONTAINER RANGE-START RANGE-END: flatnet run on HOST as its runtime would.
attach() {
    local command="$1" host="$2" container="$3"
    plugin_config ipam.ranges="[{\"rangeStart\": \"$4\", \"rangeEnd\": \"$5\"}]" ipam.dataDir="\"$state/$host\"" \
        | CNI_COMMAND="$command" CNI_CONTAINERID="$container" CNI_NETNS="/run/netns/demo-$container" CNI_IFNAME=eth0 \
          CNI_PATH=/usr/lib/cni ip netns exec "demo-$host" "$flatnet"
}

in_container() { local container="$1"; shift; ip netns exec "demo-$container" "$@"; }
metadata_from() {
    in_container "$1" python3 -c "import socket; s = socket.create_connection(('169.254.169.250', 80), timeout=3); print(s.recv(64).decode())"
}

step "flatnet version"
"$flatnet" version

step "the data centre: a switch, hostA and hostB (uplink eth1, docker0 with a metadata service), a router 10.43.0.1"
"$topology" up demo
for host in hA hB; do "$topology" metadata demo "$host"; done
for container in cA1 cB1; do "$topology" container demo "$container"; done
ip netns list | sed 's/^/  /'

step "ADD: flatnet attaches cA1 on hostA (range 10.43.1.x) and cB1 on hostB (range 10.43.2.x)"
attach ADD hA cA1 10.43.1.2 10.43.1.254 | python3 -m json.tool
attach ADD hB cB1 10.43.2.2 10.43.2.254 | python3 -c 'import json, sys; print("cB1:", json.load(sys.stdin)["ips"][0]["address"])'

step "inside cA1: its address and routes (default via the router, metadata via the reserved address)"
in_container cA1 ip -br addr show eth0; in_container cA1 ip route

step "the flat network: cA1 reaches cB1 on the other host directly, and the router"
in_container cA1 ping -c 2 -W 2 10.43.2.2 | tail -2
in_container cA1 ping -c 1 -W 2 10.43.0.1 | tail -2

step "metadata: each container is answered by its OWN host's service, through the same 10.43.0.2"
echo "cA1 asks 169.254.169.250 -> $(metadata_from cA1)"
echo "cB1 asks 169.254.169.250 -> $(metadata_from cB1)"
ip netns exec demo-hA ip neigh flush all
echo "after flushing hostA's neighbour cache, cA1 -> $(metadata_from cA1)"

step "hostA's containment: $(ip netns exec demo-hA ebtables-nft-save | grep -c '^-A FN-') ebtables rules in the network's own chains"
ip netns exec demo-hA ebtables-nft-save | grep -E '^-A FN-.*-F' | head -4; echo "  ..."

step "port security: cA1 tries cB1's address and the router's; hostA drops both at cA1's port (doctor counts them below)"
in_container cA1 ip addr add 10.43.2.2/32 dev eth0
in_container cA1 ping -c 1 -W 1 -I 10.43.2.2 10.43.0.1 >/dev/null 2>&1 \
    && echo "  a ping from cB1's address was answered (port security failed)" \
    || echo "  a ping from cB1's address (10.43.2.2): no answer"
in_container cA1 ip addr del 10.43.2.2/32 dev eth0
in_container cA1 python3 -c '
import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW); s.bind(("eth0", 0))
mac = open("/sys/class/net/eth0/address").read().strip().replace(":", "")
arp = bytes.fromhex("ffffffffffff" + mac + "0806" + "0001080006040002" + mac + "0a2b0001" + "000000000000" + "0a2b0001")
s.send(arp)' && echo "  a forged ARP reply \"10.43.0.1 is at cA1\" sent"
in_container cA1 ping -c 1 -W 2 10.43.0.1 >/dev/null && echo "  cA1's own traffic still flows"

step "the operator's view of hostA: flatnet doctor (its per-rule lines left out here; the port security lines count each container's dropped frames) and flatnet ipam usage"
plugin_config ipam.ranges='[{"rangeStart": "10.43.1.2", "rangeEnd": "10.43.1.254"}]' ipam.dataDir="\"$state/hA\"" > "$state/flat-a.json"
ip netns exec demo-hA "$flatnet" doctor --conf "$state/flat-a.json" | grep -v '^ok    rule' || true
ip netns exec demo-hA "$flatnet" ipam usage --conf "$state/flat-a.json"

step "catalog mistakes flatnet refuses, naming every field at fault (CNI code 7), and a typo (code 2)"
cni ADD metadata.reservedAddress='"10.43.1.20"' ipam.gateway='"10.43.1.5"' | python3 -m json.tool
cni ADD vlna=100 | python3 -c 'import json, sys; e = json.load(sys.stdin); print(e["code"], e["msg"])'

step "DEL: the veth and the lease go; the host setup stays for the next container"
attach DEL hA cA1 10.43.1.2 10.43.1.254 && echo "DEL cA1: ok"
attach DEL hA cA1 10.43.1.2 10.43.1.254 && echo "DEL cA1 again: ok"
# Container veths are fl + 13 hex digits; the link pair (flb-/fld-) stays with the host setup.
echo "hostA container veths left: $(ip -n demo-hA -br link show type veth | grep -cE '^fl[0-9a-f]{13}' || true);" \
     "leases left: $(ls "$state/hA/flat-a/addresses" | wc -l); bridge kept: $(ip -n demo-hA -br link show br-flat-a | cut -d' ' -f1)"

echo
say "demo finished; the throwaway namespace is gone"
