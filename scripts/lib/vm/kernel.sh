# The guest kernel: Debian's stable kernel package, fetched with apt-get download and unpacked
# with dpkg-deb (never installed on this machine), with a modules.dep of its own (depmod -b).
# Source it; needs common.sh. Sets VM_KERNEL_VERSION, VM_KERNEL_IMAGE, VM_KERNEL_MODULES.

# The package Debian 12's linux-image-amd64 points at today (the kernel a stock install runs).
vm_kernel_package() {
    apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}

# vm_fetch_kernel DIR [PACKAGE]: unpacks PACKAGE (default: the one above) under DIR/<package>
# once; later runs reuse it.
vm_fetch_kernel() {
    local cache="$1" package="${2:-}"
    [ -n "$package" ] || package="$(vm_kernel_package)"
    [ -n "$package" ] || die "vm: apt-cache names no kernel for linux-image-amd64 (run apt-get update)"
    local root="$cache/$package"
    if [ ! -f "$root/.complete" ]; then
        say "vm: fetching Debian's kernel package $package"
        rm -rf "$root" && mkdir -p "$root"
        (cd "$root" && apt-get download -q "$package" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2) \
            || die "vm: apt-get download $package failed"
        dpkg-deb -x "$root"/*.deb "$root/unpacked" && rm -f "$root"/*.deb
        VM_KERNEL_VERSION="$(ls "$root/unpacked/lib/modules")"
        depmod -b "$root/unpacked" "$VM_KERNEL_VERSION"
        touch "$root/.complete"
    fi
    VM_KERNEL_VERSION="$(ls "$root/unpacked/lib/modules")"
    VM_KERNEL_IMAGE="$root/unpacked/boot/vmlinuz-$VM_KERNEL_VERSION"
    VM_KERNEL_MODULES="$root/unpacked/lib/modules/$VM_KERNEL_VERSION"
    [ -f "$VM_KERNEL_IMAGE" ] || die "vm: $package has no /boot/vmlinuz-$VM_KERNEL_VERSION"
}
