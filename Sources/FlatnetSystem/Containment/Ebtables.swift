import FlatnetCore
import Glibc

/// Debian's ebtables 1.8.x (nf_tables backend), run as programs: `ebtables-save` to read
/// the filter table, `ebtables-restore --noflush` to apply one atomic batch. One exec
/// per batch, never one per rule (PLATFORM-NOTES: 8 single adds cost 27-45 ms, a batch
/// 6-11 ms). Rules live per network namespace: this acts on the calling thread's.
public struct Ebtables: Sendable {
    /// Where Debian installs the tools; a runtime may give the plugin a minimal PATH.
    public static let searchPath = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]

    public init() {}

    /// `ebtables-save [-c]`: the live filter table, with packet counters if asked.
    public func save(counters: Bool = false) throws -> LiveRules {
        let outcome = try run("ebtables-save", arguments: counters ? ["-c"] : [], stdin: "")
        return LiveRules(saveOutput: String(decoding: outcome.stdout, as: UTF8.self))
    }

    /// `ebtables-restore --noflush` with `batch` on stdin: all or nothing.
    public func restore(_ batch: String) throws {
        _ = try run("ebtables-restore", arguments: ["--noflush"], stdin: batch)
    }

    /// Brings the live rules to `rules`; returns whether anything had to change.
    @discardableResult
    public func converge(_ rules: ContainmentRules) throws -> Bool {
        guard let batch = RuleConvergence.batch(desired: rules, live: try save()) else { return false }
        try restore(batch)
        return true
    }

    /// Whether the tools are installed (STATUS, doctor).
    public static var isInstalled: Bool { (try? locate("ebtables-restore")) != nil && (try? locate("ebtables-save")) != nil }

    static func locate(_ program: String) throws(EbtablesError) -> String {
        for directory in searchPath where access(directory + "/" + program, X_OK) == 0 { return directory + "/" + program }
        throw .missing(program)
    }

    private func run(_ program: String, arguments: [String], stdin: String) throws -> ChildOutcome {
        let path = try Ebtables.locate(program)
        let outcome = try ChildProcess.run(path, arguments: arguments, environment: ["PATH": Ebtables.searchPath.joined(separator: ":")],
                                           stdin: Array(stdin.utf8))
        guard outcome.status == 0 else {
            throw EbtablesError.failed(command: ([program] + arguments).joined(separator: " "), status: outcome.status,
                                       stderr: outcome.stderr, batch: stdin)
        }
        return outcome
    }
}

/// ebtables could not do what flatnet needs (plugin code 109).
public enum EbtablesError: Error, CNIErrorConvertible, CustomStringConvertible {
    case missing(String)
    case failed(command: String, status: Int32, stderr: String, batch: String)

    public var description: String { cniError.message + ": " + cniError.details }

    public var cniError: CNIError {
        switch self {
        case .missing(let program):
            return CNIError(.ebtablesFailure, "\(program) is not installed; the metadata block needs ebtables",
                            details: "install Debian's ebtables package; searched \(Ebtables.searchPath.joined(separator: ":"))")
        case .failed(let command, let status, let stderr, let batch):
            let first = batch.split(separator: "\n").prefix(3).joined(separator: " | ")
            return CNIError(.ebtablesFailure, "\(command) failed with status \(status)",
                            details: "\(stderr.trimmingCharacters(in: .whitespacesAndNewlines)) (batch starts: \(first))")
        }
    }
}

extension String {
    func trimmingCharacters(in set: Set<Character>) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}

extension Set where Element == Character {
    static let whitespacesAndNewlines: Set<Character> = [" ", "\n", "\t", "\r"]
}
