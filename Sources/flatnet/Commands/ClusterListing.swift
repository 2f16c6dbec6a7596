import FlatnetCore
import FlatnetSystem

/// `flatnet ipam list` and `ipam reservations list` for a pool in the cluster store.
enum ClusterListing {
    /// Every address key: address, container, ifname, node, reserved-for. Exit 1 when one
    /// cannot be read (it counts as held).
    static func list(_ pool: ClusterPool, json: Bool) throws -> CommandOutcome {
        let leases = try pool.leases()
        let unreadable = leases.filter { $0.record == nil }.map(\.address)
        if json {
            return .init(output: JSONValue.array(leases.compactMap { lease -> JSONValue? in
                guard let record = lease.record else { return nil }
                var members: [String: JSONValue] = ["address": .string(lease.address.description)]
                if let owner = record.owner {
                    members["containerID"] = .string(owner.containerID)
                    members["ifname"] = .string(owner.ifName)
                }
                if let node = record.node { members["node"] = .string(node) }
                if let workload = record.workload { members["workload"] = .string(workload) }
                return .object(members)
            }).prettyPrinted() + "\n", status: unreadable.isEmpty ? 0 : 1)
        }
        let rows = leases.compactMap { lease -> [String]? in
            guard let record = lease.record else { return nil }
            return [lease.address.description, record.owner?.containerID ?? "-", record.owner?.ifName ?? "-",
                    record.node ?? "-", record.workload ?? "-"]
        }
        let table = TextTable(header: ["ADDRESS", "CONTAINER", "IFNAME", "NODE", "RESERVED FOR"], rows: rows)
        return .init(output: table.fitting(shortening: 1).rendered()
            + unreadable.map { "problem: \($0): unreadable lease record, counted as held\n" }.joined()
            + "\(leases.count) lease(s) in the cluster store under \(pool.keys.networkPrefix)\n",
                     status: unreadable.isEmpty ? 0 : 1)
    }

    /// `ipam usage` of the cluster pool: every host's leases (attached or reserved) per range.
    static func usage(_ pool: ClusterPool, json: Bool) throws -> String {
        let held = try pool.leases().map(\.address)
        let ranges = pool.pools.flatMap { family in
            family.ranges.map { range in
                (range: range, held: held.filter(range.contains).count, capacity: family.capacity(of: range))
            }
        }
        return IPAMListing.usage(ranges, json: json)
    }

    /// `ipam reservations list`, of either store.
    static func reservations(_ reservations: [(workload: String, addresses: [IPAddress]?)],
                             json: Bool) -> CommandOutcome {
        if json {
            return .init(output: JSONValue.array(reservations.map {
                .object(["workload": .string($0.workload),
                         "addresses": .array(($0.addresses ?? []).map { .string($0.description) })])
            }).prettyPrinted() + "\n")
        }
        let rows = reservations.map { [$0.workload, ($0.addresses ?? []).map(\.description)
            .joined(separator: ", ")] }
        return .init(output: TextTable(header: ["WORKLOAD", "ADDRESSES"], rows: rows).rendered()
            + "\(reservations.count) reservation(s)\n")
    }
}
