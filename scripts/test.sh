#!/usr/bin/env bash
# Runs every flatnet test: pure unit tests, privileged system tests (root, in a
# throwaway network namespace) and end-to-end tests of the static binary.
# Usage: scripts/test.sh            (needs root; installs the Debian packages it needs)
# Builds once: the release binary and the test bundle, reused by every suite.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/leftovers.sh"

require_root "scripts/test.sh"
# SUITE_PACKAGES (lib/common.sh): what the suites drive. podman, crun, busybox-static: the
# podman suite (busybox root filesystems, no registry); containerd (1.6, with runc): the
# containerd suite, on the same root filesystems. lintian, man-db: the package test.
ensure_packages "${BUILD_PACKAGES[@]}" "${SUITE_PACKAGES[@]}" podman crun busybox-static containerd lintian man-db
# The documentation's links and anchors, and the code's citations of them (well under a
# second): first shown failing on broken links of its own, then run on the repository.
python3 "$FLATNET_ROOT/scripts/lib/check_links.py" --self-test
python3 "$FLATNET_ROOT/scripts/lib/check_links.py"
build_release
build_tests
# cnitool, the reference CNI client, built offline from Debian's sources (for its suite).
FLATNET_CNITOOL="$("$FLATNET_ROOT/scripts/lib/build_cnitool.sh")"
export FLATNET_CNITOOL

# The Debian package (lintian; install, upgrade, remove, purge) and scripts/install.sh,
# in a private mount namespace over disposable copies of /usr /etc /var /opt /run, with
# the release binary built above: 70 checks, 14 s of CPU; 27-54 s of wall time measured on
# this 2-core machine kind while other builds ran (load 5-10).
"$FLATNET_ROOT/scripts/lib/package_test.sh" "$FLATNET_RELEASE_BINARY"

say "running all suites in a throwaway network namespace (strict: no suite may skip)"
cd "$FLATNET_ROOT"
export FLATNET_TEST_STRICT=1 FLATNET_BINARY="$FLATNET_RELEASE_BINARY"
# The nftables cost measurement is not a test (scripts/bench.sh runs it): left out here,
# so that no suite is reported skipped. A run that leaves a process behind (and the
# namespace it holds) fails: lib/leftovers.sh.
# The VLAN suite needs a kernel with 802.1Q, which this one lacks: the VM lane runs it.
run_leaving_nothing_behind in_throwaway_netns swift test --skip-build --disable-xctest \
    --skip NetfilterSocketBenchmark --skip EtcdClientBenchmark --skip VLANIsolationTests

# The lanes that keep memory errors and hangs from coming back (issue 14), each on its own
# build: valgrind memcheck of ADD, CHECK and DEL on a dynamically linked plugin, then the
# unit and system suites under AddressSanitizer and LeakSanitizer, then libFuzzer on every
# parser of untrusted input (a fixed number of executions per target).
"$FLATNET_ROOT/scripts/lib/valgrind_lane.sh"
"$FLATNET_ROOT/scripts/lib/sanitizer_lane.sh"
"$FLATNET_ROOT/scripts/lib/fuzz_lane.sh"

# The VM lane (issue 16): the suites that need another kernel (802.1Q, the legacy ebtables
# tables) on Debian 12's stock kernel under qemu, reusing the build above.
"$FLATNET_ROOT/scripts/vm-test.sh" --no-build
