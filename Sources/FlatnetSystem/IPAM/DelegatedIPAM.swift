import FlatnetCore
import Glibc

/// Another IPAM plugin (host-local, dhcp, ...) run from CNI_PATH, the way libcni's
/// invoke.DelegateAdd does: the same environment with CNI_COMMAND set, the whole netconf
/// on stdin, the (abbreviated) result on stdout.
public struct DelegatedIPAM: Sendable {
    public let type: String
    public let searchPath: [String]
    /// How long one run of the plugin may take before it is killed (error code 11).
    public let deadlineMilliseconds: Int

    /// 60 s by default: a DHCP plugin may wait several seconds for a lease, and the
    /// runtime's own limit (kubelet: 2 minutes per sandbox request) must not be what ends
    /// an ADD, since then nobody says why.
    public static let defaultDeadlineMilliseconds = 60_000

    public init(type: String, searchPath: [String], deadlineMilliseconds: Int = defaultDeadlineMilliseconds) {
        self.type = type
        self.searchPath = searchPath
        self.deadlineMilliseconds = deadlineMilliseconds
    }

    /// The first executable named `type` in CNI_PATH.
    public func locate() throws -> String {
        for directory in searchPath where !directory.isEmpty {
            let candidate = directory.hasSuffix("/") ? directory + type : directory + "/" + type
            if access(candidate, X_OK) == 0 { return candidate }
        }
        throw CNIError(.delegatedIPAMFailed, "IPAM plugin \(type) not found in CNI_PATH",
                       details: "searched: \(searchPath.joined(separator: ":"))")
    }

    /// Runs one verb. ADD returns the plugin's result; the other verbs return nil.
    /// A plugin's own error object keeps its code (11 stays "try again"), with the
    /// plugin named in the message.
    @discardableResult
    public func run(
        _ command: CNICommand, environment: [String: String], netconf: JSONValue
    ) throws -> CNIResult? {
        var environment = environment
        environment["CNI_COMMAND"] = command.rawValue
        let child = ChildCommand(path: try locate(), arguments: [], environment: environment,
                                 deadlineMilliseconds: deadlineMilliseconds)
        let outcome = try ChildProcess.run(child, stdin: Array(netconf.serialized().utf8))
        let reply = try? JSONValue.parse(outcome.stdout)
        guard outcome.status == 0 else { throw failure(outcome, reply: reply) }
        guard command == .add else { return nil }
        guard let reply else {
            throw CNIError(.delegatedIPAMFailed, "IPAM plugin \(type) printed no result",
                           details: outcome.stderr)
        }
        do {
            return try CNIResultParser.parse(reply)
        } catch {
            throw CNIError(.delegatedIPAMFailed, "IPAM plugin \(type) returned an unusable result",
                           details: CNIErrorMapping.cniError(for: error).details)
        }
    }

    private func failure(_ outcome: ChildOutcome, reply: JSONValue?) -> CNIError {
        if case .number(let code)? = reply?["code"], let message = reply?["msg"]?.stringValue {
            let details = reply?["details"]?.stringValue ?? ""
            return CNIError(CNIErrorCode(rawValue: Int(code)), "IPAM plugin \(type): \(message)",
                            details: details)
        }
        return CNIError(.delegatedIPAMFailed, "IPAM plugin \(type) exited with status \(outcome.status)",
                        details: outcome.stderr)
    }
}
