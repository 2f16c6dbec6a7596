extension PortProtection {
    /// What ADD adds, per set of `PortSecurityRules` (one transaction).
    public var elementChanges: [NftElementChange] {
        let port = NftElementKey.interface(self.port), mac = NftElementKey.mac(self.mac)
        let sources = ipv6Sources.map { port + NftElementKey.ipv6($0) }
        return [
            NftElementChange(set: "macs", keys: [port + mac]),
            NftElementChange(set: "lladdrs", keys: [port + mac]),
            NftElementChange(set: "ipv4", keys: ipv4.map { port + mac + .ipv4($0) }),
            NftElementChange(set: "ipv6", keys: sources),
            NftElementChange(set: "targets", keys: sources),
            NftElementChange(set: "drops", keys: [port]),
        ] + (announced.map { [NftElementChange(set: "announced", keys: [port + .ipv4($0)])] } ?? [])
    }

    /// What DEL removes: the above and the port's token bucket, which the kernel made.
    public var removalChanges: [NftElementChange] {
        elementChanges + [NftElementChange(set: "flood", keys: [NftElementKey.interface(port)])]
    }
}
