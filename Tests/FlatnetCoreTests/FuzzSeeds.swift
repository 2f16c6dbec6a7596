import FlatnetCore
import FlatnetTestSupport
import Foundation

/// One input the fuzz targets (Sources/FlatnetFuzz) must start from: a case the tests
/// already know, so fuzzing begins at every refusal and every real tool output.
struct FuzzSeed: Sendable {
    /// The target, which is also the corpus folder (Tests/FuzzCorpus/<target>).
    let target: String
    /// A readable name; the file is named after it.
    let name: String
    let bytes: [UInt8]

    init(_ target: String, _ name: String, _ bytes: [UInt8]) {
        self.target = target
        self.name = name
        self.bytes = bytes
    }

    init(_ target: String, _ name: String, text: String) {
        self.init(target, name, Array(text.utf8))
    }
}

/// Every seed the tests define, by target.
enum FuzzSeeds {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var all: [FuzzSeed] {
        badInputs + cniArguments + examples + ebtables + nftReplies + ipamResults + stateRecords + json
    }

    /// Every bad-input table case's stdin (netconf) and CNI_ARGS (cni-args).
    /// The valid netconf comes first: the cases that change only the environment share
    /// its text, and the file is named after the first seed holding it.
    static var badInputs: [FuzzSeed] {
        [FuzzSeed("netconf", "valid netconf", text: Valid.configText)] + BadInputTable.cases.flatMap { bad in
            let name = "bad-input " + bad.name
            return (bad.stdin.map { [FuzzSeed("netconf", name, text: $0)] } ?? [])
                + (bad.environment["CNI_ARGS"].map { [FuzzSeed("cni-args", name, text: $0)] } ?? [])
        }
    }

    static let cniArguments = [
        FuzzSeed("cni-args", "kubernetes keys",
                 text: "IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-0;"
                    + "K8S_POD_INFRA_CONTAINER_ID=c1;K8S_POD_UID=0b9c"),
        FuzzSeed("cni-args", "requested address and MAC", text: "IP=10.43.1.9;MAC=02:00:00:00:00:09"),
        FuzzSeed("cni-args", "requested prefix", text: "IP=10.43.1.9/16"),
        FuzzSeed("cni-args", "allowed addresses", text: "ALLOWED_ADDRESSES=10.43.2.7,10.43.3.7"),
        FuzzSeed("cni-args", "unknown key ignored", text: "IgnoreUnknown=true;FOO=bar"),
    ]

    /// The shipped examples (netconf/examples): conflists and NADs, answers, the fleets
    /// (IPv4, dual stack and IPv6-only), the per-node and etcd forms.
    static var examples: [FuzzSeed] {
        let files = [
            ("netconf", "flat-a.conflist"), ("netconf", "flat-a.nad.json"),
            ("netconf", "fleet/hostA/flat-a.conflist"), ("netconf", "fleet/hostA/flat-b.conflist"),
            ("netconf", "fleet/hostB/flat-a.conflist"), ("netconf", "fleet/hostB/flat-b.conflist"),
            ("catalog-answers", "flat-a.answers.json"), ("fleet", "fleet.answers.json"),
            ("netconf", "flat-ds.conflist"), ("netconf", "flat-ds.nad.json"), ("netconf", "flat-v6.conflist"),
            ("catalog-answers", "flat-ds.answers.json"), ("catalog-answers", "flat-v6.answers.json"),
            ("fleet", "fleet-ds.answers.json"),
            ("netconf", "flat-nodes.conflist"), ("netconf", "flat-nodes.nad.json"),
            ("netconf", "flat-etcd.conflist"), ("netconf", "flat-etcd.nad.json"),
            ("catalog-answers", "flat-nodes.answers.json"), ("catalog-answers", "flat-etcd.answers.json"),
        ]
        return files.map { target, file in
            let path = root.appendingPathComponent("netconf/examples/" + file).path
            let bytes = FileManager.default.contents(atPath: path).map { Array($0) } ?? []
            return FuzzSeed(target, "example " + file, bytes)
        }
    }

    /// Real ebtables-nft output (EbtablesListingTests) and the legacy format.
    static var ebtables: [FuzzSeed] {
        let config = try! NetworkConfigParser.parse(Valid.config, cniVersion: .current)
        let legacy = EbtablesListingTests.legacyListing(ContainmentRules.make(for: config)!, packets: 7)
        return [
            FuzzSeed("ebtables", "ebtables-nft listing", text: EbtablesListingTests.nftListing),
            FuzzSeed("ebtables", "ebtables-nft-save", text: EbtablesListingTests.nftSave),
            FuzzSeed("ebtables", "ebtables-legacy listing", text: legacy),
        ]
    }

    /// Replies the kernel really sent, one datagram each, and a table's objects in one.
    static var nftReplies: [FuzzSeed] {
        typealias Answers = NftTableSnapshotAnswers
        let named: [(String, [UInt8])] = [
            ("element lookup answer", NftablesRepliesTests.lookupAnswer),
            ("missing key refusal", NftablesRepliesTests.missingKeyRefusal),
            ("set listing first datagram", NftablesRepliesTests.listingFirst),
            ("set listing last datagram", NftablesRepliesTests.listingLast),
            ("missing set refusal", Answers.missingSetRefusal), ("table", Answers.table),
            ("goto rule", Answers.gotoRule), ("drop rule", Answers.dropRule),
            ("anonymous set", Answers.anonymousSet), ("drops set", Answers.dropsSet),
            ("base chain", Answers.baseChain), ("regular chain", Answers.regularChain),
            ("another table's chain", Answers.otherTablesChain),
            ("a table's objects in one datagram", Answers.objects.flatMap { $0 }),
        ]
        return named.map { FuzzSeed("nft-replies", "kernel " + $0.0, $0.1) }
    }

    /// A full result, in every version flatnet writes (what a delegated plugin answers).
    static var ipamResults: [FuzzSeed] {
        var result = CNIResult(
            interfaces: [CNIResult.Interface(name: "eth0", mac: MACAddress("02:00:00:00:00:01"), mtu: 1500,
                                             sandbox: "/var/run/netns/c1")],
            ips: [CNIResult.IPConfig(address: IPPrefix("10.43.1.2/16")!, gateway: IPAddress("10.43.0.1"),
                                     interface: 0),
                  CNIResult.IPConfig(address: IPPrefix("fd00::2/64")!, gateway: IPAddress("fd00::1"))],
            routes: [CNIResult.Route(destination: IPPrefix("0.0.0.0/0")!, gateway: IPAddress("10.43.0.1"))])
        result.dns.nameservers = ["10.43.0.1"]
        result.dns.search = ["example.com"]
        return CNIVersion.supported.map {
            FuzzSeed("ipam-result", "result \($0)", text: result.json(for: $0).serialized())
        }
    }

    static var stateRecords: [FuzzSeed] {
        var setup = SetupRecord()
        setup.uplinkPort = "eth1.100"
        setup.createdBridge = "br-flat-a"
        setup.createdVLAN = "eth1.100"
        setup.reservedAddress = IPPrefix("10.43.0.2/16")
        setup.dockerBridge = "docker0"
        setup.linkVeth = "flb-e37b95d226"
        setup.portSecurityTable = "flatnet-flat-a-62e6f9d8"
        let protection = PortProtection(
            table: "flatnet-flat-a-62e6f9d8", port: try! InterfaceName(validating: "fl08fce37b95"),
            mac: MACAddress("02:00:00:00:00:01")!, ipv4: [IPv4Address("10.43.1.2")!],
            ipv6: [IPv6Address("fd00::2")!], announced: IPv4Address("10.43.1.2")!)
        let owner = Attachment(containerID: "c1", ifName: "eth0")
        let stamp = ReadyStamp(digest: "0123456789abcdef", bridgeIndex: 7, dockerIndex: 3,
                               tableFingerprint: "fedcba9876543210")
        return [
            FuzzSeed("state-records", "lease record", text: LeaseRecord.encode(owner)),
            FuzzSeed("state-records", "setup record", text: setup.encoded),
            FuzzSeed("state-records", "ready stamp", text: stamp.encoded),
            FuzzSeed("state-records", "ready stamp of an older flatnet", text: "0123456789abcdef 7 -\n"),
            FuzzSeed("state-records", "port record", text: protection.record),
            FuzzSeed("state-records", "port record of an older flatnet (no announced address)",
                     text: #"{"table":"flatnet-flat-a-62e6f9d8","port":"fl08fce37b95","mac":"02:00:00:00:00:01","#
                         + #""ipv4":["10.43.1.2"],"ipv6":["fd00::2"],"adopted":false}"#),
        ]
    }

    /// JSON the parser tests use, beyond the netconf-shaped seeds the json target also
    /// reads (the lane gives it every JSON corpus).
    static let json = [
        FuzzSeed("json", "escapes",
                 text: #"{"s":"tab\t\"q\" \\ \/ \u00e9 \ud83d\ude00","n":[1,-0.5,2e3,1E-2,0]}"#),
        FuzzSeed("json", "literals", text: #"{"a":{"b":[true,false,null]},"k":1,"k":2}"#),
        FuzzSeed("json", "deepest nesting accepted",
                 text: String(repeating: "[", count: JSONParser.maximumDepth)
                    + String(repeating: "]", count: JSONParser.maximumDepth)),
    ]
}
