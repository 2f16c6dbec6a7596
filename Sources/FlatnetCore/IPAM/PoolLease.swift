/// One held address, as listings, GC and doctor see it.
public struct PoolLease: Equatable, Sendable {
    public let address: IPAddress
    public let owner: Attachment
    public let ageSeconds: Int

    public init(address: IPAddress, owner: Attachment, ageSeconds: Int) {
        self.address = address
        self.owner = owner
        self.ageSeconds = ageSeconds
    }
}
