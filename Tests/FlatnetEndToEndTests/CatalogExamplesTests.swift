import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// Every shipped example netconf, as a runtime would hand it to flatnet, in the topology.
@Suite("Shipped netconf examples work (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"), .serialized)
struct CatalogExamplesTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("netconf/examples").path

    /// The plugin object a runtime sends: plugins[0] with name and cniVersion injected
    /// (for a NetworkAttachmentDefinition, from its spec.config).
    static func pluginObject(_ relative: String, dataDir: String) throws -> JSONValue {
        var document = try JSONValue.parse(try String(contentsOfFile: examples + "/" + relative, encoding: .utf8))
        if let embedded = document["spec"]?["config"]?.stringValue { document = try JSONValue.parse(embedded) }
        var plugin = try #require(document["plugins"]?.arrayValue?.first?.objectValue, "\(relative): no plugins[0]")
        plugin["name"] = document["name"]
        plugin["cniVersion"] = document["cniVersion"]
        return JSONValue.object(plugin).setting("ipam.dataDir", to: .string(dataDir))
    }

    @Test("ADD and DEL succeed for every shipped example, on the host it was rendered for", arguments: [
        ("flat-a.conflist", "hA"), ("flat-a.nad.json", "hA"), ("fleet/hostA/flat-a.conflist", "hA"),
        ("fleet/hostA/flat-b.conflist", "hA"), ("fleet/hostB/flat-a.conflist", "hB"), ("fleet/hostB/flat-b.conflist", "hB"),
        ("flat-ds.conflist", "hA"), ("flat-ds.nad.json", "hA"), ("flat-v6.conflist", "hA"),
        ("fleet-ds/hostB/flat-ds.conflist", "hB"),
    ])
    func exampleWorks(_ example: String, _ host: String) throws {
        let topology = try Topology()
        try topology.metadata(on: host)
        _ = try topology.container("c1")
        let config = try Self.pluginObject(example, dataDir: topology.stateDirectory)
        let add = try topology.flatnet("ADD", host: host, container: "c1", config: config)
        #expect(add.status == 0, "\(example): \(add.outcome.stdout)")
        let ipam = config["ipam"]
        if config["metadata"] != nil {
            #expect(try topology.fetchMetadata(from: "c1") == host, "\(example): metadata from its own host")
        } else {
            let route = try topology.ip("c1", "route", "show", "169.254.169.250")
            #expect(route.isEmpty, "\(example): no metadata link (IPv6-only): \(route)")
        }
        let wanted = config["defaultRoute"] != .bool(false)  // the NAD's template default is false
        let defaultRoute = try topology.ip("c1", "route", "show", "default")
        #expect(defaultRoute.contains("default via 10.4") == (wanted && ipam?["gateway"] != nil),
                "\(example): \(defaultRoute)")
        let ipv6DefaultRoute = try topology.ip("c1", "-6", "route", "show", "default")
        #expect(ipv6DefaultRoute.contains("default via 2001:db8:4") == (wanted && ipam?["ipv6"]?["gateway"] != nil),
                "\(example): \(ipv6DefaultRoute)")
        let delete = try topology.flatnet("DEL", host: host, container: "c1", config: config)
        #expect(delete.status == 0, "\(example): \(delete.outcome.stdout)")
    }
}
