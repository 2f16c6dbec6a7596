import FlatnetCore
import Testing

@Suite("Result encoding per CNI version family (golden)")
struct CNIResultEncodingTests {
    static var sample: CNIResult {
        var container = CNIResult.Interface(name: "eth0", mac: MACAddress("0a:58:0a:2b:01:05"), mtu: 1500,
                                            sandbox: "/var/run/netns/c1")
        container.socketPath = nil
        var metadataRoute = CNIResult.Route(destination: IPPrefix("169.254.169.250/32")!, gateway: IPAddress("10.43.0.2"))
        metadataRoute.priority = 10
        return CNIResult(
            interfaces: [
                CNIResult.Interface(name: "br-flat-a", mac: MACAddress("0a:00:00:00:00:01")),
                CNIResult.Interface(name: "fl1a2b3c4d5e6f", mac: MACAddress("0a:00:00:00:00:02")),
                container,
            ],
            ips: [CNIResult.IPConfig(address: IPPrefix("10.43.1.5/16")!, gateway: IPAddress("10.43.0.1"), interface: 2)],
            routes: [CNIResult.Route(destination: IPPrefix("0.0.0.0/0")!, gateway: IPAddress("10.43.0.1")), metadataRoute])
    }

    static let interfaces11 = #"[{"mac":"0a:00:00:00:00:01","name":"br-flat-a"},{"mac":"0a:00:00:00:00:02","name":"fl1a2b3c4d5e6f"},{"mac":"0a:58:0a:2b:01:05","mtu":1500,"name":"eth0","sandbox":"/var/run/netns/c1"}]"#
    static let interfacesOld = #"[{"mac":"0a:00:00:00:00:01","name":"br-flat-a"},{"mac":"0a:00:00:00:00:02","name":"fl1a2b3c4d5e6f"},{"mac":"0a:58:0a:2b:01:05","name":"eth0","sandbox":"/var/run/netns/c1"}]"#

    @Test("1.1.0: no ips[].version; interface mtu and route priority kept")
    func version110() {
        #expect(Self.sample.json(for: CNIVersion(1, 1, 0)).serialized() ==
            #"{"cniVersion":"1.1.0","dns":{},"interfaces":"# + Self.interfaces11 +
            #","ips":[{"address":"10.43.1.5/16","gateway":"10.43.0.1","interface":2}],"routes":[{"dst":"0.0.0.0/0","gw":"10.43.0.1"},{"dst":"169.254.169.250/32","gw":"10.43.0.2","priority":10}]}"#)
    }

    @Test("1.0.0: no ips[].version; the 1.1.0 additions dropped")
    func version100() {
        #expect(Self.sample.json(for: CNIVersion(1, 0, 0)).serialized() ==
            #"{"cniVersion":"1.0.0","dns":{},"interfaces":"# + Self.interfacesOld +
            #","ips":[{"address":"10.43.1.5/16","gateway":"10.43.0.1","interface":2}],"routes":[{"dst":"0.0.0.0/0","gw":"10.43.0.1"},{"dst":"169.254.169.250/32","gw":"10.43.0.2"}]}"#)
    }

    @Test("0.3.0, 0.3.1, 0.4.0: ips[].version \"4\"", arguments: [CNIVersion(0, 3, 0), CNIVersion(0, 3, 1), CNIVersion(0, 4, 0)])
    func legacy(_ version: CNIVersion) {
        #expect(Self.sample.json(for: version).serialized() ==
            #"{"cniVersion":""# + version.description + #"","dns":{},"interfaces":"# + Self.interfacesOld +
            #","ips":[{"address":"10.43.1.5/16","gateway":"10.43.0.1","interface":2,"version":"4"}],"routes":[{"dst":"0.0.0.0/0","gw":"10.43.0.1"},{"dst":"169.254.169.250/32","gw":"10.43.0.2"}]}"#)
    }

    @Test("the IPAM form has no interfaces and no interface index")
    func abbreviated() {
        #expect(Self.sample.abbreviatedForIPAM.json(for: CNIVersion(1, 1, 0)).serialized() ==
            #"{"cniVersion":"1.1.0","dns":{},"ips":[{"address":"10.43.1.5/16","gateway":"10.43.0.1"}],"routes":[{"dst":"0.0.0.0/0","gw":"10.43.0.1"},{"dst":"169.254.169.250/32","gw":"10.43.0.2","priority":10}]}"#)
    }

    @Test("a result read back from any family equals the model (minus dropped fields)",
          arguments: CNIVersion.supported)
    func roundTrip(_ version: CNIVersion) throws {
        let parsed = try CNIResultParser.parse(Self.sample.json(for: version))
        #expect(parsed.json(for: version) == Self.sample.json(for: version))
    }
}

@Suite("CNI_ARGS")
struct CNIArgumentsTests {
    @Test("known keys parse; Kubernetes keys are accepted and unused")
    func known() throws {
        let arguments = try CNIArguments(parsing: "IP=10.43.1.9/16;MAC=0a:00:00:00:00:09;K8S_POD_NAME=web")
        #expect(arguments.requestedAddresses == [IPAddress("10.43.1.9")!])
        #expect(arguments.requestedMAC == MACAddress("0a:00:00:00:00:09"))
    }

    @Test("IgnoreUnknown accepts 1 and true in any case", arguments: ["1", "true", "TRUE", "True"])
    func ignoreUnknown(_ value: String) throws {
        #expect(try CNIArguments(parsing: "IgnoreUnknown=\(value);FOO=bar").ignoreUnknown)
    }

    @Test("unknown keys without IgnoreUnknown are named in the error")
    func unknown() {
        #expect(throws: CNIError.self) { try CNIArguments(parsing: "FOO=bar") }
        do {
            _ = try CNIArguments(parsing: "IgnoreUnknown=0;FOO=bar")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidEnvironment)
            #expect(error.details.contains("FOO=bar"))
        }
    }

    @Test("empty CNI_ARGS is no arguments")
    func empty() throws {
        #expect(try CNIArguments(parsing: "") == CNIArguments())
    }
}

@Suite("JSON text")
struct JSONTextTests {
    @Test("strings are escaped, integers print without a fraction, keys sorted")
    func serialization() throws {
        let value = JSONValue.object(["b": .string("q\"\\\n\u{1}"), "a": .number(1500), "c": .number(0.5), "d": .null])
        #expect(value.serialized() == #"{"a":1500,"b":"q\"\\\n\u0001","c":0.5,"d":null}"#)
        #expect(try JSONValue.parse(Array(value.serialized().utf8)) == value)
    }

    @Test("pretty printing is stable and parses back")
    func pretty() throws {
        let value = JSONValue.object(["x": .array([.bool(true), .object([:])]), "y": .array([])])
        #expect(value.prettyPrinted() == "{\n  \"x\": [\n    true,\n    {}\n  ],\n  \"y\": []\n}")
        #expect(try JSONValue.parse(Array(value.prettyPrinted().utf8)) == value)
    }
}
