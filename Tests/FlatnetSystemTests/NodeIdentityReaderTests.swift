import FlatnetCore
import FlatnetSystem
import Foundation
import Testing

/// Which node this is: FLATNET_NODE_NAME, then the node-name file, then the host name.
@Suite("Node identity reader")
struct NodeIdentityReaderTests {
    static func file(_ text: String?) throws -> String {
        let path = NSTemporaryDirectory() + "flatnet-nodename-\(UInt32.random(in: 0...UInt32.max))"
        if let text { try text.write(toFile: path, atomically: true, encoding: .utf8) }
        return path
    }

    @Test("the environment wins over the file, the file over the host name")
    func order() throws {
        let path = try Self.file("node-file\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fromEnvironment = NodeIdentityReader.current(environment: ["FLATNET_NODE_NAME": "node-env"], file: path)
        #expect(fromEnvironment == NodeIdentity(name: "node-env", source: .environment))
        #expect(NodeIdentityReader.current(environment: [:], file: path) == NodeIdentity(name: "node-file",
                                                                                         source: .file(path)))
    }

    @Test("a missing or blank file falls through to the host name")
    func fallsThrough() throws {
        let blank = try Self.file("  \n")
        defer { try? FileManager.default.removeItem(atPath: blank) }
        for path in [blank, try Self.file(nil)] {
            let identity = NodeIdentityReader.current(environment: [:], file: path)
            #expect(identity?.source == .hostName && identity?.name.isEmpty == false)
        }
    }
}
