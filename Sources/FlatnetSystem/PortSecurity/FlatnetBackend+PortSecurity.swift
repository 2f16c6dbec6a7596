import FlatnetCore

extension FlatnetBackend {
    /// DEL's first step: the port's elements and record. Returns the socket that removed
    /// them, for the caller to close once the veth is gone (see `delete`); nil when the
    /// port has no record (never protected, or already removed).
    func unprotectPort(_ request: PluginRequest) throws -> NetfilterSocket? {
        let port = InterfaceNaming.hostVeth(network: request.config.name, attachment: request.invocation.attachment)
        let guarded = try PortGuard(network: request.config.name)
        guard let protection = try guarded.records.load(port: port.value) else { return nil }
        let socket = try PortGuard.socket()
        try PortGuard.removeTolerantly(protection, socket: socket)
        try guarded.records.remove(port: port.value)
        return socket
    }

    /// CHECK and STATUS: the table against the netconf. When it reads as the last setup
    /// for this netconf left it (its fingerprint, two netlink round trips) there is nothing
    /// to compare; otherwise one `nft list` names the difference (its output grows with the
    /// number of containers, so it is not read on every CHECK).
    func portSecurityProblems(_ config: NetworkConfig) throws -> [String] {
        guard let rules = PortSecurityRules.make(for: config) else { return [] }
        let setup = HostSetup(config: config, lockTimeoutMilliseconds: lockTimeoutMilliseconds)
        if let stamped = try setup.currentStamp()?.tableFingerprint,
           try setup.portSecurityFingerprint() == stamped {
            return []
        }
        return rules.drift(from: try Nft.table(rules.table))
    }

    /// CHECK: the port's record and its elements, looked up in one netlink request.
    func portProblems(_ config: NetworkConfig, port: InterfaceName) throws -> [String] {
        guard config.portSecurity.enabled else { return [] }
        let guarded = try PortGuard(network: config.name)
        guard let protection = try guarded.records.load(port: port.value) else {
            return ["port \(port) has no port security record (it was attached without it)"]
        }
        do {
            return try guarded.missing(protection)
        } catch {
            let table = PortSecurityRules.tableName(network: config.name)
            guard PortGuard.isMissingTable(error) else { throw PortGuard.wrapped(error) }
            return ["port security table bridge \(table) is missing (or one of its sets)"]
        }
    }

    /// GC: the records (and elements) of ports that are gone or no longer valid.
    func removeStalePortProtection(_ config: NetworkConfig, keeping valid: [Attachment]) throws -> [String] {
        let keep = Set(valid.map { InterfaceNaming.hostVeth(network: config.name, attachment: $0).value })
        let guarded = try PortGuard(network: config.name)
        let socket = try NetlinkSocket()
        let elements = try PortGuard.socket()
        var problems: [String] = []
        for protection in try guarded.records.all() {
            let name = protection.port.value
            let exists = try socket.link(named: name) != nil
            guard !keep.contains(name) || !exists else { continue }
            do { try guarded.unprotect(port: name, socket: elements) } catch { problems.append("\(error)") }
        }
        return problems
    }
}
