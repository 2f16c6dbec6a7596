import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// The operator command line, run as a person runs it: help, usage errors, did you mean,
/// version, completions and the man page. None of it needs root or a network namespace.
@Suite("flatnet operator command line: help, usage errors, version, completions, man page",
       .enabled(if: TestHost.binary != nil, "set FLATNET_BINARY (scripts/test.sh does)"))
struct OperatorCommandLineTests {
    static var binary: String { TestHost.binary ?? "/nonexistent" }

    static func flatnet(_ arguments: String...) throws -> ProcessOutcome {
        try ProcessRunner.run([binary] + arguments)
    }

    /// Every command a person can run, as typed after `flatnet`.
    static let commands = ["plan", "rules", "doctor", "who", "version", "ipam list", "ipam usage", "ipam release",
                           "ipam gc", "netconf render", "netconf validate", "repair", "teardown"]

    static func lines(_ text: String) -> [Substring] { text.split(separator: "\n", omittingEmptySubsequences: false) }

    @Test("per-command --help: exit 0 on stdout, the command's usage line, within 80 columns; `help X` prints the same",
          arguments: commands)
    func commandHelp(_ command: String) throws {
        let words = command.split(separator: " ").map(String.init)
        let help = try ProcessRunner.run([Self.binary] + words + ["--help"])
        #expect(help.status == 0 && help.stderr.isEmpty, "\(help.stderr)")
        #expect(!help.stdout.hasSuffix("\n\n"), "no blank line at the end")
        #expect(help.stdout.contains("USAGE: flatnet \(command)"), "\(help.stdout)")
        #expect(Self.lines(help.stdout).allSatisfy { $0.count <= 80 }, "\(help.stdout)")
        let viaHelp = try ProcessRunner.run([Self.binary, "help"] + words)
        #expect(viaHelp.status == 0 && viaHelp.stdout == help.stdout)
    }

    @Test("the usage text's prose survives in the per-command help", arguments: [
        ("plan", "each with its ip/ebtables/nft equivalent, and the address IPAM would hand out"),
        ("doctor", "Containers are found from the host side. Exit 0 when healthy, 1 when it found problems,"
            + " 3 when nothing of the network is on this host yet"),
        ("ipam gc", "an address whose veth exists is in use and is never released. Decided under the pool lock,"
            + " safe while ADDs run."),
        ("teardown", "Refuses while containers are attached; --force removes them first (veth and lease), naming each."),
        ("netconf render", "a fleet answers file renders per host: a JSON object by network name, or with --output"
            + " DIR one DIR/<network>.conflist per network."),
        ("netconf validate", "network files given together are checked as one host's networks"),
        ("rules", "a batch for ebtables-restore --noflush, or a script for nft -f -"),
        ("repair", "repairs what drifted (a re-created docker0, a deleted bridge, flushed rules, a changed uplink or MTU)"),
        ("setup", "`flatnet setup` is the same command."),
    ])
    func prose(_ command: String, _ sentence: String) throws {
        let help = try ProcessRunner.run([Self.binary] + command.split(separator: " ").map(String.init) + ["--help"])
        let unwrapped = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(unwrapped.contains(sentence), "\(help.stdout)")
    }

    @Test("top-level help: short, grouped, every command named, within 80 columns")
    func topLevelHelp() throws {
        let help = try Self.flatnet("--help")
        #expect(help.status == 0)
        let lines = Self.lines(help.stdout)
        #expect(lines.count <= 40 && lines.allSatisfy { $0.count <= 80 }, "\(help.stdout)")
        for group in ["READ-ONLY SUBCOMMANDS:", "ADDRESS POOL SUBCOMMANDS:", "HOST-CHANGING SUBCOMMANDS:"] {
            #expect(help.stdout.contains(group))
        }
        for command in ["plan", "rules", "doctor", "who", "version", "ipam", "netconf", "repair", "teardown"] {
            #expect(lines.contains { $0.hasPrefix("  \(command) ") || $0.hasPrefix("  \(command), ") }, "\(command)")
        }
        #expect(!help.stdout.contains("generate-manual"), "hidden")
        #expect(try Self.flatnet("help").stdout == help.stdout)
    }

    /// A command line that is refused, and what its one line must say.
    static let refused: [([String], String, String)] = [
        (["doctr"], #"unknown command "doctr"; did you mean "doctor"?"#, "flatnet --help"),
        (["frobnicate"], #"unknown command "frobnicate""#, "flatnet --help"),
        (["ipam", "lst", "--conf", "f"], #"unknown ipam command "lst"; did you mean "list"?"#, "flatnet ipam --help"),
        (["ipam"], "ipam needs a command: list, usage, release, gc", "flatnet ipam --help"),
        (["netconf", "valdate", "f"], #"did you mean "validate"?"#, "flatnet netconf --help"),
        (["help", "doctr"], #"did you mean "doctor"?"#, "flatnet --help"),
        (["doctor"], "doctor: missing expected argument '--conf <file>'", "flatnet doctor --help"),
        (["doctor", "--conf"], "doctor: missing value for '--conf <file>'", "flatnet doctor --help"),
        (["doctor", "--conf", "f", "--jsn"], "doctor: unknown option '--jsn'; did you mean '--json'?", "flatnet doctor --help"),
        (["doctor", "--conf=f", "stray"], "doctor: unexpected argument 'stray'", "flatnet doctor --help"),
        (["doctor", "--conf", "a", "--conf=b"], "doctor: --conf given twice", "flatnet doctor --help"),
        (["ipam", "gc", "--conf", "f", "--liv", "c1"], "unknown option '--liv'", "flatnet ipam gc --help"),
        (["ipam", "gc", "--conf", "f", "--live", ""], "ipam gc: --live needs container ids", "flatnet ipam gc --help"),
        (["ipam", "release", "--conf", "f"], "ipam release: needs --container ID [--ifname NAME], --address IP or --node NAME",
         "flatnet ipam release --help"),
        (["ipam", "release", "--conf", "f", "--container", "c", "--address", "10.0.0.1"],
         "ipam release: takes one of --container, --address and --node", "flatnet ipam release --help"),
        (["ipam", "release", "--conf", "f", "--address", "10.0.0.1", "--ifname", "eth1"],
         "ipam release: --ifname goes with --container", "flatnet ipam release --help"),
        (["ipam", "release", "--conf", "f", "--address", "10.0.0"], "--address 10.0.0 is not an IP address",
         "flatnet ipam release --help"),
        (["rules", "--conf", "f", "--format", "xml"], "rules: the value 'xml' is invalid for '--format <format>'",
         "flatnet rules --help"),
        (["netconf", "validate"], "netconf validate: missing expected argument '<file> ...'", "flatnet netconf validate --help"),
        (["netconf", "render", "--template", "conflist", "--answers", "a", "--set", "mtu"],
         "netconf render: --set mtu: expected key=value", "flatnet netconf render --help"),
        (["version", "extra"], "version: unexpected argument 'extra'", "flatnet version --help"),
        (["who"], "who: missing expected argument '<address>'", "flatnet who --help"),
        (["who", "10.43.1.300"], #"who: "10.43.1.300" is not an IP address"#, "flatnet who --help"),
        (["who", "10.43.1.3", "--at", "yesterday"], #"who: --at "yesterday" is not a time like"#, "flatnet who --help"),
    ]

    @Test("a usage error: exit 2, stdout empty, two lines on stderr: what, and which --help", arguments: refused)
    func usageError(_ arguments: [String], _ message: String, _ help: String) throws {
        let outcome = try ProcessRunner.run([Self.binary] + arguments)
        #expect(outcome.status == 2 && outcome.stdout.isEmpty, "\(arguments): \(outcome.status) \(outcome.stdout)")
        let lines = outcome.stderr.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3 && lines[2].isEmpty, "two lines: \(outcome.stderr)")
        #expect(lines.first?.hasPrefix("flatnet: ") == true && lines.first?.contains(message) == true, "\(outcome.stderr)")
        #expect(lines.dropFirst().first == "try `\(help)`", "\(outcome.stderr)")
    }

    @Test("netconf render's checks that need the answers file read are usage errors too (exit 2, one line)")
    func renderUsage() throws {
        let catalog = Self.catalog
        let outcome = try Self.flatnet("netconf", "render", "--template", "fleet", "--answers",
                                       catalog + "/examples/fleet.answers.json", "--catalog", catalog)
        #expect(outcome.status == 2 && outcome.stderr == "flatnet: netconf render: a fleet renders per host: add --host NAME\n"
            + "try `flatnet netconf render --help`\n", "\(outcome.stderr)")
    }

    static var catalog: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("netconf").path
    }

    @Test("version: version, commit, build date, Swift and libnl; --version and --json say the same")
    func version() throws {
        let text = try Self.flatnet("version")
        #expect(text.status == 0)
        let lines = Self.lines(text.stdout)
        #expect(lines.first == "flatnet \(FlatnetBuild.version)")
        for field in ["commit:", "built:", "swift:", "libnl:", "cni versions:"] {
            #expect(lines.contains { $0.hasPrefix("  \(field)") }, "\(field): \(text.stdout)")
        }
        #expect(try Self.flatnet("--version").stdout == text.stdout)
        let json = try JSONValue.parse(try Self.flatnet("version", "--json").stdout)
        #expect(json["version"] == .string(FlatnetBuild.version))
        #expect(json["cniVersions"] == .array(CNIVersion.supported.map { .string($0.description) }))
        // The stamp build_release links in (FLATNET_BINARY is that build): a commit, a date.
        let commit = try #require(json["commit"]?.stringValue)
        #expect(commit.prefix(12).allSatisfy(\.isHexDigit) && commit.count >= 12, "\(commit)")
        #expect(json["buildDate"]?.stringValue?.hasPrefix("20") == true && json["swiftVersion"]?.stringValue?.first?.isNumber == true)
        // libnl's own run-time version: the one pkg-config names for the library linked in.
        let packaged = try ProcessRunner.run(["/usr/bin/pkg-config", "--modversion", "libnl-3.0"]).stdout
        #expect(json["libnlVersion"]?.stringValue == packaged.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test("completion scripts for bash, zsh and fish: every command in each; bash's parses and completes",
          arguments: ["bash", "zsh", "fish"])
    func completions(_ shell: String) throws {
        let script = try Self.flatnet("--generate-completion-script", shell)
        #expect(script.status == 0 && script.stdout.count > 1000)
        // fish spells options without their dashes (`-l 'conf'`).
        for word in ["plan", "rules", "doctor", "ipam", "netconf", "repair", "teardown", "conf", "dry-run", "live"] {
            #expect(script.stdout.contains(word), "\(shell): \(word)")
        }
        #expect(!script.stdout.contains("generate-manual"), "hidden")
        guard shell == "bash" else { return }
        let probe = "source /dev/stdin; COMP_WORDS=(flatnet ipam g); COMP_CWORD=2; COMP_LINE='flatnet ipam g';"
            + " COMP_POINT=14; _flatnet flatnet g ipam; echo \"${COMPREPLY[*]}\""
        let completed = try ProcessRunner.run(["/bin/bash", "-c", probe], stdin: script.stdout)
        #expect(completed.status == 0 && completed.stdout == "gc\n", "\(completed.stdout) \(completed.stderr)")
    }

    @Test("the man page: roff for flatnet(1) with NAME, SYNOPSIS, every command, exit status, files, environment; groff renders it without a warning")
    func manualPage() throws {
        let page = try Self.flatnet("generate-manual")
        #expect(page.status == 0 && page.stdout.hasPrefix(".TH FLATNET 1 "), "\(page.stderr)")
        for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "EXIT STATUS", "ENVIRONMENT", "FILES"] {
            #expect(page.stdout.contains("\n.SH \(section)\n"), "\(section)")
        }
        for command in Self.commands {
            #expect(page.stdout.contains(".SS \"flatnet \(command)\"\n"), "\(command)")
        }
        for file in [#"/var/lib/cni/flatnet"#, "/run/flatnet", "/var/log/flatnet/audit.log", "CNI_COMMAND"] {
            #expect(page.stdout.contains(file), "\(file)")
        }
        let rendered = try ProcessRunner.run(["/usr/bin/groff", "-man", "-Tutf8", "-ww"], environment: ["PATH": "/usr/bin:/bin"],
                                             stdin: page.stdout)
        #expect(rendered.status == 0 && rendered.stderr.isEmpty, "groff: \(rendered.stderr)")
        #expect(rendered.stdout.hasPrefix("FLATNET(1)"), "\(rendered.stdout.prefix(200))")
    }
}

/// A command that needs root, run by another user: one line that says so, exit 1, before
/// it touches anything (no raw "Permission denied (errno 13)").
@Suite("flatnet operator commands as a non-root user",
       .enabled(if: TestHost.binary != nil && TestHost.isRoot, "root runs the binary as nobody (setpriv)"))
struct NonRootCommandTests {
    /// `setpriv` to nobody: no capabilities, no groups.
    static func asNobody(_ arguments: [String]) throws -> ProcessOutcome {
        try ProcessRunner.run(["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                               TestHost.binary ?? "/nonexistent"] + arguments)
    }

    static func conflist() throws -> String {
        let path = NSTemporaryDirectory() + "flatnet-nonroot-" + ProcessRunner.uniqueSuffix() + ".json"
        try Valid.config.serialized().write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        return path
    }

    @Test("repair, teardown, doctor, plan and the ipam commands refuse: `flatnet: X must run as root (...)`, exit 1",
          arguments: [["repair"], ["teardown"], ["doctor"], ["plan"], ["ipam", "list"], ["ipam", "usage"],
                      ["ipam", "gc"], ["ipam", "release", "--address", "10.43.1.2"]])
    func refused(_ command: [String]) throws {
        let file = try Self.conflist()
        defer { try? FileManager.default.removeItem(atPath: file) }
        let outcome = try Self.asNobody(command + ["--conf", file])
        let name = command.prefix { !$0.hasPrefix("-") }.joined(separator: " ")
        #expect(outcome.status == 1 && outcome.stdout.isEmpty, "\(command): \(outcome.status) \(outcome.stderr)")
        #expect(outcome.stderr.hasPrefix("flatnet: \(name) must run as root (it "), "\(outcome.stderr)")
        #expect(outcome.stderr.filter { $0 == "\n" }.count == 1 && !outcome.stderr.contains("errno"), "\(outcome.stderr)")
        #expect(outcome.stderr.count <= 81, "one line within 80 columns: \(outcome.stderr)")
    }

    @Test("who as a user who cannot read the log: an error naming it, never \"no one held it\"")
    func whoUnreadableLog() throws {
        let directory = NSTemporaryDirectory() + "flatnet-who-" + ProcessRunner.uniqueSuffix()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try #"{"time":"2026-12-03T10:00:00.000Z","verb":"ADD","network":"flat-a","containerID":"c1","ifname":"eth0","code":0,"addresses":["10.43.1.2/16"]}"#
            .appending("\n").write(toFile: directory + "/audit.log", atomically: true, encoding: .utf8)
        let outcome = try Self.asNobody(["who", "10.43.1.2", "--log", directory + "/audit.log"])
        #expect(outcome.status == 1 && !outcome.stdout.contains("no one"), "\(outcome.stdout)")
        #expect(outcome.stderr.contains("Permission denied") && outcome.stderr.contains(directory), "\(outcome.stderr)")
        let control = try ProcessRunner.run([TestHost.binary ?? "", "who", "10.43.1.2", "--log", directory + "/audit.log",
                                             "--at", "2026-12-03T10:00:01Z"])
        #expect(control.status == 0 && control.stdout.contains("container c1"), "root reads it: \(control.stdout)")
    }

    @Test("control: commands that need no root run as nobody (rules, netconf validate, version)")
    func allowed() throws {
        let file = try Self.conflist()
        defer { try? FileManager.default.removeItem(atPath: file) }
        let rules = try Self.asNobody(["rules", "--conf", file])
        #expect(rules.status == 0 && rules.stdout.contains("ebtables"), "\(rules.stderr)")
        #expect(try Self.asNobody(["version"]).status == 0)
        let user = try ProcessRunner.run(["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                                          "/usr/bin/id", "-u"])
        #expect(user.stdout == "65534\n", "setpriv really drops root: \(user.stdout)")
    }
}
