import FlatnetCore
import FlatnetTestSupport
import Testing

/// The catalog's cluster forms (issue 19): per-node ranges (`nodes` -> `ipam.nodes`, one
/// NetworkAttachmentDefinition for every node) and the etcd store (`store*` -> `ipam.store`).
/// The goldens need the plugin's parser to read `ipam.nodes` and `ipam.store`
/// (netconf schema of issue 19); the checks of the answers themselves do not.
@Suite("Catalog: per-node ranges and the etcd store")
struct CatalogNodesTests {
    static func answers(_ example: String) throws -> [String: JSONValue] {
        try #require(try ShippedCatalog.json("examples/\(example).answers.json").objectValue)
    }

    /// The problems rendering `answers` with the NAD template gives, as "path: message".
    static func problems(_ answers: [String: JSONValue]) throws -> [String] {
        let error = try #require(throws: ConfigError.self) {
            try ShippedCatalog.catalog.render(template: "multus-nad", answers: answers)
        }
        return error.problems.map(\.description)
    }

    @Test("golden: the per-node and etcd answers render exactly the shipped conflist and NetworkAttachmentDefinition",
          arguments: [("flat-nodes", "conflist", "examples/flat-nodes.conflist"),
                      ("flat-nodes", "multus-nad", "examples/flat-nodes.nad.json"),
                      ("flat-etcd", "conflist", "examples/flat-etcd.conflist"),
                      ("flat-etcd", "multus-nad", "examples/flat-etcd.nad.json")])
    func golden(_ network: String, _ template: String, _ expected: String) throws {
        let rendered = try ShippedCatalog.catalog.render(template: template, answers: try Self.answers(network))
        #expect(rendered.prettyPrinted() + "\n" == (try ShippedCatalog.text(expected)))
    }

    @Test("nodes render as ipam.nodes, each node with its own ranges per family, and no shared range")
    func nodesShape() throws {
        let document = try TemplateRenderer.render(ShippedCatalog.json("templates/conflist.json"),
                                                   answers: ["subnet": .string("10.47.0.0/16"),
                                                             "ipv6Subnet": .string("2001:db8:47::/64"),
                                                             "nodes": .object(["n1": .object([
                                                                "rangeStart": .string("10.47.1.2"),
                                                                "rangeEnd": .string("10.47.1.9"),
                                                                "ipv6RangeStart": .string("2001:db8:47::1:0"),
                                                                "ipv6RangeEnd": .string("2001:db8:47::1:ff")])])])
        let ipam = try #require(document["plugins"]?.arrayValue?.first?["ipam"])
        #expect(ipam["ranges"] == nil && ipam["ipv6"]?["ranges"] == nil)
        let range = JSONValue.object(["rangeStart": .string("10.47.1.2"), "rangeEnd": .string("10.47.1.9")])
        #expect(ipam["nodes"]?["n1"]?["ranges"] == .array([range]))
        #expect(ipam["nodes"]?["n1"]?["ipv6"]?["ranges"]?.arrayValue?.first?["rangeEnd"] == .string("2001:db8:47::1:ff"))
    }

    /// (what is broken, the edit, the problem expected among the reported ones)
    static let broken: [(String, @Sendable (inout [String: JSONValue]) -> Void, String)] = [
        ("two nodes' IPv4 ranges overlap", { $0 = setNode($0, "node-b", "rangeStart", "10.47.1.200") },
         "answers.nodes.node-b.rangeStart: host node-b: range 10.47.1.200-10.47.2.254 overlaps host node-a's range"
            + " 10.47.1.2-10.47.1.254 in network flat-nodes"),
        ("two nodes' IPv6 ranges overlap", { $0 = setNode($0, "node-c", "ipv6RangeStart", "2001:db8:47::2:ff00") },
         "answers.nodes.node-c.ipv6RangeStart: host node-c: range 2001:db8:47::2:ff00-2001:db8:47::3:ffff overlaps"
            + " host node-b's range 2001:db8:47::2:0-2001:db8:47::2:ffff in network flat-nodes"),
        ("a shared range beside nodes", { $0["rangeStart"] = .string("10.47.9.2") },
         "answers.rangeStart: with nodes, each node's ranges go in nodes.<node>: a range at the top would be every"
            + " node's, and two nodes would hand out one address"),
        ("a node without its range end", { $0 = setNode($0, "node-a", "rangeEnd", nil) },
         "answers.nodes.node-a.rangeEnd: is required for the IPv4 range set (subnet is answered)"),
        ("a node answering what is not per node", { $0 = setNode($0, "node-a", "uplink", "eth2") },
         "answers.nodes.node-a.uplink: not a per-node answer (per node: ipv6RangeEnd, ipv6RangeStart, rangeEnd,"
            + " rangeStart)"),
        ("a node's range of the wrong family", { $0 = setNode($0, "node-a", "rangeEnd", "2001:db8:47::1") },
         "answers.nodes.node-a.rangeEnd: "),
        ("a node's range outside the subnet", { $0 = setNode($0, "node-b", "rangeEnd", "10.49.0.9") },
         "node node-b: "),
        ("an IPv6 range on a node of an IPv4-only network", { answers in
            for key in ["ipv6Subnet", "ipv6Gateway"] { answers[key] = nil }
        }, "answers.nodes.node-b.ipv6RangeStart: the network has no IPv6 range set (answer its subnet at the top)"),
        ("a node name with a space", { answers in
            answers["nodes"] = .object(["node a": .object(["rangeStart": .string("10.47.1.2")])])
        }, "answers.nodes.node a: \"node a\" is not a node name"),
        ("nodes that is not an object", { $0["nodes"] = .array([]) },
         "answers.nodes: expected an object with at least one node: node name -> its ranges"),
        ("no node at all", { $0["nodes"] = .object([:]) },
         "answers.nodes: expected an object with at least one node: node name -> its ranges"),
    ]

    static func setNode(_ answers: [String: JSONValue], _ node: String, _ key: String,
                        _ value: String?) -> [String: JSONValue] {
        var answers = answers
        var nodes = answers["nodes"]?.objectValue ?? [:]
        var entry = nodes[node]?.objectValue ?? [:]
        entry[key] = value.map(JSONValue.string)
        nodes[node] = .object(entry)
        answers["nodes"] = .object(nodes)
        return answers
    }

    @Test("per-node answers are refused, each problem naming the node and the field", arguments: broken)
    func refused(_ what: String, _ edit: @Sendable (inout [String: JSONValue]) -> Void, _ expected: String) throws {
        var answers = try Self.answers("flat-nodes")
        edit(&answers)
        let problems = try Self.problems(answers)
        #expect(problems.contains { $0.contains(expected) }, "\(what): \(problems)")
    }

    @Test("control: the shipped per-node answers pass every check of the answers and of each node's ranges")
    func overlapControl() throws {
        do {
            _ = try ShippedCatalog.catalog.render(template: "multus-nad", answers: try Self.answers("flat-nodes"))
        } catch let error as ConfigError {
            // Before the parser reads ipam.nodes, only its own "unknown key" may remain.
            let ours = error.problems.filter { $0.path.hasPrefix("answers") || $0.message.hasPrefix("node ") }
            #expect(ours.isEmpty, "\(ours)")
        }
    }

    @Test("the store answers are typed: endpoints are http(s) URLs, the budget 1-60000 ms", arguments: [
        ("storeEndpoints", JSONValue.array([.string("10.0.0.11:2379")]), "entry 0: expected an http:// or https:// URL"),
        ("storeEndpoints", .array([]), "expected a list of endpoint URLs"),
        ("storeEndpoints", .string("https://10.0.0.11:2379"), "expected a list of endpoint URLs"),
        ("storeTimeoutMilliseconds", .number(0), "must be 1-60000"),
        ("storeTimeoutMilliseconds", .number(2.5), "must be 1-60000"),
        ("storeTimeoutMilliseconds", .string("2500"), "expected an integer, got string"),
        ("storeCAFile", .string("ca.crt"), "\"ca.crt\" must be an absolute path"),
    ])
    func storeTypes(_ variable: String, _ value: JSONValue, _ expected: String) throws {
        var answers = try Self.answers("flat-etcd")
        answers[variable] = value
        let problems = try Self.problems(answers)
        #expect(problems.contains { $0.hasPrefix("answers.\(variable): \(expected)") }, "\(problems)")
    }

    @Test("a TLS file answered alone still renders its tls block, so the parser can name the missing ones")
    func partialTLS() throws {
        let answers: [String: JSONValue] = ["storeEndpoints": .array([.string("https://10.0.0.11:2379")]),
                                            "storeCAFile": .string("/etc/flatnet/etcd/ca.crt")]
        let document = TemplateRenderer.render(try ShippedCatalog.json("templates/conflist.json"), answers: answers)
        let store = try #require(document["plugins"]?.arrayValue?.first?["ipam"]?["store"])
        #expect(store["tls"] == .object(["caFile": .string("/etc/flatnet/etcd/ca.crt")]))
        #expect(store["type"] == .string("etcd") && store["prefix"] == nil && store["timeoutMilliseconds"] == nil)
        let without = TemplateRenderer.render(try ShippedCatalog.json("templates/conflist.json"),
                                              answers: ["storeEndpoints": answers["storeEndpoints"]!])
        #expect(without["plugins"]?.arrayValue?.first?["ipam"]?["store"]?["tls"] == nil)
    }

    @Test("the template language: $each renders one entry per key with its members as answers; $ifAny needs one")
    func directives() {
        let template = JSONValue.object([
            "each": .object(["$each": .string("nodes"), "$then": .object([
                "own": .object(["$answer": .string("x")]), "shared": .object(["$answer": .string("y")])])]),
            "any": .object(["$ifAny": .array([.string("a"), .string("b")]), "$then": .string("AB")]),
        ])
        let nodes = JSONValue.object(["n1": .object(["x": .string("1")]), "n2": .object(["x": .string("2")])])
        let rendered = TemplateRenderer.render(template, answers: ["nodes": nodes, "y": .string("Y"), "b": .bool(true)])
        #expect(rendered == .object([
            "each": .object(["n1": .object(["own": .string("1"), "shared": .string("Y")]),
                             "n2": .object(["own": .string("2"), "shared": .string("Y")])]),
            "any": .string("AB"),
        ]))
        #expect(TemplateRenderer.render(template, answers: ["a": .bool(false)]) == .object([:]))
    }
}
