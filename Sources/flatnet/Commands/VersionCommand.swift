import ArgumentParser
import FlatnetCore
import FlatnetSystem

/// `flatnet version`: this build's facts. The CNI VERSION verb (CNI_COMMAND=VERSION) is
/// another thing: the plugin's reply the spec defines, answered without this code.
struct VersionCommand: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print flatnet's version and build facts.",
        discussion: """
            Print flatnet's version and the CNI versions it supports, with the git commit it was \
            built from (+dirty when the tree had uncommitted changes), that commit's date, the \
            Swift compiler and the libnl library linked in. A binary built without \
            scripts/lib/common.sh build_release says "unknown" for the commit, date and Swift.
            """)

    @OptionGroup var json: JSONOption

    func execute() throws -> CommandOutcome {
        let report = BuildFacts.report
        return .init(output: json.enabled ? report.json.prettyPrinted() + "\n" : report.text)
    }
}
