/// Runs one CNI call: environment and stdin in, stdout text and exit status out.
///
/// The order of checks follows the reference library (pkg/skel), because that is what
/// runtimes were written against: environment (code 4), stdin (5, 6), network name (7),
/// container id and interface name (4), CNI_ARGS (4), config version (1), then the full
/// netconf (2, 7), and only then the backend.
public struct Dispatcher {
    private let backend: any PluginBackend

    public init(backend: any PluginBackend) {
        self.backend = backend
    }

    /// `readStdin` is called at most once, and not at all when the environment is invalid.
    public func run(environment: [String: String], readStdin: () throws -> [UInt8]) -> PluginOutput {
        run(environment: environment, readStdin: readStdin, document: { _ in })
    }

    /// As above; `document` receives stdin once it parsed as a JSON object (the audit line
    /// reads the network's name and log settings from it without parsing stdin again).
    public func run(environment: [String: String], readStdin: () throws -> [UInt8],
                    document seen: (JSONValue) -> Void) -> PluginOutput {
        var replyVersion = CNIVersion.current.description
        do {
            let command = try CNIEnvironment.command(in: environment)
            try CNIEnvironment.checkRequired(for: command, in: environment)
            if command == .version { return VersionReply.output(stdin: try? readStdin()) }
            let document = try StdinDocument.read(readStdin)
            seen(document)
            replyVersion = StdinDocument.replyVersion(document)
            try StdinDocument.checkNetworkName(document)
            let invocation = try CNIEnvironment.invocation(for: command, in: environment)
            let version = try StdinDocument.configVersion(document, for: command)
            let config = try NetworkConfigParser.parse(
                document, cniVersion: version, mode: backend.configMode,
                node: .thisNode { backend.thisNode(environment: environment) })
            return try perform(PluginRequest(invocation: invocation, config: config))
        } catch {
            return .failure(CNIErrorMapping.cniError(for: error), cniVersion: replyVersion)
        }
    }

    private func perform(_ request: PluginRequest) throws -> PluginOutput {
        switch request.invocation.command {
        case .add: return .result(try backend.add(request).json(for: request.config.cniVersion))
        case .delete: try backend.delete(request)
        case .check: try backend.check(request)
        case .status: try backend.status(request)
        case .garbageCollect: try backend.garbageCollect(request)
        case .version: break
        }
        return .success
    }
}
