/// `ipam.reservations` (README.md#addresses-that-follow-their-workload): a workload keeps
/// its addresses across DEL and across hosts, until an operator releases them.
public struct ReservationPolicy: Equatable, Sendable {
    /// Key pods by `K8S_POD_NAMESPACE`/`K8S_POD_NAME` from CNI_ARGS (StatefulSet names
    /// are stable; a Deployment's are not, and would leave a reservation per pod).
    public var kubernetesPods: Bool
    /// `expirySeconds`: a reservation attached nowhere for longer is free for anyone (nil:
    /// kept until an operator releases it).
    public var expirySeconds: Int?

    public init(kubernetesPods: Bool, expirySeconds: Int? = nil) {
        self.kubernetesPods = kubernetesPods
        self.expirySeconds = expirySeconds
    }

    /// 1 minute to 10 years.
    public static let expiryRange = 60...315_360_000
}

/// A reservation's key: the explicit `workload` from args/runtimeConfig, or
/// `k8s/<namespace>/<pod>`. It becomes part of a store key, so it is restricted.
public enum WorkloadKey {
    /// The keys made from CNI_ARGS' pod namespace and name; never taken from args or runtimeConfig.
    public static let kubernetesPrefix = "k8s/"

    /// The key as a file name (the local store's `reservations/` index): `@` first, so no
    /// key can name a temporary file (`.tmp.*`), and `/` becomes `%`; no key contains
    /// either, so the mapping is one to one. Keys are at most 253 bytes: names fit 255.
    public static func fileName(_ key: String) -> String {
        "@" + String(key.map { $0 == "/" ? "%" : $0 })
    }

    /// The key a `fileName(_:)` names, or nil when the name is not one.
    public static func key(fromFileName name: String) -> String? {
        guard name.hasPrefix("@") else { return nil }
        let key = String(name.dropFirst().map { $0 == "%" ? "/" : $0 })
        return isValid(key) ? key : nil
    }

    public static func isValid(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.count <= 253 && !key.hasPrefix("/") && !key.contains("//")
            && key.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x3A) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
                    || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x2F
            }
    }

    /// This call's workload key, or nil when it has none (no reservation is made). A key
    /// given while the netconf has no `ipam.reservations` is an error, not ignored: the
    /// caller expects an address that follows the workload.
    public static func resolve(_ config: NetworkConfig, arguments: CNIArguments) throws(CNIError) -> String? {
        let policy = config.ipam.pool?.reservations
        if let explicit = config.runtime.workload {
            guard policy != nil else {
                throw CNIError(.invalidNetworkConfig, "\(config.runtime.workloadPath): this network keeps no"
                    + " reservations", details: "add ipam.reservations to the netconf")
            }
            // Under Multus a pod's cni-args annotation becomes args.cni: on a Kubernetes call
            // (CNI_ARGS names the pod) a key from args would let any pod name any reservation.
            if config.runtime.workloadPath == "args.cni.workload", arguments.podNamespace != nil {
                throw CNIError(.invalidNetworkConfig, "args.cni.workload: refused for a Kubernetes pod",
                               details: "a pod's annotations become args.cni, so any pod could name another's"
                                   + " reservation; use ipam.reservations.kubernetesPods (or runtimeConfig)")
            }
            // Keys made from CNI_ARGS' pod namespace and name never come from args or runtimeConfig.
            guard !explicit.hasPrefix(kubernetesPrefix) else {
                throw CNIError(.invalidNetworkConfig, "\(config.runtime.workloadPath): \"\(explicit)\" starts"
                    + " with \(kubernetesPrefix)", details: "those keys are made from CNI_ARGS'"
                    + " K8S_POD_NAMESPACE/K8S_POD_NAME (ipam.reservations.kubernetesPods) only")
            }
            return explicit
        }
        guard policy?.kubernetesPods == true, let namespace = arguments.podNamespace,
              let pod = arguments.podName else { return nil }
        let key = "\(kubernetesPrefix)\(namespace)/\(pod)"
        guard isValid(key) else {
            throw CNIError(.invalidEnvironment,
                           "CNI_ARGS: K8S_POD_NAMESPACE/K8S_POD_NAME make no workload key",
                           details: "\"\(key)\"")
        }
        return key
    }
}
