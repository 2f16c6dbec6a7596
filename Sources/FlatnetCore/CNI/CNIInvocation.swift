/// The validated process parameters of one plugin run (everything but stdin).
public struct CNIInvocation: Equatable, Sendable {
    public var command: CNICommand
    /// Empty for STATUS and GC, which act on the whole network.
    public var containerID: String
    /// Absent for DEL when the runtime no longer has the namespace, and for STATUS/GC.
    public var netns: String?
    public var ifName: String
    public var arguments: CNIArguments
    /// Directories to search for delegated plugins (`CNI_PATH`, `:`-separated).
    public var pluginPath: [String]

    public init(
        command: CNICommand, containerID: String = "", netns: String? = nil, ifName: String = "",
        arguments: CNIArguments = CNIArguments(), pluginPath: [String] = []
    ) {
        self.command = command
        self.containerID = containerID
        self.netns = netns
        self.ifName = ifName
        self.arguments = arguments
        self.pluginPath = pluginPath
    }
}

extension CNIInvocation {
    /// The (container id, ifname) pair leases and host veths are keyed by.
    public var attachment: Attachment { Attachment(containerID: containerID, ifName: ifName) }
}

/// Reads and validates the CNI_* environment variables.
public enum CNIEnvironment {
    /// The command named by `CNI_COMMAND`, checking that it is set and known.
    public static func command(in environment: [String: String]) throws(CNIError) -> CNICommand {
        guard let text = environment["CNI_COMMAND"], !text.isEmpty else {
            throw CNIError(.invalidEnvironment, "required env variables [CNI_COMMAND] missing")
        }
        guard let command = CNICommand(rawValue: text) else {
            let known = CNICommand.allCases.map(\.rawValue).joined(separator: ", ")
            throw CNIError(.invalidEnvironment, "unknown CNI_COMMAND: \(text)",
                           details: "expected one of \(known)")
        }
        return command
    }

    /// Checks that every variable `command` needs is present and non-empty, naming all
    /// that are missing at once, as the reference library does.
    public static func checkRequired(
        for command: CNICommand, in environment: [String: String]
    ) throws(CNIError) {
        let missing = command.requiredVariables.filter { (environment[$0] ?? "").isEmpty }
        guard missing.isEmpty else {
            throw CNIError(.invalidEnvironment,
                           "required env variables [\(missing.joined(separator: ","))] missing")
        }
    }

    /// The per-container parameters, validated (container id, netns, ifname, CNI_ARGS).
    public static func invocation(
        for command: CNICommand, in environment: [String: String]
    ) throws(CNIError) -> CNIInvocation {
        var invocation = CNIInvocation(command: command)
        invocation.pluginPath = (environment["CNI_PATH"] ?? "").split(separator: ":").map(String.init)
        guard command.isPerContainer else { return invocation }
        invocation.containerID = try validContainerID(environment["CNI_CONTAINERID"] ?? "")
        invocation.ifName = try validInterfaceName(environment["CNI_IFNAME"] ?? "")
        invocation.netns = try validNetns(environment["CNI_NETNS"])
        invocation.arguments = try CNIArguments(parsing: environment["CNI_ARGS"] ?? "")
        return invocation
    }

    /// `^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$`, the reference library's rule for container ids
    /// and network names.
    public static func isValidName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, isAlphanumeric(first) else { return false }
        return text.unicodeScalars.allSatisfy { isAlphanumeric($0) || $0 == "_" || $0 == "." || $0 == "-" }
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    private static func validContainerID(_ text: String) throws(CNIError) -> String {
        guard isValidName(text) else {
            throw CNIError(.invalidEnvironment, "invalid characters in CNI_CONTAINERID",
                           details: "\"\(text)\" must match ^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")
        }
        return text
    }

    private static func validInterfaceName(_ text: String) throws(CNIError) -> String {
        if let problem = InterfaceName.problem(with: text) {
            throw CNIError(.invalidEnvironment, "invalid CNI_IFNAME", details: "\"\(text)\": \(problem)")
        }
        return text
    }

    /// A namespace path must be absolute: a relative path would be resolved against
    /// whatever directory the runtime happened to start the plugin in.
    private static func validNetns(_ text: String?) throws(CNIError) -> String? {
        guard let text, !text.isEmpty else { return nil }
        guard text.hasPrefix("/"), !text.contains("\0") else {
            throw CNIError(.invalidEnvironment, "invalid CNI_NETNS",
                           details: "\"\(text)\" is not an absolute path")
        }
        return text
    }
}
