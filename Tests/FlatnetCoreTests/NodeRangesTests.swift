import FlatnetCore
import FlatnetTestSupport
import Testing

/// `ipam.nodes`: one netconf, each node's own ranges (README.md#one-netconf-for-many-nodes).
@Suite("Per-node ranges")
struct NodeRangesTests {
    static let text = """
        {"cniVersion": "1.0.0", "name": "flat-n", "type": "flatnet",
         "metadata": {"reservedAddress": "10.43.0.2"},
         "ipam": {"type": "flatnet-ipam", "subnet": "10.43.0.0/16", "gateway": "10.43.0.1",
                  "ipv6": {"subnet": "2001:db8:43::/64", "gateway": "2001:db8:43::1"},
                  "nodes": {
                    "node-a": {"ranges": [{"rangeStart": "10.43.1.2", "rangeEnd": "10.43.1.254"}],
                               "ipv6": {"ranges": [{"rangeStart": "2001:db8:43::1:0",
                                                    "rangeEnd": "2001:db8:43::1:ffff"}]}},
                    "node-b": {"ranges": [{"rangeStart": "10.43.2.2", "rangeEnd": "10.43.2.254"}],
                               "ipv6": {"ranges": [{"rangeStart": "2001:db8:43::2:0",
                                                    "rangeEnd": "2001:db8:43::2:ffff"}]}}}}}
        """

    static func parse(_ text: String = text, node: String?) throws(ConfigError) -> NetworkConfig {
        let document = try! JSONValue.parse(text)
        return try NetworkConfigParser.parse(document, cniVersion: CNIVersion(1, 1, 0), node: .thisNode {
            node.map { NodeIdentity(name: $0, source: .file("/etc/flatnet/nodename")) }
        })
    }

    static func problems(_ text: String = text, node: String? = "node-a") -> [String] {
        do {
            _ = try parse(text, node: node)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    static func edited(_ old: String, _ new: String) -> String {
        precondition(text.contains(old), old)
        return text.replacingOccurrences(of: old, with: new)
    }

    @Test("this node's ranges are the pool's; every node's are the cluster's")
    func picksThisNode() throws {
        let config = try Self.parse(node: "node-b")
        let pool = try #require(config.ipam.pool)
        #expect(pool.node?.name == "node-b")
        #expect(pool.ipv4?.ranges.map(\.description) == ["10.43.2.2-10.43.2.254"])
        #expect(pool.ipv6?.ranges.map(\.description) == ["2001:db8:43::2:0-2001:db8:43::2:ffff"])
        #expect(pool.ipv4?.clusterRanges.map(\.path) == ["ipam.nodes.node-a.ranges[0]",
                                                          "ipam.nodes.node-b.ranges[0]"])
        #expect(pool.nodes.map(\.node) == ["node-a", "node-b"])
    }

    @Test("a node missing from the map is an error naming it, its source and the nodes listed")
    func missingNode() {
        let problems = Self.problems(node: "node-c")
        #expect(problems == ["ipam.nodes: this node \"node-c\" (from /etc/flatnet/nodename) has no entry"
            + " (listed: node-a, node-b); flatnet never falls back to a shared range"])
    }

    @Test("no way to tell the node is an error, not a guess")
    func unknownNode() {
        #expect(Self.problems(node: nil).first?.hasPrefix("ipam.nodes: cannot tell which node this is") == true)
    }

    @Test("validation without a node checks every node and picks none")
    func validationOnly() throws {
        let document = try JSONValue.parse(Self.text)
        let config = try NetworkConfigParser.parse(document, cniVersion: CNIVersion(1, 1, 0))
        #expect(config.ipam.pool?.ipv4?.ranges == [] && config.ipam.pool?.node == nil)
        #expect(config.ipam.pool?.ipv4?.clusterRanges.count == 2)
    }

    @Test("two nodes' ranges that overlap are refused, in either family")
    func overlaps() {
        let v4 = Self.problems(Self.edited(#""rangeStart": "10.43.2.2""#, #""rangeStart": "10.43.1.200""#))
        #expect(v4 == ["ipam.nodes.node-b.ranges[0]: 10.43.1.200-10.43.2.254 overlaps"
            + " ipam.nodes.node-a.ranges[0] (10.43.1.2-10.43.1.254); two nodes would hand out the same addresses"])
        let v6 = Self.problems(Self.edited("2001:db8:43::2:0", "2001:db8:43::1:ff00"))
        #expect(v6.count == 1 && v6[0].hasPrefix("ipam.nodes.node-b.ipv6.ranges[0]: ")
            && v6[0].contains("overlaps ipam.nodes.node-a.ipv6.ranges[0]"))
    }

    @Test("the map's shape: names, required families, no ranges of its own")
    func shape() {
        let cases: [(String, String, String)] = [
            (#""node-b": {"#, #""node b": {"#, "ipam.nodes.node b: is not a node name"),
            (#""gateway": "10.43.0.1","#, #""gateway": "10.43.0.1", "ranges": [],"#,
             "ipam.ranges: cannot be used with ipam.nodes"),
            (#""ipv6": {"ranges": [{"rangeStart": "2001:db8:43::2:0","#,
             #""v6": {"ranges": [{"rangeStart": "2001:db8:43::2:0","#, "ipam.nodes.node-b.ipv6.ranges: is required"),
            (#""nodes": {"#, #""nodes": {"node-0": {},"#, "ipam.nodes.node-0.ranges: is required"),
            (#""ipv6": {"subnet": "2001:db8:43::/64", "gateway": "2001:db8:43::1"},"#, "",
             "ipam.nodes.node-a.ipv6.ranges: the pool has no IPv6 range set (ipam.ipv6)"),
        ]
        for (old, new, expected) in cases {
            let problems = Self.problems(Self.edited(old, new))
            #expect(problems.contains { $0.hasPrefix(expected) }, "\(expected) not in \(problems)")
        }
        #expect(Self.problems(Self.edited(#""nodes": {"#, #""nodes": {}, "old": {"#)).contains {
            $0.hasPrefix("ipam.nodes: must name at least one node")
        })
    }

    @Test("the reserved address inside another node's range is refused")
    func reservedInOtherNode() {
        let text = Self.edited(#""reservedAddress": "10.43.0.2""#, #""reservedAddress": "10.43.2.9""#)
        #expect(Self.problems(text) == ["metadata.reservedAddress: 10.43.2.9 is inside"
            + " ipam.nodes.node-b.ranges[0] (10.43.2.2-10.43.2.254); the pool would hand it out"])
    }

    @Test("the node name: environment first, then the file's first line, trimmed")
    func identity() {
        #expect(NodeIdentity.fromEnvironment(["FLATNET_NODE_NAME": "n1"])?.source == .environment)
        #expect(NodeIdentity.fromEnvironment(["FLATNET_NODE_NAME": ""]) == nil)
        #expect(NodeIdentity.firstLine(of: "  node-a \nrest", source: .hostName)?.name == "node-a")
        #expect(NodeIdentity.firstLine(of: " \n", source: .hostName) == nil)
        #expect(NodeIdentity.isValidName("ip-10-0-0-1.ec2.internal") && !NodeIdentity.isValidName("a/b"))
        #expect(!NodeIdentity.isValidName(String(repeating: "a", count: 254)) && !NodeIdentity.isValidName(""))
    }
}
