#!/usr/bin/env bash
# Installs flatnet from this checkout on this host (a Debian package: scripts/package.sh).
# Usage: scripts/install.sh [options]
#   --bin-dir DIR    the CNI plugin directory: DIR/flatnet, and DIR/flatnet-ipam as a
#                    link to it (default: $CNI_BIN_DIR, else /opt/cni/bin)
#   --prefix DIR     PREFIX/sbin/flatnet (a link to the plugin, for the operator
#                    commands), its manual page and its bash, zsh and fish completions
#                    under PREFIX/share (default: /usr/local)
#   --share-dir DIR  the netconf catalog, as DIR/netconf (default: PREFIX/share/flatnet).
#                    flatnet finds it without --catalog in /usr/local/share/flatnet or
#                    /usr/share/flatnet only
#   --binary FILE    install this static flatnet binary instead of building one here
#   --no-deps        install no Debian packages (by default: iptables, nftables,
#                    ebtables and iproute2, which flatnet runs, and what a build needs)
#   --uninstall      remove what install.sh put in place with the same options (listed
#                    in SHARE-DIR/install-manifest); keeps flatnet's host state
#   -h, --help       this text
# Running it again converges: what is unchanged stays, what changed is replaced
# atomically (the binary and links by rename, the catalog by renaming a link to a new
# copy). It refuses to replace what the flatnet Debian package installed.
# It changes no network configuration: flatnet configures the host only when a runtime
# calls it for a network you have defined.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/install_steps.sh"

bin_dir="${CNI_BIN_DIR:-/opt/cni/bin}"
prefix=/usr/local
share_dir=""
binary=""
install_packages=1
action=install
while [ $# -gt 0 ]; do
    case "$1" in
        --bin-dir) bin_dir="${2:?--bin-dir needs a directory}"; shift 2 ;;
        --prefix) prefix="${2:?--prefix needs a directory}"; shift 2 ;;
        --share-dir) share_dir="${2:?--share-dir needs a directory}"; shift 2 ;;
        --binary) binary="${2:?--binary needs a file}"; shift 2 ;;
        --no-deps) install_packages=0; shift ;;
        --uninstall) action=uninstall; shift ;;
        -h|--help) print_usage "$0"; exit 0 ;;
        *) die "unknown option: $1 (see --help)" ;;
    esac
done
share_dir="${share_dir:-$prefix/share/flatnet}"
manifest="$share_dir/install-manifest"

if [ "$action" = uninstall ]; then
    [ -f "$manifest" ] || die "no $manifest: nothing install.sh put in place with these options" \
        "(an install older than the manifest: run scripts/install.sh with the same options, then --uninstall)"
    uninstall_from_manifest "$manifest"
    say "kept flatnet's host state: /var/lib/cni/flatnet (leases), /run/flatnet, /var/log/flatnet," \
        "and each network's bridge and rules (flatnet teardown --conf FILE removes those;" \
        "run it before uninstalling)"
    exit 0
fi

# What this run writes: a path the flatnet Debian package owns is refused before anything
# is installed or built.
generated_paths "$prefix"
targets=("$bin_dir/flatnet" "$bin_dir/flatnet-ipam" "$prefix/sbin/flatnet" "$share_dir/netconf"
    "$MANUAL_PAGE" "$BASH_COMPLETION" "$ZSH_COMPLETION" "$FISH_COMPLETION")
learn_package_owners "${targets[@]}"
for target in "${targets[@]}"; do
    refuse_package_owned "$target"
done

if [ "$install_packages" = 1 ]; then
    require_root "scripts/install.sh (it installs Debian packages; --no-deps skips them)"
    # ebtables + iptables: flatnet's containment rules (metadata block). Debian's ebtables
    # package alone gives only ebtables-legacy, which nf_tables-only kernels reject;
    # ebtables-nft (the backend flatnet prefers) comes with the iptables package. flatnet
    # picks the backend itself, whatever the `ebtables` alternative says. nftables: port
    # security (nft applies each network's table). iproute2 for operators.
    runtime_packages=(ebtables iptables nftables iproute2)
    [ -n "$binary" ] || runtime_packages+=("${BUILD_PACKAGES[@]}")
    ensure_packages "${runtime_packages[@]}"
fi
if [ -z "$binary" ]; then
    build_release
    binary="$FLATNET_RELEASE_BINARY"
fi
"$binary" version >/dev/null 2>&1 || die "$binary does not run: is it flatnet's static release binary?"

manifest_load "$manifest"
make_dirs "$bin_dir"
make_dirs "$prefix/sbin"
make_dirs "$share_dir"
install_binary "$binary" "$bin_dir"
# flatnet-ipam is the same binary under another name (the standalone IPAM plugin).
replace_link flatnet "$bin_dir/flatnet-ipam"
replace_link "$(cd "$bin_dir" && pwd)/flatnet" "$prefix/sbin/flatnet"
install_catalog "$share_dir"
install_manual_and_completions "$binary" "$prefix"
manifest_write "$manifest"
case "$share_dir" in
    /usr/local/share/flatnet|/usr/share/flatnet) ;;
    *) say "flatnet looks for the catalog in /usr/local/share/flatnet or /usr/share/flatnet:" \
           "give \`flatnet netconf\` --catalog $share_dir/netconf" ;;
esac
"$bin_dir/flatnet" version
