#!/bin/bash
# The guest's PID 1 after the initramfs (scripts/lib/vm/init): this machine's files seen
# through a tmpfs overlay, on Debian's kernel. Runs the VM lanes, each as the host runs its
# suites (the test bundle as root in a throwaway network namespace, strict), prints one line
# per lane and a closing "flatnet-vm NONCE: N passed, M failed" on the serial console, and
# powers the guest off. Never run it anywhere else: it mounts over /run and /proc.
set -u
# Only as PID 1 of a VM booted by scripts/vm-test.sh, whose root is the initramfs's
# overlay: PID 1 of a container is not enough.
refuse() { echo "guest.sh runs only as the init of scripts/vm-test.sh's VM" >&2; exit 2; }
[ "$$" -eq 1 ] || refuse
mount -t proc proc /proc || refuse
grep -q 'flatnet\.guest=' /proc/cmdline || refuse
[ "$(awk '$2 == "/" { type = $3 } END { print type }' /proc/mounts)" = overlay ] || refuse
poweroff() { sync; echo o > /proc/sysrq-trigger; sleep 60; }
trap poweroff EXIT

mount -t sysfs sys /sys && mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm && mount -t devpts devpts /dev/pts && mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run && mount -t tmpfs tmpfs /tmp
argument() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^flatnet\.$1=//p"; }
root="$(argument root)" lanes="$(argument lanes)" modules="$(argument modules)" nonce="$(argument nonce)"
# The host reads only lines carrying this boot's nonce: test output cannot fake them.
report() { echo "flatnet-vm $nonce: $*"; }
# The kernel's modules where its autoloader (modprobe) looks for them.
mkdir -p /lib/modules && ln -sfn "$modules" "/lib/modules/$(uname -r)"
echo /sbin/modprobe > /proc/sys/kernel/modprobe
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root NO_COLOR=1 TERM=dumb LC_ALL=C.UTF-8
cd "$root" || exit 1
source scripts/lib/common.sh
report "guest up: kernel $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ { print int($2/1024) }' /proc/meminfo) MiB"

# The suites of each lane (test-id regexes) and the ebtables backend flatnet must use there.
declare -A suites=(
    [basics]='ReferenceControlTests|AttachTopologyTests|HostLifecycleTests|NetworkGCTests'
    [vlan]='VLANIsolationTests'
    [containment-nf_tables]='MetadataTopologyTests|PortSecurityAttackTests'
    [containment-legacy]='MetadataTopologyTests|PortSecurityAttackTests'
)

# Tests about this machine kind's kernel, which the guest's kernel is not: the refusal of a
# VLAN network where the kernel has no 802.1Q (they skip themselves on a kernel with it,
# and a skip fails a lane: left out by name instead).
declare -A skips=(
    [basics]='AttachTopologyTests/vlanUnsupported'
)

# legacy: a host with Debian's ebtables package and without iptables' ebtables-nft, so the
# ebtables alternatives name the legacy tools (Debian's ebtables-legacy-save lists through
# /usr/sbin/ebtables) and flatnet's backend choice has only the legacy tables. Changed in
# the guest's overlay only; this machine's files stay as they are.
use_backend() {
    export FLATNET_TEST_EBTABLES="$1"
    [ "$1" = legacy ] || return 0
    rm -f /usr/sbin/ebtables-nft /usr/sbin/ebtables-nft-save /usr/sbin/ebtables-nft-restore
    local tool
    for tool in ebtables ebtables-save ebtables-restore; do
        ln -sfn "/usr/sbin/${tool/ebtables/ebtables-legacy}" "/etc/alternatives/$tool"
    done
}

# A lane may not hang the guest: the host's deadline would lose every later lane.
LANE_SECONDS=1200

# run_suites LANE LOG: one run of the lane's suites, its output on the console as it
# comes; sets passed, failed, skipped and names (the failed tests, one per line).
run_suites() {
    local lane="$1" log="$2" status
    FLATNET_TEST_STRICT=1 FLATNET_BINARY="$FLATNET_RELEASE_BINARY" timeout --kill-after=10 "$LANE_SECONDS" \
        bash -c 'source scripts/lib/common.sh && in_throwaway_netns "$@"' lane \
        .build/debug/flatnetPackageTests.xctest --testing-library swift-testing --filter "${suites[$lane]}" \
        ${skips[$lane]:+--skip "${skips[$lane]}"} 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    # Parameterized tests end "... with N test cases passed after"; the run's own summary
    # ("Test run with ...") has no quoted name and is not counted.
    passed=$(grep -cE '^[^ ]+ Test ".*"( with [0-9]+ test cases?)? passed after' "$log")
    failed=$(grep -cE '^[^ ]+ Test ".*"( with [0-9]+ test cases?)? failed after' "$log")
    skipped=$(grep -cE '^[^ ]+ (Test|Suite) .* skipped' "$log")
    names=$(grep -E '^[^ ]+ Test ".*"( with [0-9]+ test cases?)? failed after' "$log" | sed -E 's/^[^ ]+ Test "(.*)"( with| failed).*/\1/')
    # A crash, a hang (timeout's 124/137), or a run that ran nothing is a failure even
    # without a failed test.
    if [ "$failed" -eq 0 ] && { [ "$status" -ne 0 ] || [ "$passed" -eq 0 ]; }; then
        failed=1 names="(the run ended with status $status after $passed passed tests)"
    fi
}

# run_lane LANE: the lane's suites; once more when tests failed (and none skipped), with
# the first run's failures reported by name: under software emulation two controls (a
# bridge re-learning a MAC, a neighbour entry refreshed) each lost a race once in six runs.
# The lane counts the second run: a test must pass in it.
total_passed=0 total_failed=0 reruns=""
run_lane() {
    local lane="$1" log="/tmp/lane-$1.log" started=$SECONDS passed failed skipped names
    if [ "$lane" = containment-legacy ]; then use_backend legacy; else use_backend nf_tables; fi
    report "lane $lane: ${suites[$lane]} (ebtables $FLATNET_TEST_EBTABLES)"
    run_suites "$lane" "$log"
    if [ "$failed" -gt 0 ] && [ "$skipped" -eq 0 ]; then
        report "lane $lane: first run $passed passed, $failed failed: running the lane once more; failed:"
        while read -r name; do report "  $name"; done <<< "$names"
        reruns+=" $lane"
        run_suites "$lane" "$log"
    fi
    failed=$((failed + skipped))
    total_passed=$((total_passed + passed)) total_failed=$((total_failed + failed))
    report "lane $lane: $passed passed, $failed failed ($skipped skipped) in $((SECONDS - started)) s"
}

# In this order whatever order they were asked in: the legacy lane removes ebtables-nft.
for lane in basics vlan containment-nf_tables containment-legacy; do
    [[ ",$lanes," == *",$lane,"* ]] && run_lane "$lane"
done
# What the kernel had to load for all of it (Debian builds these as modules).
report "modules loaded: $(awk '{ print $1 }' /proc/modules | sort | tr '\n' ' ')"
[ -z "$reruns" ] || report "lanes run twice:$reruns"
report "$total_passed passed, $total_failed failed"
