/// One validated plugin call: the process parameters and the parsed network.
public struct PluginRequest: Sendable {
    public var invocation: CNIInvocation
    public var config: NetworkConfig

    public init(invocation: CNIInvocation, config: NetworkConfig) {
        self.invocation = invocation
        self.config = config
    }
}

/// What carries out the verbs once the dispatcher has validated a call. The executable
/// supplies the real one; tests supply fakes, so the whole verb table runs without root.
public protocol PluginBackend {
    /// How this backend's netconf is read (the plugin's, or a standalone IPAM's).
    var configMode: NetworkConfigParser.Mode { get }
    /// Which node this is, for a netconf with `ipam.nodes` (NodeIdentity's order). Called
    /// only for such a netconf.
    func thisNode(environment: [String: String]) -> NodeIdentity?
    func add(_ request: PluginRequest) throws -> CNIResult
    func delete(_ request: PluginRequest) throws
    func check(_ request: PluginRequest) throws
    func status(_ request: PluginRequest) throws
    func garbageCollect(_ request: PluginRequest) throws
}

extension PluginBackend {
    public var configMode: NetworkConfigParser.Mode { .plugin }

    /// Fakes know only the environment; the real backends read the file and host name too.
    public func thisNode(environment: [String: String]) -> NodeIdentity? {
        NodeIdentity.fromEnvironment(environment)
    }
}

/// An error type from a lower layer that knows its CNI code (netlink, state files, ...).
/// Layers keep their own error types; this is how they reach the one mapping function.
public protocol CNIErrorConvertible: Error {
    var cniError: CNIError { get }
}
