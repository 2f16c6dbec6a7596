import Foundation
import Testing

/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
/// 2014; the constants of Vigna's reference splitmix64.c): a tiny seedable generator, so
/// a property sees the same cases on every run, machine and Swift version. The standard
/// library's `random(in:using:)` is not used: its algorithm is not part of its contract.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xbf58_476d_1ce4_e5b9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94d0_49bb_1331_11eb
        return mixed ^ (mixed >> 31)
    }

    /// Uniform in `range` (multiply-shift; the bias is below 2^-32 for these small spans).
    mutating func int(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(span.multipliedFullWidth(by: next()).high)
    }

    mutating func uint32(in range: ClosedRange<UInt32>) -> UInt32 {
        let span = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + UInt32(span.multipliedFullWidth(by: next()).high)
    }

    /// True `percent` times in a hundred.
    mutating func chance(_ percent: Int) -> Bool { int(in: 0...99) < percent }

    mutating func element<Element>(of items: [Element]) -> Element { items[int(in: 0...(items.count - 1))] }
}

/// Runs a property over a fixed number of generated cases (no time limit: the count bounds
/// the run). Case `i` draws from `SplitMix64(seed: base + i * step)`, so the failing case's
/// own seed, given as FLATNET_PROPERTY_SEED, replays it as case 0. The first counterexample
/// stops the run and is recorded as one issue naming the property, the case and the seed.
enum Property {
    static let defaultSeed: UInt64 = 0x0f1a_7e70_2026_0014
    static let step: UInt64 = 0x9e37_79b9_7f4a_7c15

    /// FLATNET_PROPERTY_SEED (decimal or 0x-hex) to replay or explore; the fixed seed otherwise.
    static var baseSeed: UInt64 {
        guard let text = ProcessInfo.processInfo.environment["FLATNET_PROPERTY_SEED"] else { return defaultSeed }
        let parsed = text.hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text)
        return parsed ?? defaultSeed
    }

    /// `property` returns nil when it holds for the case, or a description of the
    /// counterexample. Returns how many cases held.
    @discardableResult
    static func check(
        _ name: String, cases: Int, sourceLocation: SourceLocation = #_sourceLocation,
        _ property: (inout SplitMix64) throws -> String?
    ) rethrows -> Int {
        let base = baseSeed
        for index in 0..<cases {
            let seed = base &+ UInt64(index) &* step
            var generator = SplitMix64(seed: seed)
            if let counterexample = try property(&generator) {
                let replay = "FLATNET_PROPERTY_SEED=0x\(String(seed, radix: 16))"
                let message = "property \"\(name)\" failed at case \(index) of \(cases)"
                    + " (base seed 0x\(String(base, radix: 16)); replay: \(replay)): \(counterexample)"
                Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
                return index
            }
        }
        return cases
    }
}
