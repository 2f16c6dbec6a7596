import FlatnetCore
import FlatnetTestSupport
import Testing

@Suite("Dispatcher: valid calls reach the backend with parsed parameters")
struct DispatcherVerbTests {
    static func environment(_ command: String, _ changes: [String: String] = [:]) -> [String: String] {
        var environment = Valid.environment
        environment["CNI_COMMAND"] = command
        environment.merge(changes) { $1 }
        return environment
    }

    @Test("each verb is routed to its backend method", arguments: [
        ("ADD", CNICommand.add), ("DEL", .delete), ("CHECK", .check), ("STATUS", .status), ("GC", .garbageCollect),
    ])
    func routing(_ command: String, _ expected: CNICommand) {
        let backend = RecordingBackend()
        let output = Dispatcher(backend: backend).run(Self.environment(command), stdin: Valid.configText)
        #expect(output.exitStatus == 0, "\(output.stdout)")
        #expect(backend.calls == [expected])
    }

    @Test("DEL, CHECK, STATUS and GC print nothing on success")
    func silentVerbs() {
        for command in ["DEL", "CHECK", "STATUS", "GC"] {
            let output = Dispatcher(backend: RecordingBackend()).run(Self.environment(command), stdin: Valid.configText)
            #expect(output == .success, "\(command)")
        }
    }

    @Test("DEL runs without CNI_NETNS: the container may be gone")
    func deleteWithoutNetns() {
        let backend = RecordingBackend()
        var environment = Self.environment("DEL")
        environment["CNI_NETNS"] = nil
        let output = Dispatcher(backend: backend).run(environment, stdin: Valid.configText)
        #expect(output.exitStatus == 0)
        #expect(backend.requests.first?.invocation.netns == nil)
    }

    @Test("STATUS and GC need neither container id nor ifname")
    func networkWideVerbs() {
        for command in ["STATUS", "GC"] {
            let environment = ["CNI_COMMAND": command, "CNI_PATH": "/opt/cni/bin"]
            let output = Dispatcher(backend: RecordingBackend()).run(environment, stdin: Valid.configText)
            #expect(output.exitStatus == 0, "\(command): \(output.stdout)")
        }
    }

    @Test("the invocation carries the validated environment")
    func invocation() throws {
        let backend = RecordingBackend()
        let environment = Self.environment("ADD", ["CNI_ARGS": "IgnoreUnknown=1;K8S_POD_NAME=p;IP=10.43.1.9;MAC=0a:00:00:00:00:09;X=y",
                                                   "CNI_PATH": "/opt/cni/bin:/usr/lib/cni"])
        _ = Dispatcher(backend: backend).run(environment, stdin: Valid.configText)
        let invocation = try #require(backend.requests.first?.invocation)
        #expect(invocation.containerID == "c1")
        #expect(invocation.ifName == "eth0")
        #expect(invocation.netns == "/var/run/netns/c1")
        #expect(invocation.pluginPath == ["/opt/cni/bin", "/usr/lib/cni"])
        #expect(invocation.arguments.requestedAddresses == [IPAddress("10.43.1.9")!])
        #expect(invocation.arguments.requestedMAC == MACAddress("0a:00:00:00:00:09"))
    }

    @Test("an error thrown by the backend is mapped once and keeps its code")
    func backendError() throws {
        let backend = RecordingBackend()
        backend.failure = CNIError(.tryAgainLater, "pool lock busy", details: "/var/lib/cni/flatnet/flat-a/lock")
        let output = Dispatcher(backend: backend).run(Self.environment("ADD"), stdin: Valid.configText)
        let reply = try JSONValue.parse(Array(output.stdout.utf8))
        #expect(output.exitStatus == 1)
        #expect(reply["code"] == .number(11))
        #expect(reply["details"]?.stringValue == "/var/lib/cni/flatnet/flat-a/lock")
    }

    @Test("an unexpected error becomes code 999 with its description")
    func unexpectedError() throws {
        struct Surprise: Error {}
        let backend = RecordingBackend()
        backend.failure = Surprise()
        let output = Dispatcher(backend: backend).run(Self.environment("DEL"), stdin: Valid.configText)
        let reply = try JSONValue.parse(Array(output.stdout.utf8))
        #expect(reply["code"] == .number(999))
        #expect(reply["details"]?.stringValue?.contains("Surprise") == true)
    }

    @Test("errors reply in the request's cniVersion")
    func errorVersion() throws {
        let backend = RecordingBackend()
        backend.failure = CNIError(.tryAgainLater, "busy")
        let stdin = Valid.config.setting("cniVersion", to: .string("0.4.0")).serialized()
        let output = Dispatcher(backend: backend).run(Self.environment("ADD"), stdin: stdin)
        #expect(try JSONValue.parse(Array(output.stdout.utf8))["cniVersion"] == .string("0.4.0"))
    }
}
