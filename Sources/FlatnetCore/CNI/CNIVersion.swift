/// A CNI specification version (`major.minor.patch`).
public struct CNIVersion: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    public let patch: Int

    public init(_ major: Int, _ minor: Int, _ patch: Int) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// Parses `X.Y.Z` with decimal components; anything else is nil.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
              parts.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(\.isASCIIDigit) }),
              let major = Int(parts[0]), let minor = Int(parts[1]), let patch = Int(parts[2])
        else { return nil }
        self.init(major, minor, patch)
    }

    public var description: String { "\(major).\(minor).\(patch)" }

    public static func < (lhs: CNIVersion, rhs: CNIVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }

    /// The versions flatnet reads and writes, oldest first.
    public static let supported: [CNIVersion] = [
        CNIVersion(0, 3, 0), CNIVersion(0, 3, 1), CNIVersion(0, 4, 0), CNIVersion(1, 0, 0),
        CNIVersion(1, 1, 0),
    ]

    /// The newest supported version: what VERSION reports when the request names none.
    public static let current = CNIVersion(1, 1, 0)

    /// CHECK exists from 0.4.0 on (spec: "CHECK ... introduced in 0.4.0").
    public static let firstWithCheck = CNIVersion(0, 4, 0)

    /// STATUS and GC exist from 1.1.0 on.
    public static let firstWithStatusAndGC = CNIVersion(1, 1, 0)

    public var isSupported: Bool { CNIVersion.supported.contains(self) }

    /// 0.3.x and 0.4.0 results carry `ips[].version`; 1.x results do not.
    public var resultCarriesIPVersion: Bool { major == 0 }

    /// 1.1.0 added route `mtu`/`advmss`/`priority`/`table`/`scope` and interface
    /// `mtu`/`socketPath`/`pciID`; older results omit them.
    public var resultCarriesExtendedFields: Bool { self >= CNIVersion(1, 1, 0) }
}
