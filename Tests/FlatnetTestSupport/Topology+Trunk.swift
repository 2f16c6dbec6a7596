import FlatnetCore
import Foundation

/// Helpers for the VLAN layout (`Topology(.trunk)`, scripts/lib/topology.sh `trunk`):
/// netconfs on its one subnet, pings of many pairs at once, links' VLAN details and
/// captures on the trunk switch's ports.
extension Topology {
    /// The subnet every segment of the trunk layout shares: nothing but L2 separates them.
    public static let trunkSubnet = "10.60.0.0/24"

    /// A netconf on the trunk layout's subnet: network `name` on `uplink`, tagged `vlan`
    /// (nil: untagged), this host's `range`, the segment's `gateway`.
    public func trunkNetconf(_ name: String, host: String, range: (String, String), gateway: String,
                             uplink: String = "eth1", vlan: Int?) -> JSONValue {
        let config = netconf(name, host: host, range: range, uplink: uplink, subnet: Self.trunkSubnet,
                             gateway: gateway)
        return vlan.map { config.settingKey("vlan", to: .number(Double($0))) } ?? config
    }

    /// Pings every `(from, to)` pair at once, one echo each with a `bound` (seconds; an
    /// unanswered pair costs it once, not once per pair): the pairs that were answered.
    public func answeredPings(_ pairs: [(from: String, to: String)], bound: Int = 2) throws -> Set<String> {
        let pings = pairs.map { pair in
            "(ip netns exec \(namespace(pair.from)) ping -c 1 -W \(bound) \(pair.to) >/dev/null 2>&1"
                + " && echo '\(pair.from) \(pair.to)') &"
        }
        let outcome = try run(["/bin/sh", "-c", pings.joined(separator: "\n") + "\nwait"])
        return Set(outcome.stdout.split(separator: "\n").map(String.init))
    }

    /// `ip -d -o link show NAME` on `host` (kind, VLAN id, master), or nil when there is none.
    public func linkDetails(_ name: String, on host: String) throws -> String? {
        let argv = ["/usr/sbin/ip", "-n", namespace(host), "-d", "-o", "link", "show", name]
        let outcome = try ProcessRunner.run(argv, environment: Self.path)
        return outcome.status == 0 ? outcome.stdout : nil
    }

    /// The VLAN interfaces on `host` whose lower device is `parent` (`NAME@parent`).
    public func vlanInterfaces(of parent: String, on host: String) throws -> [String] {
        try ip(host, "-o", "link", "show", "type", "vlan").split(separator: "\n").compactMap { line in
            let field = line.split(separator: " ").dropFirst().first.map { String($0.dropLast()) }
            let parts = field?.split(separator: "@").map(String.init) ?? []
            return parts.count == 2 && parts[1] == parent ? parts[0] : nil
        }
    }

    /// Starts `tcpdump -e -n` on `interface` in namespace `name` and returns once it listens.
    public func capture(in name: String, interface: String) throws -> FrameCapture {
        try FrameCapture(namespace: namespace(name), interface: interface, directory: stateDirectory)
    }
}

/// A running `tcpdump -e -n -l` whose lines (one per frame, with its link-level header:
/// `... ethertype 802.1Q (0x8100), length 102: vlan 100, p 0, ethertype IPv4 ...`) go to a
/// file. Stopped with SIGKILL (TESTING.md: captures are killed by PID) by `stop` or deinit;
/// topology.sh `down` kills whatever is left in the topology's namespaces anyway.
public final class FrameCapture: @unchecked Sendable {  // used from one test at a time
    let pid: pid_t
    let output: String

    init(namespace: String, interface: String, directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        output = "\(directory)/capture-\(interface)-\(ProcessRunner.uniqueSuffix())"
        let errors = output + ".err"
        let command = "ip netns exec \(namespace) tcpdump -i \(interface) -e -n -l --immediate-mode"
            + " </dev/null >\(output) 2>\(errors) & echo $!"
        let started = try ProcessRunner.run(["/bin/sh", "-c", command], environment: Topology.path)
        guard let pid = pid_t(started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw FixtureError(command: command, stderr: started.stderr)
        }
        self.pid = pid
        // A fixture wait (at most 10 s): tcpdump says "listening on" once its socket is bound.
        for _ in 0..<200 {
            let said = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
            if said.contains("listening on") { return }
            if kill(pid, 0) != 0 { throw FixtureError(command: command, stderr: said) }
            usleep(50_000)
        }
        stop()
        throw FixtureError(command: command, stderr: "tcpdump did not start listening within 10 s")
    }

    deinit { stop() }

    public func stop() { kill(pid, SIGKILL) }

    /// The captured lines once one contains every string of `awaited` (or after a bound of
    /// 10 s: a fixture wait, judged by the caller's assertions, not by time).
    public func lines(awaiting awaited: [String]) -> [String] {
        var lines: [String] = []
        for _ in 0..<200 {
            lines = ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").split(separator: "\n")
                .map(String.init)
            if awaited.allSatisfy({ text in lines.contains { $0.contains(text) } }) { break }
            usleep(50_000)
        }
        return lines
    }

    /// The 802.1Q tag of a captured line (`... length 102: vlan 100, p 0, ...`), or nil
    /// when the frame carried none.
    public static func vlanTag(of line: String) -> Int? {
        guard line.contains("ethertype 802.1Q"), let tag = line.range(of: ": vlan ") else { return nil }
        return Int(line[tag.upperBound...].prefix { $0.isNumber })
    }
}
