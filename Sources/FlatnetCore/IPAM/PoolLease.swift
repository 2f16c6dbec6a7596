/// One held address, as listings, GC and doctor see it.
public struct PoolLease: Equatable, Sendable {
    public let address: IPAddress
    public let owner: Attachment
    public let ageSeconds: Int
    /// The workload the address is reserved for: its DEL keeps it for that workload.
    public let workload: String?

    public init(address: IPAddress, owner: Attachment, ageSeconds: Int, workload: String? = nil) {
        self.address = address
        self.owner = owner
        self.ageSeconds = ageSeconds
        self.workload = workload
    }
}
