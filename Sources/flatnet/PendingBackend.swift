import FlatnetCore

/// The verbs this build validates but does not yet carry out (README "Status"). Each
/// answers with plugin code 100 instead of pretending to succeed: a DEL that claimed
/// success without releasing anything would hide a leak.
struct PendingBackend: PluginBackend {
    func add(_ request: PluginRequest) throws -> CNIResult { throw pending(request) }
    func delete(_ request: PluginRequest) throws { throw pending(request) }
    func check(_ request: PluginRequest) throws { throw pending(request) }
    func status(_ request: PluginRequest) throws { throw pending(request) }
    func garbageCollect(_ request: PluginRequest) throws { throw pending(request) }

    private func pending(_ request: PluginRequest) -> CNIError {
        let verb = request.invocation.command.rawValue
        return CNIError(.notImplemented, "\(verb) is not implemented in flatnet \(FlatnetBuild.version)",
                        details: "the call and network \"\(request.config.name)\" are valid; see the README's Status section")
    }
}
