import FlatnetCore
import Glibc

/// The `nft` program, for what is done once per network: applying a port security table
/// (one atomic `nft -f -` transaction) and reading one back. Per-container elements never
/// go through here: they are netlink requests (`NetfilterSocket`), whose cost does not
/// grow with the host. Acts on the calling thread's network namespace.
public enum Nft {
    /// `nft -f -` with `script` on stdin: all of it or nothing.
    public static func apply(_ script: String) throws {
        _ = try run(["-f", "-"], stdin: script)
    }

    /// `nft list table bridge <table>`, or nil when there is no such table.
    public static func table(_ table: String) throws -> LiveNftTable? {
        let path = try locate()
        let outcome = try ChildProcess.run(command(path, ["list", "table", "bridge", table]), stdin: [])
        if outcome.status != 0, outcome.stderr.contains("No such file or directory") { return nil }
        guard outcome.status == 0 else {
            throw NftError.failed(command: "nft list table bridge \(table)", status: outcome.status,
                                  stderr: outcome.stderr, script: "")
        }
        return LiveNftTable(listing: String(decoding: outcome.stdout, as: UTF8.self))
    }

    /// STATUS: code 50 when port security cannot be applied here (no nft).
    public static func requireAvailable() throws {
        do {
            _ = try locate()
        } catch {
            throw CNIError(.notAvailable, error.cniError.message, details: error.cniError.details)
        }
    }

    /// `nft` in Debian's places (a runtime may give the plugin a minimal PATH).
    static func locate() throws(NftError) -> String {
        let paths = Ebtables.searchPath.map { $0 + "/nft" }
        guard let path = paths.first(where: { access($0, X_OK) == 0 }) else { throw .missing }
        return path
    }

    static let environment = ["PATH": Ebtables.searchPath.joined(separator: ":")]

    /// How long one `nft` run may take before it is killed (error code 11). Applying or
    /// listing one network's table takes milliseconds; 10 s is as for ebtables.
    public static let deadlineMilliseconds = 10_000

    private static func command(_ path: String, _ arguments: [String]) -> ChildCommand {
        ChildCommand(path: path, arguments: arguments, environment: environment,
                     deadlineMilliseconds: deadlineMilliseconds)
    }

    private static func run(_ arguments: [String], stdin: String) throws -> ChildOutcome {
        let path = try locate()
        let outcome = try ChildProcess.run(command(path, arguments), stdin: Array(stdin.utf8))
        guard outcome.status == 0 else {
            throw NftError.failed(command: (["nft"] + arguments).joined(separator: " "), status: outcome.status,
                                  stderr: outcome.stderr, script: stdin)
        }
        return outcome
    }
}

/// Port security could not be applied or read (plugin code 110).
public enum NftError: Error, CNIErrorConvertible, CustomStringConvertible {
    case missing
    case failed(command: String, status: Int32, stderr: String, script: String)

    static let fix = "install Debian's nftables package (port security needs nft and a kernel"
        + " with nf_tables bridge support), or set \"portSecurity\": false (unsafe)"

    public var description: String { cniError.message + ": " + cniError.details }

    public var cniError: CNIError {
        switch self {
        case .missing:
            return CNIError(.portSecurityFailure, "nft is not installed; port security needs it",
                            details: "searched \(Ebtables.searchPath.joined(separator: ":")); \(NftError.fix)")
        case .failed(let command, let status, let stderr, let script):
            let first = script.split(separator: "\n").prefix(2).joined(separator: " | ")
            let started = script.isEmpty ? "" : " (script starts: \(first))"
            return CNIError(.portSecurityFailure, "\(command) failed with status \(status)",
                            details: stderr.trimmingCharacters(in: .whitespacesAndNewlines) + started)
        }
    }
}
