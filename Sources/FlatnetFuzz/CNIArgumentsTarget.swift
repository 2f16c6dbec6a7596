import FlatnetCore

/// CNI_ARGS (`K=V;...`): the parser, then the ADD that uses what it read (a requested
/// address and MAC, ALLOWED_ADDRESSES checked against grantableAddresses) on a valid
/// port-security network. The bytes are read as the plugin reads its environment: up to
/// the first NUL, invalid UTF-8 replaced.
enum CNIArgumentsTarget {
    static let target = FuzzTarget(name: "cni-args", summary: "CNI_ARGS, then the ADD using it") { bytes in
        let text = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        guard (try? CNIArguments(parsing: text)) != nil else { return }
        var environment = NetconfTarget.environment
        environment["CNI_ARGS"] = text
        let output = Dispatcher(backend: FuzzBackend(configMode: .plugin))
            .run(environment: environment) { Array(FuzzFixtures.netconfText.utf8) }
        NetconfTarget.checkReply(output)
    }
}
