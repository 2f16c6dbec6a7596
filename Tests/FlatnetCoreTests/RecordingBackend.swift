import FlatnetCore

/// A fake backend that records the verbs it was asked to perform and returns a fixed
/// result, so the dispatcher's whole verb table runs without a kernel.
final class RecordingBackend: PluginBackend, @unchecked Sendable {
    private(set) var calls: [CNICommand] = []
    private(set) var requests: [PluginRequest] = []
    var result = CNIResult()
    var failure: (any Error)?

    private func record(_ request: PluginRequest) throws {
        calls.append(request.invocation.command)
        requests.append(request)
        if let failure { throw failure }
    }

    func add(_ request: PluginRequest) throws -> CNIResult { try record(request); return result }
    func delete(_ request: PluginRequest) throws { try record(request) }
    func check(_ request: PluginRequest) throws { try record(request) }
    func status(_ request: PluginRequest) throws { try record(request) }
    func garbageCollect(_ request: PluginRequest) throws { try record(request) }
}

struct StdinUnreadable: Error {}

extension Dispatcher {
    /// Runs with `stdin` as the input text; nil makes reading stdin fail.
    func run(_ environment: [String: String], stdin: String?) -> PluginOutput {
        run(environment: environment) {
            guard let stdin else { throw StdinUnreadable() }
            return Array(stdin.utf8)
        }
    }
}
