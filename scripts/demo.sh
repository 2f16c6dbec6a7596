#!/usr/bin/env bash
# flatnet's demo: sets everything up on a fresh machine of this kind and shows flatnet
# at work, entirely inside a throwaway network namespace (nothing on this machine's
# own network is touched, and everything vanishes when the demo ends).
# Usage: scripts/demo.sh      (needs root; installs the Debian packages it needs)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

if [ "${1:-}" != "--inside" ]; then
    require_root "scripts/demo.sh"
    ensure_packages "${BUILD_PACKAGES[@]}" iproute2 util-linux python3
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

step "flatnet version"
"$flatnet" version

step "a runtime asks which CNI versions flatnet speaks (CNI_COMMAND=VERSION)"
echo '{"cniVersion": "1.0.0"}' | CNI_COMMAND=VERSION "$flatnet"

step "the example network (netconf/examples/flat-a.conflist), as a runtime sends it"
plugin_config | python3 -m json.tool

step "a catalog mistake: the reserved address left inside the pool, the gateway in a range"
echo "flatnet names every field at fault, in one reply (CNI code 7):"
cni ADD metadata.reservedAddress='"10.43.1.20"' ipam.gateway='"10.43.1.5"' | python3 -m json.tool

step "a typo that would put containers on the wrong network: \"vlna\" instead of \"vlan\""
cni ADD vlna=100 | python3 -m json.tool

step "the valid network: flatnet accepts it (attach is the next milestone, see README Status)"
cni ADD | python3 -m json.tool

echo
say "demo finished; the throwaway namespace is gone"
