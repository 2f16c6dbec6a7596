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

extension BadInput: CustomTestStringConvertible {}
