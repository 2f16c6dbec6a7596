#!/usr/bin/env bash
# The sanitizer lane: the unit and system suites (FlatnetCoreTests, FlatnetSystemTests)
# built with AddressSanitizer, LeakSanitizer and, for the C targets, UndefinedBehavior-
# Sanitizer, run as root in a throwaway network namespace in strict mode. Fails on a test
# failure and on any sanitizer report, even one printed after the tests passed (leaks are
# reported at exit). The end-to-end suites are left out: they exec the static release
# binary, which is not instrumented.
#
# Usage: scripts/lib/sanitizer_lane.sh   (root; installs the Debian packages it needs)
#   FLATNET_SANITIZER_FULL_STACKS=1  unwind every allocation with DWARF: allocation stacks
#       then run through libnl (built without frame pointers, where the default fast
#       unwinder stops), but the run takes ~9 min instead of ~1.
#
# What the toolchain offers (Swift 6.3.1 on Linux, measured):
# - `-sanitize=address` works for Swift and C; LeakSanitizer is part of the toolchain's
#   ASan runtime (no Debian libclang-rt package needed) and reports at exit.
# - `-sanitize=undefined` is refused by swiftc: "error: unsupported option
#   '-sanitize=undefined' for target 'x86_64-unknown-linux-gnu'" (Swift itself traps on
#   overflow and bounds). So UBSan covers the C targets only, through -Xcc; the ASan
#   runtime carries the UBSan handlers, so nothing else needs linking.
# Its own scratch path (.build-asan): the instrumented objects never mix with .build.
set -euo pipefail
source "$(dirname "$0")/common.sh"

require_root "scripts/lib/sanitizer_lane.sh"
# The same packages as scripts/test.sh: the system suites drive ip, nft, ebtables and the
# reference host-local plugin, and their strict guard checks podman and cnitool exist.
ensure_packages "${BUILD_PACKAGES[@]}" iproute2 util-linux python3 containernetworking-plugins iputils-ping ebtables \
    iptables podman crun busybox-static nftables etcd-server etcd-client openssl
FLATNET_CNITOOL="$("$FLATNET_ROOT/scripts/lib/build_cnitool.sh")"
export FLATNET_CNITOOL
require_swift

scratch="$FLATNET_ROOT/.build-asan"
log="$scratch/sanitizer-lane.log"
suppressions="$scratch/lsan-suppressions.txt"
lane_started=$SECONDS

say "building the unit and system suites with ASan (+UBSan for C) in .build-asan"
# ld.gold warns "Cannot export local symbol '__asan_…'" once per object: noise, dropped.
(cd "$FLATNET_ROOT" && swift build --build-tests --scratch-path "$scratch" --sanitize address \
    -Xcc -fsanitize=undefined -Xcc -fno-sanitize-recover=undefined 2>&1 \
    | grep -v "Cannot export local symbol '__asan" | tail -n 3) >&2
[ -x "$scratch/debug/flatnetPackageTests.xctest" ] || die "sanitizer build failed"
build_seconds=$((SECONDS - lane_started))

# Two suppressions, each for memory flatnet's code does not own:
# - formWeakReference, a false positive: Swift keeps a weak-reference side table's address
#   bit-packed in the object's refcount word, where LeakSanitizer's scan cannot see it, so
#   side tables look leaked (swiftlang/swift-corelibs-xctest#342; seen through
#   Foundation.Process in the test support code).
# - readBytesFromFile, a real leak in the toolchain's FoundationEssentials (Swift 6.3.1):
#   Data(contentsOf:) of a file whose size is 0 mallocs a 4,096-byte chunk and never frees
#   it (a six-line program leaks 4,096 bytes per empty file, none for a 1-byte file). Only
#   test code reads files that way; flatnet's sources do not call it.
mkdir -p "$scratch"
cat > "$suppressions" <<'EOF'
leak:formWeakReference
leak:FoundationEssentials17readBytesFromFile
EOF

unwind=""
[ "${FLATNET_SANITIZER_FULL_STACKS:-0}" = 1 ] && unwind=":fast_unwind_on_malloc=0"
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1$unwind"
export LSAN_OPTIONS="suppressions=$suppressions:print_suppressions=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export FLATNET_TEST_STRICT=1

say "running the unit and system suites under the sanitizers (log: $log)"
run_started=$SECONDS
status=0
(cd "$FLATNET_ROOT" && in_throwaway_netns swift test --skip-build --disable-xctest --scratch-path "$scratch" \
    --filter 'FlatnetCoreTests\.|FlatnetSystemTests\.' --skip NetfilterSocketBenchmark \
    --skip EtcdClientBenchmark) >"$log" 2>&1 || status=$?
run_seconds=$((SECONDS - run_started))
grep -E '^✘|Test run with' "$log" >&2 || true

# A report fails the lane whatever the exit status said (a leak report comes after the
# test summary). Swift frames are printed mangled: `swift demangle` makes them readable.
report_pattern='^==[0-9]+==(ERROR|WARNING): [A-Za-z]*Sanitizer|runtime error: |^SUMMARY: [A-Za-z]*Sanitizer'
if grep -q -E "$report_pattern" "$log"; then
    sed -n -E '/^==[0-9]+==(ERROR|WARNING)|runtime error: /,/^SUMMARY/p' "$log" | swift demangle --simplified >&2
    die "sanitizer report (full log: $log)"
fi
[ "$status" -eq 0 ] || die "the suites failed under the sanitizers (exit $status; log: $log)"
say "sanitizer lane passed: build ${build_seconds}s, run ${run_seconds}s, total $((SECONDS - lane_started))s"
