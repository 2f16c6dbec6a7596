#!/usr/bin/env bash
# Re-runs the output samples of README.md and docs/design.md on the reference topology
# (scripts/lib/topology.sh), so that every sample there is real and anyone can reproduce
# it: each block is printed as "$ command", its output and its exit status.
# Usage: scripts/lib/readme_samples.sh [--no-build]   (root; about 10 s with a built binary)
# Everything runs in a throwaway network and mount namespace; /var/lib is a private tmpfs
# there, so the samples show the default dataDir without touching the machine's disk.
set -euo pipefail
source "$(dirname "$0")/common.sh"

if [ "${1:-}" != "--inside" ]; then
    require_root "scripts/lib/readme_samples.sh"
    ensure_packages "${BUILD_PACKAGES[@]}" "${SUITE_PACKAGES[@]}"
    [ "${1:-}" = "--no-build" ] || build_release
    in_throwaway_netns "$0" --inside
    exit
fi

mount -t tmpfs tmpfs /var/lib && mkdir /var/lib/cni
topology="$FLATNET_ROOT/scripts/lib/topology.sh"
work=$(mktemp -d)
trap '"$topology" down rs; rm -rf "$work"' EXIT
cd "$work"
mkdir bin && ln -s "$FLATNET_RELEASE_BINARY" bin/flatnet
ln -s "$FLATNET_ROOT/netconf" netconf  # the catalog, where `flatnet netconf` looks first
export PATH="$work/bin:$PATH"

sample() { printf '\n===== %s\n' "$*"; }
# on HOST COMMAND...: an operator command run on HOST, printed as typed there
# (SHOWN, when set, is printed instead: for arguments that need quoting).
on() {
    local host="$1"; shift
    printf '$ %s\n' "${SHOWN:-$*}"
    local status=0
    ip netns exec "rs-$host" "$@" 2>&1 || status=$?
    [ "$status" -eq 0 ] || printf '(exit %s)\n' "$status"
}
# plugin FILE [EDIT...]: the plugin object of a conflist (or a plugin object) as a runtime
# sends it, with optional edits (dotted.path=JSON).
plugin() {
    python3 - "$@" <<'PY'
import json, sys
document = json.load(open(sys.argv[1]))
plugin = document
if "plugins" in document:
    plugin = dict(document["plugins"][0], name=document["name"], cniVersion=document["cniVersion"])
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
# cni VERB HOST CONTAINER FILE [EDIT...]: one plugin call, as a runtime on HOST makes it.
cni() {
    local verb="$1" host="$2" container="$3" file="$4"; shift 4
    plugin "$file" "$@" | CNI_COMMAND="$verb" CNI_CONTAINERID="$container" CNI_NETNS="/run/netns/$container" \
        CNI_IFNAME=eth0 CNI_PATH=/usr/lib/cni ip netns exec "rs-$host" flatnet || true
}

"$topology" up rs
"$topology" metadata rs hA
"$topology" metadata rs hB
for container in c1 c2 c3 c4 c5 c6; do ip netns add "$container"; done
cp "$FLATNET_ROOT/netconf/examples/flat-a.conflist" flat-a.conflist
cp "$FLATNET_ROOT/netconf/examples/fleet/hostA/flat-b.conflist" flat-b.conflist

sample "flatnet version"
on hA flatnet version

sample "plan on a fresh host (README: Operator command line)"
on hA flatnet plan --conf flat-a.conflist --container c4 --netns /run/netns/c4

sample "every problem at once (README: Netconf reference)"
cni ADD hA c5 flat-a.conflist metadata.reservedAddress='"10.43.1.20"' ipam.gateway='"10.43.1.5"'; echo

sample "no working ebtables backend: the nft tools hidden on hostB (README: Which ebtables)"
hide='mount --bind /dev/null /usr/sbin/ebtables-nft && mount --bind /dev/null /usr/sbin/ebtables-nft-save && mount --bind /dev/null /usr/sbin/ebtables-nft-restore'
plugin flat-a.conflist | CNI_COMMAND=ADD CNI_CONTAINERID=c5 CNI_NETNS=/run/netns/c5 CNI_IFNAME=eth0 CNI_PATH=/usr/lib/cni \
    unshare --mount sh -c "$hide && exec ip netns exec rs-hB flatnet" || true; echo

sample "the port security table after setup, no container yet: hostB (docs/design.md)"
on hB flatnet repair --conf flat-a.conflist
on hB nft list table bridge flatnet-flat-a-62e6f9d8

sample "ADD c1, c2, c3 of flat-a and c4 of flat-b on hostA (addresses)"
for container in c1 c2 c3; do cni ADD hA "$container" flat-a.conflist | python3 -c \
    "import json, sys; print('$container', json.load(sys.stdin)['ips'][0]['address'])"; done
cni ADD hA c4 flat-b.conflist | python3 -c "import json, sys; print('c4', json.load(sys.stdin)['ips'][0]['address'])"

sample "the audit log and flatnet who (README: Audit log)"
plugin flat-a.conflist | CNI_COMMAND=ADD CNI_CONTAINERID=c6 CNI_NETNS=/run/netns/c6 CNI_IFNAME=eth0 \
    CNI_PATH=/usr/lib/cni CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAMESPACE=payments;K8S_POD_NAME=ledger-0" \
    ip netns exec rs-hA flatnet >/dev/null
added="$(tail -n 1 /var/log/flatnet/audit.log)"
address="$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["addresses"][0].split("/")[0])' "$added")"
echo '$ tail -n 1 /var/log/flatnet/audit.log'
echo "$added"
on hA flatnet who "$address" --conf flat-a.conflist
plugin flat-a.conflist | CNI_COMMAND=DEL CNI_CONTAINERID=c6 CNI_NETNS=/run/netns/c6 CNI_IFNAME=eth0 \
    CNI_PATH=/usr/lib/cni ip netns exec rs-hA flatnet
on hA flatnet who "$address" --conf flat-a.conflist
at="$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["time"])' "$added")"
on hA flatnet who "$address" --at "$at"
on hA flatnet who "$address" --at 2026-01-01

sample "c1 sends as 10.43.1.50, an address it was not leased: port security drops it (doctor counts it)"
ip -n c1 addr add 10.43.1.50/32 dev eth0
ip netns exec c1 ping -c 2 -W 1 -I 10.43.1.50 10.43.0.1 >/dev/null 2>&1 || echo "no answer to 10.43.1.50"
ip -n c1 addr del 10.43.1.50/32 dev eth0

sample "rules (README: The metadata link)"
on hA flatnet rules --conf flat-a.conflist --format restore
on hA flatnet rules --conf flat-a.conflist --format nft

sample "doctor, healthy (README: Doctor)"
on hA flatnet doctor --conf flat-a.conflist

sample "ipam list (README: Operator command line)"
on hA flatnet ipam list --conf flat-a.conflist
on hA flatnet ipam usage --conf flat-a.conflist

sample "doctor after: uplink down, reserved address removed, c3 gone without DEL, a stray address, a stray port"
ip netns del c3
ip -n rs-hA link set eth1 down
ip -n rs-hA addr del 10.43.0.2/16 dev docker0
ip -n c1 addr add 10.43.1.8/16 dev eth0
ip -n rs-hA link add stray0 type veth peer name stray1
ip -n rs-hA link set stray0 master br-flat-a
on hA flatnet doctor --conf flat-a.conflist

sample "ipam gc (README: Operator command line)"
on hA flatnet ipam gc --conf flat-a.conflist --dry-run
on hA flatnet ipam gc --conf flat-a.conflist
on hA flatnet ipam gc --conf flat-a.conflist --liv c1
SHOWN='flatnet ipam gc --conf flat-a.conflist --live ""' on hA flatnet ipam gc --conf flat-a.conflist --live ""

sample "repair refuses the stray port, then repairs the rest"
on hA flatnet repair --conf flat-a.conflist
ip -n rs-hA link del stray0
ip -n c1 addr del 10.43.1.8/16 dev eth0
on hA flatnet repair --conf flat-a.conflist

sample "a network whose derived names collide with flat-a's, on hostB (README: One host, several networks)"
plugin flat-a.conflist name='"flat-1553"' bridge='"br-twin"' uplink='"eth2"' \
    ipam.ranges='[{"rangeStart": "10.45.1.2", "rangeEnd": "10.45.1.9"}]' ipam.subnet='"10.45.0.0/16"' \
    ipam.gateway='"10.45.0.1"' metadata.reservedAddress='"10.45.0.2"' > twin.json
plugin flat-a.conflist > flat-a.json
cni ADD hB c5 twin.json; echo
on hA flatnet netconf validate flat-a.json twin.json

sample "a fleet with an overlapping range and a shared bridge (README: Netconf catalog)"
python3 - "$FLATNET_ROOT/netconf/examples/fleet.answers.json" > broken-fleet.json <<'PY'
import json, sys
fleet = json.load(open(sys.argv[1]))
fleet["networks"][0]["hosts"][1]["rangeStart"] = "10.43.1.200"
for network in fleet["networks"]:
    network["hosts"][0]["bridge"] = "br-shared"
print(json.dumps(fleet))
PY
on hA flatnet netconf validate broken-fleet.json

sample "dual-stack and IPv6-only examples; overlapping IPv6 ranges and answers of neither family (README: Netconf catalog)"
cp "$FLATNET_ROOT"/netconf/examples/{flat-ds.conflist,flat-v6.conflist,flat-v6.answers.json,fleet-ds.answers.json} .
on hA flatnet netconf render --template conflist --answers flat-v6.answers.json
on hA flatnet netconf validate flat-ds.conflist flat-v6.conflist fleet-ds.answers.json
python3 - fleet-ds.answers.json > broken-fleet-ds.json <<'PY'
import json, sys
fleet = json.load(open(sys.argv[1]))
fleet["networks"][0]["hosts"][1]["ipv6RangeStart"] = "2001:db8:45::1:ffff:ff00"
print(json.dumps(fleet))
PY
on hA flatnet netconf validate broken-fleet-ds.json
echo '{"name": "flat-x", "uplink": "eth1"}' > none.answers.json
on hA flatnet netconf render --template conflist --answers none.answers.json

sample "a dual-stack ADD on hostA, no uplink (README: IPv6 and dual stack)"
cni ADD hA c5 flat-ds.conflist uplink=null | python3 -m json.tool
on hA ip -n c5 addr show dev eth0
on hA ip -n c5 -6 route show
on hA flatnet ipam usage --conf flat-ds.conflist
on hA flatnet ipam list --conf flat-ds.conflist
echo '$ flatnet plan --conf flat-ds.conflist --container c6 --netns /run/netns/c6 | sed -n '"'"'/^IPAM/,$p'"'"
ip netns exec rs-hA flatnet plan --conf flat-ds.conflist --container c6 --netns /run/netns/c6 | sed -n '/^IPAM/,$p'
cni DEL hA c5 flat-ds.conflist uplink=null

sample "teardown (README: Operator command line)"
on hA flatnet teardown --conf flat-a.conflist
on hA flatnet teardown --conf flat-a.conflist --force --dry-run
on hA flatnet teardown --conf flat-a.conflist --force
echo "left in /var/lib/cni/flatnet/flat-a: $(cd /var/lib/cni/flatnet/flat-a && find . -mindepth 1 | sort | tr '\n' ' ')"
