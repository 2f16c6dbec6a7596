/// What `flatnet ipam release` did, and the sentence that says it. Releasing what is not
/// held is not an error (release is idempotent, exit 0) but says so; an address outside
/// the network's subnet is (`IPAMError.releaseOutsideSubnet`, exit 1).
public enum IPAMReleaseOutcome: Equatable, Sendable {
    /// `keptFor`: the addresses stay reserved for that workload (as after its DEL).
    case released([IPAddress], owner: Attachment, dryRun: Bool, keptFor: String? = nil)
    case addressNotHeld(IPAddress)
    /// Held by no container, kept for a workload: `ipam reservations release` frees it.
    case addressReserved(IPAddress, workload: String)
    case ownerHoldsNothing(Attachment)

    public var text: String {
        switch self {
        case .released(let addresses, let owner, let dryRun, let workload):
            let list = addresses.map(\.description).joined(separator: ", ")
            let kept = workload.map {
                "; kept for workload \($0) (flatnet ipam reservations release frees it)"
            }
            return "\(dryRun ? "would release" : "released") \(list) (\(Self.describe(owner)))\(kept ?? "")"
        case .addressNotHeld(let address):
            return "\(address) was not held: nothing released"
        case .addressReserved(let address, let workload):
            return "\(address) is held by no container but reserved for \(workload): nothing released"
                + " (flatnet ipam reservations release frees it)"
        case .ownerHoldsNothing(let owner):
            return "\(Self.describe(owner)) holds no address: nothing released"
        }
    }

    /// "container c1 ifname eth0" (the id bounded: it came from the command line or a lease).
    static func describe(_ owner: Attachment) -> String {
        "container \(owner.containerID.bounded(80)) ifname \(owner.ifName)"
    }

    /// Refuses an address the pool's subnet does not contain: no lease can exist for it,
    /// so the operator mistyped the address or chose the wrong netconf.
    public static func checkReleasable(_ address: IPAddress, from pools: [AddressPool]) throws(IPAMError) {
        guard pools.contains(where: { $0.subnet.contains(address) }) else {
            throw IPAMError.releaseOutsideSubnet(
                address, subnet: pools.map(\.subnet.description).joined(separator: ", "))
        }
    }
}
