import FlatnetCore

extension FlatnetBackend {
    /// DEL's last step: the port's elements and record (after the veth is gone, so the
    /// port is never up without them).
    func unprotectPort(_ request: PluginRequest) throws {
        let port = InterfaceNaming.hostVeth(network: request.config.name, attachment: request.invocation.attachment)
        try PortGuard(network: request.config.name).unprotect(port: port.value)
    }

    /// CHECK and STATUS: the table against the netconf (one `nft list`), and with
    /// `port` that port's record and elements (targeted netlink lookups, no dump).
    func portSecurityProblems(_ config: NetworkConfig, port: InterfaceName? = nil) throws -> [String] {
        guard let rules = PortSecurityRules.make(for: config) else { return [] }
        let live = try Nft.table(rules.table)
        var problems = rules.drift(from: live)
        guard let port, live != nil else { return problems }
        guard let protection = try PortGuard(network: config.name).records.load(port: port.value) else {
            return problems + ["port \(port) has no port security record (it was attached without it)"]
        }
        problems += try PortGuard(network: config.name).missing(protection)
        return problems
    }

    /// GC: the records (and elements) of ports that are gone or no longer valid.
    func removeStalePortProtection(_ config: NetworkConfig, keeping valid: [Attachment]) throws -> [String] {
        let keep = Set(valid.map { InterfaceNaming.hostVeth(network: config.name, attachment: $0).value })
        let guarded = try PortGuard(network: config.name)
        let socket = try NetlinkSocket()
        var problems: [String] = []
        for protection in try guarded.records.all() {
            let name = protection.port.value
            let exists = try socket.link(named: name) != nil
            guard !keep.contains(name) || !exists else { continue }
            do { try guarded.unprotect(port: name) } catch { problems.append("\(error)") }
        }
        return problems
    }
}
