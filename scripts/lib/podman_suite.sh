#!/usr/bin/env bash
# podman 4.3 (CNI backend) running busybox containers on flatnet, in the topology of
# scripts/lib/topology.sh, as TESTING.md "Real clients" describes. Prints key=value lines
# for the test to check; exits non-zero if the setup itself fails.
#   podman_suite.sh PREFIX FLATNET_BINARY WORK_DIR EXAMPLES_DIR
# Each host runs a conflist flatnet ships (EXAMPLES_DIR is netconf/examples) as it is,
# cniVersion included: only ipam.dataDir moves into WORK_DIR.
# Must run as root in a throwaway network namespace AND a private mount namespace (all
# podman calls of one run share that mount namespace: podman bind-mounts each container's
# netns under /run/netns, and a fresh namespace per call would lose it).
set -euo pipefail
prefix="$1" binary="$2" work="$3" examples="$4"

install_example() {  # install_example EXAMPLE CONFLIST DATA_DIR: the shipped file, its dataDir moved
    python3 - "$@" <<'PY'
import json, sys
conflist = json.load(open(sys.argv[1]))
conflist["plugins"][0]["ipam"]["dataDir"] = sys.argv[3]
json.dump(conflist, open(sys.argv[2], "w"), indent=2)
PY
}

setup_host() {  # setup_host HOST EXAMPLE: private podman state, and the shipped conflist EXAMPLE
    local host="$1" dir="$work/$1"
    mkdir -p "$dir/bin" "$dir/net.d" "$dir/graph" "$dir/run" "$dir/tmp"
    ln -sf "$binary" "$dir/bin/flatnet"; ln -sf "$binary" "$dir/bin/flatnet-ipam"
    install_example "$examples/$2" "$dir/net.d/flat-a.conflist" "$dir/state"
    # root here cannot raise limits: podman must ask for the hard ones, no more.
    cat > "$dir/containers.conf" <<CONF
[network]
network_backend = "cni"
cni_plugin_dirs = ["$dir/bin"]
network_config_dir = "$dir/net.d"
default_network = "flat-a"
[containers]
cgroups = "disabled"
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=32768:32768"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "crun"
tmp_dir = "$dir/tmp"
CONF
    printf '[storage]\ndriver = "vfs"\ngraphroot = "%s/graph"\nrunroot = "%s/run"\n' "$dir" "$dir" > "$dir/storage.conf"
}

podman_on() {  # podman_on HOST ARGS...: podman as HOST's runtime, from HOST's netns
    local host="$1"; shift
    CONTAINERS_CONF="$work/$host/containers.conf" CONTAINERS_STORAGE_CONF="$work/$host/storage.conf" \
        nsenter --net="/run/netns/$prefix-$host" podman "$@"
}

# A busybox root filesystem: podman runs it with --rootfs, no image registry.
mkdir -p "$work/rootfs/bin" "$work/cgroup"
cp /bin/busybox "$work/rootfs/bin/busybox"
chroot "$work/rootfs" /bin/busybox --install -s /bin  # links to /bin/busybox, valid inside
# crun refuses this machine's hybrid cgroup layout; keep a copy of the cgroup mounts,
# since nsenter does not remount /sys but crun needs a sysfs with them.
mount --rbind /sys/fs/cgroup "$work/cgroup"
umount -l /sys/fs/cgroup/unified 2>/dev/null || true
mkdir -p /run/crun && mount -t tmpfs tmpfs /run/crun
# podman's libcni keeps its result cache in /var/lib/cni (no setting moves it): a private
# tmpfs here, since a mkdir in a private mount namespace still writes the machine's disk.
mount -t tmpfs tmpfs /var/lib
# hA runs the example the README and the demo use; hB its fleet sibling (its own range).
setup_host hA flat-a.conflist
setup_host hB fleet/hostB/flat-a.conflist
conflist_version() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["cniVersion"])' "$1"; }
echo "conflist_version_a=$(conflist_version "$work/hA/net.d/flat-a.conflist")"
echo "conflist_version_b=$(conflist_version "$work/hB/net.d/flat-a.conflist")"

# Whatever happens, no container outlives the run.
trap 'podman_on hA rm -f -t 0 cA >/dev/null 2>&1 || true; podman_on hB rm -f -t 0 cB >/dev/null 2>&1 || true' EXIT
podman_on hA run -d --name cA --rootfs "$work/rootfs" /bin/sleep 600 >/dev/null
podman_on hB run -d --name cB --rootfs "$work/rootfs" /bin/sleep 600 >/dev/null
ip_a=$(podman_on hA inspect cA --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}')
ip_b=$(podman_on hB inspect cB --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}')
echo "inspect_a=$ip_a"
echo "inspect_b=$ip_b"
podman_on hA exec cA ping -c 1 -W 2 "$ip_b" >/dev/null && echo "ping_a_to_b=ok" || echo "ping_a_to_b=failed"
echo "metadata_a=$(podman_on hA exec cA nc -w 3 169.254.169.250 80 || true)"
echo "metadata_b=$(podman_on hB exec cB nc -w 3 169.254.169.250 80 || true)"
podman_on hA rm -f -t 0 cA >/dev/null
podman_on hB rm -f -t 0 cB >/dev/null
# Container veths are fl + 13 hex digits; the link pair (flb-/fld-) belongs to the host.
echo "veths_after_a=$(ip -n "$prefix-hA" -br link show type veth | grep -cE '^fl[0-9a-f]{13}' || true)"
echo "leases_after_a=$(ls "$work/hA/state/flat-a/addresses" | wc -l)"
