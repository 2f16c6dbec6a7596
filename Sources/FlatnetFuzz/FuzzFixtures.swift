import FlatnetCore

/// Fixed inputs the targets combine with the fuzzed one: a valid network with every
/// feature on (metadata, VLAN, port security with grantable blocks), the rules flatnet
/// wants for it, and a request naming its table's sets.
enum FuzzFixtures {
    static let netconfText = """
        {"cniVersion": "1.1.0", "name": "flat-a", "type": "flatnet",
         "bridge": "br-flat-a", "uplink": "eth1", "vlan": 100, "mtu": 1500,
         "portSecurity": true, "grantableAddresses": ["10.43.2.0/24", "10.43.3.7"],
         "metadata": {"dockerBridge": "docker0", "reservedAddress": "10.43.0.2",
                      "address": "169.254.169.250"},
         "ipam": {"type": "flatnet-ipam", "subnet": "10.43.0.0/16", "gateway": "10.43.0.1",
                  "ranges": [{"rangeStart": "10.43.1.2", "rangeEnd": "10.43.1.254"}],
                  "exclude": ["10.43.1.100/30"], "routes": [{"dst": "0.0.0.0/0"}],
                  "dataDir": "/var/lib/cni/flatnet"}}
        """

    static let config: NetworkConfig = {
        do {
            return try NetconfFile.load(netconfText)
        } catch {
            preconditionFailure("the fuzz fixture netconf is invalid: \(error)")
        }
    }()

    static let containmentRules = ContainmentRules.make(for: config)!
    static let portSecurityRules = PortSecurityRules.make(for: config)!
}
