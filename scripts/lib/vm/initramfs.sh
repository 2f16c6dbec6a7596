# The guest's initramfs: busybox-static, the modules that reach the machine's root over 9p
# (virtio, 9p, overlayfs), and scripts/lib/vm/init. Everything else the guest runs, from the
# kernel's other modules to the Swift test bundle, it reads from this machine's own files.
# Source it; needs common.sh and kernel.sh's variables.

# The modules the initramfs loads itself, in dependency order (modprobe --show-depends).
VM_EARLY_MODULES=(virtio_pci 9pnet_virtio 9p overlay)

# vm_build_initramfs OUT: writes the gzipped cpio archive OUT.
vm_build_initramfs() {
    local out="$1" tree
    tree="$(mktemp -d)"
    mkdir -p "$tree"/{bin,modules,proc,sys,dev,lower,rw,newroot}
    cp /bin/busybox "$tree/bin/busybox"
    local module
    for module in "${VM_EARLY_MODULES[@]}"; do
        modprobe -d "${VM_KERNEL_MODULES%/lib/modules/*}" -S "$VM_KERNEL_VERSION" --show-depends "$module"
    done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' > "$tree/modules/order.paths"
    [ -s "$tree/modules/order.paths" ] || die "vm: no early modules found in $VM_KERNEL_MODULES"
    while read -r module; do
        cp "$module" "$tree/modules/" && basename "$module"
    done < "$tree/modules/order.paths" > "$tree/modules/order"
    rm "$tree/modules/order.paths"
    cp "$FLATNET_ROOT/scripts/lib/vm/init" "$tree/init" && chmod +x "$tree/init"
    (cd "$tree" && find . | cpio -o -H newc --quiet | gzip -1) > "$out"
    rm -rf "$tree"
}
