#!/usr/bin/env bash
# Builds flatnet's Debian package, flatnet_<version>_amd64.deb, from this checkout: the
# static release binary, the flatnet-ipam link, the netconf catalog, the manual page and
# the shell completions, in Debian's places for CNI plugins and in /opt/cni/bin
# (the layout and why: scripts/lib/debian_package.sh). Needs no root.
# Usage: scripts/package.sh [--output DIR] [--binary FILE] [--version VERSION]
#   --output DIR       where the .deb goes (default: .build/debian)
#   --binary FILE      package this static flatnet binary instead of building one
#   --version VERSION  the Debian version (default: flatnet's own version, revision 1,
#                      e.g. 0.1.0-1); the binary must report the same upstream version
#   -h, --help         this text
# Prints the path of the .deb it built.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/debian_package.sh"

output="$FLATNET_ROOT/.build/debian"
binary=""
version=""
while [ $# -gt 0 ]; do
    case "$1" in
        --output) output="${2:?--output needs a directory}"; shift 2 ;;
        --binary) binary="${2:?--binary needs a file}"; shift 2 ;;
        --version) version="${2:?--version needs a Debian version}"; shift 2 ;;
        -h|--help) print_usage "$0"; exit 0 ;;
        *) die "unknown option: $1 (see --help)" ;;
    esac
done

upstream="$(flatnet_upstream_version)"
version="${version:-$upstream-1}"
case "$version" in
    "$upstream"-*|"$upstream"~*) ;;
    *) die "version $version is not flatnet $upstream (the binary's version)" ;;
esac
if [ -z "$binary" ]; then
    build_release
    binary="$FLATNET_RELEASE_BINARY"
fi
[ -x "$binary" ] || die "no executable at $binary"
"$binary" version | grep -qF "flatnet $upstream" || die "$binary does not report version $upstream"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
stage_debian_tree "$stage/root" "$binary" "$version"
mkdir -p "$output"
deb="$(cd "$output" && pwd)/flatnet_${version}_amd64.deb"
SOURCE_DATE_EPOCH="$(source_date_epoch)" dpkg-deb --build --root-owner-group "$stage/root" "$deb" >/dev/null
say "built $deb"
printf '%s\n' "$deb"
