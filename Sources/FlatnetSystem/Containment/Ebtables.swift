import FlatnetCore
import Glibc

/// One ebtables backend, run as programs: `<tool> -t filter -L [--Lc]` to read the filter
/// table, `<tool>-restore --noflush` to apply one atomic batch. One exec per batch,
/// never one per rule (PLATFORM-NOTES: 8 single adds cost 27-45 ms, a batch 6-11 ms).
/// Rules live per network namespace: this acts on the calling thread's.
///
/// Which backend a network uses is decided on purpose (Ebtables+Selection.swift), never
/// through the `ebtables` alternative.
public struct Ebtables: Sendable {
    /// Where Debian installs the tools; a runtime may give the plugin a minimal PATH.
    public static let searchPath = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]

    /// How long one list or restore may run before it is killed (error code 11). A
    /// healthy one takes 6-120 ms, 81 ms with 3,000 ports on a loaded machine
    /// (PLATFORM-NOTES); 10 s is far past that, and as long as the pool lock is awaited.
    public static let deadlineMilliseconds = 10_000

    public let backend: EbtablesBackend

    public init(backend: EbtablesBackend) {
        self.backend = backend
    }

    /// `<tool> -t filter -L [--Lc]`: the live filter table, with packet counters if asked.
    public func live(counters: Bool = false) throws -> LiveRules {
        let arguments = ["-t", "filter", "-L"] + (counters ? ["--Lc"] : [])
        let outcome = try run(backend.tool, arguments: arguments, stdin: "")
        return LiveRules(listing: String(decoding: outcome.stdout, as: UTF8.self))
    }

    /// `<tool>-restore --noflush` with `batch` on stdin: all or nothing.
    public func restore(_ batch: String) throws {
        _ = try run(backend.restoreTool, arguments: ["--noflush"], stdin: batch)
    }

    /// Brings the live rules to `rules`; returns whether anything had to change.
    @discardableResult
    public func converge(_ rules: ContainmentRules) throws -> Bool {
        guard let batch = RuleConvergence.batch(desired: rules, live: try live()) else { return false }
        try restore(batch)
        return true
    }

    /// Removes the network's chains and jumps, then forgets which backend held them
    /// (teardown). Returns whether any chain or jump was live.
    public func remove(_ rules: ContainmentRules, network: String) throws -> Bool {
        let batch = RuleConvergence.teardown(rules, live: try live())
        if let batch { try restore(batch) }
        try EbtablesRecords.forget(network: network)
        return batch != nil
    }

    /// The absolute path of `program` in the search path (`access(X_OK)`: a tool hidden
    /// by a bind-mounted /dev/null counts as missing, as it should).
    static func locate(_ program: String) throws(EbtablesError) -> String {
        let paths = searchPath.map { $0 + "/" + program }
        guard let path = paths.first(where: { access($0, X_OK) == 0 }) else { throw .missing(program) }
        return path
    }

    private func run(_ program: String, arguments: [String], stdin: String) throws -> ChildOutcome {
        let path = try Ebtables.locate(program)
        let command = ChildCommand(path: path, arguments: arguments,
                                   environment: ["PATH": Ebtables.searchPath.joined(separator: ":")],
                                   deadlineMilliseconds: Ebtables.deadlineMilliseconds)
        let outcome = try ChildProcess.run(command, stdin: Array(stdin.utf8))
        guard outcome.status == 0 else {
            let command = ([program] + arguments).joined(separator: " ")
            throw EbtablesError.failed(command: command, status: outcome.status, stderr: outcome.stderr,
                                       batch: stdin)
        }
        return outcome
    }
}
