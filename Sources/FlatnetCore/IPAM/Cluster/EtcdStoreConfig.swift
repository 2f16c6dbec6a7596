/// `ipam.store` with `"type": "etcd"`: where the cluster pool lives.
public struct EtcdStoreConfig: Equatable, Sendable {
    /// `https://host:port` (or `http://` where TLS is off), tried in order, failing over.
    public var endpoints: [String]
    /// Every key flatnet writes starts with this (default `/flatnet/`; ends with `/`).
    public var prefix: String
    public var tls: TLSFiles?
    /// The whole call's budget across every endpoint; past it the answer is CNI code 11.
    public var timeoutMilliseconds: Int

    public struct TLSFiles: Equatable, Sendable {
        /// PEM client certificate and key (client-certificate authentication).
        public var certFile: String
        public var keyFile: String
        /// PEM CA bundle that signed the members' server certificates.
        public var caFile: String

        public init(certFile: String, keyFile: String, caFile: String) {
            self.certFile = certFile
            self.keyFile = keyFile
            self.caFile = caFile
        }
    }

    public static let defaultPrefix = "/flatnet/"
    public static let defaultTimeoutMilliseconds = 2500

    public init(endpoints: [String], prefix: String = EtcdStoreConfig.defaultPrefix, tls: TLSFiles?,
                timeoutMilliseconds: Int = EtcdStoreConfig.defaultTimeoutMilliseconds) {
        self.endpoints = endpoints
        self.prefix = prefix
        self.tls = tls
        self.timeoutMilliseconds = timeoutMilliseconds
    }
}
