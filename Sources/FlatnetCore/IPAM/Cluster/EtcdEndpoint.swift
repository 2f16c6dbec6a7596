/// One member's client URL from `ipam.store.endpoints`: `https://IP:PORT` or `http://IP:PORT`.
///
/// Hosts are IP address literals (IPv6 in brackets): the plugin is a static binary, and
/// glibc's name lookup in a static binary needs the very shared NSS libraries of the glibc
/// it was linked against at run time (the linker warns of it), so names are refused here
/// rather than resolved unreliably on some nodes.
public struct EtcdEndpoint: Equatable, Sendable, CustomStringConvertible {
    public var usesTLS: Bool
    /// The address as written (no brackets): what the server certificate's IP SAN must hold.
    public var host: String
    public var port: UInt16
    public var family: IPFamily

    public var description: String { "\(usesTLS ? "https" : "http")://\(authority)" }

    /// "IP:PORT" ("[IPv6]:PORT"): the HTTP Host header.
    public var authority: String { (family == .ipv6 ? "[\(host)]" : host) + ":\(port)" }

    /// Parses `url`, or says what is wrong with it.
    public static func parse(_ url: String) -> Result<EtcdEndpoint, EtcdEndpointProblem> {
        let usesTLS: Bool
        let rest: Substring
        if url.hasPrefix("https://") {
            (usesTLS, rest) = (true, url.dropFirst(8))
        } else if url.hasPrefix("http://") {
            (usesTLS, rest) = (false, url.dropFirst(7))
        } else {
            return .failure(EtcdEndpointProblem(url: url, reason: "must start with https:// or http://"))
        }
        let authority = rest.hasSuffix("/") ? rest.dropLast() : rest
        guard let (host, portText) = splitHostAndPort(authority) else {
            return .failure(EtcdEndpointProblem(url: url, reason: "must be scheme://IP:PORT"))
        }
        guard let port = UInt16(portText), port > 0 else {
            return .failure(EtcdEndpointProblem(url: url, reason: "port '\(portText)' is not 1-65535"))
        }
        guard let address = IPAddress(String(host)) else {
            return .failure(EtcdEndpointProblem(
                url: url, reason: "'\(host)' is not an IP address (names are not resolved)"))
        }
        return .success(EtcdEndpoint(usesTLS: usesTLS, host: String(host), port: port,
                                     family: address.family))
    }

    /// "[v6]:port" or "v4:port" into host and port text; nil without a port.
    private static func splitHostAndPort(_ authority: Substring) -> (Substring, Substring)? {
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]"),
                  authority[authority.index(after: close)...].hasPrefix(":") else { return nil }
            let host = authority[authority.index(after: authority.startIndex)..<close]
            return (host, authority[authority.index(close, offsetBy: 2)...])
        }
        guard let colon = authority.lastIndex(of: ":"), !authority[..<colon].contains(":") else { return nil }
        return (authority[..<colon], authority[authority.index(after: colon)...])
    }
}

/// Why an endpoint URL was refused.
public struct EtcdEndpointProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public var url: String
    public var reason: String
    public var description: String { "etcd endpoint '\(url)' \(reason)" }
}
