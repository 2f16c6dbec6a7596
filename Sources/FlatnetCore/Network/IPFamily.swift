/// An address family. A pool has at most one range set per family, and a container at
/// most one pool address per family.
public enum IPFamily: String, Hashable, Sendable, CaseIterable, Comparable {
    case ipv4
    case ipv6

    /// "IPv4" or "IPv6", for messages.
    public var name: String { self == .ipv4 ? "IPv4" : "IPv6" }

    public static func < (lhs: IPFamily, rhs: IPFamily) -> Bool { lhs == .ipv4 && rhs == .ipv6 }
}

extension IPAddress: Comparable {
    public var family: IPFamily { v4 == nil ? .ipv6 : .ipv4 }

    /// IPv4 before IPv6, then by value (listings sort both families this way).
    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        switch (lhs, rhs) {
        case (.v4(let a), .v4(let b)): return a < b
        case (.v6(let a), .v6(let b)): return a < b
        case (.v4, .v6): return true
        case (.v6, .v4): return false
        }
    }
}

extension IPPrefix {
    public var family: IPFamily { address.family }
}
