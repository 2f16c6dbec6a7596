/// One held address, as listings, GC and doctor see it.
public struct PoolLease: Equatable, Sendable {
    public let address: IPv4Address
    public let owner: Attachment
    public let ageSeconds: Int

    public init(address: IPv4Address, owner: Attachment, ageSeconds: Int) {
        self.address = address
        self.owner = owner
        self.ageSeconds = ageSeconds
    }
}
