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
            + clusterRecords + etcdAnswers + httpResponses
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
            FuzzSeed("state-records", "reserved lease record", text: LeaseRecord.encode(owner, workload: "k8s/ns/db-0")),
            FuzzSeed("state-records", "kept record",
                     text: LeaseRecord.encodeReserved(workload: "k8s/ns/db-0", releasedAt: 1_800_000_000)),
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

    /// The values and keys the cluster pool writes to etcd (ClusterPool).
    static var clusterRecords: [FuzzSeed] {
        let owner = Attachment(containerID: "c1", ifName: "eth0")
        let addresses = [IPAddress("10.43.1.2")!, IPAddress("fd00::2")!]
        let keys = ClusterKeys(prefix: "/flatnet/", network: "flat-a")
        return [
            FuzzSeed("cluster-records", "held lease",
                     text: ClusterLeaseRecord(owner: owner, node: "hostA", workload: "web-0").json),
            FuzzSeed("cluster-records", "reserved address between attachments",
                     text: ClusterLeaseRecord(reservedFor: "web-0", releasedAt: 1_796_000_000).json),
            FuzzSeed("cluster-records", "owner record",
                     text: ClusterOwnerRecord(addresses: addresses, node: "hostA").json),
            FuzzSeed("cluster-records", "reservation record", text: ClusterReservationRecord(addresses: addresses).json),
            FuzzSeed("cluster-records", "IPv4 address key", text: keys.address(addresses[0])),
            FuzzSeed("cluster-records", "IPv6 address key", text: keys.address(addresses[1])),
        ]
    }

    /// Gateway answer bodies as etcd 3.4 writes them (proto3 JSON: base64 bytes, int64 as
    /// strings, zero values left out); Tests/FuzzCorpus/etcd-answers also holds captured ones.
    static var etcdAnswers: [FuzzSeed] {
        let key = EtcdBase64.encode("/flatnet/flat-a/ipv4/10.43.1.2")
        let value = EtcdBase64.encode(ClusterLeaseRecord(owner: Attachment(containerID: "c1", ifName: "eth0"),
                                                         node: "hostA").json)
        let entry = #"{"key":"\#(key)","create_revision":"2","mod_revision":"5","version":"2","value":"\#(value)"}"#
        let header = #""header":{"cluster_id":"1","member_id":"2","revision":"7","raft_term":"2"}"#
        let answers = [
            ("range page with more", #"{\#(header),"kvs":[\#(entry)],"more":true,"count":"3"}"#),
            ("range without keys", "{\(header)}"),
            ("transaction that failed with a get",
             #"{\#(header),"responses":[{"response_range":{"header":{"revision":"7"},"kvs":[\#(entry)],"count":"1"}}]}"#),
            ("transaction that succeeded",
             #"{\#(header),"succeeded":true,"responses":[{"response_put":{"header":{"revision":"8"}}},"#
                + #"{"response_delete_range":{"header":{"revision":"8"},"deleted":"1"}}]}"#),
            ("numbers for revisions and unpadded base64",
             #"{"header":{"revision":7},"kvs":[{"key":"YWI","value":"","mod_revision":5,"create_revision":2}]}"#),
            ("no leader", #"{"error":"etcdserver: no leader","message":"etcdserver: no leader","code":14}"#),
            ("database space exceeded",
             #"{"error":"etcdserver: mvcc: database space exceeded","message":"etcdserver: mvcc: database "#
                + #"space exceeded","code":8}"#),
        ]
        return answers.map { FuzzSeed("etcd-answers", $0.0, text: $0.1) }
    }

    /// HTTP/1.1 answers in each framing the etcd client reads, and what it must refuse;
    /// Tests/FuzzCorpus/http-response also holds answers captured from etcd 3.4.
    static var httpResponses: [FuzzSeed] {
        let body = #"{"header":{"revision":"7"},"kvs":[{"key":"YQ==","value":"Yg==","mod_revision":"5"}]}"#
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        let answers = [
            ("content length", head + "Content-Length: \(body.utf8.count)\r\n\r\n" + body),
            ("chunked with an extension and a trailer",
             head + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "4\r\n{\"a\"\r\nA;ext=1\r\n:\"0123456\"\r\n1\r\n}\r\n0\r\nX-Trailer: 1\r\n\r\n"),
            ("body to the end of the stream", head + "\r\n" + body),
            ("not HTTP", "SSH-2.0-OpenSSH\r\n\r\n"),
            ("status not a number", "HTTP/1.1 abc\r\n\r\n"),
            ("absurd content length", head + "Content-Length: 999999999999\r\n\r\n"),
            ("unsupported transfer coding", head + "Transfer-Encoding: gzip\r\n\r\n"),
            ("bad chunk size", head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n"),
            // What the fuzz lane found (each failed the target before the reader's fix).
            ("status of two digits", "HTTP/1.1 03 Dec\r\nContent-Length: 0\r\n\r\n"),
            ("status with a sign", "HTTP/1.1 +200 OK\r\nContent-Length: 0\r\n\r\n"),
            ("status of class 0", "HTTP/1.1 002 OK\r\nContent-Length: 0\r\n\r\n"),
            ("header value after a tab and a combining mark",
             "HTTP/1.1 200 OK\r\nX:\t\u{301}v\r\nContent-Length: 0\r\n\r\n"),
        ]
        return answers.map { FuzzSeed("http-response", $0.0, text: $0.1) }
    }
}
