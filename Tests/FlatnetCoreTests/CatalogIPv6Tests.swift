import FlatnetCore
import FlatnetTestSupport
import Testing

/// The catalog's IPv6 questions: dual-stack and IPv6-only networks rendered, and fleets of
/// them validated across hosts. Their goldens are in CatalogTests, beside the IPv4 ones.
@Suite("Catalog: IPv6 and dual-stack networks")
struct CatalogIPv6Tests {
    @Test("an IPv6-only network renders no IPv4 keys, no metadata, and only the IPv6 default route")
    func ipv6Only() throws {
        let answers = try #require(try ShippedCatalog.json("examples/flat-v6.answers.json").objectValue)
        let rendered = try ShippedCatalog.catalog.render(template: "conflist", answers: answers)
        let plugin = try CatalogTests.pluginObject(rendered)
        let ipam = try #require(plugin["ipam"]?.objectValue)
        #expect(Set(ipam.keys) == ["type", "ipv6", "routes", "dataDir"])
        #expect(plugin["metadata"] == nil)
        #expect(ipam["routes"] == .array([.object(["dst": .string("::/0")])]))
        let config = try NetconfFile.load(document: rendered)
        #expect(config.ipam.pool?.ipv4 == nil && config.ipam.pool?.ipv6?.gateway == IPAddress("2001:db8:46::1"))
        #expect(config.metadata == nil)
    }

    /// (template, IPv6 gateway answered, defaultRoute answer, the routes rendered)
    static let routeCases: [(String, Bool, Bool?, [String])] = [
        ("conflist", true, nil, ["0.0.0.0/0", "::/0"]), ("conflist", true, true, ["0.0.0.0/0", "::/0"]),
        ("conflist", true, false, ["0.0.0.0/0"]), ("conflist", false, nil, ["0.0.0.0/0"]),
        ("multus-nad", true, nil, ["0.0.0.0/0"]), ("multus-nad", true, true, ["0.0.0.0/0", "::/0"]),
    ]

    @Test("::/0 is rendered only with an IPv6 gateway and default routes on (the NAD's default is off)",
          arguments: routeCases)
    func ipv6DefaultRoute(_ template: String, _ gateway: Bool, _ defaultRoute: Bool?, _ expected: [String]) throws {
        var answers = try #require(try ShippedCatalog.json("examples/flat-ds.answers.json").objectValue)
        answers["defaultRoute"] = defaultRoute.map(JSONValue.bool)
        if !gateway { answers["ipv6Gateway"] = nil }
        let rendered = try ShippedCatalog.catalog.render(template: template, answers: answers)
        let routes = try CatalogTests.pluginObject(rendered)["ipam"]?["routes"]?.arrayValue ?? []
        #expect(routes.compactMap { $0["dst"]?.stringValue } == expected)
        let pool = try #require(try NetconfFile.load(document: rendered).ipam.pool)
        #expect(pool.ipv6?.gateway == (gateway ? IPAddress("2001:db8:45::1") : nil))
    }

    @Test("the IPv4 answers of a dual-stack network still render exactly as an IPv4-only network's")
    func ipv4PartUnchanged() throws {
        let dualStack = try #require(try ShippedCatalog.json("examples/flat-ds.answers.json").objectValue)
        let ipv4Only = dualStack.filter { !$0.key.hasPrefix("ipv6") }
        let catalog = try ShippedCatalog.catalog
        let withIPv6 = try CatalogTests.pluginObject(try catalog.render(template: "multus-nad", answers: dualStack))
        let without = try CatalogTests.pluginObject(try catalog.render(template: "multus-nad", answers: ipv4Only))
        #expect(withIPv6.setting("ipam.ipv6", to: nil) == without)
        #expect(without["ipam"]?["ipv6"] == nil)
    }

    @Test("exclude lists render per family: exclude into ipam.exclude, ipv6Exclude into ipam.ipv6.exclude")
    func excludeLists() throws {
        var answers = try #require(try ShippedCatalog.json("examples/flat-ds.answers.json").objectValue)
        answers["exclude"] = .array([.string("10.45.1.10"), .string("10.45.1.64/28")])
        let rendered = try ShippedCatalog.catalog.render(template: "conflist", answers: answers)
        let pool = try #require(try NetconfFile.load(document: rendered).ipam.pool)
        #expect(pool.ipv4?.exclude.map(\.description) == ["10.45.1.10/32", "10.45.1.64/28"])
        #expect(pool.ipv6?.exclude.map(\.description) == ["2001:db8:45::1:0:100/120"])
    }

    @Test("the template language: $if leaves out a member or a list element unless every named answer is there and not false")
    func conditionalBlocks() {
        let template = JSONValue.object([
            "one": .object(["$if": .string("a"), "$then": .string("A")]),
            "both": .object(["$if": .array([.string("a"), .string("b")]), "$then": .string("AB")]),
            "list": .array([.object(["$if": .string("b"), "$then": .string("B")]), .string("kept")]),
        ])
        let cases: [([String: JSONValue], JSONValue)] = [
            (["a": .string("x"), "b": .bool(true)],
             .object(["one": .string("A"), "both": .string("AB"), "list": .array([.string("B"), .string("kept")])])),
            (["a": .string("x"), "b": .bool(false)], .object(["one": .string("A"), "list": .array([.string("kept")])])),
            (["b": .bool(true)], .object(["list": .array([.string("B"), .string("kept")])])),
        ]
        for (answers, expected) in cases {
            #expect(TemplateRenderer.render(template, answers: answers) == expected, "\(answers)")
        }
    }

    @Test("questions.json: a question's family is ipv4 or ipv6, and the family of its type's values")
    func questionFamilies() throws {
        let question = { (type: String, family: String) in
            JSONValue.object(["variable": .string("v"), "label": .string("l"), "description": .string("d"),
                              "type": .string(type), "family": .string(family)])
        }
        let parsed = try CatalogQuestion.parseList(.array([question("ipv6", "ipv6"), question("string", "ipv4")]))
        #expect(parsed.map(\.family) == [.ipv6, .ipv4])
        let error = try #require(throws: ConfigError.self) {
            try CatalogQuestion.parseList(.array([question("ipv6", "ipv5"), question("cidr", "ipv6")]))
        }
        #expect(error.problems.map(\.description) == ["[0].family: expected ipv4 or ipv6",
                                                      "[1].family: a cidr answer is IPv4, not IPv6"])
        let shipped = try ShippedCatalog.catalog.questions
        #expect(shipped.filter { $0.family == .ipv6 }.map(\.variable)
            == ["ipv6Subnet", "ipv6Gateway", "ipv6RangeStart", "ipv6RangeEnd", "ipv6Exclude"])
    }

    /// The fleet of CatalogTests (flat-a on hostA and hostB), dual stack: each host also
    /// gets an IPv6 range of 2001:db8:43::/64. `edit` then breaks (or changes) one thing.
    static func dualStack(_ edit: (inout [String: JSONValue], inout [[String: JSONValue]]) -> Void) -> JSONValue {
        CatalogTests.fleet { answers, hosts in
            answers["ipv6Subnet"] = .string("2001:db8:43::/64")
            answers["ipv6Gateway"] = .string("2001:db8:43::1")
            for (index, block) in ["1", "2"].enumerated() {
                hosts[index]["ipv6RangeStart"] = .string("2001:db8:43::\(block):0")
                hosts[index]["ipv6RangeEnd"] = .string("2001:db8:43::\(block):ffff")
            }
            edit(&answers, &hosts)
        }
    }

    static func setRange(_ hosts: inout [[String: JSONValue]], _ index: Int, _ start: String, _ end: String) {
        hosts[index]["ipv6RangeStart"] = .string(start)
        hosts[index]["ipv6RangeEnd"] = .string(end)
    }

    /// (what, fleet, every problem expected: each names the field, both hosts and both ranges)
    static let overlapping: [(String, JSONValue, [String])] = [
        ("IPv6 ranges overlap while the IPv4 ranges are disjoint",
         dualStack { _, hosts in setRange(&hosts, 1, "2001:db8:43::1:8000", "2001:db8:43::2:ffff") },
         ["networks[0].hosts[1].ipv6RangeStart: host hostB: range 2001:db8:43::1:8000-2001:db8:43::2:ffff"
            + " overlaps host hostA's range 2001:db8:43::1:0-2001:db8:43::1:ffff in network flat-a"]),
        ("one /64, ::1:0-::1:ffff against ::1:ff00-::2:0 (the last 256 addresses of the first)",
         dualStack { _, hosts in setRange(&hosts, 1, "2001:db8:43::1:ff00", "2001:db8:43::2:0") },
         ["networks[0].hosts[1].ipv6RangeStart: host hostB: range 2001:db8:43::1:ff00-2001:db8:43::2:0"
            + " overlaps host hostA's range 2001:db8:43::1:0-2001:db8:43::1:ffff in network flat-a"]),
        ("one host's IPv6 range inside the other's",
         dualStack { _, hosts in setRange(&hosts, 1, "2001:db8:43::1:10", "2001:db8:43::1:10") },
         ["networks[0].hosts[1].ipv6RangeStart: host hostB: range 2001:db8:43::1:10-2001:db8:43::1:10"
            + " overlaps host hostA's range 2001:db8:43::1:0-2001:db8:43::1:ffff in network flat-a"]),
        ("both families overlap: one problem each",
         dualStack { _, hosts in
             hosts[1]["rangeStart"] = .string("10.43.1.200")
             setRange(&hosts, 1, "2001:db8:43::1:ffff", "2001:db8:43::2:ffff")
         },
         ["networks[0].hosts[1].rangeStart: host hostB: range 10.43.1.200-10.43.2.254"
            + " overlaps host hostA's range 10.43.1.2-10.43.1.254 in network flat-a",
          "networks[0].hosts[1].ipv6RangeStart: host hostB: range 2001:db8:43::1:ffff-2001:db8:43::2:ffff"
            + " overlaps host hostA's range 2001:db8:43::1:0-2001:db8:43::1:ffff in network flat-a"]),
    ]

    @Test("IPv6 ranges that overlap across hosts are refused, naming the field and both hosts",
          arguments: overlapping.indices)
    func overlappingIPv6Ranges(_ index: Int) throws {
        let (name, document, expected) = Self.overlapping[index]
        let error = try #require(throws: ConfigError.self, "\(name)") {
            try ShippedCatalog.catalog.renderFleet(try FleetFile.parse(document))
        }
        #expect(error.problems.map(\.description) == expected, "\(name)")
    }

    @Test("disjoint IPv6 ranges pass (apart, adjacent, up to the subnet's last address); so does a link-local gateway",
          arguments: [
            dualStack { _, _ in },
            dualStack { answers, hosts in
                answers["ipv6Gateway"] = .string("fe80::1")
                setRange(&hosts, 0, "2001:db8:43::1", "2001:db8:43::1:ffff")
            },
            dualStack { _, hosts in setRange(&hosts, 1, "2001:db8:43::2:0", "2001:db8:43::2:0") },
            dualStack { _, hosts in setRange(&hosts, 0, "2001:db8:43::2", "2001:db8:43::1:ffff") },
            dualStack { _, hosts in setRange(&hosts, 1, "2001:db8:43::1:0:0", "2001:db8:43:0:ffff:ffff:ffff:ffff") },
          ])
    func disjointIPv6Ranges(_ document: JSONValue) throws {
        let rendered = try ShippedCatalog.catalog.renderFleet(try FleetFile.parse(document))
        #expect(rendered.map(\.host) == ["hostA", "hostB"])
        #expect(rendered.allSatisfy { $0.config.ipam.pool?.rangeSets.map(\.family) == [.ipv4, .ipv6] })
    }

    /// (what, fleet, a problem that must be among those reported)
    static let broken: [(String, JSONValue, String)] = [
        ("a malformed IPv6 address", dualStack { _, hosts in hosts[0]["ipv6RangeStart"] = .string("2001:db8:43::1:g") },
         "networks[0].hosts[0].ipv6RangeStart: host hostA: \"2001:db8:43::1:g\" is not an IPv6 address"),
        ("a malformed IPv6 subnet", dualStack { answers, _ in answers["ipv6Subnet"] = .string("2001:db8:43::/") },
         "networks[0].hosts[0].ipv6Subnet: host hostA: \"2001:db8:43::/\" is not a CIDR"),
        ("an IPv4 address in an IPv6 question", dualStack { answers, _ in answers["ipv6Gateway"] = .string("10.43.0.1") },
         "networks[0].hosts[0].ipv6Gateway: host hostA: \"10.43.0.1\" is IPv4, expected IPv6"),
        ("an IPv4 subnet in the IPv6 subnet question", dualStack { answers, _ in answers["ipv6Subnet"] = .string("10.43.0.0/16") },
         "networks[0].hosts[0].ipv6Subnet: host hostA: \"10.43.0.0/16\" is IPv4, expected IPv6"),
        ("an IPv6 address in an IPv4 question", dualStack { _, hosts in hosts[1]["rangeEnd"] = .string("2001:db8:43::2:ffff") },
         "networks[0].hosts[1].rangeEnd: host hostB: \"2001:db8:43::2:ffff\" is IPv6, expected IPv4"),
        ("a /128 subnet", dualStack { answers, _ in answers["ipv6Subnet"] = .string("2001:db8:43::/128") },
         "networks[0].hosts[0].ipv6Subnet: host hostA: /128 leaves no room for containers"),
        ("a /48 subnet (a segment is one /64)", dualStack { answers, _ in answers["ipv6Subnet"] = .string("2001:db8:43::/48") },
         "networks[0].hosts[0].ipv6Subnet: host hostA: /48 is shorter than /64"),
        ("a v4-mapped subnet", dualStack { answers, _ in answers["ipv6Subnet"] = .string("::ffff:a2b:0/120") },
         "networks[0].hosts[0].ipv6Subnet: host hostA: ::ffff:a2b:0/120 is IPv4-mapped"),
        ("a v4-mapped subnet in dotted form", dualStack { answers, _ in answers["ipv6Subnet"] = .string("::ffff:10.43.0.0/120") },
         "networks[0].hosts[0].ipv6Subnet: host hostA: \"::ffff:10.43.0.0/120\" embeds an IPv4 address in IPv6"),
        ("a v4-mapped range start", dualStack { _, hosts in hosts[0]["ipv6RangeStart"] = .string("::ffff:10.43.1.2") },
         "networks[0].hosts[0].ipv6RangeStart: host hostA: \"::ffff:10.43.1.2\" is not an IPv6 address (an IPv4 address"),
        ("a v4-mapped gateway in hex", dualStack { answers, _ in answers["ipv6Gateway"] = .string("::ffff:a2b:1") },
         "networks[0].hosts[0].ipv6Gateway: host hostA: \"::ffff:a2b:1\" is IPv4-mapped"),
        ("a multicast gateway", dualStack { answers, _ in answers["ipv6Gateway"] = .string("ff02::2") },
         "networks[0].hosts[0].ipv6Gateway: host hostA: \"ff02::2\" is multicast"),
        ("a link-local range start (only a gateway may be link-local)", dualStack { _, hosts in setRange(&hosts, 0, "fe80::1", "fe80::ffff") },
         "host hostA: fe80::1 is outside ipam.ipv6.subnet 2001:db8:43::/64"),
        ("a link-local subnet", dualStack { answers, _ in answers["ipv6Subnet"] = .string("fe80::/64") },
         "networks[0].hosts[0].ipv6Subnet: host hostA: fe80::/64 is link-local"),
        ("an IPv6 gateway outside the subnet", dualStack { answers, _ in answers["ipv6Gateway"] = .string("2001:db8:99::1") },
         "host hostA: 2001:db8:99::1 is outside ipam.ipv6.subnet 2001:db8:43::/64"),
        ("the subnet-router anycast address as the gateway", dualStack { answers, _ in answers["ipv6Gateway"] = .string("2001:db8:43::") },
         "ipam.ipv6.gateway: host hostA: 2001:db8:43:: is"),
        ("an IPv6 range containing the gateway", dualStack { answers, _ in answers["ipv6Gateway"] = .string("2001:db8:43::2:5") },
         "host hostB: 2001:db8:43::2:0-2001:db8:43::2:ffff contains ipam.ipv6.gateway 2001:db8:43::2:5"),
        ("an IPv6 range outside the subnet", dualStack { _, hosts in setRange(&hosts, 1, "2001:db8:44::2:0", "2001:db8:44::2:ffff") },
         "host hostB: 2001:db8:44::2:0 is outside ipam.ipv6.subnet 2001:db8:43::/64"),
        ("an IPv6 range start after its end", dualStack { _, hosts in setRange(&hosts, 1, "2001:db8:43::2:ffff", "2001:db8:43::2:0") },
         "host hostB: rangeStart 2001:db8:43::2:ffff is after rangeEnd 2001:db8:43::2:0"),
        ("an IPv6 range without the IPv6 subnet", dualStack { answers, _ in answers["ipv6Subnet"] = nil },
         "networks[0].hosts[0].ipv6Subnet: host hostA: is required for the IPv6 range set (ipv6Gateway is answered)"),
        ("an IPv6 subnet without this host's range", dualStack { _, hosts in hosts[1]["ipv6RangeEnd"] = nil },
         "networks[0].hosts[1].ipv6RangeEnd: host hostB: is required for the IPv6 range set (ipv6Subnet is answered)"),
        ("an ipv6Exclude that is not a list", dualStack { answers, _ in answers["ipv6Exclude"] = .string("2001:db8:43::1:5") },
         "networks[0].hosts[0].ipv6Exclude: host hostA: expected a list of IPv6 addresses or CIDRs, got string"),
        ("an IPv4 address in ipv6Exclude", dualStack { answers, _ in answers["ipv6Exclude"] = .array([.string("10.43.1.5")]) },
         "networks[0].hosts[0].ipv6Exclude: host hostA: entry 0: \"10.43.1.5/32\" is IPv4, expected IPv6"),
        ("an IPv6 address in the IPv4 exclude list", dualStack { answers, _ in answers["exclude"] = .array([.string("2001:db8:43::5")]) },
         "networks[0].hosts[0].exclude: host hostA: entry 0: \"2001:db8:43::5/128\" is IPv6, expected IPv4"),
        ("an IPv4 subnet too small for a pool, refused as an answer", dualStack { answers, _ in answers["subnet"] = .string("10.43.0.0/31") },
         "networks[0].hosts[0].subnet: host hostA: /31 leaves no room for a gateway and containers"),
        ("an ipv6Exclude outside the subnet", dualStack { answers, _ in answers["ipv6Exclude"] = .array([.string("2001:db8:99::/120")]) },
         "host hostA: 2001:db8:99::/120 is outside ipam.ipv6.subnet 2001:db8:43::/64"),
        ("neither family answered", CatalogTests.fleet { answers, hosts in
            answers = answers.filter { ["name"].contains($0.key) }
            hosts = hosts.map { $0.filter { ["host", "uplink"].contains($0.key) } }
         }, "networks[0].hosts[0].subnet: host hostA: is required: answer subnet, gateway, rangeStart and rangeEnd"
            + " (IPv4), ipv6Subnet, ipv6RangeStart and ipv6RangeEnd (IPv6), or both (dual stack)"),
        ("metadata on an IPv6-only network (metadata is IPv4)", CatalogTests.fleet { answers, hosts in
            answers = ["name": .string("flat-a"), "reservedAddress": .string("10.43.0.2"),
                       "ipv6Subnet": .string("2001:db8:43::/64")]
            for index in hosts.indices {
                hosts[index] = hosts[index].filter { ["host", "uplink"].contains($0.key) }
                setRange(&hosts, index, "2001:db8:43::\(index + 1):0", "2001:db8:43::\(index + 1):ffff")
            }
         }, "networks[0].hosts[0].subnet: host hostA: is required for the IPv4 range set (reservedAddress is answered)"),
    ]

    @Test("broken IPv6 answers are refused, naming the field and the host", arguments: broken.indices)
    func brokenAnswers(_ index: Int) throws {
        let (name, document, expected) = Self.broken[index]
        let error = try #require(throws: ConfigError.self, "\(name)") {
            try ShippedCatalog.catalog.renderFleet(try FleetFile.parse(document))
        }
        let text = error.problems.map(\.description).joined(separator: "\n")
        #expect(text.contains(expected), "\(name):\n\(text)")
    }

    @Test("control: the dual-stack fleet the broken cases start from is valid")
    func brokenCasesControl() throws {
        let rendered = try ShippedCatalog.catalog.renderFleet(try FleetFile.parse(Self.dualStack { _, _ in }))
        #expect(rendered.count == 2)
    }
}
