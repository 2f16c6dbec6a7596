import Foundation

/// The private mount namespace a ContainerdHost's daemon runs in, as a shell script.
///
/// ctr 1.6 reads its CNI configuration from fixed places (/etc/cni/net.d, plugins in
/// /opt/cni/bin, libcni's result cache in /var/lib/cni) and its shims put their sockets
/// under /run/containerd/s whatever the daemon's state directory is. None of these exist
/// on this machine, and none may be created on it (TESTING.md): /etc, /opt and /var/lib
/// become overlays whose upper layers are on a tmpfs, and /run a fresh tmpfs into which
/// the topology's /run/netns and /run/flatnet (the plugin's host locks, shared with the
/// test's operator commands) are bound back.
extension ContainerdHost {
    static func startScript(directory: String, hostNamespace: String, binary: String) -> String {
        """
        set -eu
        mount --make-rprivate /
        mkdir -p \(directory)/scratch \(directory)/saved-run
        mount -t tmpfs flatnet-containerd \(directory)/scratch
        for tree in etc opt var/lib; do
            upper=\(directory)/scratch/$(echo $tree | tr / -)
            mkdir -p $upper.upper $upper.work
            mount -t overlay flatnet-containerd -o lowerdir=/$tree,upperdir=$upper.upper,workdir=$upper.work /$tree
        done
        mount --rbind /run \(directory)/saved-run
        mount -t tmpfs flatnet-containerd /run
        for kept in netns flatnet; do
            mkdir /run/$kept
            mount --rbind \(directory)/saved-run/$kept /run/$kept
        done
        # Empty, whatever the machine has there (Debian's podman ships
        # /etc/cni/net.d/87-podman-bridge.conflist, which ctr would load instead).
        mkdir -p /etc/cni/net.d /opt/cni/bin /var/lib/cni
        for empty in /etc/cni/net.d /opt/cni/bin /var/lib/cni; do mount -t tmpfs flatnet-containerd $empty; done
        ln -s \(binary) /opt/cni/bin/flatnet
        ln -s \(binary) /opt/cni/bin/flatnet-ipam
        exec nsenter --net=/run/netns/\(hostNamespace) containerd --config \(directory)/config.toml
        """
    }

    /// Its own root, state and socket; no CRI (this is ctr's CNI path, and CRI would
    /// watch /etc/cni/net.d itself), no opt plugin (it installs into /opt), no snapshotters
    /// that probe other filesystems: containers run from a root filesystem directory.
    static func configuration(directory: String) -> String {
        let disabled = ["io.containerd.grpc.v1.cri", "io.containerd.internal.v1.opt"]
            + ["aufs", "btrfs", "devmapper", "zfs"].map { "io.containerd.snapshotter.v1." + $0 }
        return """
        version = 2
        root = "\(directory)/root"
        state = "\(directory)/state"
        disabled_plugins = [\(disabled.map { "\"\($0)\"" }.joined(separator: ", "))]
        [grpc]
          address = "\(directory)/containerd.sock"

        """
    }

    /// A busybox root filesystem in `directory` (no image registry): busybox-static and
    /// its applets as links to it, valid inside the container.
    public static func makeRootFilesystem(_ directory: String) throws {
        let script = "mkdir -p \(directory)/bin && cp /bin/busybox \(directory)/bin/busybox"
            + " && chroot \(directory) /bin/busybox --install -s /bin"
        let outcome = try ProcessRunner.run(["/bin/sh", "-c", script], environment: path)
        guard outcome.status == 0 else { throw FixtureError(command: script, stderr: outcome.stderr) }
    }
}
