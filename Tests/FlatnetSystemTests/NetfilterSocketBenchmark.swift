import FlatnetCore
import FlatnetSystem
import FlatnetTestSupport
import Foundation
import Testing

/// Whether the measurement was asked for, and how many rounds (FLATNET_NFT_BENCH_ROUNDS).
enum NftBenchmarkRequest {
    static var isRequested: Bool {
        TestHost.canRunPrivileged && ProcessInfo.processInfo.environment["FLATNET_NFT_BENCH"] == "1"
    }
    static let rounds = Int(ProcessInfo.processInfo.environment["FLATNET_NFT_BENCH_ROUNDS"] ?? "") ?? 400
}

/// What one ADD + DEL of a container's port-security elements costs with 10 and with
/// 1,000 containers' elements already in the sets. A measurement, not a test: it asserts
/// nothing about time, runs only when asked (scripts/lib/nft_bench.sh sets
/// FLATNET_NFT_BENCH=1), and prints medians interleaved A/B (TESTING.md).
@Suite("nftables element cost at 10 and 1,000 containers (measurement, opt-in)",
       .enabled(if: NftBenchmarkRequest.isRequested, "set FLATNET_NFT_BENCH=1 (scripts/lib/nft_bench.sh)"))
struct NetfilterSocketBenchmark {
    static let rounds = NftBenchmarkRequest.rounds
    static let table = NftablesFixture.table

    @Test("add+delete, lookups and nft exec at 10 vs 1,000 containers (prints medians)")
    func measure() throws {
        let small = try NftablesFixture(), large = try NftablesFixture()
        let smallSocket = try small.socket(), largeSocket = try large.socket()
        try smallSocket.add(table: Self.table, (1...10).flatMap { ContainerElements($0).changes })
        try largeSocket.add(table: Self.table, (1...1_000).flatMap { ContainerElements($0).changes })
        #expect(try largeSocket.elements(table: Self.table, set: "drops").count == 1_000)
        var samples: [String: [Duration]] = [:]
        for round in 0..<Self.rounds {
            // Alternate which host goes first, so drift in the machine's load hits both.
            if round.isMultiple(of: 2) {
                try measureRound(round, smallSocket, "10 containers", &samples)
                try measureRound(round, largeSocket, "1000 containers", &samples)
            } else {
                try measureRound(round, largeSocket, "1000 containers", &samples)
                try measureRound(round, smallSocket, "10 containers", &samples)
            }
        }
        try measureNft(small, large, into: &samples)
        print(Self.report(samples))
    }

    private func measureRound(_ round: Int, _ socket: borrowing NetfilterSocket, _ label: String,
                              _ samples: inout [String: [Duration]]) throws {
        let container = ContainerElements(5_000 + round)
        try time(&samples, "add+delete, one transaction each | \(label)") {
            try socket.add(table: Self.table, container.changes)
            try socket.delete(table: Self.table, container.changes)
        }
        let attached = ContainerElements(round % 10 + 1)
        try time(&samples, "present, 5 keys in one call (CHECK) | \(label)") {
            guard try socket.present(table: Self.table, attached.changes).count == 5 else {
                throw NftCommandError(command: "present", stderr: "an element is missing")
            }
        }
        try time(&samples, "contains, 5 calls | \(label)") { try lookUpAll(socket, attached) }
        try time(&samples, "delete of absent keys (repeated DEL) | \(label)") {
            try socket.delete(table: Self.table, container.changes)
        }
    }

    private func lookUpAll(_ socket: borrowing NetfilterSocket, _ container: ContainerElements) throws {
        for change in container.changes {
            guard try socket.contains(table: Self.table, set: change.set, key: change.keys[0]) else {
                throw NftCommandError(command: "contains", stderr: "element missing")
            }
        }
    }

    /// The same add+delete as one `nft -f` exec (context: why flatnet does not exec nft).
    private func measureNft(_ small: borrowing NftablesFixture, _ large: borrowing NftablesFixture,
                            into samples: inout [String: [Duration]]) throws {
        let container = ContainerElements(9_999)
        let script = container.listed.filter { $0.key != "drops" }.map { set, element in
            "add element bridge fn-test \(set) { \(element) }\n"
                + "delete element bridge fn-test \(set) { \(element) }\n"
        }.joined()
        for round in 0..<min(Self.rounds, 60) {
            for host in round.isMultiple(of: 2) ? [0, 1] : [1, 0] {
                let label = host == 0 ? "10 containers" : "1000 containers"
                try time(&samples, "nft -f exec, 4 adds + 4 deletes | \(label)") {
                    try host == 0 ? small.nft(script: script) : large.nft(script: script)
                }
            }
        }
    }

    private func time(_ samples: inout [String: [Duration]], _ name: String,
                      _ body: () throws -> Void) throws {
        let clock = ContinuousClock()
        let start = clock.now
        try body()
        samples[name, default: []].append(clock.now - start)
    }

    /// One line per case: median, 10th and 90th percentile in microseconds, and the
    /// 1,000/10 ratio of medians.
    static func report(_ samples: [String: [Duration]]) -> String {
        func micros(_ duration: Duration) -> Double {
            Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
        }
        func percentile(_ values: [Double], _ share: Double) -> Double {
            values.sorted()[min(values.count - 1, Int(Double(values.count) * share))]
        }
        var lines = ["NFT-BENCH case | host | runs | median µs | p10 µs | p90 µs"]
        var medians: [String: [String: Double]] = [:]
        for name in samples.keys.sorted() {
            let values = samples[name]!.map(micros)
            let parts = name.split(separator: " | ").map(String.init)
            medians[parts[0], default: [:]][parts[1]] = percentile(values, 0.5)
            let numbers = [0.5, 0.1, 0.9].map { String(format: "%.0f", percentile(values, $0)) }
            lines.append("NFT-BENCH \(parts[0]) | \(parts[1]) | \(values.count) | "
                         + numbers.joined(separator: " | "))
        }
        for (name, pair) in medians.sorted(by: { $0.key < $1.key }) {
            guard let small = pair["10 containers"], let large = pair["1000 containers"] else { continue }
            lines.append("NFT-BENCH ratio 1000/10 | \(name) | " + String(format: "%.2f", large / small))
        }
        return lines.joined(separator: "\n")
    }
}
