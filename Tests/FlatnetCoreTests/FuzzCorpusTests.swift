import FlatnetCore
import Foundation
import Testing

/// The committed seed corpus (Tests/FuzzCorpus/<target>, read by scripts/lib/fuzz_lane.sh)
/// must start each fuzz target at every case the tests know: every bad-input table case,
/// the shipped examples, the real tool and kernel outputs. A new table case fails this
/// test until its seed is committed; `FLATNET_WRITE_FUZZ_SEEDS=1 swift test --filter
/// FuzzCorpusTests` writes the missing ones (review and commit them).
@Suite("Fuzz seed corpus")
struct FuzzCorpusTests {
    static let corpus = FuzzSeeds.root.appendingPathComponent("Tests/FuzzCorpus")
    static let targets = ["netconf", "cni-args", "ebtables", "nft-replies", "ipam-result", "state-records",
                          "catalog-answers", "fleet", "json", "cluster-records", "etcd-answers", "http-response"]

    @Test("the corpus holds every seed the tests define", arguments: targets)
    func holdsEverySeed(_ target: String) throws {
        let directory = Self.corpus.appendingPathComponent(target)
        let seeds = FuzzSeeds.all.filter { $0.target == target }
        #expect(!seeds.isEmpty)
        let examples = seeds.filter { $0.name.hasPrefix("example ") }
        #expect(examples.allSatisfy { !$0.bytes.isEmpty }, "an example file was not found")
        var present = try Self.contents(of: directory)
        var missing: [String] = []
        for seed in seeds where !present.contains(seed.bytes) {
            if ProcessInfo.processInfo.environment["FLATNET_WRITE_FUZZ_SEEDS"] == "1" {
                try Self.write(seed, into: directory)
                present.insert(seed.bytes)
            } else {
                missing.append(seed.name)
            }
        }
        let hint = "FLATNET_WRITE_FUZZ_SEEDS=1 swift test --filter FuzzCorpusTests writes them"
        #expect(missing.isEmpty,
                "Tests/FuzzCorpus/\(target) lacks \(missing.count) seeds: \(missing) (\(hint))")
    }

    /// The lane's table (scripts/lib/fuzz_lane.sh): target, executions, -max_len, seed
    /// folders. libFuzzer cuts a longer seed to -max_len, silently.
    @Test("every corpus folder is fuzzed by the lane, and each seed fits its target's -max_len")
    func seedsFitTheLane() throws {
        let script = try String(contentsOf: FuzzSeeds.root.appendingPathComponent("scripts/lib/fuzz_lane.sh"),
                                encoding: .utf8)
        let table = try #require(script.components(separatedBy: "TARGET_TABLE=\"").last?
            .components(separatedBy: "\"").first)
        let rows = table.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        let maximumLength = Dictionary(uniqueKeysWithValues: rows.compactMap { row in
            row.count >= 4 ? (row[0], Int(row[2]) ?? 0) : nil
        })
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path)
        #expect(Set(folders) == Set(maximumLength.keys), "corpus folders and lane targets")
        for target in folders {
            let directory = Self.corpus.appendingPathComponent(target)
            for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
                let size = try Data(contentsOf: directory.appendingPathComponent(file)).count
                #expect(size <= maximumLength[target] ?? 0, "\(target)/\(file) is \(size) bytes")
            }
        }
    }

    static func contents(of directory: URL) throws -> Set<[UInt8]> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return Set(try names.map { Array(try Data(contentsOf: directory.appendingPathComponent($0))) })
    }

    /// `<target>/<name as a slug>`.
    static func write(_ seed: FuzzSeed, into directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let slug = String(seed.name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
            .split(separator: "-").joined(separator: "-").prefix(72)
        try Data(seed.bytes).write(to: directory.appendingPathComponent(String(slug)))
    }
}
