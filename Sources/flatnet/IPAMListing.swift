import FlatnetCore
import FlatnetSystem

/// `flatnet ipam list` and `ipam usage`: what the pool holds, as a table or JSON.
enum IPAMListing {
    /// Exit 1 when some leases could not be read: they are named as problems (on stderr
    /// with --json, whose stdout stays the array of readable leases).
    static func list(_ pool: PoolIPAM, json: Bool) throws -> OperatorCommandLine.Outcome {
        let (leases, problems) = try pool.leases()
        let status: Int32 = problems.isEmpty ? 0 : 1
        if json {
            for problem in problems {
                StandardStreams.writeDiagnostic("flatnet: unreadable lease, counted as held: \(problem)\n")
            }
            return .init(output: JSONValue.array(leases.map {
                .object(["address": .string($0.address.description),
                         "containerID": .string($0.owner.containerID),
                         "ifname": .string($0.owner.ifName), "ageSeconds": .number(Double($0.ageSeconds))])
            }).prettyPrinted() + "\n", status: status)
        }
        if let note = try pool.noStateDirectoryNote() { return .init(output: note) }
        let rows = leases.map {
            [$0.address.description, $0.owner.containerID, $0.owner.ifName, age($0.ageSeconds)]
        }
        return .init(output: table(["ADDRESS", "CONTAINER", "IFNAME", "AGE"], rows)
            + problems.map { "problem: unreadable lease, counted as held: \($0)\n" }.joined()
            + "\(leases.count) lease(s) in \(pool.store.directory)\n", status: status)
    }

    static func usage(_ pool: PoolIPAM, json: Bool) throws -> String {
        let ranges = try pool.usageByRange()
        if json {
            return JSONValue.array(ranges.map {
                .object(["range": .string($0.range.description), "held": .number(Double($0.held)),
                         "capacity": .number(Double($0.capacity))])
            }).prettyPrinted() + "\n"
        }
        return (try pool.noStateDirectoryNote() ?? "") + ranges.map { entry in
            let fraction = entry.capacity == 0 ? 1.0 : Double(entry.held) / Double(entry.capacity)
            let filled = Int((fraction * 30).rounded())
            let bar = "[" + String(repeating: "#", count: filled)
                + String(repeating: ".", count: 30 - filled) + "]"
            let percent = Int((fraction * 100).rounded())
            return "\(entry.range)  \(bar) \(entry.held)/\(entry.capacity) held (\(percent)%)\n"
        }.joined()
    }

    static func age(_ seconds: Int) -> String {
        seconds < 120 ? "\(seconds)s"
            : seconds < 7200 ? "\(seconds / 60)m"
            : seconds < 172_800 ? "\(seconds / 3600)h"
            : "\(seconds / 86400)d"
    }

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated()
                .map { $0.element + String(repeating: " ", count: widths[$0.offset] - $0.element.count) }
                .joined(separator: "  ").trimmingTrailingSpaces() + "\n"
        }.joined()
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        String(reversed().drop { $0 == " " }.reversed())
    }
}
