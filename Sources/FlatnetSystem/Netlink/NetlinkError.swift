import CNetlink
import FlatnetCore

/// A libnl call that failed. libnl returns negative `NLE_*` codes, not errno
/// (PLATFORM-NOTES), so the code is kept as libnl's and described with nl_geterror().
public struct NetlinkError: Error, CNIErrorConvertible, CustomStringConvertible {
    /// The libnl function that failed, e.g. `rtnl_link_add`.
    public let call: String
    /// libnl's error code, positive (`NLE_EXIST` is 6).
    public let code: Int32
    /// What the call was about: a link name, an address.
    public let subject: String

    public init(call: String, code: Int32, subject: String = "") {
        self.call = call
        self.code = abs(code)
        self.subject = subject
    }

    /// Throws for a negative status: libnl's setters check family, type and range, and
    /// allocate (`rtnl_link_set_type`, `rtnl_link_inet_set_conf`, `rtnl_route_set_dst`, ...).
    static func check(_ status: Int32, call: String, subject: String) throws(NetlinkError) {
        guard status >= 0 else { throw NetlinkError(call: call, code: status, subject: subject) }
    }

    public var isNotFound: Bool { code == NLE_OBJ_NOTFOUND || code == NLE_NODEV }
    public var isExisting: Bool { code == NLE_EXIST }

    public var description: String {
        let text = String(cString: nl_geterror(code))
        return subject.isEmpty
            ? "\(call): \(text) (NLE \(code))"
            : "\(call) \(subject): \(text) (NLE \(code))"
    }

    public var cniError: CNIError {
        let code: CNIErrorCode = self.code == NLE_BUSY || self.code == NLE_AGAIN
            ? .tryAgainLater : .netlinkFailure
        return CNIError(code, "netlink call failed: \(call)", details: description)
    }
}
