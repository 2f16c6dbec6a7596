/// `flatnet who`'s answer, as text and as JSON: who held an address at a time, from the
/// audit log and, for the present, the pool's lease.
public struct WhoReport: Sendable {
    public var history: AddressHistory
    public var at: AuditTime
    /// The pool's lease on the address now, if the caller read the pool, and how long it
    /// has been held (from its file's age).
    public var lease: PoolLease?
    public var now: AuditTime
    /// The log files read, oldest first.
    public var files: [String]

    public init(history: AddressHistory, at: AuditTime, lease: PoolLease?, now: AuditTime, files: [String]) {
        self.history = history
        self.at = at
        self.lease = lease
        self.now = now
        self.files = files
    }

    public var holders: [AddressHistory.Holding] { history.holders(at: at) }

    /// When the lease was taken (its file's age): it held the address from then to now.
    public var leaseSince: AuditTime? {
        lease.map { AuditTime(millisecondsSinceEpoch: now.millisecondsSinceEpoch - Int64($0.ageSeconds) * 1000) }
    }

    /// The lease answers too when `at` lies within it (to the second its age is counted in).
    public var leaseCovers: Bool {
        guard let leaseSince else { return false }
        return at.millisecondsSinceEpoch >= leaseSince.millisecondsSinceEpoch - 999 && at <= now
    }

    public var found: Bool { !holders.isEmpty || leaseCovers }

    public var text: String {
        var lines = ["\(history.address) at \(at):"]
        for holder in holders {
            let pod = holder.pod.map { " (pod \($0))" } ?? ""
            let until = holder.until.map { "until \($0) (\(holder.endedBy ?? "?"))" } ?? "not released in the log"
            lines.append("  network \(holder.network): container \(holder.containerID) ifname \(holder.ifName)\(pod)")
            lines.append("    since \(holder.since) (ADD), \(until)")
            let details = [holder.hostVeth.map { "host veth \($0)" }, holder.mac.map { "MAC \($0)" }].compactMap { $0 }
            if !details.isEmpty { lines.append("    " + details.joined(separator: ", ")) }
        }
        if let lease, leaseCovers {
            lines.append("  lease now: container \(lease.owner.containerID) ifname \(lease.owner.ifName),"
                + " taken \(lease.ageSeconds) s ago")
        }
        if !found { lines.append("  " + absence) }
        lines.append(coverage)
        return lines.joined(separator: "\n") + "\n"
    }

    /// Why there is no answer: nobody held it, or the log does not reach back that far.
    var absence: String {
        guard let first = history.firstTime else { return "no one, as far as flatnet knows: the log is empty" }
        if at < first { return "unknown: the log starts at \(first), after that time" }
        return "no one: no container held it then, according to the log"
    }

    var coverage: String {
        let first = history.firstTime.map { ", from \($0)" } ?? ""
        let unreadable = history.unreadableLines == 0 ? "" : ", \(history.unreadableLines) not audit lines"
        let sources = files.isEmpty ? "no log file" : files.joined(separator: ", ")
        return "(\(history.linesRead) lines read\(first)\(unreadable): \(sources))"
    }

    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "address": .string(history.address.description), "at": .string(at.rfc3339), "found": .bool(found),
            "holders": .array(holders.map(WhoReport.json)), "linesRead": .number(Double(history.linesRead)),
            "unreadableLines": .number(Double(history.unreadableLines)), "files": .array(files.map(JSONValue.string)),
        ]
        object["logStart"] = history.firstTime.map { .string($0.rfc3339) }
        if let lease, leaseCovers, let leaseSince {
            object["lease"] = .object(["containerID": .string(lease.owner.containerID),
                                       "ifname": .string(lease.owner.ifName), "since": .string(leaseSince.rfc3339),
                                       "ageSeconds": .number(Double(lease.ageSeconds))])
        }
        return .object(object)
    }

    static func json(_ holder: AddressHistory.Holding) -> JSONValue {
        var object: [String: JSONValue] = [
            "network": .string(holder.network), "containerID": .string(holder.containerID),
            "ifname": .string(holder.ifName), "since": .string(holder.since.rfc3339),
        ]
        object["pod"] = holder.pod.map(JSONValue.string)
        object["hostVeth"] = holder.hostVeth.map(JSONValue.string)
        object["mac"] = holder.mac.map(JSONValue.string)
        object["until"] = holder.until.map { .string($0.rfc3339) }
        object["endedBy"] = holder.endedBy.map(JSONValue.string)
        return .object(object)
    }
}
