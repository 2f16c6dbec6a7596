import FlatnetCore
import FlatnetSystem
import FlatnetTestSupport
import Testing

/// What one tableFingerprint of flat-a's real table costs, with 10 and with 1,000
/// containers' elements in its sets (it reads no element, so both should cost the same),
/// on a reused socket and on a fresh one (what one ADD would pay), and one `nft list table`
/// exec for context. Same rules as the element measurement: opt-in, medians, no assertion
/// on time.
extension NetfilterSocketBenchmark {
    @Test("tableFingerprint at 10 vs 1,000 containers (prints medians)")
    func measureFingerprint() throws {
        let small = try PortSecurityTableFixture(), large = try PortSecurityTableFixture()
        try fill(small, containers: 10)
        try fill(large, containers: 1_000)
        let smallSocket = try small.socket(), largeSocket = try large.socket()
        var samples: [String: [Duration]] = [:]
        for round in 0..<Self.rounds {
            // Alternate which host goes first, so drift in the machine's load hits both.
            for host in round.isMultiple(of: 2) ? [0, 1] : [1, 0] {
                if host == 0 {
                    try measureRound(small, smallSocket, "10 containers", &samples)
                } else {
                    try measureRound(large, largeSocket, "1000 containers", &samples)
                }
            }
        }
        for round in 0..<min(Self.rounds, 60) {
            for host in round.isMultiple(of: 2) ? [0, 1] : [1, 0] {
                let label = host == 0 ? "10 containers" : "1000 containers"
                try timeFingerprint(&samples, "nft list table exec (context) | \(label)") {
                    if host == 0 {
                        _ = try small.nft.nft("list", "table", "bridge", small.table)
                    } else {
                        _ = try large.nft.nft("list", "table", "bridge", large.table)
                    }
                    return nil
                }
            }
        }
        print(Self.report(samples))
    }

    private func measureRound(_ fixture: borrowing PortSecurityTableFixture,
                              _ socket: borrowing NetfilterSocket, _ label: String,
                              _ samples: inout [String: [Duration]]) throws {
        let table = fixture.table
        try timeFingerprint(&samples, "tableFingerprint, socket reused | \(label)") {
            try socket.tableFingerprint(table: table)
        }
        // Opened inside the namespace, as the plugin opens its socket in the host's own:
        // the setns in and out is not timed.
        try NetworkNamespace.withEntered(path: fixture.nft.path) {
            try timeFingerprint(&samples, "tableFingerprint, socket opened and closed (one ADD) | \(label)") {
                try NetfilterSocket().tableFingerprint(table: table)
            }
        }
    }

    private func fill(_ fixture: borrowing PortSecurityTableFixture, containers: Int) throws {
        let ports = try (1...containers).map { number in
            try fixture.protection(port: PortSecurityTableFixture.portName("b\(number)"),
                                   mac: "02:00:00:01:\(hexByte(number >> 8)):\(hexByte(number))",
                                   ipv4: "10.43.\(number >> 8).\(number & 0xff)")
        }
        try fixture.socket().add(table: fixture.table, ports.flatMap(\.elementChanges))
        #expect(try fixture.socket().elements(table: fixture.table, set: "macs").count == containers)
    }

    private func hexByte(_ value: Int) -> String {
        let digits = String(value & 0xff, radix: 16)
        return digits.count == 1 ? "0" + digits : digits
    }

    private func timeFingerprint(_ samples: inout [String: [Duration]], _ name: String,
                                 _ body: () throws -> String?) throws {
        let clock = ContinuousClock()
        let start = clock.now
        let fingerprint = try body()
        samples[name, default: []].append(clock.now - start)
        if name.hasPrefix("tableFingerprint") { #expect(fingerprint != nil) }
    }
}
