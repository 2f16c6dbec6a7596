/// What the runtime adds to the netconf for one call, beyond the network itself.
public struct RuntimeInputs: Equatable, Sendable {
    /// Requested addresses, from `args.cni.ips`, else `runtimeConfig.ips` (capability
    /// `ips`); CNI_ARGS `IP=` is the last resort (see `effectiveRequests`).
    public var requestedAddresses: [IPPrefix] = []
    /// Requested MAC, from `args.cni.mac`, else `runtimeConfig.mac` (capability `mac`).
    public var requestedMAC: MACAddress?
    /// Addresses this one container may use besides its own (port security), from
    /// `args.cni.allowedAddresses`, else `runtimeConfig.allowedAddresses` (capability
    /// `allowedAddresses`); CNI_ARGS `ALLOWED_ADDRESSES=` is the last resort.
    public var allowedAddresses: [IPv4Address] = []
    /// Where `allowedAddresses` came from, for messages.
    public var allowedAddressesPath = "runtimeConfig.allowedAddresses"
    /// The workload a reservation is keyed by, from `args.cni.workload`, else
    /// `runtimeConfig.workload` (README.md#addresses-that-follow-their-workload).
    public var workload: String?
    public var workloadPath = "runtimeConfig.workload"
    /// The previous plugin's result when chained (ADD) or the expected state (CHECK).
    public var prevResult: CNIResult?
    /// GC only: the attachments the runtime still knows (`cni.dev/valid-attachments`,
    /// or the older `cni.dev/attachments`). nil when the key is absent.
    public var validAttachments: [Attachment]?

    public init() {}

    /// The GC list, or an error: an absent list must never mean "nothing is valid".
    public func requiredValidAttachments() throws(CNIError) -> [Attachment] {
        guard let validAttachments else {
            throw CNIError(.invalidNetworkConfig, "GC needs cni.dev/valid-attachments",
                           details: "refusing to treat a missing list as \"no attachment is valid\"")
        }
        return validAttachments
    }

    /// Applies the CNI conventions' precedence: `args` beats `runtimeConfig`, and both
    /// beat CNI_ARGS ("if both CNI_ARGS and args are present, args take precedence").
    public func effectiveRequests(
        with arguments: CNIArguments
    ) -> (addresses: [IPAddress], mac: MACAddress?) {
        let addresses = requestedAddresses.isEmpty
            ? arguments.requestedAddresses
            : requestedAddresses.map(\.address)
        return (addresses, requestedMAC ?? arguments.requestedMAC)
    }

    /// The container's allowed addresses with the same precedence as the requests.
    public func effectiveAllowedAddresses(with arguments: CNIArguments) -> [IPv4Address] {
        allowedAddresses.isEmpty ? arguments.allowedAddresses : allowedAddresses
    }
}

/// One container attachment: the identity leases and host veths are keyed by.
public struct Attachment: Hashable, Sendable {
    public var containerID: String
    public var ifName: String

    public init(containerID: String, ifName: String) {
        self.containerID = containerID
        self.ifName = ifName
    }
}
