import FlatnetCore
import Testing

@Suite("did you mean: the closest command by edit distance")
struct CommandSuggestionTests {
    static let commands = ["plan", "rules", "doctor", "version", "ipam", "netconf", "setup", "teardown", "help"]

    @Test("a typo of one or two edits names the command", arguments: [
        ("doctr", "doctor"), ("docotr", "doctor"), ("ipma", "ipam"), ("plna", "plan"), ("rule", "rules"),
        ("stup", "setup"), ("tear-down", "teardown"), ("vresion", "version"), ("netcnof", "netconf"),
    ])
    func typo(_ typed: String, _ expected: String) {
        #expect(CommandSuggestion.closest(to: typed, among: Self.commands) == expected)
    }

    @Test("a word that is no command's typo gets no suggestion", arguments: [
        "frobnicate", "x", "", "ls", "pla-n-x", "install",
    ])
    func noSuggestion(_ typed: String) {
        #expect(CommandSuggestion.closest(to: typed, among: Self.commands) == nil)
    }

    @Test("subcommands: lst -> list, gcc -> gc, relase -> release")
    func subcommands() {
        let ipam = ["list", "usage", "release", "gc"]
        #expect(CommandSuggestion.closest(to: "lst", among: ipam) == "list")
        #expect(CommandSuggestion.closest(to: "gcc", among: ipam) == "gc")
        #expect(CommandSuggestion.closest(to: "relase", among: ipam) == "release")
    }

    @Test("edit distance: insertions, deletions, substitutions and adjacent swaps count one", arguments: [
        ("", "", 0), ("abc", "", 3), ("", "abc", 3), ("doctor", "doctor", 0), ("doctr", "doctor", 1),
        ("doctor", "doktor", 1), ("ipma", "ipam", 1), ("abcd", "badc", 2), ("kitten", "sitting", 3),
    ])
    func distance(_ left: String, _ right: String, _ expected: Int) {
        #expect(CommandSuggestion.editDistance(left, right) == expected)
        #expect(CommandSuggestion.editDistance(right, left) == expected, "symmetric")
    }
}
