#!/usr/bin/env bash
# flatnet's demo: sets everything up on a fresh machine of this kind, builds flatnet
# (showing its progress), and walks an operator's path on a simulated data centre: render a
# netconf from the catalog, validate it, plan, ADD containers through the plugin as a
# runtime would, check with doctor, DEL and teardown. On the way, containers on two hosts
# reach each other and the router directly, each is answered by its own host's metadata
# service, and port security drops a container's forged frames.
# Everything runs inside a throwaway network namespace: nothing on this machine's own
# network is touched, and everything vanishes when the demo ends.
# Usage: scripts/demo.sh      (needs root; installs the Debian packages it needs)
# Takes about 15 s once flatnet is built; a first build adds about 3 minutes on 2 cores.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

if [ "${1:-}" != "--inside" ]; then
    require_root "scripts/demo.sh"
    # ebtables + iptables: flatnet's containment rules. Debian's ebtables package alone gives only
    # ebtables-legacy, which nf_tables-only kernels reject; ebtables-nft (the backend flatnet
    # prefers) comes with the iptables package. flatnet picks the backend itself
    # (README.md#which-ebtables).
    ensure_packages "${BUILD_PACKAGES[@]}" iproute2 util-linux python3 ebtables iptables nftables iputils-ping
    started=$SECONDS
    say "building flatnet (a first build takes minutes; later ones rebuild only what changed)"
    build_release --progress
    say "built in $((SECONDS - started)) s: $FLATNET_RELEASE_BINARY"
    say "entering a throwaway network namespace"
    in_throwaway_netns "$0" --inside
    exit
fi

demo_started=$SECONDS
topology="$FLATNET_ROOT/scripts/lib/topology.sh"
work=$(mktemp -d)
trap '"$topology" down demo; rm -rf "$work"' EXIT
# The operator's commands below run as printed: flatnet on PATH, files relative to $work,
# the catalog in ./netconf. /var/lib is a private tmpfs here: the leases the simulated hosts
# keep under /var/lib/cni never reach this machine's disk.
mkdir "$work/bin" && ln -s "$FLATNET_RELEASE_BINARY" "$work/bin/flatnet"
export PATH="$work/bin:$PATH"
cd "$work"
ln -s "$FLATNET_ROOT/netconf" netconf
mount -t tmpfs tmpfs /var/lib && mkdir /var/lib/cni

step_number=0
step() { step_number=$((step_number + 1)); printf '\n\033[1;34m--- %s. %s\033[0m\n' "$step_number" "$*"; }
note() { printf '    %s\n' "$@"; }
# run [HOST] COMMAND...: prints the command as an operator types it (on HOST: in that
# host's network namespace), then runs it; a failing command is shown with its status.
run() {
    local prompt='$' namespace=()
    case "$1" in host?) prompt="$1\$"; namespace=(ip netns exec "demo-h${1#host}"); shift ;; esac
    printf '\033[1m%s %s\033[0m\n' "$prompt" "$*"
    "${namespace[@]}" "$@" || printf '(exit %s)\n' "$?"
}
# run_to FILE COMMAND...: the same, with stdout written to FILE.
run_to() {
    local file="$1"; shift
    printf '\033[1m$ %s > %s\033[0m\n' "$*" "$file"
    "$@" > "$file" || printf '(exit %s)\n' "$?"
}
# Long plan steps (the ebtables rules, the nft script) shortened to their first line.
shorten_plan() { awk '/^     / { if (++more == 1) print "     ..."; next } { more = 0; print }'; }

# attach VERB HOST CONTAINER: flatnet run on HOST as a runtime runs it: CNI_* in the
# environment, the conflist's plugin object (with name and cniVersion) on stdin.
attach() {
    local verb="$1" host="$2" container="$3"
    python3 -c 'import json, sys; c = json.load(open(sys.argv[1]))
print(json.dumps(dict(c["plugins"][0], name=c["name"], cniVersion=c["cniVersion"])))' "$host/flat-a.conflist" \
        | CNI_COMMAND="$verb" CNI_CONTAINERID="$container" CNI_NETNS="/run/netns/demo-$container" CNI_IFNAME=eth0 \
          CNI_PATH=/usr/lib/cni ip netns exec "demo-h${host#host}" flatnet
}
in_container() { local container="$1"; shift; ip netns exec "demo-$container" "$@"; }
metadata_from() {
    in_container "$1" python3 -c "import socket; s = socket.create_connection(('169.254.169.250', 80), timeout=3); print(s.recv(64).decode())"
}

step "the data centre: network namespaces inside the throwaway one"
"$topology" up demo
for host in hA hB; do "$topology" metadata demo "$host"; done
for container in cA1 cB1; do "$topology" container demo "$container"; done
note "switch      demo-sw   a bridge: the physical layer-2 segment (demo-sw2, a second one, is unused here)" \
     "hostA       demo-hA   a server: uplink eth1 (no address) on the switch; docker0 172.17.0.1/16 with" \
     "                      demo-hA-md, its metadata service at 169.254.169.250 (answers \"hA\")" \
     "hostB       demo-hB   the same; its metadata service demo-hB-md answers \"hB\"" \
     "router      demo-rt   10.43.0.1/16 on the switch: the gateway, outside the hosts" \
     "containers  demo-cA1  an empty network namespace, for hostA" \
     "            demo-cB1  the same, for hostB" \
     "flatnet creates the rest: per host the bridge br-flat-a, its port security table and the link to" \
     "docker0; per container a veth pair, an address and routes"

step "render: each host's netconf from the catalog's answers"
note "netconf/examples/flat-a.answers.json: subnet 10.43.0.0/16, gateway 10.43.0.1, uplink eth1, reserved" \
     "address 10.43.0.2 (the metadata link); each host gets its own range, and here its own dataDir:" \
     "the simulated hosts share one disk (a real host keeps its leases in /var/lib/cni/flatnet)"
cp "$FLATNET_ROOT/netconf/examples/flat-a.answers.json" .
mkdir hostA hostB
run_to hostA/flat-a.conflist flatnet netconf render --template conflist --answers flat-a.answers.json \
    --set dataDir=/var/lib/cni/hostA
run_to hostB/flat-a.conflist flatnet netconf render --template conflist --answers flat-a.answers.json \
    --set rangeStart=10.43.2.2 --set rangeEnd=10.43.2.254 --set dataDir=/var/lib/cni/hostB
run cat hostA/flat-a.conflist
printf '\033[1m$ %s\033[0m\n' "diff hostA/flat-a.conflist hostB/flat-a.conflist"
diff hostA/flat-a.conflist hostB/flat-a.conflist || true

step "validate: every netconf rule of the plugin, before any host sees the file"
run flatnet netconf validate hostA/flat-a.conflist
run flatnet netconf validate hostB/flat-a.conflist
note "a mistake, the reserved address inside the pool's range (the pool would hand it out): render" \
     "refuses it, and validate refuses the same mistake made by hand in a conflist"
run_to broken.conflist flatnet netconf render --template conflist --answers flat-a.answers.json \
    --set reservedAddress=10.43.1.20
sed 's/"reservedAddress": "10.43.0.2"/"reservedAddress": "10.43.1.20"/' hostA/flat-a.conflist > edited.conflist
run flatnet netconf validate edited.conflist

step "plan: what the first ADD will do on hostA (read only; the ebtables rules and nft script shortened)"
run hostA flatnet plan --conf hostA/flat-a.conflist --container cA1 --netns /run/netns/demo-cA1 | shorten_plan

step "ADD: the plugin attaches cA1 on hostA and cB1 on hostB, run as a runtime runs it"
note "CNI_COMMAND=ADD CNI_CONTAINERID=cA1 CNI_NETNS=/run/netns/demo-cA1 CNI_IFNAME=eth0 flatnet < the plugin object"
attach ADD hostA cA1 | python3 -m json.tool
attach ADD hostB cB1 | python3 -c 'import json, sys; print("cB1 on hostB:", json.load(sys.stdin)["ips"][0]["address"])'
echo "inside cA1: $(in_container cA1 ip -br addr show eth0)"
in_container cA1 ip route | sed 's/^/inside cA1: /'

step "the flat network: cA1 reaches cB1 on the other host directly, and the router"
in_container cA1 ping -c 2 -W 2 10.43.2.2 | tail -2
in_container cA1 ping -c 1 -W 2 10.43.0.1 | tail -2

step "metadata: each container is answered by its OWN host's service, through the same 10.43.0.2"
echo "cA1 asks 169.254.169.250 -> $(metadata_from cA1)"
echo "cB1 asks 169.254.169.250 -> $(metadata_from cB1)"
ip netns exec demo-hA ip neigh flush all
echo "after flushing hostA's neighbour cache, cA1 -> $(metadata_from cA1)"
echo "hostA's containment: $(ip netns exec demo-hA ebtables-nft-save | grep -c '^-A FN-') ebtables rules in the network's own chains"

step "port security: cA1 tries cB1's address and the router's; hostA drops both at cA1's port"
in_container cA1 ip addr add 10.43.2.2/32 dev eth0
in_container cA1 ping -c 1 -W 1 -I 10.43.2.2 10.43.0.1 >/dev/null 2>&1 \
    && echo "a ping from cB1's address was answered (port security failed)" \
    || echo "a ping from cB1's address (10.43.2.2): no answer"
in_container cA1 ip addr del 10.43.2.2/32 dev eth0
in_container cA1 python3 -c '
import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW); s.bind(("eth0", 0))
mac = open("/sys/class/net/eth0/address").read().strip().replace(":", "")
arp = bytes.fromhex("ffffffffffff" + mac + "0806" + "0001080006040002" + mac + "0a2b0001" + "000000000000" + "0a2b0001")
s.send(arp)' && echo "a forged ARP reply \"10.43.0.1 is at cA1\" sent"
in_container cA1 ping -c 1 -W 2 10.43.0.1 >/dev/null && echo "cA1's own traffic still flows"

step "doctor: hostA against its netconf (per-rule lines left out; cA1's port counts its forged frames)"
run hostA flatnet doctor --conf hostA/flat-a.conflist | grep -v '^ok    rule'
run hostA flatnet ipam list --conf hostA/flat-a.conflist

step "DEL and teardown: the container goes, then the network's host setup"
note "CNI_COMMAND=DEL CNI_CONTAINERID=cA1 ... flatnet < the plugin object (twice: DEL is idempotent)"
attach DEL hostA cA1 && echo "DEL cA1: ok"
attach DEL hostA cA1 && echo "DEL cA1 again: ok"
run hostA flatnet teardown --conf hostA/flat-a.conflist --dry-run
run hostA flatnet teardown --conf hostA/flat-a.conflist
run hostB flatnet teardown --conf hostB/flat-a.conflist
run hostB flatnet teardown --conf hostB/flat-a.conflist --force
echo "links left on hostA, all the topology's: $(ip -n demo-hA -br link | awk '{sub(/@.*/, "", $1); printf "%s ", $1}')"

step "next steps"
note "read   README.md: the quick start (install on a real host), then Configure, Operate, Troubleshoot" \
     "       docs/: status, architecture, design decisions, performance, kernels, testing" \
     "run    scripts/install.sh   install on this host: /opt/cni/bin/flatnet and the catalog" \
     "       scripts/test.sh      every test, as CI runs them (root; about 15 minutes)" \
     "       scripts/bench.sh     flatnet against the reference plugins (root)" \
     "try    $FLATNET_RELEASE_BINARY --help" \
     "       netconf/questions.json: every answer a netconf takes; netconf/examples/: answers and conflists"
echo
say "demo finished in $((SECONDS - demo_started)) s (after the build); the throwaway namespace is gone"
