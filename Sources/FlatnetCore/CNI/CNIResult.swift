/// The result of ADD, independent of the CNI version it will be encoded for
/// (see `CNIResult+Encoding.swift`).
public struct CNIResult: Equatable, Sendable {
    public struct Interface: Equatable, Sendable {
        public var name: String
        public var mac: MACAddress?
        public var mtu: Int?
        /// The container's netns path; nil for host-side interfaces.
        public var sandbox: String?
        public var socketPath: String?
        public var pciID: String?

        public init(name: String, mac: MACAddress? = nil, mtu: Int? = nil, sandbox: String? = nil) {
            self.name = name
            self.mac = mac
            self.mtu = mtu
            self.sandbox = sandbox
        }
    }

    public struct IPConfig: Equatable, Sendable {
        /// The address with its subnet's prefix length (`10.43.1.5/16`).
        public var address: IPPrefix
        public var gateway: IPAddress?
        /// Index into `interfaces`; podman and containerd use it to find the address.
        public var interface: Int?

        public init(address: IPPrefix, gateway: IPAddress? = nil, interface: Int? = nil) {
            self.address = address
            self.gateway = gateway
            self.interface = interface
        }
    }

    public struct Route: Equatable, Sendable {
        public var destination: IPPrefix
        public var gateway: IPAddress?
        /// 1.1.0 additions; dropped when encoding for older versions.
        public var mtu: Int?
        public var advmss: Int?
        public var priority: Int?
        public var table: Int?
        public var scope: Int?

        public init(destination: IPPrefix, gateway: IPAddress? = nil) {
            self.destination = destination
            self.gateway = gateway
        }
    }

    public struct DNS: Equatable, Sendable {
        public var nameservers: [String] = []
        public var domain: String?
        public var search: [String] = []
        public var options: [String] = []

        public init() {}
    }

    public var interfaces: [Interface]
    public var ips: [IPConfig]
    public var routes: [Route]
    public var dns: DNS

    public init(interfaces: [Interface] = [], ips: [IPConfig] = [], routes: [Route] = [], dns: DNS = DNS()) {
        self.interfaces = interfaces
        self.ips = ips
        self.routes = routes
        self.dns = dns
    }

    /// The abbreviated form an IPAM plugin returns: no interfaces, no interface index.
    public var abbreviatedForIPAM: CNIResult {
        CNIResult(ips: ips.map { IPConfig(address: $0.address, gateway: $0.gateway) },
                  routes: routes, dns: dns)
    }
}
