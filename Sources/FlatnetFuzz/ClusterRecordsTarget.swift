import FlatnetCore

/// What the cluster pool reads from the store (ClusterPool, +Release, +Operator): the
/// value of an address key (a lease), of an owner key and of a reservation key, and the
/// address an address key names. Anything can be there: another host's flatnet, an older
/// one, or a person with etcdctl. A record that reads must write and read back the same
/// (the pool rewrites records it read: releases, reservations), a lease names an owner
/// only with its node (GC on one host must leave other hosts' leases alone), and a key
/// names an address of its own family only.
enum ClusterRecordsTarget {
    static let target = FuzzTarget(name: "cluster-records",
                                   summary: "etcd lease, owner and reservation records", run: run)
    static let keys = ClusterKeys(prefix: "/flatnet/", network: "flat-a")

    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        if let lease = ClusterLeaseRecord(json: text) {
            precondition(ClusterLeaseRecord(json: lease.json) == lease,
                         "a lease does not read back: \(lease.json)")
            precondition(lease.owner == nil || lease.node != nil, "a lease names an owner without a node")
            _ = lease.state
        }
        if let owner = ClusterOwnerRecord(json: text) {
            precondition(ClusterOwnerRecord(json: owner.json) == owner,
                         "an owner does not read back: \(owner.json)")
        }
        if let reservation = ClusterReservationRecord(json: text) {
            precondition(ClusterReservationRecord(json: reservation.json) == reservation,
                         "a reservation does not read back: \(reservation.json)")
        }
        for family in IPFamily.allCases {
            checkAddressKey(text, family: family)
            checkAddressKey(keys.addresses(family) + text, family: family)
        }
    }

    static func checkAddressKey(_ key: String, family: IPFamily) {
        guard let address = keys.address(fromKey: key, family: family) else { return }
        precondition(address.family == family, "\(key) read as an address of the other family")
        precondition(keys.address(address) == key, "\(key) is not the canonical key of \(address)")
        precondition(IPAddress(address.description) == address, "\(address) does not read back")
        precondition(keys.address(fromKey: keys.address(address), family: family) == address,
                     "\(address)'s own key does not name it")
    }
}
