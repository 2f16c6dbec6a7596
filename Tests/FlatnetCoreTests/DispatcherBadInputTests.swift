import FlatnetCore
import FlatnetTestSupport
import Testing

@Suite("Dispatcher: every bad input becomes one CNI error object")
struct DispatcherBadInputTests {
    @Test("the table is large enough to mean something")
    func tableSize() {
        #expect(BadInputTable.cases.count >= 40)
        #expect(Set(BadInputTable.cases.map(\.name)).count == BadInputTable.cases.count, "case names must be unique")
    }

    @Test("bad input: code, field named in msg, exit 1, backend never called", arguments: BadInputTable.cases)
    func badInput(_ input: BadInput) throws {
        let backend = RecordingBackend()
        let output = Dispatcher(backend: backend).run(input.environment, stdin: input.stdin)

        #expect(output.exitStatus == 1)
        #expect(output.stdout.hasSuffix("\n") && output.stdout.filter { $0 == "\n" }.count == 1)
        let reply = try JSONValue.parse(Array(output.stdout.utf8))
        #expect(reply["code"] == .number(Double(input.code)), "\(output.stdout)")
        let message = reply["msg"]?.stringValue ?? ""
        #expect(message.contains(input.names), "msg must name \(input.names): \(output.stdout)")
        #expect(reply["cniVersion"]?.stringValue.flatMap(CNIVersion.init)?.isSupported == true)
        #expect(backend.calls.isEmpty)
    }
}

@Suite("Errors never echo unbounded input")
struct BoundedEchoTests {
    static let huge = String(repeating: "x", count: 5_000_000)

    @Test("a 5 MB value in any field gives an error of a few hundred bytes that still names the field",
          arguments: ["name", "uplink", "ipam.dataDir", "vlna"])
    func hugeValue(_ path: String) throws {
        let stdin = Valid.config.setting(path, to: .string(Self.huge)).serialized()
        let output = Dispatcher(backend: RecordingBackend()).run(Valid.environment, stdin: stdin)
        #expect(output.exitStatus == 1)
        #expect(output.stdout.utf8.count < 2_048, "\(output.stdout.utf8.count) bytes")
        #expect(output.stdout.contains(path), "names \(path): \(output.stdout.prefix(300))")
    }

    @Test("a non-ASCII uplink with a VLAN is a valid netconf whose VLAN interface name is cut by characters")
    func nonASCIIVLAN() throws {
        let stdin = Valid.config.setting("uplink", to: .string("a\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}"))
            .setting("vlan", to: .number(100)).serialized()
        let backend = RecordingBackend()
        let output = Dispatcher(backend: backend).run(Valid.environment, stdin: stdin)
        #expect(output.exitStatus == 0, "\(output.stdout)")
        let name = InterfaceNaming.vlanInterface(uplink: try InterfaceName(validating: "a\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}"), vlan: 100)
        #expect(name.value.utf8.count <= 15 && name.value.hasSuffix(".100") && !name.value.contains("\u{FFFD}"), "\(name)")
        #expect(name.value.hasPrefix("a\u{e9}"), "whole characters kept: \(name)")
    }
}

extension BadInput: CustomTestStringConvertible {}
