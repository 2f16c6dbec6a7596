import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// The real executable, run the way a runtime runs it: CNI_* variables, netconf on
/// stdin, one JSON document on stdout.
@Suite("flatnet binary: the CNI process contract",
       .enabled(if: TestHost.binary != nil, "set FLATNET_BINARY (scripts/test.sh does)"))
struct PluginProcessTests {
    static var binary: String { TestHost.binary ?? "/nonexistent" }

    static var outOfProcessCases: [BadInput] { BadInputTable.cases.filter { $0.stdin != nil } }

    @Test("bad input: one error object on stdout, exit 1, no crash", arguments: outOfProcessCases)
    func badInput(_ input: BadInput) throws {
        let outcome = try ProcessRunner.run([Self.binary], environment: input.environment, stdin: input.stdin ?? "")
        #expect(outcome.status == 1, "stderr: \(outcome.stderr)")
        #expect(outcome.stdout.filter { $0 == "\n" }.count == 1, "exactly one line on stdout: \(outcome.stdout)")
        let reply = try JSONValue.parse(Array(outcome.stdout.utf8))
        #expect(reply["code"] == .number(Double(input.code)), "\(outcome.stdout)")
        #expect(reply["msg"]?.stringValue?.contains(input.names) == true, "\(outcome.stdout)")
        #expect(!outcome.stderr.contains("Fatal error"), "\(outcome.stderr)")
    }

    @Test("VERSION prints the supported versions and exits 0")
    func version() throws {
        let outcome = try ProcessRunner.run([Self.binary], environment: ["CNI_COMMAND": "VERSION"], stdin: #"{"cniVersion":"0.4.0"}"#)
        #expect(outcome.status == 0)
        #expect(outcome.stdout == #"{"cniVersion":"0.4.0","supportedVersions":["0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]}"# + "\n")
    }

    /// How a runtime's stdout can fail: closed, or a full device (ENOSPC on every write).
    static let brokenStdout = [("closed", ">&-"), ("/dev/full", ">/dev/full")]

    @Test("a result that cannot be written to stdout is a failure: exit 1, the reason on stderr",
          arguments: brokenStdout)
    func unwritableResult(_ name: String, _ redirection: String) throws {
        let outcome = try ProcessRunner.run(["/bin/sh", "-c", "exec \"$0\" " + redirection, Self.binary],
                                            environment: ["CNI_COMMAND": "VERSION"], stdin: #"{"cniVersion":"1.0.0"}"#)
        #expect(outcome.status == 1, "stdout \(name): \(outcome.stderr)")
        #expect(outcome.stderr.contains("flatnet: cannot write the result to stdout"), "\(outcome.stderr)")
        let control = try ProcessRunner.run(["/bin/sh", "-c", "exec \"$0\" >/dev/null", Self.binary],
                                            environment: ["CNI_COMMAND": "VERSION"], stdin: #"{"cniVersion":"1.0.0"}"#)
        #expect(control.status == 0, "control: the same call into /dev/null succeeds")
    }

    @Test("an operator command whose output cannot be written exits 1", arguments: brokenStdout)
    func unwritableOperatorOutput(_ name: String, _ redirection: String) throws {
        let outcome = try ProcessRunner.run(["/bin/sh", "-c", "exec \"$0\" version " + redirection, Self.binary])
        #expect(outcome.status == 1, "stdout \(name): \(outcome.stderr)")
        #expect(outcome.stderr.contains("flatnet: cannot write to stdout"), "\(outcome.stderr)")
    }

    @Test("ADD for a namespace that does not exist: code 3, nothing allocated; DEL of it succeeds",
          .enabled(if: TestHost.canRunPrivileged, "the plugin runs only in a throwaway netns"))
    func missingNamespace() throws {
        let dataDir = "/tmp/flatnet-missing-" + ProcessRunner.uniqueSuffix()
        let config = Valid.config.setting("ipam.dataDir", to: .string(dataDir)).setting("uplink", to: nil)
            .setting("vlan", to: nil).serialized()
        var environment = Valid.environment
        environment["CNI_NETNS"] = "/run/netns/flt-gone-" + ProcessRunner.uniqueSuffix()
        let add = try ProcessRunner.run([Self.binary], environment: environment, stdin: config)
        let reply = try JSONValue.parse(add.stdout)
        #expect(add.status == 1 && reply["code"] == .number(3), "\(add.stdout)")
        #expect(!FileManager.default.fileExists(atPath: dataDir), "no state was created")
        environment["CNI_COMMAND"] = "DEL"
        #expect(try ProcessRunner.run([Self.binary], environment: environment, stdin: config).status == 0)
    }

    @Test("without CNI_COMMAND and arguments: the about text on stderr, stdout empty, exit 0")
    func about() throws {
        let outcome = try ProcessRunner.run([Self.binary])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderr.contains("CNI protocol versions supported: 0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0"))
    }

    @Test("netconf render: typed --set overrides; validate exits 1 on a broken file")
    func netconfCommands() throws {
        let catalog = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("netconf").path
        let answers = catalog + "/examples/flat-a.answers.json"
        let render = try ProcessRunner.run([Self.binary, "netconf", "render", "--template", "conflist", "--answers", answers,
                                            "--set", "mtu=9000", "--set", "uplink=eth3", "--catalog", catalog])
        #expect(render.status == 0, "\(render.stderr)")
        let plugin = try JSONValue.parse(render.stdout)["plugins"].flatMap { if case .array(let p) = $0 { p.first } else { nil } }
        #expect(plugin?["mtu"] == .number(9000) && plugin?["uplink"] == .string("eth3"))
        let bad = try ProcessRunner.run([Self.binary, "netconf", "render", "--template", "conflist", "--answers", answers,
                                         "--set", "vlan=5000", "--catalog", catalog])
        #expect(bad.status == 1 && bad.stderr.contains("vlan"), "\(bad.stderr)")
        let fleetSet = try ProcessRunner.run([Self.binary, "netconf", "render", "--template", "fleet", "--answers",
                                              catalog + "/examples/fleet.answers.json", "--host", "hostA", "--set", "mtu=1", "--catalog", catalog])
        #expect(fleetSet.status == 2)
        let brokenFile = NSTemporaryDirectory() + "flatnet-broken-" + ProcessRunner.uniqueSuffix() + ".json"
        try Valid.config.setting("vlan", to: .number(0)).serialized().write(toFile: brokenFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: brokenFile) }
        let validate = try ProcessRunner.run([Self.binary, "netconf", "validate", catalog + "/examples/flat-a.conflist", brokenFile,
                                              "--catalog", catalog])
        #expect(validate.status == 1)
        #expect(validate.stdout.contains("flat-a.conflist: ok (network flat-a)") && validate.stdout.contains("\(brokenFile): vlan: 0 is outside"),
                "\(validate.stdout)")
        // Files given together are one host's networks: a twin of flat-a's derived names is refused.
        let twinFile = NSTemporaryDirectory() + "flatnet-twin-" + ProcessRunner.uniqueSuffix() + ".json"
        try Valid.config.setting("name", to: .string("flat-1553")).setting("bridge", to: .string("br-twin"))
            .setting("uplink", to: .string("eth2")).setting("metadata", to: nil).serialized()
            .write(toFile: twinFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: twinFile) }
        let together = try ProcessRunner.run([Self.binary, "netconf", "validate", catalog + "/examples/flat-a.conflist", twinFile,
                                              "--catalog", catalog])
        #expect(together.status == 1 && together.stdout.contains("networks flat-a and flat-1553 share host-veth prefix"),
                "\(together.stdout)")
        let alone = try ProcessRunner.run([Self.binary, "netconf", "validate", twinFile, "--catalog", catalog])
        #expect(alone.status == 0, "control: the twin alone is valid: \(alone.stdout)")
        let noRoute = try ProcessRunner.run([Self.binary, "netconf", "render", "--template", "conflist", "--answers", answers,
                                             "--set", "defaultRoute=false", "--catalog", catalog])
        let rendered = try JSONValue.parse(noRoute.stdout)["plugins"].flatMap { if case .array(let p) = $0 { p.first } else { nil } }
        #expect(noRoute.status == 0 && rendered?["defaultRoute"] == .bool(false), "\(noRoute.stdout) \(noRoute.stderr)")
    }

    @Test("--help goes to stdout with exit 0; an unknown command exits 2")
    func commandLine() throws {
        let help = try ProcessRunner.run([Self.binary, "--help"])
        #expect(help.status == 0 && help.stdout.contains("USAGE: flatnet <command> [options]"))
        for command in ["plan", "rules", "doctor", "teardown"] {
            let help = try ProcessRunner.run([Self.binary, command, "--help"])
            #expect(help.status == 0 && help.stdout.contains("USAGE: flatnet \(command) --conf <file>"), "\(command) --help")
        }
        let ipam = try ProcessRunner.run([Self.binary, "ipam", "--help"])
        #expect(ipam.status == 0 && ipam.stdout.contains("USAGE: flatnet ipam <subcommand>"), "\(ipam.stdout)")
        let missing = try ProcessRunner.run([Self.binary, "doctor"])
        #expect(missing.status == 2 && missing.stderr.contains("doctor: missing expected argument '--conf <file>'"))
        let unknown = try ProcessRunner.run([Self.binary, "frobnicate"])
        #expect(unknown.status == 2 && unknown.stdout.isEmpty && unknown.stderr.contains("frobnicate"))
    }
}
