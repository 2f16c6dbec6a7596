#!/usr/bin/env bash
# Installs flatnet on this host: the Debian packages it needs, a static release build,
# the binary in a CNI plugin directory as flatnet and flatnet-ipam (a link to it), and
# the netconf catalog in /usr/local/share/flatnet/netconf.
# Safe to run again (it converges).
# Usage: scripts/install.sh [--bin-dir DIR]     (default /opt/cni/bin, or $CNI_BIN_DIR)
# It changes no network configuration: flatnet configures the host only when a
# runtime calls it for a network you have defined.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

bin_dir="${CNI_BIN_DIR:-/opt/cni/bin}"
while [ $# -gt 0 ]; do
    case "$1" in
        --bin-dir) bin_dir="${2:?--bin-dir needs a directory}"; shift 2 ;;
        -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option: $1 (see --help)" ;;
    esac
done

require_root "scripts/install.sh"
# ebtables + iptables: flatnet's containment rules (metadata block). Debian's ebtables
# package alone gives only ebtables-legacy, which nf_tables-only kernels reject;
# ebtables-nft (the backend flatnet prefers) comes with the iptables package. flatnet
# picks the backend itself, whatever the `ebtables` alternative says. nftables: port
# security (nft applies each network's table). iproute2 for operators.
ensure_packages "${BUILD_PACKAGES[@]}" ebtables iptables nftables iproute2
build_release

mkdir -p "$bin_dir"
if cmp -s "$FLATNET_RELEASE_BINARY" "$bin_dir/flatnet"; then
    say "flatnet in $bin_dir is already this build"
else
    # Copy then rename, so a runtime exec'ing the plugin never sees a half-written file.
    install -m 0755 "$FLATNET_RELEASE_BINARY" "$bin_dir/.flatnet.new"
    mv -f "$bin_dir/.flatnet.new" "$bin_dir/flatnet"
    say "installed $bin_dir/flatnet"
fi
# flatnet-ipam is the same binary under another name (the standalone IPAM plugin).
ln -sfn flatnet "$bin_dir/flatnet-ipam"
# The netconf catalog (questions, templates, examples), where `flatnet netconf` looks.
mkdir -p /usr/local/share/flatnet
rm -rf /usr/local/share/flatnet/netconf.new && cp -R "$FLATNET_ROOT/netconf" /usr/local/share/flatnet/netconf.new
rm -rf /usr/local/share/flatnet/netconf && mv /usr/local/share/flatnet/netconf.new /usr/local/share/flatnet/netconf
"$bin_dir/flatnet" version
