import FlatnetCore

/// One malformed call and the CNI error it must produce.
public struct BadInput: Sendable, CustomTestStringConvertibleShim {
    public let name: String
    public let environment: [String: String]
    /// nil means "reading stdin fails" (only reproducible in-process).
    public let stdin: String?
    public let code: Int
    /// Text the error's `msg` must contain: the variable or field at fault.
    public let names: String

    public var testDescription: String { name }
}

/// Keeps this target free of a Testing dependency while giving readable case names.
public protocol CustomTestStringConvertibleShim { var testDescription: String { get } }

/// Environment and netconf of a valid ADD, from which each bad case changes one thing.
public enum Valid {
    public static let environment: [String: String] = [
        "CNI_COMMAND": "ADD", "CNI_CONTAINERID": "c1", "CNI_NETNS": "/var/run/netns/c1",
        "CNI_IFNAME": "eth0", "CNI_PATH": "/opt/cni/bin",
    ]

    /// The example netconf, as a JSON value so cases can edit one field.
    public static var config: JSONValue {
        try! JSONValue.parse(Array(configText.utf8))
    }

    public static let configText = """
        {"cniVersion": "1.1.0", "name": "flat-a", "type": "flatnet",
         "bridge": "br-flat-a", "uplink": "eth1", "vlan": 100, "mtu": 1500,
         "metadata": {"dockerBridge": "docker0", "reservedAddress": "10.43.0.2", "address": "169.254.169.250"},
         "ipam": {"type": "flatnet-ipam", "subnet": "10.43.0.0/16", "gateway": "10.43.0.1",
                  "ranges": [{"rangeStart": "10.43.1.2", "rangeEnd": "10.43.1.254"}],
                  "exclude": ["10.43.1.100/30"], "routes": [{"dst": "0.0.0.0/0"}],
                  "dataDir": "/var/lib/cni/flatnet"}}
        """
}

extension JSONValue {
    /// A copy with the top-level member `key` (which may contain dots, as
    /// `cni.dev/valid-attachments` does) replaced, or removed when `value` is nil.
    public func settingKey(_ key: String, to value: JSONValue?) -> JSONValue {
        guard case .object(var members) = self else { return self }
        members[key] = value
        return .object(members)
    }

    /// A copy with the member at `path` (dot-separated object keys) replaced, or removed
    /// when `value` is nil.
    public func setting(_ path: String, to value: JSONValue?) -> JSONValue {
        let keys = path.split(separator: ".", maxSplits: 1).map(String.init)
        guard case .object(var members) = self else { return self }
        if keys.count == 1 {
            members[keys[0]] = value
        } else {
            members[keys[0]] = (members[keys[0]] ?? .object([:])).setting(keys[1], to: value)
        }
        return .object(members)
    }
}
