import FlatnetCore

/// One network's per-port protection on this host: records (`PortRecords`) and set
/// elements (`NetfilterSocket`, one netlink transaction per change, no dumps), so its cost
/// does not depend on how many containers the host has.
struct PortGuard {
    let network: String
    let records: PortRecords

    init(network: String) throws {
        self.network = network
        records = try PortRecords(network: network)
    }

    /// ADD (errors unwrapped: the caller repairs a missing table): a previous incarnation's elements (a re-ADD, an ADD killed before) go first,
    /// then the record is written, then the elements are added in one transaction.
    func protect(_ protection: PortProtection) throws {
        let socket = try Self.socket()
        if let previous = try records.load(port: protection.port.value), previous != protection {
            try Self.removeTolerantly(previous, socket: socket)
        }
        try records.save(protection)
        try socket.add(table: protection.table, protection.elementChanges)
    }

    /// DEL, rollback, GC: removes what the record says was added (absent elements and an
    /// absent table are fine: a flushed ruleset or a torn-down network leaves nothing to
    /// remove), then the record.
    func unprotect(port: String) throws {
        try unprotect(port: port, socket: try Self.socket())
    }

    /// The same on a socket the caller keeps (many ports: closing a socket that deleted
    /// elements waits for an RCU grace period, so one socket serves them all).
    func unprotect(port: String, socket: borrowing NetfilterSocket) throws {
        guard let protection = try records.load(port: port) else { return }
        try Self.removeTolerantly(protection, socket: socket)
        try records.remove(port: port)
    }

    /// Removes the elements; a missing table or set means there is nothing to remove.
    static func removeTolerantly(_ protection: PortProtection, socket: borrowing NetfilterSocket) throws {
        do {
            try socket.delete(table: protection.table, protection.removalChanges)
        } catch {
            guard isMissingTable(error) else { throw wrapped(error) }
        }
    }

    /// CHECK: the elements of `protection` that the kernel does not hold, as sentences
    /// (one datagram of lookups, no dump). A missing table or set throws (unwrapped).
    func missing(_ protection: PortProtection) throws -> [String] {
        let socket = try Self.socket()
        let held = try socket.present(table: protection.table, protection.elementChanges)
        var problems: [String] = []
        for change in protection.elementChanges {
            let found = Set(held.filter { $0.set == change.set }.flatMap(\.keys))
            for key in change.keys where !found.contains(key) {
                problems.append("port \(protection.port) lacks its element \(key) in set \(change.set)"
                    + " of table \(protection.table)")
            }
        }
        return problems
    }

    /// After setup (re)made the table: every recorded port whose veth still exists gets
    /// its elements back (a flushed ruleset must not leave containers cut off); records of
    /// ports that are gone are dropped.
    func restore(existingPorts: Set<String>) throws {
        let socket = try Self.socket()
        for protection in try records.all() {
            if existingPorts.contains(protection.port.value) {
                try Self.mapped { try socket.add(table: protection.table, protection.elementChanges) }
            } else {
                try unprotect(port: protection.port.value, socket: socket)
            }
        }
    }

    static func socket() throws -> NetfilterSocket {
        do { return try NetfilterSocket() } catch { throw wrapped(error) }
    }

    /// Netfilter failures as CNI code 110, naming the network's table.
    static func mapped<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw wrapped(error) }
    }

    /// The network's table (or one of its sets) does not exist.
    static func isMissingTable(_ error: any Error) -> Bool {
        (error as? NetfilterError)?.isNoSuchTableOrSet == true
    }

    static func wrapped(_ error: any Error) -> CNIError {
        if let cni = error as? CNIError { return cni }
        if let netfilter = error as? NetfilterError, netfilter.cniError.code == .tryAgainLater {
            return netfilter.cniError
        }
        return CNIError(.portSecurityFailure, "port security: \(error)",
                        details: "the network's table is made by setup;"
                            + " `flatnet doctor --conf FILE` shows its state")
    }
}
