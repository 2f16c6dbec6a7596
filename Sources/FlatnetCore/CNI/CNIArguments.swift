/// The parsed `CNI_ARGS` (`K=V;K2=V2`).
///
/// Follows the reference library's `types.LoadArgs`: every pair must be `K=V`; keys are
/// case-sensitive; an unknown key is an error unless `IgnoreUnknown` is `1` or `true`
/// (any case). Known keys: `IP` (requested addresses, `a` or `a,b` with one per family, each
/// optionally with `/prefix`), `MAC`,
/// `ALLOWED_ADDRESSES` (port security), and
/// the Kubernetes keys (the pod's namespace and name key a reservation where the netconf
/// asks; the others are accepted and unused).
public struct CNIArguments: Equatable, Sendable {
    public var requestedAddresses: [IPAddress] = []
    public var requestedMAC: MACAddress?
    /// `ALLOWED_ADDRESSES=a,b`: addresses the container may use besides its own.
    public var allowedAddresses: [IPv4Address] = []
    public var ignoreUnknown = false
    /// `K8S_POD_NAMESPACE` and `K8S_POD_NAME` (a reservation's workload key when
    /// `ipam.reservations.kubernetesPods` is on).
    public var podNamespace: String?
    public var podName: String?

    public static let kubernetesKeys: Set<String> = [
        "K8S_POD_NAME", "K8S_POD_NAMESPACE", "K8S_POD_INFRA_CONTAINER_ID", "K8S_POD_UID",
    ]

    public init() {}

    public init(parsing text: String) throws(CNIError) {
        self.init()
        guard !text.isEmpty else { return }
        var unknown: [String] = []
        for pair in text.split(separator: ";", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw CNIArguments.invalid("invalid pair \"\(pair)\": expected KEY=VALUE")
            }
            if !(try apply(key: String(parts[0]), value: String(parts[1]))) { unknown.append(String(pair)) }
        }
        if !unknown.isEmpty && !ignoreUnknown {
            throw CNIArguments.invalid(
                "unknown keys \(unknown.joined(separator: ", ")) (add IgnoreUnknown=1 to ignore them)")
        }
    }

    /// Applies one pair; returns false for a key flatnet does not know.
    private mutating func apply(key: String, value: String) throws(CNIError) -> Bool {
        switch key {
        case "IgnoreUnknown":
            switch value.lowercased() {
            case "1", "true": ignoreUnknown = true
            case "0", "false": ignoreUnknown = false
            default: throw CNIArguments.invalid("IgnoreUnknown=\(value): expected 1, true, 0 or false")
            }
        case "IP":
            requestedAddresses = []
            for text in value.split(separator: ",", omittingEmptySubsequences: false) {
                guard let prefix = IPPrefix(text, allowBareAddress: true) else {
                    throw CNIArguments.invalid("IP=\(value): \"\(text)\" is not an IP address")
                }
                requestedAddresses.append(prefix.address)
            }
        case "MAC":
            guard let mac = MACAddress(value) else {
                throw CNIArguments.invalid("MAC=\(value) is not a MAC address (expected aa:bb:cc:dd:ee:ff)")
            }
            requestedMAC = mac
        case "ALLOWED_ADDRESSES":
            allowedAddresses = try CNIArguments.addressList(value)
        case "K8S_POD_NAMESPACE":
            podNamespace = value
        case "K8S_POD_NAME":
            podName = value
        case _ where CNIArguments.kubernetesKeys.contains(key):
            break
        default:
            return false
        }
        return true
    }

    /// `a,b,c`: IPv4 addresses, at most `PortSecurityConfig.maximumAllowedAddresses`.
    private static func addressList(_ value: String) throws(CNIError) -> [IPv4Address] {
        let parts = value.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count <= PortSecurityConfig.maximumAllowedAddresses else {
            throw invalid("ALLOWED_ADDRESSES lists \(parts.count) addresses;"
                + " at most \(PortSecurityConfig.maximumAllowedAddresses) are allowed")
        }
        var addresses: [IPv4Address] = []
        for part in parts {
            guard let address = IPv4Address(part) else {
                throw invalid("ALLOWED_ADDRESSES=\(value): \"\(part)\" is not an IPv4 address")
            }
            addresses.append(address)
        }
        return addresses
    }

    private static func invalid(_ details: String) -> CNIError {
        CNIError(.invalidEnvironment, "invalid CNI_ARGS", details: details)
    }
}
