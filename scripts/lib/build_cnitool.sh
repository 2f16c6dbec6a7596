#!/usr/bin/env bash
# Builds cnitool, the reference CNI client, offline from Debian's own sources into
# .build/cnitool (TESTING.md "Real clients"). Debian ships cnitool's library
# (golang-github-appc-cni-dev) but not the command; its one source file is in the source
# package. A private apt source list and list directory fetch that source package without
# touching the machine's apt configuration. Idempotent: an existing build is kept.
set -euo pipefail
source "$(dirname "$0")/common.sh"

target="$FLATNET_ROOT/.build/cnitool"
[ -x "$target" ] && { echo "$target"; exit 0; }
ensure_packages golang-go dpkg-dev golang-github-appc-cni-dev
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/src" "$work/gopath/src/cnitool"
echo "deb-src http://deb.debian.org/debian bookworm main" > "$work/sources.list"
apt_private=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=/nonexistent" -o "Dir::State::Lists=$work/lists")
say "fetching Debian's golang-github-appc-cni source package for cnitool" >&2
apt-get "${apt_private[@]}" update -qq >&2
(cd "$work/src" && apt-get "${apt_private[@]}" source --download-only golang-github-appc-cni >/dev/null 2>&1)
(cd "$work/src" && dpkg-source -x --no-check golang-github-appc-cni_*.dsc cni >/dev/null)
cp "$work/src/cni/cnitool/"*.go "$work/gopath/src/cnitool/"
mkdir -p "$(dirname "$target")"
(cd "$work/gopath/src/cnitool" && GO111MODULE=off GOPATH="$work/gopath:/usr/share/gocode" GOPROXY=off GOCACHE="$work/cache" \
    go build -o "$target" .) >&2
echo "$target"
