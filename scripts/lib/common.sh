# Shared helpers for flatnet's scripts. Source it; do not run it.
# Every script that needs Debian packages installs them itself (a fresh machine has
# none of them), and every privileged step runs in a throwaway network namespace.

FLATNET_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
FLATNET_RELEASE_BINARY="$FLATNET_ROOT/.build/release/flatnet"

# Swift lives in /opt/swift on this machine kind; a non-login shell may not have it.
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
# print_usage SCRIPT: a script's --help, its header comment (line 2 to the first line
# that is not a comment).
print_usage() { awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$1"; }

require_root() {
    [ "$(id -u)" -eq 0 ] || die "$1 needs root (network namespaces, apt-get)"
}

# ensure_packages PKG...: installs the Debian packages that are missing, and only then
# runs apt-get update (a fresh machine's package lists may be empty or stale).
ensure_packages() {
    local missing=() package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    say "installing Debian packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# What building flatnet needs (libnl headers and static archives, pkg-config; libssl-dev:
# OpenSSL's headers and static archives for the etcd client's TLS, Sources/CTLS).
BUILD_PACKAGES=(libnl-3-dev libnl-route-3-dev pkg-config libssl-dev)

# What the suites drive, on this machine and inside scripts/vm-test.sh's guest (which runs
# this machine's own files). containernetworking-plugins: the reference bridge and
# host-local. ebtables + iptables: flatnet's containment rules, and the switch's counters in
# the tests; Debian's ebtables package alone gives only ebtables-legacy, which this kernel
# (nf_tables only) rejects; ebtables-nft, which flatnet prefers and the tests call by name,
# comes with the iptables package. nftables: nft makes the port-security tables the netlink
# tests fill, and lists them back. tcpdump: the captures on the VLAN trunk. groff-base: the
# man page `flatnet generate-manual` prints is rendered with warnings on (util-linux's
# setpriv runs the binary as nobody). etcd-server, etcd-client, openssl: the 3-member TLS etcd
# cluster of the cluster-store tests (scripts/lib/etcd_cluster.sh: its certificates, etcdctl).
# python3-yaml: the Kubernetes manifests' test reads deploy/kubernetes/*.yaml.
SUITE_PACKAGES=(iproute2 util-linux python3 containernetworking-plugins iputils-ping ebtables iptables nftables tcpdump
    groff-base etcd-server etcd-client openssl python3-yaml)

require_swift() {
    command -v swift >/dev/null 2>&1 || die "swift not found: this machine kind ships Swift 6.3 in /opt/swift"
}

# run_build [--progress] LABEL ARGS...: swift build ARGS in the project; its last lines on
# success, and on failure enough of them to read the error, then stop (an older binary left
# in .build must never stand in for a build that failed). With --progress (the demo), each
# build step is shown as it happens instead (show_build_progress).
run_build() {
    local progress=0 label log status=0 output
    if [ "$1" = "--progress" ]; then progress=1; shift; fi
    label="$1"
    shift
    if [ "$progress" -eq 1 ]; then
        output="$(mktemp)"
        (cd "$FLATNET_ROOT" && { swift build "$@" 2>&1 || status=$?; echo "$status" >"$output.status"; }) \
            | tee "$output" | show_build_progress >&2
        status="$(cat "$output.status")"
        log="$(cat "$output")"
        rm -f "$output" "$output.status"
    else
        log="$(cd "$FLATNET_ROOT" && swift build "$@" 2>&1)" || status=$?
    fi
    log="$(grep -v -E "statically linked applications requires at runtime" <<<"$log" || true)"
    if [ "$status" -ne 0 ]; then
        grep -E "error:" -A3 <<<"$log" | head -n 40 >&2 || tail -n 40 <<<"$log" >&2
        die "$label failed (swift build $*)"
    fi
    [ "$progress" -eq 1 ] || tail -n 3 <<<"$log" >&2
}

# Reads swift build's output: prints its "[step/steps] ..." lines as they come (cut to 90
# columns) and its summary, each after the seconds since the build began, and a line every
# 15 s without one (swift build reports a step when it ends, and compiling one module takes
# minutes).
show_build_progress() {
    local started=$SECONDS line status
    while true; do
        if IFS= read -r -t 15 line; then
            case "$line" in
                "["[0-9]*/[0-9]*"]"*|*"Build of product"*)
                    printf '  %4ss  %s\n' "$((SECONDS - started))" "${line:0:90}" ;;
            esac
        else
            status=$?
            [ "$status" -gt 128 ] || break  # end of the output; above 128: the timeout
            printf '  %4ss  ... still compiling\n' "$((SECONDS - started))"
        fi
    done
}

# build_stamp: writes the object that tells `flatnet version` its commit, date and
# compiler (Sources/CBuildStamp) and prints its path. The date is the commit's, not the
# clock's (SOURCE_DATE_EPOCH overrides it), so building one commit twice gives the same
# stamp; a tree with uncommitted changes says "+dirty". The file is named after its
# content: a new stamp is a new linker argument, which makes SwiftPM relink (only relink).
build_stamp() {
    local commit date swift_version text directory name
    commit="$(git -C "$FLATNET_ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
    if [ "$commit" != unknown ] && [ -n "$(git -C "$FLATNET_ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
        commit="$commit+dirty"
    fi
    date="$(date -u -d "@${SOURCE_DATE_EPOCH:-$(git -C "$FLATNET_ROOT" log -1 --format=%ct 2>/dev/null || date +%s)}" +%Y-%m-%dT%H:%M:%SZ)"
    swift_version="$(swift --version 2>/dev/null | sed -n 's/.*Swift version \([^ ]*\).*/\1/p' | head -n 1)"
    text="commit=$commit\ndate=$date\nswift=${swift_version:-unknown}\n"
    directory="$FLATNET_ROOT/.build/build-stamp"
    name="stamp-$(printf '%s' "$text" | sha256sum | cut -c1-16)"
    mkdir -p "$directory"
    if [ ! -f "$directory/$name.o" ]; then
        printf 'const char flatnet_build_stamp_text[] = "%s";\n' "$text" >"$directory/$name.c"
        cc -c -O2 -o "$directory/$name.o" "$directory/$name.c" || die "cannot compile the build stamp"
    fi
    printf '%s\n' "$directory/$name.o"
}

# How the shipped binary is compiled (build_release; startup_figures.sh builds its unstripped
# twin with the same flags). Static: no runtime dependencies, the fastest start
# (PLATFORM-NOTES). -disable-concrete-type-metadata-mangled-name-accessors, for every module:
# the Swift runtime's first protocol-conformance lookup scans every conformance record in
# the binary (about 56 instructions each), and generic metadata built from a mangled name
# (the [String: String] of the environment) checks its Hashable requirement that way.
# swift-argument-parser brings FoundationEssentials in, 1,747 more records: CNI VERSION
# went from 567k to 668k instructions without running any of it. With the flag the
# metadata comes from direct accessor calls, witness tables passed in: no lookup, no
# demangling. Every module, the dependencies too: the linker keeps one of the identical
# weak copies of a specialization (_NativeDictionary<String, String>), from any of them.
RELEASE_BUILD_FLAGS=(-c release -Xswiftc -static-executable
    -Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors)

# The shipped binary: static, FoundationEssentials only (PLATFORM-NOTES), with its stamp.
# build_release [--progress]: with --progress, each build step is shown as it happens.
build_release() {
    require_swift
    local stamp
    stamp="$(build_stamp)"
    say "building the static release binary"
    run_build ${1:+"$1"} "release build" "${RELEASE_BUILD_FLAGS[@]}" -Xlinker --strip-all -Xlinker "$stamp" \
        --product flatnet
    [ -x "$FLATNET_RELEASE_BINARY" ] || die "release build failed"
}

# What the binary generates from its argument parser, for scripts/package.sh and
# scripts/install.sh: the manual page (gzip'd, reproducibly) and a shell's completion.
manual_page() {  # manual_page BINARY
    "$1" generate-manual | gzip -9n
}

completion_script() {  # completion_script BINARY bash|zsh|fish
    # Without the "#!/bin/bash" line the bash script starts with: the file is sourced.
    "$1" --generate-completion-script "$2" | sed '1{/^#!/d}'
}

# The test bundle (debug): built once, run by every suite with --skip-build.
build_tests() {
    require_swift
    say "building the tests"
    run_build "test build" --build-tests
}

# in_throwaway_netns CMD...: runs CMD as root in a new network and mount namespace,
# with private /run/netns, /run/flatnet (flatnet's host locks) and /var/log (the audit
# log's default place) and lo up, so nothing it creates touches the machine's own
# network and everything it creates vanishes when it exits (TESTING.md safety rules).
# FLATNET_OUTER_NETNS records the namespace we started in (device:inode), so tests can
# prove they are somewhere else before creating anything.
in_throwaway_netns() {
    FLATNET_OUTER_NETNS="$(stat -L -c '%d:%i' /proc/self/ns/net)" \
    unshare --net --mount -- bash -c '
        set -e
        mount --make-rprivate /
        mkdir -p /run/netns && mount -t tmpfs tmpfs /run/netns
        mkdir -p /run/flatnet && mount -t tmpfs tmpfs /run/flatnet
        mount -t tmpfs tmpfs /var/log
        ip link set lo up
        exec "$@"' flatnet-netns "$@"
}
