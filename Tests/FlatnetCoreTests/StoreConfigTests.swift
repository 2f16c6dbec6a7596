import FlatnetCore
import FlatnetTestSupport
import Testing

/// `ipam.store`: where the cluster pool lives (README.md#one-pool-for-the-cluster).
@Suite("Cluster store netconf")
struct StoreConfigTests {
    static let store = #"""
        "store": {"type": "etcd", "endpoints": ["https://10.0.0.11:2379", "https://[fd00::12]:2379",
                  "https://10.0.0.13:2379"],
                  "tls": {"certFile": "/etc/flatnet/etcd/client.crt", "keyFile": "/etc/flatnet/etcd/client.key",
                          "caFile": "/etc/flatnet/etcd/ca.crt"}}
        """#

    static func text(_ store: String = store) -> String {
        """
        {"cniVersion": "1.0.0", "name": "flat-e", "type": "flatnet",
         "ipam": {"type": "flatnet-ipam", "subnet": "10.43.0.0/16", "gateway": "10.43.0.1",
                  "ranges": [{"rangeStart": "10.43.1.2", "rangeEnd": "10.43.9.254"}], \(store)}}
        """
    }

    static func parse(_ text: String, node: String? = "node-a") throws(ConfigError) -> NetworkConfig {
        try NetworkConfigParser.parse(try! JSONValue.parse(text), cniVersion: CNIVersion(1, 1, 0), node: .thisNode {
            node.map { NodeIdentity(name: $0, source: .hostName) }
        })
    }

    static func problems(_ store: String) -> [String] {
        do {
            _ = try parse(text(store))
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test("the documented store block parses, with the default prefix and timeout, and this node's name")
    func parses() throws {
        let pool = try #require(try Self.parse(Self.text()).ipam.pool)
        let store = try #require(pool.store)
        #expect(store.endpoints.count == 3 && store.prefix == "/flatnet/" && store.timeoutMilliseconds == 2500)
        #expect(store.tls?.caFile == "/etc/flatnet/etcd/ca.crt")
        #expect(pool.node?.name == "node-a")
        #expect(pool.ipv4?.ranges.count == 1, "the cluster's ranges are the pool's own")
    }

    @Test("each broken field is named")
    func broken() {
        let tls = #""tls": {"certFile": "/c", "keyFile": "/k", "caFile": "/a"}"#
        let cases: [(String, String)] = [
            (#""store": {"type": "consul", "endpoints": ["http://10.0.0.1:1"]}"#, "ipam.store.type: \"consul\" is not a store"),
            (#""store": {"type": "etcd"}"#, "ipam.store.endpoints: is required"),
            (#""store": {"type": "etcd", "endpoints": []}"#, "ipam.store.endpoints: must list at least one"),
            (#""store": {"type": "etcd", "endpoints": ["https://10.0.0.1:2379/v3"], "# + tls + "}",
             "ipam.store.endpoints[0]: \"https://10.0.0.1:2379/v3\" port '2379/v3' is not 1-65535"),
            (#""store": {"type": "etcd", "endpoints": ["https://10.0.0.1:0"], "# + tls + "}",
             "ipam.store.endpoints[0]: \"https://10.0.0.1:0\" port '0' is not 1-65535"),
            (#""store": {"type": "etcd", "endpoints": ["https://fd00::1:2379"], "# + tls + "}",
             "ipam.store.endpoints[0]: \"https://fd00::1:2379\" must be scheme://IP:PORT"),
            (#""store": {"type": "etcd", "endpoints": ["https://etcd-1.example:1"], "# + tls + "}",
             "ipam.store.endpoints[0]: \"https://etcd-1.example:1\" 'etcd-1.example' is not an IP address"),
            (#""store": {"type": "etcd", "endpoints": ["https://10.0.0.1:1"]}"#, "ipam.store.tls: is required for https"),
            (#""store": {"type": "etcd", "endpoints": ["http://10.0.0.1:1"], "# + tls + "}",
             "ipam.store.tls: is given but the endpoints are http"),
            (#""store": {"type": "etcd", "endpoints": ["http://10.0.0.1:1", "https://10.0.0.2:1"], "# + tls + "}",
             "ipam.store.endpoints: mixes https and http"),
            (#""store": {"type": "etcd", "endpoints": ["http://10.0.0.1:1"], "prefix": "flatnet"}"#,
             "ipam.store.prefix: \"flatnet\" must start and end with /"),
            (#""store": {"type": "etcd", "endpoints": ["http://10.0.0.1:1"], "prefix": "/registry/flatnet/"}"#,
             "ipam.store.prefix: \"/registry/flatnet/\" is under /registry/"),
            (#""store": {"type": "etcd", "endpoints": ["http://10.0.0.1:1"], "timeoutMilliseconds": 5000}"#,
             "ipam.store.timeoutMilliseconds: "),
            (#""store": {"type": "etcd", "endpoints": ["http://10.0.0.1:1"], "user": "root"}"#, "ipam.store.user: unknown key"),
            (#""store": {"type": "etcd", "endpoints": ["https://10.0.0.1:1"], "tls": {"certFile": "c", "keyFile": "/k"}}"#,
             "ipam.store.tls.certFile: \"c\" must be an absolute path"),
            (#""store": {"type": "etcd", "endpoints": ["https://10.0.0.1:1"], "tls": {"certFile": "/c", "keyFile": "/k"}}"#,
             "ipam.store.tls.caFile: is required"),
            (#""store": {"type": "etcd", "endpoints": ["http://10.0.0.1:1"]}, "nodes": {"n": {"ranges": []}}"#,
             "ipam.nodes: cannot be used with ipam.store"),
        ]
        for (store, expected) in cases {
            let problems = Self.problems(store)
            #expect(problems.contains { $0.hasPrefix(expected) }, "\(expected) not in \(problems)")
        }
    }

    @Test("a store pool on a host that cannot be named is refused")
    func unnamedNode() {
        #expect(throws: ConfigError.self) { try Self.parse(Self.text(), node: nil) }
        #expect(throws: ConfigError.self) { try Self.parse(Self.text(), node: "bad/name") }
    }
}
