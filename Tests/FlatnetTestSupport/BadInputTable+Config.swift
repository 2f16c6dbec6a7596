import FlatnetCore

extension BadInputTable {
    static func range(_ start: String, _ end: String) -> JSONValue {
        .object(["rangeStart": .string(start), "rangeEnd": .string(end)])
    }

    static let configCases: [BadInput] = topLevelCases + poolCases + metadataCases + runtimeCases
        + portSecurityCases + auditCases + ipv6Cases

    static let auditCases: [BadInput] = [
        bad("logFile relative", stdin: config("logFile", .string("audit.log")), code: 7, names: "logFile"),
        bad("logFile climbing out", stdin: config("logFile", .string("/var/log/../../etc/x")), code: 7, names: "logFile"),
        bad("logFile under /proc", stdin: config("logFile", .string("/proc/self/fd/1")), code: 7, names: "logFile"),
        bad("logFile as a number", stdin: config("logFile", .number(1)), code: 7, names: "logFile"),
        bad("logSyslog as a string", stdin: config("logSyslog", .string("yes")), code: 7, names: "logSyslog"),
        bad("logMaxBytes too small", stdin: config("logMaxBytes", .number(100)), code: 7, names: "logMaxBytes"),
        bad("logKeep of 0", stdin: config("logKeep", .number(0)), code: 7, names: "logKeep"),
        bad("logKeep of 101", stdin: config("logKeep", .number(101)), code: 7, names: "logKeep"),
    ]

    static let portSecurityCases: [BadInput] = [
        bad("portSecurity as a string", stdin: config("portSecurity", .string("no")), code: 7, names: "portSecurity"),
        bad("allowedAddresses not a list", stdin: config("allowedAddresses", .string("10.43.0.100")),
            code: 7, names: "allowedAddresses"),
        bad("allowed address outside the subnet", stdin: config("allowedAddresses", .array([.string("10.99.0.1")])),
            code: 7, names: "allowedAddresses[0]"),
        bad("allowed address is the gateway", stdin: config("allowedAddresses", .array([.string("10.43.0.1")])),
            code: 7, names: "allowedAddresses[0]"),
        bad("allowed address is the reserved address",
            stdin: config("allowedAddresses", .array([.string("10.43.0.100"), .string("10.43.0.2")])),
            code: 7, names: "allowedAddresses[1]"),
        bad("allowed address is the broadcast address", stdin: config("allowedAddresses", .array([.string("10.43.255.255")])),
            code: 7, names: "allowedAddresses[0]"),
        bad("allowed address the pool may lease", stdin: config("allowedAddresses", .array([.string("10.43.1.50")])),
            code: 7, names: "allowedAddresses[0]"),
        bad("33 allowed addresses", stdin: config("allowedAddresses", .array((1...33).map { .string("10.43.7.\($0)") })),
            code: 7, names: "allowedAddresses"),
        bad("floodLimit with an unknown key", stdin: config("floodLimit", .object(["rate": .number(10)])),
            code: 2, names: "floodLimit.rate"),
        bad("floodLimit of 0 frames per second", stdin: config("floodLimit", .object(["packetsPerSecond": .number(0)])),
            code: 7, names: "floodLimit.packetsPerSecond"),
        bad("grantableAddresses overlapping the pool's range", stdin: config("grantableAddresses", .array([.string("10.43.1.0/24")])),
            code: 7, names: "grantableAddresses[0]"),
        bad("grantableAddresses holding the gateway", stdin: config("grantableAddresses", .array([.string("10.43.0.0/28")])),
            code: 7, names: "grantableAddresses[0]"),
        bad("runtimeConfig.allowedAddresses without grantableAddresses",
            stdin: config("runtimeConfig", .object(["allowedAddresses": .array([.string("10.43.2.2")])])),
            code: 7, names: "runtimeConfig.allowedAddresses[0]"),
        bad("runtimeConfig.allowedAddresses outside the subnet",
            stdin: config("runtimeConfig", .object(["allowedAddresses": .array([.string("192.168.1.1")])])),
            code: 7, names: "runtimeConfig.allowedAddresses[0]"),
        bad("args.cni.allowedAddresses not an address",
            stdin: config("args", .object(["cni": .object(["allowedAddresses": .array([.string("10.43.1")])])])),
            code: 7, names: "args.cni.allowedAddresses[0]"),
    ]

    static let topLevelCases: [BadInput] = [
        bad("unknown top-level key", stdin: config("vlna", .number(100)), code: 2, names: "vlna"),
        bad("missing ipam", stdin: config("ipam", nil), code: 7, names: "ipam"),
        bad("missing ipam.type", stdin: config("ipam.type", nil), code: 7, names: "ipam.type"),
        bad("ipam.type that is a path", stdin: config("ipam.type", .string("../evil")), code: 7, names: "ipam.type"),
        bad("vlan as a string", stdin: config("vlan", .string("100")), code: 7, names: "vlan"),
        bad("vlan 0", stdin: config("vlan", .number(0)), code: 7, names: "vlan"),
        bad("vlan 4095", stdin: config("vlan", .number(4095)), code: 7, names: "vlan"),
        bad("vlan 1.5", stdin: config("vlan", .number(1.5)), code: 7, names: "vlan"),
        bad("vlan without uplink", stdin: config("uplink", nil), code: 7, names: "vlan"),
        bad("mtu 67", stdin: config("mtu", .number(67)), code: 7, names: "mtu"),
        bad("mtu 70000", stdin: config("mtu", .number(70000)), code: 7, names: "mtu"),
        bad("16-byte bridge name", stdin: config("bridge", .string("br-flat-a-123456")), code: 7, names: "bridge"),
        bad("uplink with a space", stdin: config("uplink", .string("eth 1")), code: 7, names: "uplink"),
        bad("uplink as a number", stdin: config("uplink", .number(1)), code: 7, names: "uplink"),
        bad("bridge equals the VLAN port", stdin: config("bridge", .string("eth1.100")), code: 7, names: "bridge"),
        bad("name over 128 bytes", stdin: config("name", .string(String(repeating: "n", count: 129))), code: 7, names: "name"),
        bad("bridge with a NUL byte", stdin: config("bridge", .string("br\u{0}x")), code: 7, names: "bridge"),
        bad("uplink with a control character", stdin: config("uplink", .string("eth\u{1b}1")), code: 7, names: "uplink"),
        bad("dataDir under /proc", stdin: config("ipam.dataDir", .string("/proc/flatnet")), code: 7, names: "ipam.dataDir"),
        bad("dataDir under /sys", stdin: config("ipam.dataDir", .string("/sys/fs/flatnet")), code: 7, names: "ipam.dataDir"),
        bad("dataDir over 1024 bytes", stdin: config("ipam.dataDir", .string("/" + String(repeating: "d", count: 1024))),
            code: 7, names: "ipam.dataDir"),
        bad("uplink ending in +", stdin: Valid.config.setting("uplink", to: .string("eth+")).setting("vlan", to: nil).serialized(),
            code: 7, names: "uplink"),
    ]

    static let poolCases: [BadInput] = [
        bad("subnet without prefix", stdin: config("ipam.subnet", .string("10.43.0.0")), code: 7, names: "ipam.subnet"),
        bad("subnet with host bits", stdin: config("ipam.subnet", .string("10.43.1.0/16")), code: 7, names: "ipam.subnet"),
        bad("subnet /31", stdin: config("ipam.subnet", .string("10.43.1.0/31")), code: 7, names: "ipam.subnet"),
        bad("IPv6 subnet", stdin: config("ipam.subnet", .string("fd00::/64")), code: 7, names: "ipam.subnet"),
        bad("gateway outside the subnet", stdin: config("ipam.gateway", .string("10.44.0.1")), code: 7, names: "ipam.gateway"),
        bad("gateway is the broadcast", stdin: config("ipam.gateway", .string("10.43.255.255")), code: 7, names: "ipam.gateway"),
        bad("gateway inside a range", stdin: config("ipam.gateway", .string("10.43.1.9")), code: 7, names: "ipam.ranges[0]"),
        bad("range start after end", stdin: config("ipam.ranges", .array([range("10.43.1.9", "10.43.1.2")])),
            code: 7, names: "ipam.ranges[0]"),
        bad("range end outside the subnet", stdin: config("ipam.ranges", .array([range("10.43.1.2", "10.44.0.9")])),
            code: 7, names: "ipam.ranges[0].rangeEnd"),
        bad("overlapping ranges", stdin: config("ipam.ranges", .array([range("10.43.1.2", "10.43.1.99"), range("10.43.1.50", "10.43.1.200")])),
            code: 7, names: "ipam.ranges[1]"),
        bad("no ranges", stdin: config("ipam.ranges", .array([])), code: 7, names: "ipam.ranges"),
        bad("misspelt rangeStart", stdin: config("ipam.ranges", .array([.object(["rangestart": .string("10.43.1.2"), "rangeEnd": .string("10.43.1.9")])])),
            code: 7, names: "ipam.ranges[0].rangestart"),
        bad("exclude not an address", stdin: config("ipam.exclude", .array([.string("bogus")])), code: 7, names: "ipam.exclude[0]"),
        bad("exclude outside the subnet", stdin: config("ipam.exclude", .array([.string("10.50.0.0/24")])), code: 7, names: "ipam.exclude[0]"),
        bad("route without a CIDR", stdin: config("ipam.routes", .array([.object(["dst": .string("default")])])),
            code: 7, names: "ipam.routes[0].dst"),
        bad("relative dataDir", stdin: config("ipam.dataDir", .string("var/lib/flatnet")), code: 7, names: "ipam.dataDir"),
        bad("dataDir climbing out", stdin: config("ipam.dataDir", .string("/var/lib/../../etc")), code: 7, names: "ipam.dataDir"),
        // The ".." is followed by "/" and a combining mark, which Swift joins into one
        // Character: a split by Characters saw no ".." component (the kernel does).
        bad("dataDir climbing out before a combining mark", stdin: config("ipam.dataDir", .string("/var/lib/../\u{301}etc")),
            code: 7, names: "ipam.dataDir"),
    ]

    static let metadataCases: [BadInput] = [
        bad("unknown metadata key", stdin: config("metadata.gateway", .string("x")), code: 2, names: "metadata.gateway"),
        bad("reserved address missing", stdin: config("metadata.reservedAddress", nil), code: 7, names: "metadata.reservedAddress"),
        bad("reserved address inside a range", stdin: config("metadata.reservedAddress", .string("10.43.1.7")),
            code: 7, names: "metadata.reservedAddress"),
        bad("reserved address equals the gateway", stdin: config("metadata.reservedAddress", .string("10.43.0.1")),
            code: 7, names: "metadata.reservedAddress"),
        bad("reserved address outside the subnet", stdin: config("metadata.reservedAddress", .string("172.17.0.2")),
            code: 7, names: "metadata.reservedAddress"),
        bad("reserved address IPv6", stdin: config("metadata.reservedAddress", .string("fd00::2")), code: 7, names: "metadata.reservedAddress"),
        bad("metadata address inside the subnet", stdin: config("metadata.address", .string("10.43.0.3")),
            code: 7, names: "metadata.address"),
        bad("docker bridge name too long", stdin: config("metadata.dockerBridge", .string("docker0-too-long-name")),
            code: 7, names: "metadata.dockerBridge"),
        bad("docker bridge equals the flat bridge", stdin: config("metadata.dockerBridge", .string("br-flat-a")),
            code: 7, names: "metadata.dockerBridge"),
    ]

    static let runtimeCases: [BadInput] = [
        bad("runtimeConfig.ips not an address", stdin: config("runtimeConfig", .object(["ips": .array([.string("10.43.1.x")])])),
            code: 7, names: "runtimeConfig.ips[0]"),
        bad("runtimeConfig.mac multicast", stdin: config("runtimeConfig", .object(["mac": .string("01:00:5e:00:00:01")])),
            code: 7, names: "runtimeConfig.mac"),
        bad("args.cni.ips not a list", stdin: config("args", .object(["cni": .object(["ips": .string("10.43.1.9")])])),
            code: 7, names: "args.cni.ips"),
        bad("prevResult with a bad address", stdin: config("prevResult", .object(["ips": .array([.object(["address": .string("10.43.1.5")])])])),
            code: 7, names: "prevResult.ips[0].address"),
        bad("GC attachment without ifname", env: env([:], command: "GC"),
            stdin: config(key: "cni.dev/valid-attachments", .array([.object(["containerID": .string("c1")])])),
            code: 7, names: "ifname"),
    ]
}
