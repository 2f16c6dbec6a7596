import FlatnetCore

/// The whole path from stdin bytes to a validated NetworkConfig, `args` and
/// `runtimeConfig` included, as an ADD: the dispatcher (JSON, name, version, netconf,
/// cross-field validation), then everything ADD decides from what passed (allocation,
/// the plan, the rules, the result in the config's CNI version). The same bytes are also
/// read as flatnet-ipam reads them when another plugin delegates to it, and as the CLI
/// reads a netconf file (a conflist or a Multus NetworkAttachmentDefinition).
enum NetconfTarget {
    static let environment = [
        "CNI_COMMAND": "ADD", "CNI_CONTAINERID": "c1", "CNI_NETNS": "/var/run/netns/c1",
        "CNI_IFNAME": "eth0", "CNI_PATH": "/opt/cni/bin",
    ]

    static let target = FuzzTarget(
        name: "netconf", summary: "stdin to a validated netconf, through ADD"
    ) { bytes in
        for mode in [NetworkConfigParser.Mode.plugin, .ipamPlugin] {
            let dispatcher = Dispatcher(backend: FuzzBackend(configMode: mode))
            checkReply(dispatcher.run(environment: environment) { bytes })
        }
        if let document = try? JSONValue.parse(bytes) {
            _ = try? NetconfFile.load(document: document)
        }
    }

    /// Whatever stdin held, stdout is one JSON object: the result (exit 0) or a CNI error
    /// with a numeric code and a message (exit 1). Runtimes parse it either way.
    static func checkReply(_ output: PluginOutput) {
        let reply = try? JSONValue.parse(output.stdout)
        precondition(reply?.objectValue != nil, "stdout is not one JSON object: \(output.stdout)")
        switch output.exitStatus {
        case 0: break
        case 1:
            guard case .number? = reply?["code"], case .string? = reply?["msg"] else {
                preconditionFailure("an error reply without a numeric code and a message: \(output.stdout)")
            }
        default: preconditionFailure("exit status \(output.exitStatus)")
        }
    }
}
