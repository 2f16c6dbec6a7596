import FlatnetCore
import FlatnetTestSupport
import Testing

@Suite("Audit log lines")
struct AuditRecordTests {
    static let time = AuditTime(millisecondsSinceEpoch: 1_796_298_002_123)
    static let environment = [
        "CNI_COMMAND": "ADD", "CNI_CONTAINERID": "c0ffee", "CNI_NETNS": "/run/netns/c0ffee", "CNI_IFNAME": "eth0",
        "CNI_ARGS": "IgnoreUnknown=1;K8S_POD_NAMESPACE=payments;K8S_POD_NAME=ledger-0;IP=10.43.1.9",
        "CNI_PATH": "/opt/cni/bin",
    ]
    static let stdin = try! JSONValue.parse("""
        {"cniVersion": "1.1.0", "name": "flat-a", "type": "flatnet",
         "args": {"cni": {"labels": [{"key": "app", "value": "ledger"}, {"key": "tier"}]}}}
        """)
    static let addResult = """
        {"cniVersion":"1.1.0","interfaces":[{"name":"fl0a1b2c3d4e5f"},
         {"name":"eth0","mac":"02:00:00:00:00:09","sandbox":"/run/netns/c0ffee"}],
         "ips":[{"address":"10.43.1.9/16","gateway":"10.43.0.1","interface":1}]}
        """

    static func record(_ environment: [String: String] = environment, stdin: JSONValue? = stdin,
                       output: PluginOutput, plugin: String = "flatnet") -> AuditRecord {
        AuditRecord(.init(plugin: plugin, environment: environment, stdin: stdin, output: output,
                          time: time, durationMicroseconds: 12_345))
    }

    @Test("an ADD line names the call, the pod, the runtime's labels and what the container got")
    func add() throws {
        let line = Self.record(output: PluginOutput(stdout: Self.addResult, exitStatus: 0)).line
        #expect(!line.contains("\n"))
        let fields = try JSONValue.parse(line)
        let expected: [String: JSONValue] = [
            "time": "2026-12-03T11:40:02.123Z", "verb": "ADD", "plugin": "flatnet", "network": "flat-a",
            "containerID": "c0ffee", "netns": "/run/netns/c0ffee", "ifname": "eth0", "pod": "payments/ledger-0",
            "labels": .object(["app": "ledger"]), "addresses": .array(["10.43.1.9/16"]),
            "mac": "02:00:00:00:00:09", "hostVeth": "fl0a1b2c3d4e5f", "code": 0, "durationUs": 12_345,
        ]
        let cniArgs: [String: JSONValue] = [
            "IgnoreUnknown": "1", "K8S_POD_NAMESPACE": "payments", "K8S_POD_NAME": "ledger-0", "IP": "10.43.1.9",
        ]
        #expect(fields == .object(expected.merging(["cniArgs": .object(cniArgs)]) { $1 }))
    }

    @Test("a failed call keeps its CNI code and message, and the host veth flatnet would name")
    func failure() throws {
        let error = #"{"cniVersion":"1.1.0","code":11,"msg":"pool locked","details":"try again"}"#
        let fields = try JSONValue.parse(Self.record(output: PluginOutput(stdout: error, exitStatus: 1)).line)
        #expect(fields["code"] == 11)
        #expect(fields["message"] == "pool locked: try again")
        #expect(fields["addresses"] == nil)
        let expected = InterfaceNaming.hostVeth(network: "flat-a", attachment: .init(containerID: "c0ffee", ifName: "eth0"))
        #expect(fields["hostVeth"]?.stringValue == expected.value)
    }

    @Test("a DEL line carries the addresses of its prevResult")
    func deleteWithPreviousResult() throws {
        var environment = Self.environment
        environment["CNI_COMMAND"] = "DEL"
        var stdin = try #require(Self.stdin.objectValue)
        stdin["prevResult"] = try JSONValue.parse(Self.addResult)
        let fields = try JSONValue.parse(Self.record(environment, stdin: .object(stdin), output: .success).line)
        #expect(fields["verb"] == "DEL" && fields["code"] == 0)
        #expect(fields["addresses"] == .array(["10.43.1.9/16"]))
        #expect(fields["hostVeth"] == "fl0a1b2c3d4e5f")
    }

    @Test("a GC line lists the attachments the runtime called valid")
    func garbageCollect() throws {
        let environment = ["CNI_COMMAND": "GC", "CNI_PATH": "/opt/cni/bin"]
        let stdin = try JSONValue.parse("""
            {"cniVersion": "1.1.0", "name": "flat-a", "type": "flatnet",
             "cni.dev/valid-attachments": [{"containerID": "c1", "ifname": "eth0"}]}
            """)
        let fields = try JSONValue.parse(Self.record(environment, stdin: stdin, output: .success).line)
        #expect(fields["validAttachments"] == .array([.object(["containerID": "c1", "ifname": "eth0"])]))
        #expect(fields["containerID"] == nil && fields["hostVeth"] == nil)
    }

    @Test("unreadable stdin still gives a line; hostile values cannot add lines or grow without bound")
    func hostileInputs() throws {
        var environment = Self.environment
        environment["CNI_ARGS"] = "K8S_POD_NAMESPACE=a\n{\"verb\":\"DEL\"};K8S_POD_NAME=" + String(repeating: "x", count: 1_000_000)
        environment["CNI_CONTAINERID"] = "c\r\n\u{0}"
        let line = Self.record(environment, stdin: nil, output: PluginOutput(stdout: "garbage", exitStatus: 1)).line
        #expect(!line.contains("\n") && !line.contains("\r"))
        #expect(line.utf8.count < 4096)
        let fields = try JSONValue.parse(line)
        #expect(fields["network"] == nil && fields["code"] == 1 && fields["verb"] == "ADD")
        #expect(fields["pod"]?.stringValue?.hasPrefix("a\n{\"verb\":\"DEL\"}/xxx") == true)
    }

    @Test("VERSION is not audited; every other verb, and an unknown one, is")
    func auditedVerbs() {
        #expect(!AuditRecord.isAudited(["CNI_COMMAND": "VERSION"]))
        #expect(!AuditRecord.isAudited([:]))
        for verb in ["ADD", "DEL", "CHECK", "GC", "STATUS", "BOGUS"] {
            #expect(AuditRecord.isAudited(["CNI_COMMAND": verb]))
        }
    }

    @Test("settings: defaults, an empty logFile turns the file off, bad values keep defaults when lenient")
    func settings() throws {
        #expect(AuditSettings.lenient(nil) == AuditSettings())
        #expect(AuditSettings().file == "/var/log/flatnet/audit.log")
        let off = AuditSettings.lenient(try JSONValue.parse(#"{"logFile": ""}"#))
        #expect(off.file == nil && off.isOff)
        let custom = AuditSettings.lenient(try JSONValue.parse(
            #"{"logFile": "/srv/a.log", "logSyslog": true, "logMaxBytes": 8192, "logKeep": 2}"#))
        #expect(custom.file == "/srv/a.log" && custom.syslog && custom.maxBytes == 8192 && custom.keep == 2)
        let bad = AuditSettings.lenient(try JSONValue.parse(#"{"logFile": "rel", "logKeep": 0, "logSyslog": 1}"#))
        #expect(bad == AuditSettings())
        let parsed = try NetworkConfigParser.parse(Valid.config.setting("logFile", to: "/srv/b.log"),
                                                   cniVersion: CNIVersion(1, 1, 0))
        #expect(parsed.audit.file == "/srv/b.log")
    }

    @Test("the default file is shared: a netconf may keep more of it, never less; its own file as it says")
    func defaultFileFloor() throws {
        let small = AuditSettings.lenient(try JSONValue.parse(#"{"logMaxBytes": 4096, "logKeep": 1}"#))
        #expect(small.maxBytes == AuditSettings.defaultMaxBytes && small.keep == AuditSettings.defaultKeep)
        let more = AuditSettings.lenient(try JSONValue.parse(#"{"logMaxBytes": 104857600, "logKeep": 20}"#))
        #expect(more.maxBytes == 104_857_600 && more.keep == 20)
        let own = AuditSettings.lenient(try JSONValue.parse(
            #"{"logFile": "/srv/own.log", "logMaxBytes": 4096, "logKeep": 1}"#))
        #expect(own.maxBytes == 4096 && own.keep == 1)
    }

    @Test("a line stays within 16 KiB: many labels are dropped (truncated), then a GC's huge valid list")
    func boundedLine() throws {
        let labels = JSONValue.array((0..<64).map { index in
            .object(["key": .string("k\(index)"), "value": .string(String(repeating: "\u{1}", count: 256))])
        })
        let stdin = try #require(Self.stdin.objectValue).merging(["args": .object(["cni": .object(["labels": labels])])]) { $1 }
        let line = Self.record(stdin: .object(stdin), output: PluginOutput(stdout: Self.addResult, exitStatus: 0)).line
        #expect(line.utf8.count <= AuditRecord.maximumLineBytes)
        let fields = try JSONValue.parse(line)
        #expect(fields["truncated"] == true && fields["labels"] == nil && fields["addresses"] != nil)

        let valid = JSONValue.array((0..<100_000).map { .object(["containerID": .string("c\($0)"), "ifname": "eth0"]) })
        let gc = Self.record(["CNI_COMMAND": "GC"], stdin: .object(["name": "flat-a", "cni.dev/valid-attachments": valid]),
                             output: .success).line
        #expect(gc.utf8.count <= AuditRecord.maximumLineBytes)
        #expect(try JSONValue.parse(gc)["validAttachmentsDropped"] == 100_000)
    }

    @Test("bounded text is a prefix: one character too big ends it")
    func boundedPrefix() {
        let text = "ledger-" + "0" + String(repeating: "\u{301}", count: 300) + "X"
        #expect(text.bounded(16).hasPrefix("ledger-…"), "\(text.bounded(16))")
        #expect(!text.bounded(16).contains("X"))
    }
}
