/// Reads `ipam.store` (README.md#one-pool-for-the-cluster): the cluster store that holds
/// the network's pool instead of this host's disk. Only etcd v3 for now.
enum StoreConfigParser {
    static let keys: Set<String> = ["type", "endpoints", "prefix", "tls", "timeoutMilliseconds"]
    /// The whole call's budget: CNI code 11 must come back within 3 s, and the plugin's
    /// own start-up and the rest of ADD need some of that.
    static let timeoutRange = 100...2800

    static func parse(_ block: ObjectReader) -> EtcdStoreConfig? {
        block.rejectUnknownKeys(known: keys)
        if let type = block.string("type", required: true), type != "etcd" {
            block.log.add(block.childPath("type"), "\"\(type)\" is not a store flatnet knows (etcd)")
        }
        let endpoints = parseEndpoints(block)
        let prefix = block.value("prefix") == nil ? EtcdStoreConfig.defaultPrefix : parsePrefix(block)
        let tls = block.object("tls").flatMap(parseTLS)
        let timeout = block.value("timeoutMilliseconds") == nil ? EtcdStoreConfig.defaultTimeoutMilliseconds
            : block.integer("timeoutMilliseconds", in: timeoutRange, what: "timeout in milliseconds")
        if let endpoints, !endpoints.isEmpty {
            checkSchemes(endpoints, tls: block.value("tls") != nil, block: block)
        }
        guard block.string("type") == "etcd", let endpoints, let prefix, let timeout,
              block.value("tls") == nil || tls != nil else { return nil }
        return EtcdStoreConfig(endpoints: endpoints, prefix: prefix, tls: tls, timeoutMilliseconds: timeout)
    }

    /// `https://address:port` (or `http://` without TLS): an IP address, since the static
    /// plugin resolves no names (and a name would be one more thing that can fail at ADD).
    static func parseEndpoints(_ block: ObjectReader) -> [String]? {
        guard let elements = block.array("endpoints", required: true) else { return nil }
        guard !elements.isEmpty else {
            block.log.add(block.childPath("endpoints"), "must list at least one endpoint")
            return nil
        }
        var endpoints: [String] = []
        for (path, value) in elements {
            guard let text = value.stringValue else {
                block.log.add(path, "expected a string, got \(value.typeName)")
                continue
            }
            switch EtcdEndpoint.parse(text) {
            case .success: endpoints.append(text)
            case .failure(let problem): block.log.add(path, "\"\(text)\" \(problem.reason)")
            }
        }
        return endpoints.count == elements.count ? endpoints : nil
    }

    /// https needs the TLS files; TLS files with http endpoints would be silently unused.
    static func checkSchemes(_ endpoints: [String], tls: Bool, block: ObjectReader) {
        let secure = endpoints.filter { $0.hasPrefix("https://") }.count
        if secure != 0, secure != endpoints.count {
            block.log.add(block.childPath("endpoints"), "mixes https and http endpoints; use one scheme")
        } else if secure != 0, !tls {
            block.log.add(block.childPath("tls"),
                          "is required for https endpoints (certFile, keyFile, caFile)")
        } else if secure == 0, tls {
            block.log.add(block.childPath("tls"), "is given but the endpoints are http: use https")
        }
    }

    /// Starts and ends with `/`, printable, at most 256 bytes: every key flatnet writes
    /// starts with it, and a prefix without the final `/` would list a sibling's keys.
    static func parsePrefix(_ block: ObjectReader) -> String? {
        guard let prefix = block.string("prefix") else { return nil }
        let printable = prefix.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F }
        guard prefix.hasPrefix("/"), prefix.hasSuffix("/"), printable, prefix.utf8.count <= 256 else {
            block.log.add(block.childPath("prefix"), "\"\(prefix)\" must start and end with / and hold only"
                + " printable ASCII without spaces (at most 256 bytes)")
            return nil
        }
        // Kubernetes' own tree in an etcd the API server shares: flatnet must not write there.
        guard !prefix.hasPrefix("/registry/") else {
            block.log.add(block.childPath("prefix"), "\"\(prefix)\" is under /registry/, Kubernetes' own keys:"
                + " use a prefix of flatnet's own (default /flatnet/)")
            return nil
        }
        return prefix
    }

    static func parseTLS(_ block: ObjectReader) -> EtcdStoreConfig.TLSFiles? {
        block.rejectUnknownKeys(known: ["certFile", "keyFile", "caFile"])
        let files = ["certFile", "keyFile", "caFile"].map { key -> String? in
            guard let path = block.string(key, required: true) else { return nil }
            guard path.hasPrefix("/"), !path.contains("\0") else {
                block.log.add(block.childPath(key), "\"\(path)\" must be an absolute path")
                return nil
            }
            return path
        }
        guard let cert = files[0], let key = files[1], let ca = files[2] else { return nil }
        return EtcdStoreConfig.TLSFiles(certFile: cert, keyFile: key, caFile: ca)
    }
}
