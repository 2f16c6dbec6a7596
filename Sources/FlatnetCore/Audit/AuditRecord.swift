/// One line of the audit log: who asked for what, for which container, what it got.
///
/// Built from the call's inputs (environment, stdin) and its output only, so the same
/// line describes a call that failed validation, one that failed half way and one that
/// succeeded, and writing it needs nothing from the backend. Every field comes from the
/// runtime or from flatnet; nothing the container controls is in it. Values are bounded
/// so that a hostile runtime input cannot make one line megabytes long, and JSON escaping
/// keeps a newline in any of them from forging a second line.
public struct AuditRecord: Equatable, Sendable {
    /// What a line is made of: the call's inputs and what it printed.
    public struct Call: Sendable {
        public var plugin: String
        public var environment: [String: String]
        public var stdin: JSONValue?
        public var output: PluginOutput
        public var time: AuditTime
        public var durationMicroseconds: Int

        public init(plugin: String, environment: [String: String], stdin: JSONValue?,
                    output: PluginOutput, time: AuditTime, durationMicroseconds: Int) {
            self.plugin = plugin
            self.environment = environment
            self.stdin = stdin
            self.output = output
            self.time = time
            self.durationMicroseconds = durationMicroseconds
        }
    }

    public var fields: [String: JSONValue]

    /// Verbs that are audited: VERSION changes and reveals nothing.
    public static func isAudited(_ environment: [String: String]) -> Bool {
        environment["CNI_COMMAND"] != nil && environment["CNI_COMMAND"] != "VERSION"
    }

    public init(_ call: Call) {
        let verb = call.environment["CNI_COMMAND"] ?? ""
        var fields: [String: JSONValue] = [
            "time": .string(call.time.rfc3339), "verb": .string(verb.bounded(16)),
            "plugin": .string(call.plugin.bounded(64)),
            "durationUs": .number(Double(call.durationMicroseconds)),
        ]
        let bounded = { (key: String) in call.environment[key].map { JSONValue.string($0.bounded(256)) } }
        fields["containerID"] = bounded("CNI_CONTAINERID")
        fields["netns"] = bounded("CNI_NETNS")
        fields["ifname"] = bounded("CNI_IFNAME")
        if let name = call.stdin?["name"]?.stringValue { fields["network"] = .string(name.bounded(256)) }
        fields.merge(AuditRecord.runtimeLabels(call.environment["CNI_ARGS"], stdin: call.stdin)) { $1 }
        fields.merge(AuditRecord.outcome(call.output)) { $1 }
        if fields["addresses"] == nil, verb == "DEL" || verb == "CHECK",
           let previous = call.stdin?["prevResult"] {
            fields.merge(AuditRecord.attachment(inResult: previous)) { current, _ in current }
        }
        if fields["hostVeth"] == nil, call.plugin == "flatnet", let veth = AuditRecord.hostVeth(fields) {
            fields["hostVeth"] = .string(veth)
        }
        if verb == "GC", let valid = call.stdin?["cni.dev/valid-attachments"]?.arrayValue {
            fields["validAttachments"] = .array(valid.prefix(100_000).map(AuditRecord.validAttachment))
        }
        self.fields = fields
    }

    /// The verbs of an operator's lease release (`flatnet ipam release`, `ipam gc`,
    /// `teardown --force`): they end a holding as a DEL does (`AddressHistory`).
    public static let operatorReleaseVerbs: Set<String> = ["ipam release", "ipam gc", "teardown"]

    /// A line for a lease an operator command released: which, whose, and who ran it
    /// (`operator`: the user id, and the sudo user when sudo ran it).
    public init(operatorRelease verb: String, network: String, owner: Attachment, address: String?,
                operator user: String, time: AuditTime) {
        var fields: [String: JSONValue] = [
            "time": .string(time.rfc3339), "verb": .string(verb), "plugin": .string("flatnet (operator command)"),
            "network": .string(network.bounded(256)), "containerID": .string(owner.containerID.bounded(256)),
            "ifname": .string(owner.ifName.bounded(64)), "operator": .string(user.bounded(256)), "code": .number(0),
        ]
        fields["addresses"] = address.map { .array([.string($0)]) }
        self.fields = fields
    }

    /// The most one line may take. Each value is bounded, but a runtime can pass many
    /// labels, and escaping can multiply a value's bytes: past this, the runtime's
    /// labels, CNI_ARGS and message are dropped (`truncated`), then a GC's valid list
    /// (`validAttachmentsDropped`: `flatnet who` then ends no holding at that GC).
    public static let maximumLineBytes = 16 * 1024

    /// The line, without its newline: compact JSON with sorted keys.
    public var line: String {
        var fields = fields
        var text = JSONValue.object(fields).serialized()
        guard text.utf8.count > AuditRecord.maximumLineBytes else { return text }
        for key in ["labels", "cniArgs"] { fields[key] = nil }
        fields["message"] = fields["message"]?.stringValue.map { .string($0.bounded(256)) }
        fields["truncated"] = .bool(true)
        text = JSONValue.object(fields).serialized()
        guard text.utf8.count > AuditRecord.maximumLineBytes else { return text }
        let valid = fields.removeValue(forKey: "validAttachments")?.arrayValue?.count ?? 0
        fields["validAttachmentsDropped"] = .number(Double(valid))
        return JSONValue.object(fields).serialized()
    }

    /// `pod` (namespace/name) and `cniArgs` from CNI_ARGS, `labels` from `args.cni.labels`.
    static func runtimeLabels(_ cniArgs: String?, stdin: JSONValue?) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [:]
        var pairs: [String: JSONValue] = [:]
        for pair in (cniArgs ?? "").split(separator: ";").prefix(32) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            pairs[String(parts[0]).bounded(64)] = .string(String(parts[1]).bounded(256))
        }
        if !pairs.isEmpty { fields["cniArgs"] = .object(pairs) }
        if let namespace = pairs["K8S_POD_NAMESPACE"]?.stringValue, let name = pairs["K8S_POD_NAME"]?.stringValue {
            fields["pod"] = .string(namespace + "/" + name)
        }
        var labels: [String: JSONValue] = [:]
        for label in (stdin?["args"]?["cni"]?["labels"]?.arrayValue ?? []).prefix(64) {
            guard let key = label["key"]?.stringValue, let value = label["value"]?.stringValue else { continue }
            labels[key.bounded(64)] = .string(value.bounded(256))
        }
        if !labels.isEmpty { fields["labels"] = .object(labels) }
        return fields
    }

    /// `code` and `message` (0 and nothing for success), plus what an ADD handed out.
    static func outcome(_ output: PluginOutput) -> [String: JSONValue] {
        let reply = try? JSONValue.parse(Array(output.stdout.utf8))
        guard output.exitStatus != 0 else {
            return ["code": .number(0)].merging(reply.map(attachment(inResult:)) ?? [:]) { $1 }
        }
        var fields: [String: JSONValue] = ["code": reply?["code"] ?? .number(Double(output.exitStatus))]
        let message = [reply?["msg"]?.stringValue, reply?["details"]?.stringValue]
            .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
        fields["message"] = .string(message.bounded(1024))
        return fields
    }

    /// Addresses, the container interface's MAC and the host veth, from a CNI result.
    static func attachment(inResult result: JSONValue) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [:]
        let addresses = (result["ips"]?.arrayValue ?? []).prefix(16).compactMap { $0["address"]?.stringValue }
        if !addresses.isEmpty { fields["addresses"] = .array(addresses.map { .string($0.bounded(64)) }) }
        for interface in (result["interfaces"]?.arrayValue ?? []).prefix(16) {
            guard let name = interface["name"]?.stringValue else { continue }
            if interface["sandbox"]?.stringValue?.isEmpty ?? true {
                fields["hostVeth"] = .string(name.bounded(64))
            } else if let mac = interface["mac"]?.stringValue {
                fields["mac"] = .string(mac.bounded(64))
            }
        }
        return fields
    }

    /// The host veth flatnet names for this attachment (DEL without prevResult, failed ADD).
    static func hostVeth(_ fields: [String: JSONValue]) -> String? {
        guard let network = fields["network"]?.stringValue, let container = fields["containerID"]?.stringValue,
              let ifName = fields["ifname"]?.stringValue, !container.isEmpty, !ifName.isEmpty else { return nil }
        let attachment = Attachment(containerID: container, ifName: ifName)
        return InterfaceNaming.hostVeth(network: network, attachment: attachment).value
    }

    static func validAttachment(_ entry: JSONValue) -> JSONValue {
        .object(["containerID": .string((entry["containerID"]?.stringValue ?? "").bounded(256)),
                 "ifname": .string((entry["ifname"]?.stringValue ?? "").bounded(64))])
    }
}
