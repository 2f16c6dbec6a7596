import FlatnetCore
import FlatnetSystem
import FlatnetTestSupport
import Foundation

/// A fresh network namespace holding the example port-security table `bridge fn-test`,
/// made by nft itself, so flatnet's netlink requests are checked against nft's view.
struct NftablesFixture: ~Copyable {
    static let table = "fn-test"
    static let sets = ["mac", "ipv4", "ipv6", "targets", "drops"]
    static let tableScript = """
        add table bridge fn-test
        add set bridge fn-test mac { type ifname . ether_addr; }
        add set bridge fn-test ipv4 { type ifname . ether_addr . ipv4_addr; }
        add set bridge fn-test ipv6 { type ifname . ipv6_addr; }
        add set bridge fn-test targets { typeof iifname . @th,64,128; }
        add set bridge fn-test drops { type ifname; counter; }

        """

    let namespace: String
    var path: String { "/run/netns/" + namespace }

    /// A namespace with the table (or with none, `withTable: false`).
    init(withTable: Bool = true) throws {
        namespace = "flt-nft-" + ProcessRunner.uniqueSuffix()
        try ProcessRunner.ip("netns", "add", namespace)
        if withTable { try nft(script: Self.tableScript) }
    }

    deinit { try? ProcessRunner.ip("netns", "del", namespace) }

    /// A NetfilterSocket bound to this namespace (opened inside it, used from outside).
    func socket() throws -> NetfilterSocket {
        try NetworkNamespace.withEntered(path: path) { try NetfilterSocket() }
    }

    /// `nft -f -` inside the namespace.
    func nft(script: String) throws {
        let outcome = try ProcessRunner.run(command + ["-f", "-"], environment: Self.environment,
                                            stdin: script)
        guard outcome.status == 0 else { throw NftCommandError(command: "nft -f", stderr: outcome.stderr) }
    }

    /// `nft ARGS...` inside the namespace; its stdout.
    func nft(_ arguments: String...) throws -> String {
        let outcome = try ProcessRunner.run(command + arguments, environment: Self.environment)
        guard outcome.status == 0 else {
            throw NftCommandError(command: "nft " + arguments.joined(separator: " "), stderr: outcome.stderr)
        }
        return outcome.stdout
    }

    /// The elements `nft list set` prints for `set`, one string each as nft spells them
    /// (`"flab1" . 02:00:00:00:00:01`, `"flab1" counter packets 0 bytes 0`).
    func listed(_ set: String) throws -> Set<String> {
        let text = try nft("list", "set", "bridge", Self.table, set)
        guard let start = text.range(of: "elements = {") else { return [] }
        let body = text[start.upperBound...].prefix { $0 != "}" }
        return Set(body.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
    }

    private var command: [String] { ["/usr/sbin/ip", "netns", "exec", namespace, "/usr/sbin/nft"] }

    static let environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]
}

struct NftCommandError: Error, CustomStringConvertible {
    let command: String
    let stderr: String
    var description: String { "\(command) failed: \(stderr)" }
}

/// One container's port-security elements: its interface, MAC and addresses, as keys for
/// the five sets and as nft prints them.
struct ContainerElements {
    let name: String
    let mac: String
    let ipv4: String
    let ipv6: String

    init(_ number: Int) {
        let high = String(format: "%02x", number >> 8 & 0xff), low = String(format: "%02x", number & 0xff)
        name = "flab\(number)"
        mac = "02:00:00:00:\(high):\(low)"
        ipv4 = "10.43.\(number >> 8 & 0xff).\(number & 0xff)"
        ipv6 = "fd00::\(String(number, radix: 16))"
    }

    var changes: [NftElementChange] {
        let interface = NftElementKey.interface(try! InterfaceName(validating: name))
        let mac = NftElementKey.mac(MACAddress(self.mac)!)
        let ipv6 = NftElementKey.ipv6(IPv6Address(self.ipv6)!)
        return [NftElementChange(set: "mac", keys: [interface + mac]),
                NftElementChange(set: "ipv4", keys: [interface + mac + .ipv4(IPv4Address(ipv4)!)]),
                NftElementChange(set: "ipv6", keys: [interface + ipv6]),
                NftElementChange(set: "targets", keys: [interface + ipv6]),
                NftElementChange(set: "drops", keys: [interface])]
    }

    /// What `nft list set` prints for this container's element of each set.
    var listed: [String: String] {
        let targetBytes = NftElementKey.ipv6(IPv6Address(ipv6)!).bytes
        let target = "0x" + targetBytes.map { String(format: "%02x", $0) }.joined()
        return ["mac": "\"\(name)\" . \(mac)", "ipv4": "\"\(name)\" . \(mac) . \(ipv4)",
                "ipv6": "\"\(name)\" . \(ipv6)", "targets": "\"\(name)\" . \(target)",
                "drops": "\"\(name)\" counter packets 0 bytes 0"]
    }
}
