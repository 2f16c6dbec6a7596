import FlatnetCore
import FlatnetTestSupport
import Testing

@Suite("Host claims: what two networks on one host may not share")
struct HostClaimsTests {
    /// The example network under another name, with edits (dotted paths).
    static func network(_ name: String, _ edits: [String: JSONValue?] = [:]) throws -> NetworkConfig {
        // No explicit bridge: each network gets br-<name>.
        var document = Valid.config.setting("name", to: .string(name)).setting("vlan", to: nil).setting("bridge", to: nil)
        for (path, value) in edits { document = document.setting(path, to: value) }
        return try NetworkConfigParser.parse(document, cniVersion: CNIVersion(1, 1, 0))
    }

    /// flat-b on its own uplink, subnet and reserved address: shares nothing with flat-a.
    static var flatB: NetworkConfig {
        get throws {
            try network("flat-b", ["uplink": .string("eth2"), "ipam.subnet": .string("10.44.0.0/16"),
                                   "ipam.gateway": .string("10.44.0.1"), "ipam.exclude": .array([]),
                                   "ipam.ranges": .array([.object(["rangeStart": .string("10.44.1.2"), "rangeEnd": .string("10.44.1.9")])]),
                                   "metadata.reservedAddress": .string("10.44.0.2")])
        }
    }

    @Test("flat-a and flat-b on their own uplinks, bridges and reserved addresses share nothing")
    func separateNetworks() throws {
        #expect(HostClaims.conflicts([try Self.network("flat-a"), try Self.flatB]).isEmpty)
    }

    @Test("a name whose derived host-veth prefix equals flat-a's is a conflict naming both networks")
    func derivedNameCollision() throws {
        // flat-1553 was found by search: its 16-bit network tag equals flat-a's.
        let twin = try Self.flatB.renamed("flat-1553")
        #expect(InterfaceNaming.hostVethPrefix(network: "flat-1553") == InterfaceNaming.hostVethPrefix(network: "flat-a"))
        let conflicts = HostClaims.conflicts([try Self.network("flat-a"), twin])
        #expect(conflicts.map(\.claim.kind) == [.vethPrefix], "\(conflicts)")
        #expect(conflicts.first?.description.contains("networks flat-a and flat-1553 share host-veth prefix") == true)
    }

    /// flat-c: its own uplink, bridge, subnet, range and reserved address.
    static var flatC: [String: JSONValue?] {
        ["uplink": .string("eth2"), "ipam.subnet": .string("10.45.0.0/16"), "ipam.gateway": .string("10.45.0.1"),
         "ipam.exclude": .array([]), "metadata.reservedAddress": .string("10.45.0.2"),
         "ipam.ranges": .array([.object(["rangeStart": .string("10.45.1.2"), "rangeEnd": .string("10.45.1.9")])])]
    }

    static func flatC(_ edits: [String: JSONValue?]) throws -> NetworkConfig {
        try network("flat-c", flatC.merging(edits) { $1 })
    }

    @Test("a shared bridge, uplink, reserved address or metadata subnet is a conflict; two VLANs on one NIC are not",
          arguments: [
            (["bridge": .string("br-flat-a")], HostClaim.Kind.bridge),
            (["uplink": .string("eth1")], .uplink),
            (["ipam.subnet": .string("10.43.0.0/24"), "ipam.gateway": .string("10.43.0.1"), "metadata.reservedAddress": .string("10.43.0.2"),
              "ipam.ranges": .array([.object(["rangeStart": .string("10.43.0.10"), "rangeEnd": .string("10.43.0.20")])])], .reservedAddress),
            (["ipam.subnet": .string("10.43.0.0/16"), "ipam.gateway": .string("10.43.0.1"), "metadata.reservedAddress": .string("10.43.0.3"),
              "ipam.ranges": .array([.object(["rangeStart": .string("10.43.5.2"), "rangeEnd": .string("10.43.5.9")])])], .metadataSubnet),
          ] as [([String: JSONValue?], HostClaim.Kind)])
    func sharedResources(_ edits: [String: JSONValue?], _ kind: HostClaim.Kind) throws {
        #expect(HostClaims.conflicts([try Self.network("flat-a"), try Self.flatC([:])]).isEmpty, "control")
        #expect(HostClaims.conflicts([try Self.network("flat-a"), try Self.flatC(edits)]).map(\.claim.kind).contains(kind))
        let vlanA = try Self.network("flat-a", ["vlan": .number(100)])
        let vlanB = try Self.network("flat-c", ["vlan": .number(200), "bridge": .string("br-c"), "metadata": nil])
        #expect(HostClaims.conflicts([vlanA, vlanB]).isEmpty, "eth1.100 and eth1.200 are two ports")
    }

    @Test("claim keys are file names: kind, dot, name, no slash")
    func keys() throws {
        for claim in HostClaims.claims(for: try Self.network("flat-a")) {
            #expect(!claim.key.contains("/") && claim.key.hasPrefix(claim.kind.rawValue + "."), "\(claim.key)")
        }
    }
}

extension NetworkConfig {
    func renamed(_ name: String) throws -> NetworkConfig {
        try NetworkConfigParser.parse(raw.setting("name", to: .string(name)), cniVersion: cniVersion)
    }
}

@Suite("Stable hash and the records host setup keeps")
struct SetupRecordTests {
    @Test("StableHash is FNV-1a 64 with the murmur3 finaliser: known values, the same in every process")
    func knownValues() {
        #expect(StableHash.hex("flat-a", digits: 16) == "a157f4ffd890936f")
        #expect(StableHash.hex("", digits: 16) == "efd01f60ba992926")
        #expect(StableHash.hex("flat-a", digits: 4) == "a157")
    }

    @Test("a setup record and a ready stamp read back what was written; unknown lines are ignored")
    func roundTrips() throws {
        var record = SetupRecord()
        record.uplinkPort = "eth1.100"
        record.createdBridge = "br-flat-a"
        record.createdVLAN = "eth1.100"
        record.reservedAddress = IPPrefix("10.43.0.2/16")
        record.dockerBridge = "docker0"
        record.linkVeth = "flb-1d7e9ba470"
        #expect(SetupRecord.decode(record.encoded + "future-key something\n") == record)
        #expect(SetupRecord.decode("") == SetupRecord())
        let stamp = ReadyStamp(digest: "0123456789abcdef", bridgeIndex: 7, dockerIndex: nil)
        #expect(ReadyStamp.decode(stamp.encoded) == stamp)
        #expect(ReadyStamp.decode("0123 7 12\n") == ReadyStamp(digest: "0123", bridgeIndex: 7, dockerIndex: 12))
        #expect(ReadyStamp.decode("garbage") == nil)
        let guarded = ReadyStamp(digest: "0123", bridgeIndex: 7, dockerIndex: nil, tableFingerprint: "56aff8217c4c1c97")
        #expect(ReadyStamp.decode(guarded.encoded) == guarded)
        #expect(ReadyStamp.decode("0123 7 - -\n") == ReadyStamp(digest: "0123", bridgeIndex: 7, dockerIndex: nil))
    }

    /// Found by the fuzz lane (state-records target): records were split by Characters, and
    /// a combining mark after the separating space fuses with it into one Character, so
    /// the field was lost (the uplink flatnet enslaved, forgotten by the next setup).
    @Test("record fields are split at the separator's byte: a name may start with a combining mark",
          arguments: ["\u{301}eth1", "\u{5b0}up", "eth\u{301}"])
    func combiningMarks(_ uplink: String) throws {
        #expect(InterfaceName.problem(with: uplink) == nil, "a valid interface name")
        var record = SetupRecord()
        record.uplinkPort = uplink
        record.createdBridge = "br-flat-a"
        #expect(SetupRecord.decode(record.encoded) == record)
        let stamp = ReadyStamp(digest: "0123", bridgeIndex: 7, dockerIndex: nil, tableFingerprint: uplink)
        #expect(ReadyStamp.decode(stamp.encoded) == stamp)
    }

    @Test("membership is flatnet's host-side record: the alias, exactly; a bridge port is unexpected unless it is the network's")
    func membership() throws {
        let config = try HostClaimsTests.network("flat-a")
        let veth = { (alias: String?) in
            LinkInfo(index: 5, name: "fl7d30000000000", kind: "veth", mtu: 1500, isUp: true, masterIndex: 3, mac: nil, alias: alias)
        }
        #expect(NetworkMembership.isContainerVeth(veth("flatnet:flat-a"), of: "flat-a"))
        #expect(!NetworkMembership.isContainerVeth(veth("flatnet:flat-ab"), of: "flat-a"))
        #expect(!NetworkMembership.isContainerVeth(veth(nil), of: "flat-a"), "a name prefix alone is not membership")
        #expect(NetworkMembership.unexpectedPortReason(veth("flatnet:flat-a"), config: config) == nil)
        #expect(NetworkMembership.unexpectedPortReason(veth("flatnet:flat-b"), config: config) == "a container veth of network flat-b")
        let stray = LinkInfo(index: 9, name: "stray0", kind: "veth", mtu: 1500, isUp: true, masterIndex: 3, mac: nil)
        #expect(NetworkMembership.unexpectedPortReason(stray, config: config) != nil)
    }
}
