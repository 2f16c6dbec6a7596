#!/usr/bin/env bash
# Tests flatnet's Debian package and scripts/install.sh as a host sees them, without
# installing anything on this machine: lintian on the package, then, in a private mount
# namespace where /usr, /etc, /var, /opt and /run are disposable overlays
# (package_sandbox.sh), the package's install, upgrade, remove and purge, and install.sh's
# install, reinstall, catalog swap and uninstall. Afterwards it checks that the machine's
# own files are as they were.
# Usage: scripts/lib/package_test.sh [BINARY]   (root; default: the release binary,
#        which must be built: scripts/test.sh builds it once for every suite)
set -euo pipefail
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/debian_package.sh"

# machine_fingerprint DEB: what the package or install.sh could change on this machine, read
# from outside the sandbox: dpkg's record of flatnet, and every path they install (there or
# not, with inode and times). Directories other packages also write in (/usr/sbin) count
# by their existence only, so that an unrelated apt run elsewhere cannot fail the test.
machine_fingerprint() {
    local path
    dpkg-query -W -f='${Status} ${Version}\n' flatnet 2>&1 || true
    for path in $(dpkg-deb -c "$1" | awk '{print $6}' | sed 's|^\.||; s|/$||') \
        /usr/local/sbin/flatnet /usr/local/share/flatnet /var/lib/cni/flatnet /var/log/flatnet \
        /var/lib/dpkg/info/flatnet.list; do
        [ -n "$path" ] || continue
        if [ ! -e "$path" ] && [ ! -L "$path" ]; then
            echo "$path: nothing"
        elif [ -d "$path" ] && [ ! -L "$path" ]; then
            case "$path" in
                /usr/lib/cni|/opt/cni|/opt/cni/*|*/flatnet) stat -c '%n %F %i %Y %Z' "$path" ;;
                *) echo "$path: directory" ;;
            esac
        else
            stat -c '%n %F %i %Y %Z' "$path"
        fi
    done
}

if [ "${1:-}" = --inside ]; then
    source "$(dirname "$0")/package_sandbox.sh"
    source "$(dirname "$0")/package_checks.sh"
    source "$(dirname "$0")/install_checks.sh"
    shift
    work="$1" binary="$2"
    enter_package_sandbox "$work/sandbox"
    mkdir -p /run/flatnet-package-test
    # man-db's trigger rebuilds the whole manual database after each dpkg run (seconds
    # each); without this file (Debian's man-db/auto-update) it skips that. `man -w` and
    # `man -l`, which the checks use, need no database.
    rm -f /var/lib/man-db/auto-update
    check_package_lifecycle "$work/debs/old.deb" "$work/debs/new.deb"
    check_install_into_prefix "$binary" "$work/sandbox"
    check_install_with_defaults "$binary" "$work/debs/new.deb"
    sandbox_verdict
    exit
fi

require_root "scripts/lib/package_test.sh"
binary="$(realpath "${1:-$FLATNET_RELEASE_BINARY}")"
[ -x "$binary" ] || die "no flatnet binary at $binary: build it first (build_release)"
# iptables and nftables: the package's Depends, which dpkg -i checks. man-db: man -l.
ensure_packages lintian man-db iptables nftables
started=$SECONDS

work="$(mktemp -d /tmp/flatnet-package-test.XXXXXX)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/debs" "$work/sandbox"
chmod 0755 "$work" "$work/debs"
upstream="$(flatnet_upstream_version)"
say "building the package twice: $upstream~older-1 and $upstream-1 (for the upgrade)"
# Compressed fast (dpkg-deb reads these variables): what is tested is the content, and
# xz would take 8 s of CPU per package here.
export DPKG_DEB_COMPRESSOR_TYPE=gzip DPKG_DEB_COMPRESSOR_LEVEL=1
ln -s "$("$FLATNET_ROOT/scripts/package.sh" --binary "$binary" --output "$work/debs" \
    --version "$upstream~older-1" 2>/dev/null)" "$work/debs/old.deb"
ln -s "$("$FLATNET_ROOT/scripts/package.sh" --binary "$binary" --output "$work/debs" 2>/dev/null)" \
    "$work/debs/new.deb"

say "lintian (as nobody: it warns against running as root)"
lint_status=0
runuser -u nobody -- env HOME=/nonexistent lintian --display-info --pedantic \
    --fail-on error,warning,info,pedantic "$work/debs/new.deb" || lint_status=$?

before="$(machine_fingerprint "$work/debs/new.deb")"
say "the package and install.sh in a private mount namespace with disposable /usr /etc /var /opt /run"
status=0
unshare --mount --net -- "$0" --inside "$work" "$binary" || status=$?
after="$(machine_fingerprint "$work/debs/new.deb")"
diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") \
    || die "the machine's own files changed during the package test (above)"
[ "$lint_status" -eq 0 ] || die "lintian found problems (its lines above)"
[ "$status" -eq 0 ] || die "the package test failed (FAIL lines above)"
say "package test passed in $((SECONDS - started)) s; the machine's files are as before"
