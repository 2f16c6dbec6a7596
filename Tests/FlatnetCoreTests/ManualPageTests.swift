import FlatnetCore
import Testing

/// The man page and the option checks read the parser's tool info; a small document in
/// its format (swift-argument-parser's ToolInfoV0, as `--experimental-dump-help` prints).
@Suite("man page and documentation from the parser's tool info")
struct ManualPageTests {
    static func option(_ name: String, value: String?, optional: Bool = true, repeating: Bool = false,
                       kind: String = "option", abstract: String = "") -> String {
        let names = name == "help" ? #"[{"kind":"short","name":"h"},{"kind":"long","name":"help"}]"#
            : #"[{"kind":"long","name":"\#(name)"}]"#
        return #"{"kind":"\#(kind)","names":\#(names),"isOptional":\#(optional),"isRepeating":\#(repeating),"#
            + #""shouldDisplay":true,"parsingStrategy":"default","abstract":"\#(abstract)""#
            + (value.map { #","valueName":"\#($0)""# } ?? "") + "}"
    }

    static let toolInfo = #"{"serializationVersion":0,"command":{"commandName":"flatnet","#
        + #""abstract":"A CNI plugin for flat layer-2 networks.","discussion":"First paragraph.\n\n.Second, with a-dash.","#
        + #""arguments":[\#(option("help", value: nil, kind: "flag"))],"subcommands":["#
        + #"{"commandName":"ipam","superCommands":["flatnet"],"abstract":"The pool.","subcommands":["#
        + #"{"commandName":"gc","abstract":"Release leases.","arguments":["#
        + option("conf", value: "file", optional: false, abstract: "The network's file.") + ","
        + option("live", value: "id,id,...", abstract: "Live ids.") + ","
        + option("set", value: "key=value", repeating: true, abstract: "An answer.") + ","
        + option("dry-run", value: "dry-run", kind: "flag", abstract: "Change nothing.") + ","
        + option("help", value: nil, kind: "flag") + "]}]},"
        + #"{"commandName":"generate-manual","shouldDisplay":false,"abstract":"Hidden."}]}}"#

    static func documentation() throws -> CommandDocumentation {
        try CommandDocumentation(toolInfo: try JSONValue.parse(toolInfo))
    }

    @Test("reads the command tree: paths, arguments without help flags, hidden commands left out")
    func tree() throws {
        let tool = try Self.documentation()
        #expect(tool.shownCommands.map { $0.path.joined(separator: " ") } == ["flatnet", "flatnet ipam", "flatnet ipam gc"])
        let gc = try #require(tool.subcommands.first?.subcommands.first)
        #expect(gc.arguments.map(\.displayName) == ["--conf", "--live", "--set", "--dry-run"])
        #expect(gc.arguments.first?.isOptional == false && gc.arguments[2].isRepeating)
        #expect(gc.singleValueOptions == ["--conf", "--live"], "flags and repeatable options may repeat")
    }

    @Test("refuses a document of another serialization version")
    func otherVersion() throws {
        #expect(throws: DocumentationError.self) {
            try CommandDocumentation(toolInfo: try JSONValue.parse(#"{"serializationVersion":1,"command":{}}"#))
        }
    }

    @Test("a single-value option given twice is found, in either spelling, not after --", arguments: [
        (["--conf", "a", "--conf", "b"], "--conf"), (["--conf=a", "--live", "x", "--conf", "b"], "--conf"),
        (["--conf", "a", "--set", "x=1", "--set", "y=2", "--dry-run", "--dry-run"], nil),
        (["--conf", "a", "--", "--conf"], nil), (["--live=a", "--live=b"], "--live"),
    ] as [([String], String?)])
    func repeatedOption(_ arguments: [String], _ expected: String?) throws {
        let gc = try #require(try Self.documentation().subcommands.first?.subcommands.first)
        #expect(gc.repeatedOption(in: arguments) == expected)
    }

    @Test("the page: NAME as a phrase, a SYNOPSIS line per command, options, extra sections, escapes")
    func page() throws {
        let page = ManualPage(tool: try Self.documentation(), source: "flatnet 0.1.0", date: "2026-12-03",
                              sections: [.init(title: "Files", entries: [("/run/flatnet", "Locks.")])],
                              seeAlso: [("ip", 8)]).roff()
        let lines = page.split(separator: "\n").map(String.init)
        #expect(lines.first == #".TH FLATNET 1 "2026\-12\-03" "flatnet 0.1.0" "User Commands""#)
        #expect(lines.contains(#"flatnet \- a CNI plugin for flat layer\-2 networks"#))
        #expect(lines.contains(#"\fBflatnet ipam gc\fR \fB\-\-conf\fR \fIfile\fR [\fB\-\-live\fR \fIid,id,...\fR]"#
            + #" [\fB\-\-set\fR \fIkey=value\fR ...] [\fB\-\-dry\-run\fR]"#))
        for section in [".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH COMMANDS", ".SH FILES", ".SH SEE ALSO"] {
            #expect(lines.contains(section), "\(section)")
        }
        #expect(lines.contains(#".SS "flatnet ipam gc""#) && !page.contains("generate"), "hidden command left out")
        #expect(lines.contains(#"\&.Second, with a\-dash."#), "a text line never starts a roff request")
        #expect(!lines.contains { $0.contains("help") }, "help flags are said once, not per command")
        #expect(lines.suffix(2) == [".SH SEE ALSO", #"\fBip\fR(8)"#])
    }
}

@Suite("flatnet version: the build stamp and the report")
struct VersionReportTests {
    @Test("reads commit, date and Swift from the stamp; unknown keys and broken lines are skipped")
    func stamp() {
        let report = VersionReport(stamp: "commit=0123456789ab+dirty\nnoise\ndate=2026-12-03T10:00:00Z\n"
            + "swift=6.3.1\nfuture=1\ncommit2=x\n", libnlVersion: "3.7.0")
        #expect(report.commit == "0123456789ab+dirty" && report.buildDate == "2026-12-03T10:00:00Z")
        #expect(report.swiftVersion == "6.3.1" && report.libnlVersion == "3.7.0")
        #expect(report.text.split(separator: "\n").first == "flatnet \(FlatnetBuild.version)")
        #expect(report.text.contains("  commit:       0123456789ab+dirty\n"))
        #expect(report.text.contains("  cni versions: 0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0\n"))
    }

    @Test("without a stamp (a plain swift build) the build facts say unknown")
    func noStamp() {
        let report = VersionReport(stamp: nil, libnlVersion: "3.7.0")
        #expect(report.commit == "unknown" && report.buildDate == "unknown" && report.swiftVersion == "unknown")
    }

    @Test("JSON: every field, the CNI versions as an array")
    func json() {
        let report = VersionReport(stamp: "commit=abc\ndate=d\nswift=6.3.1\n", libnlVersion: "3.7.0")
        #expect(report.json == .object([
            "version": .string(FlatnetBuild.version), "commit": .string("abc"), "buildDate": .string("d"),
            "swiftVersion": .string("6.3.1"), "libnlVersion": .string("3.7.0"),
            "cniVersions": .array(["0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"].map(JSONValue.string)),
        ]))
    }
}
