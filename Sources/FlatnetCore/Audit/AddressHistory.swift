/// Who held an address when: the answer `flatnet who` gives, read from audit lines.
///
/// A holding starts with a successful ADD whose result lists the address, and ends with
/// the first of: a successful DEL of the same attachment (network, container, ifname), or
/// an operator command's release of its lease (`ipam release`, `ipam gc`, `teardown`); a
/// successful GC of that network whose valid attachments leave it out (GC releases
/// exactly those); a later successful ADD that hands the same address, on the same
/// network, to another attachment (the lease was released some other way, e.g.
/// a release that was not logged, at the latest then). Lines that are not audit lines are
/// counted, not trusted.
public struct AddressHistory: Sendable {
    public struct Holding: Equatable, Sendable {
        public var network: String
        public var containerID: String
        public var ifName: String
        public var pod: String?
        public var hostVeth: String?
        public var mac: String?
        public var since: AuditTime
        public var until: AuditTime?
        /// What ended it: "DEL", "GC", or "ADD of <container>" (released some other way before).
        public var endedBy: String?

        public func covers(_ time: AuditTime) -> Bool {
            since <= time && (until.map { time < $0 } ?? true)
        }
    }

    public private(set) var holdings: [Holding] = []
    public private(set) var linesRead = 0
    public private(set) var unreadableLines = 0
    /// The earliest time stamp read: before it, the log cannot tell.
    public private(set) var firstTime: AuditTime?

    public let address: IPAddress
    /// Only this network's lines, when set.
    public let network: String?

    public init(address: IPAddress, network: String? = nil) {
        self.address = address
        self.network = network
    }

    /// Reads lines in the order they were written (oldest file first).
    public mutating func read<Lines: Sequence<Substring>>(_ lines: Lines) {
        for line in lines where !line.isEmpty {
            linesRead += 1
            guard let record = try? JSONValue.parse(Array(line.utf8)),
                  let time = record["time"]?.stringValue.flatMap(AuditTime.parse),
                  let verb = record["verb"]?.stringValue else {
                unreadableLines += 1
                continue
            }
            firstTime = firstTime.map { min($0, time) } ?? time
            guard record["code"] == .number(0), let lineNetwork = record["network"]?.stringValue,
                  network.map({ $0 == lineNetwork }) ?? true else { continue }
            apply(verb: verb, record: record, network: lineNetwork, time: time)
        }
    }

    /// The holdings that cover `time`.
    public func holders(at time: AuditTime) -> [Holding] {
        holdings.filter { $0.covers(time) }
    }

    private mutating func apply(verb: String, record: JSONValue, network: String, time: AuditTime) {
        let container = record["containerID"]?.stringValue ?? ""
        let ifName = record["ifname"]?.stringValue ?? ""
        switch verb {
        case "ADD":
            guard holdsAddress(record) else { return }
            let same = { (holding: Holding) in holding.containerID == container && holding.ifName == ifName }
            if openHoldings(network).contains(where: same) { return }  // a runtime's retry
            end(openHoldings(network).filter { !same($0) }, at: time, by: "ADD of \(container)")
            holdings.append(Holding(
                network: network, containerID: container, ifName: ifName, pod: record["pod"]?.stringValue,
                hostVeth: record["hostVeth"]?.stringValue, mac: record["mac"]?.stringValue, since: time))
        case "DEL", _ where AuditRecord.operatorReleaseVerbs.contains(verb):
            // A DEL's holding ends when the DEL is done (its time is its start).
            let micros = record["durationUs"].flatMap { if case .number(let n) = $0 { n } else { nil } } ?? 0
            let duration = Int64((micros / 1000).rounded(.up))
            let done = AuditTime(millisecondsSinceEpoch: time.millisecondsSinceEpoch + max(0, duration))
            end(openHoldings(network).filter { $0.containerID == container && $0.ifName == ifName },
                at: done, by: verb == "DEL" ? "DEL" : "flatnet \(verb)")
        case "GC":
            // A line whose valid list was dropped (too long) cannot say what GC released.
            guard let listed = record["validAttachments"]?.arrayValue else { return }
            let valid = Set(listed.map {
                ($0["containerID"]?.stringValue ?? "") + "\u{0}" + ($0["ifname"]?.stringValue ?? "")
            })
            end(openHoldings(network).filter { !valid.contains($0.containerID + "\u{0}" + $0.ifName) },
                at: time, by: "GC")
        default:
            return
        }
    }

    private func holdsAddress(_ record: JSONValue) -> Bool {
        (record["addresses"]?.arrayValue ?? []).contains { entry in
            guard let text = entry.stringValue else { return false }
            return IPAddress(text.split(separator: "/").first ?? "") == address
        }
    }

    private func openHoldings(_ network: String) -> [Holding] {
        holdings.filter { $0.until == nil && $0.network == network }
    }

    private mutating func end(_ ended: [Holding], at time: AuditTime, by reason: String) {
        for index in holdings.indices where ended.contains(holdings[index]) {
            holdings[index].until = time
            holdings[index].endedBy = reason
        }
    }
}
