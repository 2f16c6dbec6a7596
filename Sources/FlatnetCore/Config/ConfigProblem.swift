/// One thing wrong with a network configuration, tied to the field that is wrong.
public struct ConfigProblem: Equatable, Sendable, CustomStringConvertible {
    /// What kind of problem: an unknown key maps to CNI code 2, anything else to code 7.
    public enum Kind: Equatable, Sendable { case invalidValue, unknownKey }

    /// The field path, as an operator would write it: `ipam.ranges[1].rangeEnd`.
    public let path: String
    public let message: String
    public let kind: Kind

    /// Paths and messages are bounded: they quote what the input said, and the input may
    /// be megabytes long.
    public init(path: String, message: String, kind: Kind = .invalidValue) {
        self.path = path.bounded(ConfigProblem.pathLimit)
        self.message = message.bounded(ConfigProblem.messageLimit)
        self.kind = kind
    }

    static let pathLimit = 120
    static let messageLimit = 300

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Every problem found in one configuration, reported together so an operator fixes
/// them in one pass instead of one per attempt.
public struct ConfigError: Error, Equatable, Sendable {
    public let problems: [ConfigProblem]

    public init(_ problems: [ConfigProblem]) { self.problems = problems }

    /// CNI code 2 ("unsupported field") when every problem is an unknown key, else 7.
    public var cniCode: CNIErrorCode {
        problems.allSatisfy { $0.kind == .unknownKey } ? .unsupportedField : .invalidNetworkConfig
    }
}

/// Collects problems while a configuration is read. A class so that nested readers
/// append to one shared list.
final class ProblemLog {
    private(set) var problems: [ConfigProblem] = []

    func add(_ path: String, _ message: String, kind: ConfigProblem.Kind = .invalidValue) {
        problems.append(ConfigProblem(path: path, message: message, kind: kind))
    }

    var isEmpty: Bool { problems.isEmpty }

    func throwIfAny() throws(ConfigError) {
        if !problems.isEmpty { throw ConfigError(problems) }
    }
}
