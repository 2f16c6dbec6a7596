import FlatnetCore
import Foundation
import Testing

/// The shipped catalog (netconf/), loaded from the repository.
enum ShippedCatalog {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("netconf").path

    static func json(_ relative: String) throws -> JSONValue {
        try JSONValue.parse(try String(contentsOfFile: root + "/" + relative, encoding: .utf8))
    }

    static func text(_ relative: String) throws -> String { try String(contentsOfFile: root + "/" + relative, encoding: .utf8) }

    static var catalog: Catalog {
        get throws {
            Catalog(questions: try CatalogQuestion.parseList(try json("questions.json")),
                    templates: ["conflist": try json("templates/conflist.json"), "multus-nad": try json("templates/multus-nad.json")])
        }
    }
}

@Suite("Catalog templates (golden) and fleet validation")
struct CatalogTests {
    /// (network, template, the shipped file): IPv4 (flat-a), dual stack (flat-ds), IPv6-only (flat-v6).
    @Test("golden: the answers render exactly the shipped conflist and NetworkAttachmentDefinition", arguments: [
        ("flat-a", "conflist", "examples/flat-a.conflist"), ("flat-a", "multus-nad", "examples/flat-a.nad.json"),
        ("flat-ds", "conflist", "examples/flat-ds.conflist"), ("flat-ds", "multus-nad", "examples/flat-ds.nad.json"),
        ("flat-v6", "conflist", "examples/flat-v6.conflist"),
    ])
    func golden(_ network: String, _ template: String, _ expected: String) throws {
        let answers = try ShippedCatalog.json("examples/\(network).answers.json").objectValue ?? [:]
        let rendered = try ShippedCatalog.catalog.render(template: template, answers: answers)
        #expect(rendered.prettyPrinted() + "\n" == (try ShippedCatalog.text(expected)))
    }

    /// (fleet, host, network): the IPv4 fleet, and the one with a dual-stack and an IPv6-only network.
    @Test("golden: the fleet renders exactly the shipped per-host conflists", arguments: [
        ("fleet", "hostA", "flat-a"), ("fleet", "hostA", "flat-b"), ("fleet", "hostB", "flat-a"), ("fleet", "hostB", "flat-b"),
        ("fleet-ds", "hostA", "flat-ds"), ("fleet-ds", "hostA", "flat-v6"), ("fleet-ds", "hostB", "flat-ds"),
        ("fleet-ds", "hostB", "flat-v6"),
    ])
    func goldenFleet(_ fleetName: String, _ host: String, _ network: String) throws {
        let fleet = try FleetFile.parse(try ShippedCatalog.json("examples/\(fleetName).answers.json"))
        let rendered = try #require(try ShippedCatalog.catalog.renderFleet(fleet).first { $0.host == host && $0.config.name == network })
        #expect(rendered.document.prettyPrinted() + "\n" == (try ShippedCatalog.text("examples/\(fleetName)/\(host)/\(network).conflist")))
    }

    @Test("every question is documented and typed; defaults fit their type")
    func questions() throws {
        let questions = try ShippedCatalog.catalog.questions
        #expect(questions.count >= 13)
        for question in questions { if let value = question.defaultValue { #expect(question.problem(with: value) == nil, "\(question.variable)") } }
    }

    /// Every netconf flatnet ships for users, as the runtime reads it (a NAD's spec.config).
    static let shippedNetconfs = ["examples/flat-a.conflist", "examples/flat-a.nad.json", "examples/fleet/hostA/flat-a.conflist",
                                  "examples/fleet/hostA/flat-b.conflist", "examples/fleet/hostB/flat-a.conflist",
                                  "examples/fleet/hostB/flat-b.conflist", "examples/flat-ds.conflist",
                                  "examples/flat-ds.nad.json", "examples/flat-v6.conflist",
                                  "examples/fleet-ds/hostA/flat-ds.conflist", "examples/fleet-ds/hostA/flat-v6.conflist",
                                  "examples/fleet-ds/hostB/flat-ds.conflist", "examples/fleet-ds/hostB/flat-v6.conflist"]

    static func runtimeDocument(_ relative: String) throws -> JSONValue {
        let document = try ShippedCatalog.json(relative)
        return try document["spec"]?["config"]?.stringValue.map { try JSONValue.parse($0) } ?? document
    }

    @Test("every shipped netconf says cniVersion 1.0.0: podman 4.3 (libcni 1.1.2) rejects 1.1.0 results",
          arguments: shippedNetconfs)
    func shippedVersion(_ relative: String) throws {
        #expect(try Self.runtimeDocument(relative)["cniVersion"] == .string("1.0.0"))
    }

    @Test("the answers ship 1.0.0 too, and so does the cniVersion question's default")
    func shippedAnswersVersion() throws {
        let answers = try ShippedCatalog.json("examples/flat-a.answers.json")
        #expect(answers["cniVersion"] == .string("1.0.0"))
        let fleet = try FleetFile.parse(try ShippedCatalog.json("examples/fleet.answers.json"))
        for network in fleet.networks { #expect(network.answers["cniVersion"] ?? .string("1.0.0") == .string("1.0.0")) }
        let question = try #require(try ShippedCatalog.catalog.questions.first { $0.variable == "cniVersion" })
        #expect(question.defaultValue == .string("1.0.0"))
        let unanswered = try #require(answers.objectValue).filter { $0.key != "cniVersion" }
        let rendered = try ShippedCatalog.catalog.render(template: "conflist", answers: unanswered)
        #expect(rendered["cniVersion"] == .string("1.0.0"), "unanswered, the default applies")
    }

    /// The flatnet plugin object a template rendered (a NAD embeds its conflist as text).
    static func pluginObject(_ rendered: JSONValue) throws -> JSONValue {
        let conflist = try rendered["spec"]?["config"]?.stringValue.map { try JSONValue.parse($0) } ?? rendered
        guard case .array(let plugins)? = conflist["plugins"] else { return .null }
        return plugins.first ?? .null
    }

    /// (template, answer or nil for none, what the rendered file must say)
    static let defaultRouteCases: [(String, Bool?, Bool)] = [
        ("conflist", nil, true), ("multus-nad", nil, false), ("conflist", false, false),
        ("multus-nad", true, true), ("conflist", true, true), ("multus-nad", false, false),
    ]

    @Test("defaultRoute: true by default in a conflist, false in a NAD (a secondary attachment); an answer wins",
          arguments: defaultRouteCases)
    func defaultRoute(_ template: String, _ answer: Bool?, _ expected: Bool) throws {
        var answers = try ShippedCatalog.json("examples/flat-a.answers.json").objectValue ?? [:]
        answers["defaultRoute"] = answer.map(JSONValue.bool)
        let rendered = try ShippedCatalog.catalog.render(template: template, answers: answers)
        #expect(try Self.pluginObject(rendered)["defaultRoute"] == .bool(expected), "written out")
        #expect(try NetconfFile.load(document: rendered).defaultRoute == expected)
    }

    @Test("defaultRoute in a fleet: a network's answer and a host's answer both reach the rendered files")
    func defaultRouteInFleet() throws {
        let document = Self.fleet { answers, hosts in
            answers["defaultRoute"] = .bool(false)
            hosts[1]["defaultRoute"] = .bool(true)
        }
        let catalog = try ShippedCatalog.catalog
        let rendered = try catalog.renderFleet(try FleetFile.parse(document))
        #expect(rendered.map(\.config.defaultRoute) == [false, true])
        let nads = try catalog.renderFleet(try FleetFile.parse(Self.fleet { _, _ in }), template: "multus-nad")
        #expect(nads.map(\.config.defaultRoute) == [false, false], "the NAD template's default, per host")
    }

    @Test("a template's own defaults name known questions and fit their types")
    func templateDefaults() throws {
        let catalog = try ShippedCatalog.catalog
        for (name, template) in catalog.templates {
            for (variable, value) in template["$defaults"]?.objectValue ?? [:] {
                let question = try #require(catalog.questions.first { $0.variable == variable },
                                            "\(name): \(variable)")
                #expect(question.problem(with: value) == nil, "\(name): \(variable)")
            }
        }
    }

    @Test("a template's defaults are checked like answers: an unknown question or a wrong type, named")
    func brokenTemplateDefaults() throws {
        let shipped = try ShippedCatalog.catalog
        let defaults = JSONValue.object(["defaultroute": .bool(false), "mtu": .string("big")])
        let embedded = JSONValue.object(["$template": .string("conflist")])
        let template = JSONValue.object(["$defaults": defaults, "template": embedded])
        var templates = shipped.templates
        templates["broken"] = template
        let catalog = Catalog(questions: shipped.questions, templates: templates)
        let answers = try #require(try ShippedCatalog.json("examples/flat-a.answers.json").objectValue)
        let error = try #require(throws: ConfigError.self) {
            try catalog.render(template: "broken", answers: answers)
        }
        #expect(error.problems.map(\.description) == [
            "templates/broken.json $defaults.defaultroute: unknown question (see netconf/questions.json)",
            "templates/broken.json $defaults.mtu: expected an integer, got string",
        ])
    }

    /// A fleet with two hosts of flat-a; each case breaks one thing.
    static func fleet(_ edit: (inout [String: JSONValue], inout [[String: JSONValue]]) -> Void,
                      second: [String: JSONValue]? = nil, secondRange: (String, String) = ("10.44.1.2", "10.44.1.9")) -> JSONValue {
        var answers: [String: JSONValue] = ["name": .string("flat-a"), "subnet": .string("10.43.0.0/16"), "gateway": .string("10.43.0.1"),
                                            "reservedAddress": .string("10.43.0.2")]
        var hosts: [[String: JSONValue]] = [
            ["host": .string("hostA"), "uplink": .string("eth1"), "rangeStart": .string("10.43.1.2"), "rangeEnd": .string("10.43.1.254")],
            ["host": .string("hostB"), "uplink": .string("eth1"), "rangeStart": .string("10.43.2.2"), "rangeEnd": .string("10.43.2.254")],
        ]
        edit(&answers, &hosts)
        var networks: [JSONValue] = [.object(["answers": .object(answers), "hosts": .array(hosts.map(JSONValue.object))])]
        if let second {
            networks.append(.object(["answers": .object(second), "hosts": .array([.object([
                "host": .string("hostA"), "uplink": .string("eth2"), "rangeStart": .string(secondRange.0),
                "rangeEnd": .string(secondRange.1)])])]))
        }
        return .object(["networks": .array(networks)])
    }

    static let flatB: [String: JSONValue] = ["name": .string("flat-b"), "subnet": .string("10.44.0.0/16"), "gateway": .string("10.44.0.1")]

    static let broken: [(String, JSONValue, String)] = [
        ("ranges overlap across hosts", fleet { _, hosts in hosts[1]["rangeStart"] = .string("10.43.1.200") },
         "host hostB: range 10.43.1.200-10.43.2.254 overlaps host hostA's range"),
        ("a range contains the gateway", fleet { answers, _ in answers["gateway"] = .string("10.43.2.9") },
         "host hostB: 10.43.2.2-10.43.2.254 contains ipam.gateway 10.43.2.9"),
        ("a range contains the reserved address", fleet { answers, _ in answers["reservedAddress"] = .string("10.43.1.20") },
         "host hostA: 10.43.1.20 is inside ipam.ranges[0]"),
        ("two networks share a bridge on a host", fleet({ answers, _ in answers["bridge"] = .string("br-shared") },
         second: flatB.merging(["bridge": .string("br-shared")]) { $1 }), "networks flat-a and flat-b on host hostA share bridge br-shared"),
        ("two networks share a reserved address", fleet({ _, _ in }, second: flatB.merging(["reservedAddress": .string("10.43.0.2"),
         "subnet": .string("10.43.0.0/16"), "gateway": .string("10.43.0.1")]) { $1 }, secondRange: ("10.43.5.2", "10.43.5.9")),
         "networks flat-a and flat-b on host hostA share reserved address 10.43.0.2"),
        ("two networks whose derived names collide on a host", fleet({ _, _ in }, second: flatB.merging(["name": .string("flat-1553")]) { $1 }),
         "networks flat-a and flat-1553 on host hostA share host-veth prefix"),
        ("a VLAN name over 15 bytes after derivation", fleet { answers, hosts in answers["vlan"] = .number(100); hosts[0]["uplink"] = .string("enp129s0f1np1") },
         "host hostA: VLAN interface enp129s0f1np1.100 would be 17 bytes"),
        ("an uplink name that is not an interface name", fleet { _, hosts in hosts[1]["uplink"] = .string("eth 1") },
         "networks[0].hosts[1].uplink"),
        ("a required answer missing", fleet { answers, _ in answers["subnet"] = nil }, "networks[0].hosts[0].subnet: host hostA: is required"),
        ("a VLAN that is not a number", fleet { answers, _ in answers["vlan"] = .string("hundred") }, "networks[0].hosts[0].vlan: host hostA: expected an integer, got string"),
        ("a typo in a question name", fleet { answers, _ in answers["rangestart"] = .string("x") }, "networks[0].hosts[0].rangestart: host hostA: unknown question"),
        ("a host without a name", fleet { _, hosts in hosts[0]["host"] = nil }, "networks[0].hosts[0].host: is required"),
        ("a subnet with host bits", fleet { answers, _ in answers["subnet"] = .string("10.43.1.0/16") }, "host hostA: 10.43.1.0/16 has host bits set"),
        ("a defaultRoute that is not a boolean", fleet { answers, _ in answers["defaultRoute"] = .string("no") },
         "networks[0].hosts[0].defaultRoute: host hostA: expected true or false, got string"),
        // Found by the fuzz lane (fleet target): both were accepted, and `netconf render
        // --host hostA` then trapped on the duplicate name ("Duplicate values for key").
        ("a host listed twice for one network", fleet { _, hosts in hosts[1]["host"] = .string("hostA") },
         "networks[0].hosts[1].host: host hostA: network flat-a is already rendered for this host (networks[0].hosts[0])"),
        ("two networks of one name on a host", fleet({ _, _ in }, second: flatB.merging(["name": .string("flat-a")]) { $1 }),
         "networks[1].hosts[0].host: host hostA: network flat-a is already rendered for this host (networks[0].hosts[0])"),
    ]

    @Test("broken answers are refused, naming the field and the host", arguments: broken.indices)
    func brokenAnswers(_ index: Int) throws {
        let (name, document, expected) = Self.broken[index]
        do {
            _ = try ShippedCatalog.catalog.renderFleet(try FleetFile.parse(document))
            Issue.record("\(name): accepted")
        } catch let error as ConfigError {
            let text = error.problems.map(\.description).joined(separator: "\n")
            #expect(text.contains(expected), "\(name):\n\(text)")
        }
    }
}
