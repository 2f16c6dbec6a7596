/// CNI error codes. 1-99 are the specification's; 100 and above are flatnet's own and
/// are listed in README.md#error-codes.
public struct CNIErrorCode: RawRepresentable, Hashable, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let incompatibleVersion = CNIErrorCode(rawValue: 1)
    public static let unsupportedField = CNIErrorCode(rawValue: 2)
    public static let unknownContainer = CNIErrorCode(rawValue: 3)
    public static let invalidEnvironment = CNIErrorCode(rawValue: 4)
    public static let ioFailure = CNIErrorCode(rawValue: 5)
    public static let decodingFailure = CNIErrorCode(rawValue: 6)
    public static let invalidNetworkConfig = CNIErrorCode(rawValue: 7)
    public static let tryAgainLater = CNIErrorCode(rawValue: 11)
    public static let notAvailable = CNIErrorCode(rawValue: 50)
    public static let notAvailableDegraded = CNIErrorCode(rawValue: 51)

    /// flatnet's own: a netlink (libnl) call failed; details name the call and NLE code.
    public static let netlinkFailure = CNIErrorCode(rawValue: 101)
    /// flatnet's own: the pool has no free address left (details name network and ranges).
    public static let poolExhausted = CNIErrorCode(rawValue: 102)
    /// flatnet's own: a requested address cannot be given (outside the subnet or this
    /// host's ranges, never allocated, or held by another container).
    public static let addressUnavailable = CNIErrorCode(rawValue: 103)
    /// flatnet's own: state on disk is corrupt or not flatnet's (details name the path).
    public static let stateCorrupt = CNIErrorCode(rawValue: 104)
    /// flatnet's own: the delegated IPAM plugin failed or returned an unusable result.
    public static let delegatedIPAMFailed = CNIErrorCode(rawValue: 105)
    /// flatnet's own: CHECK found state that differs from what ADD made.
    public static let checkFailed = CNIErrorCode(rawValue: 106)
    /// flatnet's own: CNI_IFNAME already exists in the container.
    public static let interfaceExists = CNIErrorCode(rawValue: 107)
    /// flatnet's own: the host cannot be set up as the netconf asks without taking
    /// something that is not flatnet's (uplink missing, carrying addresses, enslaved
    /// elsewhere; a non-bridge link with the bridge's name; no VLAN support).
    public static let hostSetupConflict = CNIErrorCode(rawValue: 108)
    /// flatnet's own: ebtables is missing or refused flatnet's rules.
    public static let ebtablesFailure = CNIErrorCode(rawValue: 109)
    /// flatnet's own: port security could not be applied or checked (nft missing or
    /// refusing the table, the kernel refusing a port's set elements).
    public static let portSecurityFailure = CNIErrorCode(rawValue: 110)
    /// flatnet's own: the cluster store (etcd) refused a request or answered with
    /// something unreadable (TLS or permission failure, a malformed reply); an unreachable
    /// store is 11 instead.
    public static let clusterStoreFailure = CNIErrorCode(rawValue: 111)
    /// flatnet's own: an unexpected internal failure (same number as the reference
    /// library's ErrInternal, so runtimes that special-case it behave the same).
    public static let internalError = CNIErrorCode(rawValue: 999)
}

/// The error object a plugin prints on stdout (with exit status 1).
public struct CNIError: Error, Equatable, Sendable {
    public let code: CNIErrorCode
    /// Short and stable: what went wrong.
    public let message: String
    /// The specifics: names, addresses, paths, the underlying error text.
    public let details: String

    /// Message and details are bounded (1 KiB, 4 KiB): the last defence against echoing
    /// unbounded input back to a runtime's log.
    public init(_ code: CNIErrorCode, _ message: String, details: String = "") {
        self.code = code
        self.message = message.bounded(1024)
        self.details = details.bounded(4096)
    }

    /// The spec's error object. `cniVersion` is the request's version when known.
    public func json(cniVersion: String) -> JSONValue {
        var object: [String: JSONValue] = [
            "cniVersion": .string(cniVersion),
            "code": .number(Double(code.rawValue)),
            "msg": .string(message),
        ]
        if !details.isEmpty { object["details"] = .string(details) }
        return .object(object)
    }
}
