import FlatnetCore
import Foundation

/// Helpers for the red team's port security probes (PortSecurityRedTeamTests).
extension Topology {
    /// IEEE 802.1D's reserved link-local group address ending in `last` (two hex digits):
    /// 01:80:c2:00:00:0e is LLDP's. A Linux bridge handles these destinations in its
    /// receive handler, before the bridge-family prerouting hook.
    public static func linkLocalGroup(_ last: String) -> String { "01:80:c2:00:00:" + last }

    /// Creates container namespaces `names` on `host` and ADDs each with `config`;
    /// returns each ADD's reply. Throws when one fails (nothing can be judged then).
    /// Containers in `quiet` get no IPv6 (see `silenceIPv6`).
    @discardableResult
    public func attach(_ names: [String], host: String, config: JSONValue,
                       quiet: Set<String> = []) throws -> [String: PluginCall] {
        var replies: [String: PluginCall] = [:]
        for name in names {
            _ = try container(name)
            if quiet.contains(name) { try silenceIPv6(in: name) }
            let add = try flatnet("ADD", host: host, container: name, config: config)
            guard add.status == 0 else {
                throw FixtureError(command: "ADD \(name) on \(host)", stderr: add.outcome.stdout)
            }
            replies[name] = add
        }
        return replies
    }

    /// Turns IPv6 off in namespace `name` (on interfaces to come, too). A victim whose
    /// forwarding entry a probe moves must stay silent until the probe is judged: a new
    /// interface sends duplicate address detection, MLD reports and router solicitations
    /// for seconds, and each of them teaches the bridge its real port again.
    public func silenceIPv6(in name: String) throws {
        try run(["/usr/sbin/ip", "netns", "exec", namespace(name), "sysctl", "-qw",
                 "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"])
    }

    /// CHECK of container `name` on `host`, with `add`'s result as prevResult.
    public func check(_ name: String, host: String, config: JSONValue, add: PluginCall) throws -> PluginCall {
        try flatnet("CHECK", host: host, container: name, config: config.settingKey("prevResult", to: add.reply))
    }

    /// The bridge port on `host` whose forwarding entry holds container `name`'s MAC, after
    /// `name` itself sent a frame (a ping to the router): the entry is then where it
    /// belongs, whatever a probe did to it before.
    public func relearn(_ name: String, host: String, bridge: String = "br-flat-a") throws -> String? {
        _ = try ping(from: name, "10.43.0.1")
        return try forwardingPort(of: try mac(of: name), bridge: bridge, in: host)
    }
}
