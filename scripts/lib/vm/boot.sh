# Boots the guest under qemu and follows its serial console. Source it; needs common.sh and
# kernel.sh's variables. The guest reports on the console only (its root is read-only).

VM_KVM_PROBE_SECONDS=20   # a KVM guest reaches its initramfs in ~1 s; on nested machines it hangs
VM_BOOT_SECONDS=240       # under TCG the guest is up in ~7 s on an idle machine
VM_MEMORY_MB=3072
# This boot's nonce: the guest's report lines carry it (`flatnet-vm NONCE: ...`), so that
# no test output can pass for them.
VM_NONCE="$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"

# vm_start ACCEL LANES LOG: starts qemu in the background (VM_PID), serial console to LOG.
vm_start() {
    local accel="$1" lanes="$2" log="$3" cpu
    case "$accel" in
        kvm) cpu=(-accel kvm -cpu host) ;;
        tcg) cpu=(-accel tcg,thread=multi -cpu max) ;;
    esac
    local append="console=ttyS0 panic=-1 quiet flatnet.guest=$FLATNET_ROOT/scripts/lib/vm/guest.sh"
    append+=" flatnet.root=$FLATNET_ROOT flatnet.lanes=$lanes flatnet.modules=$VM_KERNEL_MODULES"
    append+=" flatnet.nonce=$VM_NONCE"
    : > "$log"
    # In a subshell of its own, so that qemu's own end (an abort when KVM refuses the CPU)
    # is reported in LOG.qemu, not on this script's terminal; TERM reaches qemu through it.
    (
        trap 'vm_stop "$qemu"; exit 143' TERM
        qemu-system-x86_64 "${cpu[@]}" -m "$VM_MEMORY_MB" -smp "$(nproc)" -no-reboot -nic none \
            -display none -monitor none -serial "file:$log" \
            -kernel "$VM_KERNEL_IMAGE" -initrd "$VM_DIR/initrd.gz" -append "$append" \
            -virtfs local,path=/,mount_tag=machine,security_model=none,readonly=on,multidevs=remap &
        qemu=$!
        wait "$qemu"
    ) < /dev/null > "$log.qemu" 2>&1 &
    VM_PID=$!
    trap vm_kill EXIT
}

# vm_stop PID: TERM, then KILL if qemu has not ended 10 s later (a guest hung in KVM may
# not end on TERM).
vm_stop() {
    kill "$1" 2>/dev/null || return 0
    local tick
    for tick in $(seq 20); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.5; done
    kill -KILL "$1" 2>/dev/null || true
}

# vm_follow LOG MARKER BOOT_SECONDS TOTAL_SECONDS: echoes the guest's report lines as they
# arrive. 0: the guest powered off; 3: no MARKER within BOOT_SECONDS (or qemu died before
# it); 4: still running after TOTAL_SECONDS (the guest is killed in both cases).
vm_follow() {
    local log="$1" marker="$2" boot="$3" total="$4" shown=0 started=$SECONDS booted=0
    while kill -0 "$VM_PID" 2>/dev/null; do
        sleep 1
        shown=$(vm_show_new "$log" "$shown")
        [ "$booted" -eq 1 ] || ! grep -q "$marker" "$log" || booted=1
        if [ "$booted" -eq 0 ] && [ $((SECONDS - started)) -ge "$boot" ]; then vm_kill; return 3; fi
        if [ $((SECONDS - started)) -ge "$total" ]; then vm_kill; return 4; fi
    done
    wait "$VM_PID" 2>/dev/null || true
    vm_show_new "$log" "$shown" > /dev/null
    grep -q "$marker" "$log" || return 3
    return 0
}

# Prints the report lines of LOG after line SHOWN (stderr); echoes the new count.
vm_show_new() {
    local count
    count=$(wc -l < "$1")
    tail -n "+$(($2 + 1))" "$1" | head -n "$((count - $2))" | tr -d '\r' \
        | LC_ALL=C.UTF-8 grep -E "^flatnet-vm( $VM_NONCE)?:|^[^ ]+ (Test .* (failed|recorded an issue)|(Test|Suite) .* skipped)" \
        | sed "s/^flatnet-vm $VM_NONCE:/flatnet-vm:/" >&2 || true
    echo "$count"
}

vm_kill() { vm_stop "$VM_PID"; wait "$VM_PID" 2>/dev/null || true; }

# vm_run ACCEL LANES SECONDS LOG: boots (KVM first when ACCEL is auto), waits, judges.
vm_run() {
    local accel="$1" lanes="$2" seconds="$3" log="$4" status
    if [ "$accel" != tcg ]; then
        [ -w /dev/kvm ] || { [ "$accel" = auto ] || die "vm: /dev/kvm is not usable here"; accel=tcg; }
    fi
    if [ "$accel" != tcg ]; then
        say "vm: booting under KVM"
        vm_start kvm "$lanes" "$log"
        status=0; vm_follow "$log" "flatnet-vm: initramfs up" "$VM_KVM_PROBE_SECONDS" "$seconds" || status=$?
        if [ "$status" -eq 3 ] && [ "$accel" = auto ]; then
            say "vm: KVM did not reach the initramfs within ${VM_KVM_PROBE_SECONDS}s ($(vm_qemu_error "$log")): using TCG"
        else
            vm_verdict "$log" "$status" "$seconds"; return
        fi
    fi
    say "vm: booting under TCG (software emulation)"
    vm_start tcg "$lanes" "$log"
    status=0; vm_follow "$log" "flatnet-vm $VM_NONCE: guest up" "$VM_BOOT_SECONDS" "$seconds" || status=$?
    vm_verdict "$log" "$status" "$seconds"
}

# What qemu itself said when it gave up (its first line), or "hung" when it said nothing.
vm_qemu_error() { head -n 1 "$1.qemu" 2>/dev/null | cut -c1-120 | grep . || echo "hung"; }

# vm_verdict LOG STATUS SECONDS: exit 0 only on the guest's own "N passed, 0 failed" (N > 0).
vm_verdict() {
    local log="$1" status="$2" seconds="$3" summary
    case "$status" in
        3) tail -n 20 "$log" >&2; die "vm: the guest did not come up within ${VM_BOOT_SECONDS}s ($(vm_qemu_error "$log")); serial log: $log" ;;
        4) tail -n 20 "$log" >&2; die "vm: the guest was still running after ${seconds}s and was stopped; serial log: $log" ;;
    esac
    summary=$(tr -d '\r' < "$log" | { grep -E "^flatnet-vm $VM_NONCE: [0-9]+ passed, [0-9]+ failed\$" || true; } \
        | tail -n 1 | sed "s/^flatnet-vm $VM_NONCE:/flatnet-vm:/")
    if [ -z "$summary" ]; then
        tail -n 30 "$log" >&2
        die "vm: the guest stopped before its summary (a crash or a panic); serial log: $log"
    fi
    [[ "$summary" =~ ^flatnet-vm:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]
    [ "${BASH_REMATCH[2]}" -eq 0 ] && [ "${BASH_REMATCH[1]}" -gt 0 ] || die "vm: $summary (serial log: $log)"
    say "vm: ${summary#flatnet-vm: }"
}
