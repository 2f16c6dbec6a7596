import FlatnetCore
import FlatnetSystem

/// `flatnet ipam list` and `ipam usage`: what the pool holds, as a table or JSON.
enum IPAMListing {
    /// Exit 1 when some leases could not be read: they are named as problems (on stderr
    /// with --json, whose stdout stays the array of readable leases). With `truncate`, ids
    /// that would push the table past 80 columns show their first 12 characters.
    static func list(_ pool: PoolIPAM, json: Bool, truncate: Bool) throws -> CommandOutcome {
        let (leases, problems) = try pool.leases()
        let status: Int32 = problems.isEmpty ? 0 : 1
        if json {
            for problem in problems {
                StandardStreams.writeDiagnostic("flatnet: unreadable lease, counted as held: \(problem)\n")
            }
            return .init(output: JSONValue.array(leases.map { lease in
                var members: [String: JSONValue] = [
                    "address": .string(lease.address.description), "containerID": .string(lease.owner.containerID),
                    "ifname": .string(lease.owner.ifName), "ageSeconds": .number(Double(lease.ageSeconds)),
                ]
                if let workload = lease.workload { members["workload"] = .string(workload) }
                return .object(members)
            }).prettyPrinted() + "\n", status: status)
        }
        if let note = try pool.noStateDirectoryNote() { return .init(output: note) }
        let rows = leases.map {
            [$0.address.description, $0.owner.containerID, $0.owner.ifName, age($0.ageSeconds)]
        }
        let full = TextTable(header: ["ADDRESS", "CONTAINER", "IFNAME", "AGE"], rows: rows)
        let table = truncate ? full.fitting(shortening: 1) : full
        return .init(output: table.rendered()
            + problems.map { "problem: unreadable lease, counted as held: \($0)\n" }.joined()
            + "\(leases.count) lease(s) in \(pool.store.directory)\n"
            + (try keptNote(pool, attached: Set(leases.map(\.address)))), status: status)
    }

    /// Reserved addresses attached nowhere are held (usage counts them) but no container's:
    /// the table does not list them, so it says how many there are and where to look.
    static func keptNote(_ pool: PoolIPAM, attached: Set<IPAddress>) throws -> String {
        let kept = try pool.reservationList().flatMap { $0.addresses ?? [] }.filter { !attached.contains($0) }
        return kept.isEmpty ? "" : "\(kept.count) more kept for workloads attached nowhere"
            + " (flatnet ipam reservations list)\n"
    }

    static func usage(_ pool: PoolIPAM, json: Bool) throws -> String {
        let ranges = try pool.usageByRange()
        return usage(ranges, json: json, note: try pool.noStateDirectoryNote() ?? "")
    }

    /// Per range: held of capacity, as JSON or bars (`note` first: a pool with no state yet).
    static func usage(_ ranges: [(range: AddressRange, held: Int, capacity: UInt64)], json: Bool,
                      note: String = "") -> String {
        if json {
            return JSONValue.array(ranges.map {
                .object(["range": .string($0.range.description), "held": .number(Double($0.held)),
                         "capacity": exactCount($0.capacity)])
            }).prettyPrinted() + "\n"
        }
        return note + ranges.map { entry in
            let fraction = entry.capacity == 0 ? 1.0 : Double(entry.held) / Double(entry.capacity)
            // 20 columns: the widest IPv4 line (two 15-character addresses, 65534/65534) fits 80.
            let filled = Int((fraction * 20).rounded())
            let bar = "[" + String(repeating: "#", count: filled)
                + String(repeating: ".", count: 20 - filled) + "]"
            let percent = Int((fraction * 100).rounded())
            let shown = percent == 0 && entry.held > 0 ? "<1%" : "\(percent)%"
            // An IPv6 range's text is up to 79 characters: its figures go on a line of their own.
            let range = entry.range.description
            let separator = range.count > 40 ? "\n    " : "  "
            return "\(range)\(separator)\(bar) \(entry.held)/\(capacityText(entry.capacity)) held (\(shown))\n"
        }.joined()
    }

    /// A JSON number when a double holds it exactly (up to 2^53), else the exact integer as
    /// a string: a /64 range's 18446744073709551614 would print as 1.8446744073709552e+19.
    static func exactCount(_ count: UInt64) -> JSONValue {
        count <= UInt64(1) << 53 ? .number(Double(count)) : .string(String(count))
    }

    /// Exact up to 2^32; beyond, a power of two (an IPv6 range's 18446744073709551615
    /// says less than "~2^64").
    static func capacityText(_ capacity: UInt64) -> String {
        guard capacity > UInt64(UInt32.max) else { return "\(capacity)" }
        let bits = 64 - capacity.leadingZeroBitCount
        let nearer = capacity >= (UInt64(3) << UInt64(bits - 2)) ? bits : bits - 1
        return "~2^\(nearer)"
    }

    static func age(_ seconds: Int) -> String {
        seconds < 120 ? "\(seconds)s"
            : seconds < 7200 ? "\(seconds / 60)m"
            : seconds < 172_800 ? "\(seconds / 3600)h"
            : "\(seconds / 86400)d"
    }
}
