import FlatnetCore

/// ebtables could not do what flatnet needs (plugin code 109; STATUS answers the same
/// text with 50).
public enum EbtablesError: Error, CNIErrorConvertible, CustomStringConvertible {
    case missing(String)
    case failed(command: String, status: Int32, stderr: String, batch: String)
    /// Neither backend works here; why, per backend, in order of preference.
    case noWorkingBackend(network: String, reasons: [(EbtablesBackend, String)])
    /// The network's rules are recorded in `backend`, which no longer works here.
    case recordedNotWorking(network: String, backend: EbtablesBackend, reason: String)

    public var description: String { cniError.message + ": " + cniError.details }

    public var cniError: CNIError {
        switch self {
        case .missing(let program):
            let backend = EbtablesBackend.allCases.first { program.hasPrefix($0.tool) }
            let fix = backend?.fix ?? EbtablesBackend.fixWhenNoneWorks
            return CNIError(.ebtablesFailure,
                            "\(program) is not installed; the metadata block needs ebtables",
                            details: "searched \(Ebtables.searchPath.joined(separator: ":")); \(fix)")
        case .failed(let command, let status, let stderr, let batch):
            let first = batch.split(separator: "\n").prefix(3).joined(separator: " | ")
            let started = batch.isEmpty ? "" : " (batch starts: \(first))"
            return CNIError(.ebtablesFailure, "\(command) failed with status \(status)",
                            details: stderr.trimmingCharacters(in: .whitespacesAndNewlines) + started)
        case .noWorkingBackend(let network, let reasons):
            let why = reasons.map { "\($0.0.tool): \($0.1)" }.joined(separator: "; ")
            return CNIError(.ebtablesFailure, "no working ebtables backend; \(EbtablesBackend.nfTables.fix)",
                            details: "network \(network) needs ebtables for its metadata link (\(why)); "
                                + "fix: \(EbtablesBackend.fixWhenNoneWorks)")
        case .recordedNotWorking(let network, let backend, let reason):
            let message = "network \(network)'s ebtables rules are in \(backend), which does not work here; "
            return CNIError(.ebtablesFailure, message + backend.fix,
                            details: "\(backend.tool): \(reason); flatnet recorded \(backend.rawValue)"
                                + " when it installed the rules and never splits a network's rules"
                                + " across backends")
        }
    }

    /// Why a backend's list command failed, in one line (probe reports).
    var reason: String {
        switch self {
        case .missing: return "not installed (searched \(Ebtables.searchPath.joined(separator: ":")))"
        case .failed(let command, let status, let stderr, _):
            return "`\(command)` exited \(status): " + stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        case .noWorkingBackend, .recordedNotWorking: return cniError.message
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
