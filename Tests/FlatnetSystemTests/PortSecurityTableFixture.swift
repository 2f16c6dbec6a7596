import FlatnetCore
import FlatnetSystem
import FlatnetTestSupport
import Foundation

/// A fresh namespace holding the port-security tables of two networks, flat-a (the one
/// under test) and flat-b, applied with `nft -f` from the script `flatnet rules --format
/// nft` prints (PortSecurityRules.script(), with a metadata block: base chains prerouting
/// and forward, jumps and gotos, set lookups, a dynamic set updated with a limit, anonymous
/// sets).
struct PortSecurityTableFixture: ~Copyable {
    static let networks = ["flat-a", "flat-b"]
    let nft: NftablesFixture
    let rules: PortSecurityRules
    let otherRules: PortSecurityRules

    var table: String { rules.table }

    init() throws {
        // Locals first: a noncopyable value cannot be left half made by a throw.
        let rules = try Self.rules(network: Self.networks[0])
        let otherRules = try Self.rules(network: Self.networks[1])
        let namespace = try NftablesFixture(withTable: false)
        try namespace.nft(script: rules.script())
        try namespace.nft(script: otherRules.script())
        self.rules = rules
        self.otherRules = otherRules
        nft = namespace
    }

    static func rules(network: String) throws -> PortSecurityRules {
        let config = try NetworkConfigParser.parse(Valid.config.settingKey("name", to: .string(network)),
                                                   cniVersion: CNIVersion(1, 1, 0))
        guard let rules = PortSecurityRules.make(for: config), config.metadata != nil else {
            throw NftCommandError(command: "PortSecurityRules.make", stderr: "no rules with metadata")
        }
        return rules
    }

    func socket() throws -> NetfilterSocket { try nft.socket() }

    /// The handle nft shows (`nft -a`) for the rule of `chain` in `table` whose text
    /// contains `text`.
    func handle(ofRuleContaining text: String, in chain: String, table: String? = nil) throws -> String {
        let listing = try nft.nft("-a", "list", "chain", "bridge", table ?? self.table, chain)
        let line = listing.split(separator: "\n").first { $0.contains(text) && $0.contains("# handle ") }
        guard let line, let handle = line.components(separatedBy: "# handle ").last else {
            throw NftCommandError(command: "nft -a list chain \(chain)", stderr: "no rule with \(text)")
        }
        return handle.trimmingCharacters(in: .whitespaces)
    }

    /// The protection a container on port `port` would get (PortProtection.elementChanges).
    func protection(port: String, mac: String, ipv4: String) throws -> PortProtection {
        guard let mac = MACAddress(mac), let address = IPv4Address(ipv4) else {
            throw NftCommandError(command: "protection", stderr: "bad MAC or address")
        }
        return PortProtection(table: table, port: try InterfaceName(validating: port), mac: mac,
                              ipv4: [address])
    }

    /// A port name flat-a's prerouting sends through `port` (`fl<tag>*`).
    static func portName(_ suffix: String) -> String {
        InterfaceNaming.hostVethPrefix(network: networks[0]) + suffix
    }
}

/// One container on a bridge in the fixture's namespace: a veth whose host end is named
/// like flat-a's ports, its other end `eth0` in a second namespace.
struct ContainerPort: ~Copyable {
    let container: String
    let port: String

    init(host: borrowing NftablesFixture, port: String, mac: String, address: String) throws {
        container = "flt-fpc-" + ProcessRunner.uniqueSuffix()
        self.port = port
        try ProcessRunner.ip("netns", "add", container)
        let bridge = "brfp"
        try ProcessRunner.ip("-n", host.namespace, "link", "add", bridge, "type", "bridge")
        try ProcessRunner.ip("-n", host.namespace, "link", "add", port, "type", "veth",
                             "peer", "name", "eth0", "netns", container)
        try ProcessRunner.ip("-n", host.namespace, "link", "set", port, "master", bridge, "up")
        try ProcessRunner.ip("-n", host.namespace, "link", "set", bridge, "up")
        try ProcessRunner.ip("-n", container, "link", "set", "eth0", "address", mac, "up")
        try ProcessRunner.ip("-n", container, "address", "add", address + "/16", "dev", "eth0")
    }

    deinit { try? ProcessRunner.ip("netns", "del", container) }

    /// `ping -b` to the subnet's broadcast address: broadcast IPv4 frames through the port
    /// (no reply is expected; the exit status is not looked at).
    func broadcast(count: Int) throws {
        let ping = ["/usr/sbin/ip", "netns", "exec", container, "ping", "-b", "-n", "-q", "-c", "\(count)",
                    "-i", "0.05", "-W", "0.2", "10.43.255.255"]
        try ProcessRunner.run(ping, environment: NftablesFixture.environment)
    }
}
