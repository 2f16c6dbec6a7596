import FlatnetCore
import Testing

@Suite("VERSION")
struct VersionCommandTests {
    static let supported: JSONValue = .array(["0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"].map(JSONValue.string))

    @Test("echoes a supported requested version and lists all five", arguments: ["0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"])
    func echoes(_ version: String) throws {
        let output = Dispatcher(backend: RecordingBackend())
            .run(["CNI_COMMAND": "VERSION"], stdin: "{\"cniVersion\": \"\(version)\"}")
        #expect(output.exitStatus == 0)
        #expect(try JSONValue.parse(Array(output.stdout.utf8)) == .object([
            "cniVersion": .string(version), "supportedVersions": Self.supported,
        ]))
    }

    @Test("answers with 1.1.0 whatever stdin holds, as the reference library does", arguments: [
        "", "not json", "{\"cniVersion\": \"9.9.9\"}", "[]",
    ])
    func lenient(_ stdin: String) throws {
        let output = Dispatcher(backend: RecordingBackend()).run(["CNI_COMMAND": "VERSION"], stdin: stdin)
        #expect(output.exitStatus == 0)
        #expect(try JSONValue.parse(Array(output.stdout.utf8))["cniVersion"] == .string("1.1.0"))
    }

    @Test("needs no other variable and no readable stdin")
    func minimal() {
        let output = Dispatcher(backend: RecordingBackend()).run(["CNI_COMMAND": "VERSION"], stdin: nil)
        #expect(output.exitStatus == 0)
        #expect(output.stdout.contains("\"supportedVersions\""))
    }
}
