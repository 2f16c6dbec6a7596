/// An address of either family.
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    case v4(IPv4Address)
    case v6(IPv6Address)

    public init?(_ text: some StringProtocol) {
        if let v4 = IPv4Address(text) {
            self = .v4(v4)
        } else if let v6 = IPv6Address(text) {
            self = .v6(v6)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .v4(let address): return address.description
        case .v6(let address): return address.description
        }
    }

    /// Bits in an address of this family: 32 or 128.
    public var bitWidth: Int {
        if case .v4 = self { return 32 }
        return 128
    }

    /// "4" or "6", as CNI 0.3.x/0.4.0 results spell `ips[].version`.
    public var versionString: String {
        if case .v4 = self { return "4" }
        return "6"
    }

    public var v4: IPv4Address? {
        if case .v4(let address) = self { return address }
        return nil
    }

    public var v6: IPv6Address? {
        if case .v6(let address) = self { return address }
        return nil
    }
}
