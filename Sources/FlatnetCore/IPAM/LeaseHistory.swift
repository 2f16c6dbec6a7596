/// What a pool knows of the addresses it has ever leased: the highest one. Allocation goes
/// up from the start of the ranges and wraps only at their end, and a requested address
/// raises the mark too, so an address above it has never been held from this pool: no
/// container on this host can have a neighbour entry for it, and its announcement need
/// not reach them (`PortProtection.announced`). Anything else may have been held: a
/// neighbour may still map it to an earlier holder's MAC, and only the announcement
/// corrects that at once.
///
/// Stored in the pool's `highest` file: `none` for a pool that has leased nothing yet;
/// missing (pools created before issue 15) or unreadable means unknown, which is treated
/// as "may have been held".
public enum LeaseHistory: Equatable, Sendable {
    case unknown
    case nothingLeased
    case highest(IPAddress)

    public init(fileText: String?) {
        let line = fileText?.split(separator: "\n").first.map(String.init)
        if line == "none" {
            self = .nothingLeased
        } else if let address = line.flatMap { IPAddress($0) } {
            self = .highest(address)
        } else {
            self = .unknown
        }
    }

    public var fileText: String {
        switch self {
        case .unknown: return ""
        case .nothingLeased: return "none\n"
        case .highest(let address): return address.description + "\n"
        }
    }

    /// True only when `address` was certainly never leased from this pool.
    public func neverLeased(_ address: IPAddress) -> Bool {
        switch self {
        case .unknown: return false
        case .nothingLeased: return true
        case .highest(let highest): return address > highest
        }
    }

    /// The history once `address` is leased (unknown stays unknown: nothing older is known).
    public func recording(_ address: IPAddress) -> LeaseHistory {
        switch self {
        case .unknown: return .unknown
        case .nothingLeased: return .highest(address)
        case .highest(let highest): return .highest(max(highest, address))
        }
    }
}
