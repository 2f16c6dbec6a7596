/// What the operator listings say about a pool that has no state yet on this host.
public enum PoolListingNote {
    /// "network flat-a: no state directory /var/lib/cni/flatnet/flat-a (no address handed
    /// out on this host yet)": the pool is empty because nothing was ever leased here, not
    /// because its state was lost or is unreadable.
    public static func noStateDirectory(network: String, directory: String) -> String {
        "network \(network): no state directory \(directory) (no address handed out on this host yet)"
    }
}
