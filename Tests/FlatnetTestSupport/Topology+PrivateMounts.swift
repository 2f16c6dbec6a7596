import FlatnetCore
import Foundation

/// Running flatnet on a host whose installed tools differ from this machine's: each call
/// runs in its own private mount namespace (`unshare --mount`), where a shell `setup`
/// first changes what is installed (bind mounts), so nothing outside that one call, and
/// no other test running concurrently, sees the change.
extension Topology {
    /// Binds /dev/null over each tool: it is then not executable, as if not installed.
    /// (A bind over a symlink lands on its target: hiding ebtables-nft hides
    /// xtables-nft-multi, so every nft variant at once.)
    public static func hiding(_ tools: [String]) -> String {
        tools.map { "mount --bind /dev/null /usr/sbin/\($0) && " }.joined()
    }

    /// A private /etc/alternatives (a copy of the real one under the topology's state
    /// directory) whose ebtables, ebtables-save and ebtables-restore point at the legacy
    /// tools: what a fresh Debian 12 machine has when only the `ebtables` package is
    /// installed (the nft variants come with the `iptables` package).
    public func legacyAlternatives() -> String {
        let copy = stateDirectory + "/alternatives"
        let links = ["ebtables": "ebtables-legacy", "ebtables-save": "ebtables-legacy-save",
                     "ebtables-restore": "ebtables-legacy-restore"]
        return "mkdir -p \(copy) && cp -a /etc/alternatives/. \(copy)/ && "
            + links.sorted { $0.key < $1.key }.map { "ln -sfn /usr/sbin/\($0.value) \(copy)/\($0.key) && " }.joined()
            + "mount --bind \(copy) /etc/alternatives && "
    }

    /// The plugin in host `host`, after `setup` in a private mount namespace.
    public func flatnet(_ command: String, host: String, container: String, config: JSONValue,
                        afterPrivateSetup setup: String) throws -> PluginCall {
        let environment = [
            "CNI_COMMAND": command, "CNI_CONTAINERID": container, "CNI_NETNS": "/run/netns/" + namespace(container),
            "CNI_IFNAME": "eth0", "CNI_PATH": "/usr/lib/cni", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
        ]
        let script = setup + "exec ip netns exec \(namespace(host)) \(TestHost.binary ?? "")"
        let outcome = try ProcessRunner.run(["/usr/bin/unshare", "--mount", "sh", "-c", script],
                                            environment: environment, stdin: config.serialized())
        return PluginCall(outcome: outcome)
    }

    /// A shell command in host `host`, after `setup` in a private mount namespace.
    public func shell(_ command: String, host: String, afterPrivateSetup setup: String) throws -> ProcessOutcome {
        let script = setup + "exec ip netns exec \(namespace(host)) sh -c '\(command)'"
        return try ProcessRunner.run(["/usr/bin/unshare", "--mount", "sh", "-c", script], environment: Self.path)
    }
}
