/// An IPv6 address as two 64-bit halves. Pool arithmetic uses the low half: IPv6 pools
/// are /64 or longer (`SubnetSpace`).
public struct IPv6Address: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let high: UInt64
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Parses RFC 4291 text (with `::` compression; no embedded IPv4, no zone).
    public init?(_ text: some StringProtocol) {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        guard let head = IPv6Address.groups(halves[0]) else { return nil }
        var groups = head
        if halves.count == 2 {
            guard let tail = IPv6Address.groups(halves[1]), head.count + tail.count <= 7 else { return nil }
            groups += Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard groups.count == 8 else { return nil }
        let fold = { (slice: ArraySlice<UInt16>) in slice.reduce(UInt64(0)) { $0 << 16 | UInt64($1) } }
        self.init(high: fold(groups[0..<4]), low: fold(groups[4..<8]))
    }

    private static func groups(_ text: some StringProtocol) -> [UInt16]? {
        if text.isEmpty { return [] }
        var result: [UInt16] = []
        for group in text.split(separator: ":", omittingEmptySubsequences: false) {
            guard (1...4).contains(group.count), group.allSatisfy(\.isASCIIHexDigit),
                  let value = UInt16(group, radix: 16) else { return nil }
            result.append(value)
        }
        return result
    }

    var groups: [UInt16] {
        (0..<8).map { index in
            let half = index < 4 ? high : low
            return UInt16(truncatingIfNeeded: half >> UInt64((3 - index % 4) * 16))
        }
    }

    /// RFC 5952 text: lower case, the longest run of two or more zero groups as `::`.
    public var description: String {
        let groups = self.groups
        var best = (start: -1, length: 0), run = (start: -1, length: 0)
        for (index, group) in groups.enumerated() {
            if group == 0 {
                run = run.start < 0 ? (index, 1) : (run.start, run.length + 1)
                if run.length > best.length { best = run }
            } else {
                run = (-1, 0)
            }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard best.length >= 2 else { return hex.joined(separator: ":") }
        let head = hex[..<best.start].joined(separator: ":")
        let tail = hex[(best.start + best.length)...].joined(separator: ":")
        return head + "::" + tail
    }

    public static func < (lhs: IPv6Address, rhs: IPv6Address) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}

extension StringProtocol {
    /// Splits on a multi-character separator (the standard library has no `components`,
    /// and flatnet links no Foundation).
    public func components(separatedBy separator: String) -> [Substring] {
        var parts: [Substring] = []
        var rest = Substring(self)
        while let range = rest.firstRange(of: separator) {
            parts.append(rest[..<range.lowerBound])
            rest = rest[range.upperBound...]
        }
        parts.append(rest)
        return parts
    }
}
