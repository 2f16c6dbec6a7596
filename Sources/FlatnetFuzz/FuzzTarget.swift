#if canImport(Glibc)
import Glibc
#endif

/// One parser under fuzzing: a name (the corpus folder Tests/FuzzCorpus/<name>) and a
/// function taking the raw input bytes. A target returns normally for any input the
/// parser refuses or accepts; it traps only on a bug (a Swift runtime check, or one of
/// the target's own preconditions about what a parser promises).
struct FuzzTarget: Sendable {
    let name: String
    let summary: String
    let run: @Sendable ([UInt8]) -> Void
    /// Why the target cannot run here (a file it reads is missing), checked before
    /// fuzzing so a setup problem is not reported as a crash.
    var setupProblem: @Sendable () -> String? = { nil }

    static let all: [FuzzTarget] = [
        JSONTarget.target, NetconfTarget.target, CNIArgumentsTarget.target, EbtablesListingTarget.target,
        NftListingTarget.target, NftRepliesTarget.target, CatalogAnswersTarget.target, FleetTarget.target,
        IPAMResultTarget.target, StateRecordsTarget.target, HTTPResponseTarget.target,
        EtcdAnswersTarget.target, ClusterRecordsTarget.target,
    ]

    static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }

    /// The target `FLATNET_FUZZ_TARGET` names (read once: libFuzzer calls in a loop).
    static let selected: FuzzTarget? = getenv("FLATNET_FUZZ_TARGET").flatMap { named(String(cString: $0)) }

    /// Explains the selection and returns the exit status for a missing or unknown one.
    static func refuseSelection() -> CInt {
        let given = getenv("FLATNET_FUZZ_TARGET").map { String(cString: $0) } ?? "(unset)"
        printError("FLATNET_FUZZ_TARGET=\(given) names no target; targets:\n" + listing)
        return 2
    }

    static var listing: String {
        all.map { "  \($0.name)" + String(repeating: " ", count: max(1, 16 - $0.name.count)) + $0.summary }
            .joined(separator: "\n")
    }
}

/// Writes a line to stderr (fd 2: Swift 6 refuses the C global `stderr`).
func printError(_ text: String) {
    let line = Array((text + "\n").utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
