#!/bin/bash
# The guest's PID 1 after the initramfs (scripts/lib/vm/init): this machine's files seen
# through a tmpfs overlay, on Debian's kernel. Runs the VM lanes, each as the host runs its
# suites (the test bundle as root in a throwaway network namespace, strict), prints one line
# per lane and a closing "flatnet-vm: N passed, M failed" on the serial console, and powers
# the guest off. Never run it anywhere else: it mounts over /run and /proc.
set -u
if [ "$$" -ne 1 ]; then echo "guest.sh runs only as a VM's init (scripts/vm-test.sh)" >&2; exit 2; fi
poweroff() { sync; echo o > /proc/sysrq-trigger; sleep 60; }
trap poweroff EXIT

mount -t proc proc /proc && mount -t sysfs sys /sys && mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm && mount -t devpts devpts /dev/pts && mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run && mount -t tmpfs tmpfs /tmp
argument() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^flatnet\.$1=//p"; }
root="$(argument root)" lanes="$(argument lanes)" modules="$(argument modules)"
# The kernel's modules where its autoloader (modprobe) looks for them.
mkdir -p /lib/modules && ln -sfn "$modules" "/lib/modules/$(uname -r)"
echo /sbin/modprobe > /proc/sys/kernel/modprobe
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root NO_COLOR=1 TERM=dumb LC_ALL=C.UTF-8
cd "$root" || exit 1
source scripts/lib/common.sh
echo "flatnet-vm: guest up: kernel $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ { print int($2/1024) }' /proc/meminfo) MiB"

# The suites of each lane (test-id regexes) and the ebtables backend flatnet must use there.
declare -A suites=(
    [basics]='ReferenceControlTests|AttachTopologyTests|HostLifecycleTests|NetworkGCTests'
    [vlan]='VLANIsolationTests'
    [containment-nf_tables]='MetadataTopologyTests|PortSecurityAttackTests'
    [containment-legacy]='MetadataTopologyTests|PortSecurityAttackTests'
)

# Tests about this machine kind's kernel, which the guest's kernel is not: the refusal of a
# VLAN network where the kernel has no 802.1Q.
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

total_passed=0 total_failed=0
run_lane() {
    local lane="$1" log="/tmp/lane-$1.log" started=$SECONDS
    if [ "$lane" = containment-legacy ]; then use_backend legacy; else use_backend nf_tables; fi
    echo "flatnet-vm: lane $lane: ${suites[$lane]} (ebtables $FLATNET_TEST_EBTABLES)"
    FLATNET_TEST_STRICT=1 FLATNET_BINARY="$FLATNET_RELEASE_BINARY" in_throwaway_netns \
        .build/debug/flatnetPackageTests.xctest --testing-library swift-testing --filter "${suites[$lane]}" \
        ${skips[$lane]:+--skip "${skips[$lane]}"} > "$log" 2>&1
    local status=$? passed failed skipped
    passed=$(grep -cE '^[^ ]+ Test ".*" passed after' "$log")
    failed=$(grep -cE '^[^ ]+ Test ".*" failed after' "$log")
    skipped=$(grep -cE '^[^ ]+ (Test|Suite) .* skipped' "$log")
    cat "$log"   # the whole run on the console: the host keeps it in .build-vm/serial.log
    # A crash, or a run that ran nothing, is a failure even without a failed test.
    if [ "$failed" -eq 0 ] && { [ "$status" -ne 0 ] || [ "$passed" -eq 0 ]; }; then
        failed=1; tail -n 20 "$log"
    fi
    failed=$((failed + skipped))
    total_passed=$((total_passed + passed)) total_failed=$((total_failed + failed))
    echo "flatnet-vm: lane $lane: $passed passed, $failed failed ($skipped skipped) in $((SECONDS - started)) s"
}

# In this order whatever order they were asked in: the legacy lane removes ebtables-nft.
for lane in basics vlan containment-nf_tables containment-legacy; do
    [[ ",$lanes," == *",$lane,"* ]] && run_lane "$lane"
done
# What the kernel had to load for all of it (Debian builds these as modules).
echo "flatnet-vm: modules loaded: $(awk '{ print $1 }' /proc/modules | sort | tr '\n' ' ')"
echo "flatnet-vm: $total_passed passed, $total_failed failed"
