/// What `flatnet ipam reservations` does to a pool, on this host's disk or in the cluster
/// store (README.md#addresses-that-follow-their-workload).
public protocol ReservationBook {
    /// Every reservation: the workload and the addresses it keeps (nil: unreadable).
    func reservationList() throws -> [(workload: String, addresses: [IPAddress]?)]
    /// Keeps `addresses` (one per family) for `workload` before it first runs. Each must be
    /// allocatable and held by nobody; the same reservation made again is no change.
    func reserve(workload: String, addresses: [IPAddress]) throws
    /// The workload no longer keeps its addresses: one attached now stays its container's
    /// until its DEL, one attached nowhere is free at once. Returns the addresses it kept
    /// (empty: there was no reservation).
    func releaseReservation(workload: String, dryRun: Bool) throws -> [IPAddress]
}

extension ClusterPool: ReservationBook {
    public func reservationList() throws -> [(workload: String, addresses: [IPAddress]?)] {
        try reservations().map { ($0.workload, $0.record?.addresses) }
    }
}
