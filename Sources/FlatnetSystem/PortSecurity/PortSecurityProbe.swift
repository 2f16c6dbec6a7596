import FlatnetCore

/// Reads one network's port security for doctor (dumps of its sets: doctor only, never
/// on ADD, DEL or CHECK).
enum PortSecurityProbe {
    static let checkedSets = ["macs", "lladdrs", "ipv4", "ipv6", "targets", "drops", "announced"]

    static func observe(_ config: NetworkConfig) throws -> PortSecurityObservation {
        var seen = PortSecurityObservation()
        guard let rules = PortSecurityRules.make(for: config) else { return seen }
        do {
            seen.table = try Nft.table(rules.table)
        } catch {
            seen.unreadable = "\(error)"
            return seen
        }
        // Read whether or not the table is there: a record left without its table is
        // part of the network (doctor then does not call the host "not set up").
        seen.records = try PortGuard(network: config.name).records.all()
        guard seen.table != nil else { return seen }
        let socket = try PortGuard.socket()
        for set in checkedSets {
            let elements = try PortGuard.mapped { try socket.elements(table: rules.table, set: set) }
            seen.elements[set] = Set(elements.keys)
            guard set == "drops" else { continue }
            for (key, counters) in elements {
                if let counters { seen.drops[key.interfaceName] = counters }
            }
        }
        return seen
    }
}

extension NftElementKey {
    /// The interface name a `drops` key holds (16 bytes, NUL padded).
    var interfaceName: String {
        String(decoding: bytes.prefix(16).prefix { $0 != 0 }, as: UTF8.self)
    }
}
