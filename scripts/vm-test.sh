#!/usr/bin/env bash
# The VM lane (issue 16): flatnet's kernel-dependent suites on Debian 12's stock kernel.
# This machine kind's kernel has no 802.1Q and no legacy ebtables tables; a distribution
# kernel has both. The lane boots Debian's kernel package under qemu (KVM when it boots,
# software emulation otherwise) with this machine's own files as the guest's root
# (read-only 9p under a tmpfs overlay), and runs the suites there as root in network
# namespaces inside the guest. Nothing touches this machine's network: the guest has no NIC.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/vm/kernel.sh"
source "$(dirname "$0")/lib/vm/initramfs.sh"
source "$(dirname "$0")/lib/vm/boot.sh"

ALL_LANES="basics,vlan,containment-nf_tables,containment-legacy"

usage() {
    cat <<USAGE
Usage: scripts/vm-test.sh [options]
Runs flatnet's suites inside a VM on Debian 12's stock kernel (needs root; installs the
Debian packages it needs; fetches the kernel package once into .build-vm/).

Lanes (all by default, in this order):
  basics                 reference bridge + host-local control; ADD/CHECK/DEL, setup, GC
  vlan                   three networks (vlan 100, vlan 200, untagged) on one trunk
  containment-nf_tables  metadata containment and port security, ebtables-nft
  containment-legacy     the same suites with only ebtables-legacy installed

Options:
  --lanes LIST           comma-separated lanes to run (default: $ALL_LANES)
  --accel auto|kvm|tcg   auto (default) tries KVM and falls back to TCG when KVM does not
                         reach the initramfs within ${VM_KVM_PROBE_SECONDS}s
  --kernel-package NAME  another Debian kernel package (default: what linux-image-amd64 needs)
  --timeout MINUTES      fail when the guest has not finished by then (default: 30)
  --no-build             reuse .build/ (scripts/test.sh has just built it)
  -h, --help             this text

Prints one line per lane and ends with "flatnet-vm: N passed, M failed"; the whole serial
log is kept in .build-vm/serial.log. Exit status 0 only when every lane ran and passed.
USAGE
}

lanes="$ALL_LANES" accel="${FLATNET_VM_ACCEL:-auto}" kernel_package="" minutes=30 build=1
while [ $# -gt 0 ]; do
    case "$1" in
        --lanes) lanes="${2:?--lanes needs a list}"; shift 2 ;;
        --accel) accel="${2:?--accel needs auto, kvm or tcg}"; shift 2 ;;
        --kernel-package) kernel_package="${2:?--kernel-package needs a name}"; shift 2 ;;
        --timeout) minutes="${2:?--timeout needs minutes}"; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "vm-test.sh: unknown option $1 (try scripts/vm-test.sh --help)" >&2; exit 2 ;;
    esac
done
for lane in ${lanes//,/ }; do
    [[ ",$ALL_LANES," == *",$lane,"* ]] || { echo "vm-test.sh: no lane named $lane (lanes: $ALL_LANES)" >&2; exit 2; }
done
case "$accel" in auto|kvm|tcg) ;; *) echo "vm-test.sh: --accel takes auto, kvm or tcg" >&2; exit 2 ;; esac
[[ "$minutes" =~ ^[1-9][0-9]*$ ]] || { echo "vm-test.sh: --timeout takes whole minutes" >&2; exit 2; }
[[ "$FLATNET_ROOT" != *" "* ]] || die "vm: the checkout's path has a space; the kernel command line cannot carry it"

require_root "scripts/vm-test.sh"
# qemu and busybox-static boot the guest; cpio and kmod (modprobe, depmod) build its
# initramfs; the rest is what the suites run, from this machine's files, inside the guest.
ensure_packages "${BUILD_PACKAGES[@]}" "${SUITE_PACKAGES[@]}" qemu-system-x86 busybox-static cpio kmod
if [ "$build" -eq 1 ]; then build_release; build_tests; fi
[ -x "$FLATNET_ROOT/.build/debug/flatnetPackageTests.xctest" ] || die "vm: no test bundle: run without --no-build"

VM_DIR="$FLATNET_ROOT/.build-vm"
mkdir -p "$VM_DIR"
vm_fetch_kernel "$VM_DIR/kernels" "$kernel_package"
vm_build_initramfs "$VM_DIR/initrd.gz"
say "vm: Debian kernel $VM_KERNEL_VERSION; lanes $lanes"
vm_run "$accel" "$lanes" "$((minutes * 60))" "$VM_DIR/serial.log"
