import FlatnetCore

/// Every malformed call flatnet must answer with a CNI error object: environment,
/// stdin, versions, and netconf values. Shared by the in-process dispatcher tests and
/// the tests that run the built binary.
public enum BadInputTable {
    public static let cases: [BadInput] = environmentCases + stdinCases + versionCases + configCases

    static func env(_ changes: [String: String?], command: String = "ADD") -> [String: String] {
        var environment = Valid.environment
        environment["CNI_COMMAND"] = command
        for (key, value) in changes { environment[key] = value }
        return environment
    }

    /// The valid netconf with the member at dotted `path` replaced (nil removes it).
    static func config(_ path: String, _ value: JSONValue?) -> String {
        Valid.config.setting(path, to: value).serialized()
    }

    /// The valid netconf with top-level `key` (which may itself contain dots) set.
    static func config(key: String, _ value: JSONValue) -> String {
        guard case .object(var members) = Valid.config else { return "" }
        members[key] = value
        return JSONValue.object(members).serialized()
    }

    static func bad(_ name: String, env: [String: String] = Valid.environment, stdin: String? = Valid.configText,
                    code: Int, names: String) -> BadInput {
        BadInput(name: name, environment: env, stdin: stdin, code: code, names: names)
    }

    static let environmentCases: [BadInput] = [
        bad("empty CNI_COMMAND", env: env(["CNI_COMMAND": ""]), code: 4, names: "CNI_COMMAND"),
        bad("unknown CNI_COMMAND", env: env([:], command: "FOO"), code: 4, names: "CNI_COMMAND"),
        bad("lower-case CNI_COMMAND", env: env([:], command: "add"), code: 4, names: "CNI_COMMAND"),
        bad("ADD without CNI_CONTAINERID", env: env(["CNI_CONTAINERID": nil]), code: 4, names: "CNI_CONTAINERID"),
        bad("ADD without CNI_NETNS", env: env(["CNI_NETNS": nil]), code: 4, names: "CNI_NETNS"),
        bad("ADD without CNI_IFNAME", env: env(["CNI_IFNAME": nil]), code: 4, names: "CNI_IFNAME"),
        bad("ADD without CNI_PATH", env: env(["CNI_PATH": nil]), code: 4, names: "CNI_PATH"),
        bad("ADD with empty CNI_IFNAME", env: env(["CNI_IFNAME": ""]), code: 4, names: "CNI_IFNAME"),
        bad("CHECK without CNI_NETNS", env: env(["CNI_NETNS": nil], command: "CHECK"), code: 4, names: "CNI_NETNS"),
        bad("DEL without CNI_CONTAINERID", env: env(["CNI_CONTAINERID": nil], command: "DEL"), code: 4, names: "CNI_CONTAINERID"),
        bad("GC without CNI_PATH", env: env(["CNI_PATH": nil], command: "GC"), code: 4, names: "CNI_PATH"),
        bad("STATUS without CNI_PATH", env: env(["CNI_PATH": nil], command: "STATUS"), code: 4, names: "CNI_PATH"),
        bad("container id starting with -", env: env(["CNI_CONTAINERID": "-c1"]), code: 4, names: "CNI_CONTAINERID"),
        bad("container id with a slash", env: env(["CNI_CONTAINERID": "a/b"]), code: 4, names: "CNI_CONTAINERID"),
        bad("container id with a space", env: env(["CNI_CONTAINERID": "a b"]), code: 4, names: "CNI_CONTAINERID"),
        bad("16-byte ifname", env: env(["CNI_IFNAME": "eth0123456789012"]), code: 4, names: "CNI_IFNAME"),
        bad("ifname .", env: env(["CNI_IFNAME": "."]), code: 4, names: "CNI_IFNAME"),
        bad("ifname with a slash", env: env(["CNI_IFNAME": "eth/0"]), code: 4, names: "CNI_IFNAME"),
        bad("ifname with a colon", env: env(["CNI_IFNAME": "eth:0"]), code: 4, names: "CNI_IFNAME"),
        bad("ifname with whitespace", env: env(["CNI_IFNAME": "eth 0"]), code: 4, names: "CNI_IFNAME"),
        bad("relative CNI_NETNS", env: env(["CNI_NETNS": "netns/c1"]), code: 4, names: "CNI_NETNS"),
        bad("unknown CNI_ARGS key", env: env(["CNI_ARGS": "FOO=bar"]), code: 4, names: "CNI_ARGS"),
        bad("CNI_ARGS pair without =", env: env(["CNI_ARGS": "IgnoreUnknown=1;IP"]), code: 4, names: "CNI_ARGS"),
        bad("CNI_ARGS pair with two =", env: env(["CNI_ARGS": "IP=a=b"]), code: 4, names: "CNI_ARGS"),
        bad("CNI_ARGS IP not an address", env: env(["CNI_ARGS": "IP=10.43.1.999"]), code: 4, names: "CNI_ARGS"),
        bad("CNI_ARGS MAC not a MAC", env: env(["CNI_ARGS": "MAC=zz:00:00:00:00:01"]), code: 4, names: "CNI_ARGS"),
        bad("CNI_ARGS ALLOWED_ADDRESSES not an address", env: env(["CNI_ARGS": "ALLOWED_ADDRESSES=10.43.0.100,x"]),
            code: 4, names: "CNI_ARGS"),
        bad("CNI_ARGS IgnoreUnknown not a boolean", env: env(["CNI_ARGS": "IgnoreUnknown=maybe"]), code: 4, names: "CNI_ARGS"),
    ]

    static let stdinCases: [BadInput] = [
        bad("unreadable stdin", stdin: nil, code: 5, names: "stdin"),
        bad("empty stdin", stdin: "", code: 6, names: "stdin"),
        bad("whitespace-only stdin", stdin: " \n\t", code: 6, names: "stdin"),
        bad("stdin not JSON", stdin: "cniVersion=1.1.0", code: 6, names: "stdin"),
        bad("truncated JSON", stdin: "{\"cniVersion\": \"1.1.0\", ", code: 6, names: "stdin"),
        bad("JSON array on stdin", stdin: "[]", code: 6, names: "object"),
        bad("JSON string on stdin", stdin: "\"flat-a\"", code: 6, names: "object"),
        bad("missing name", stdin: config("name", nil), code: 7, names: "name"),
        bad("name with a slash", stdin: config("name", .string("a/b")), code: 7, names: "network name"),
        bad("name that is a number", stdin: config("name", .number(7)), code: 6, names: "name"),
    ]

    static let versionCases: [BadInput] = [
        bad("missing cniVersion", stdin: config("cniVersion", nil), code: 1, names: "cniVersion"),
        bad("cniVersion 0.2.0", stdin: config("cniVersion", .string("0.2.0")), code: 1, names: "cniVersion"),
        bad("cniVersion 2.0.0", stdin: config("cniVersion", .string("2.0.0")), code: 1, names: "cniVersion"),
        bad("cniVersion not a version", stdin: config("cniVersion", .string("latest")), code: 1, names: "cniVersion"),
        bad("cniVersion as a number", stdin: config("cniVersion", .number(1.1)), code: 6, names: "cniVersion"),
        bad("CHECK on 0.3.1", env: env([:], command: "CHECK"), stdin: config("cniVersion", .string("0.3.1")),
            code: 1, names: "CHECK"),
        bad("STATUS on 1.0.0", env: env([:], command: "STATUS"), stdin: config("cniVersion", .string("1.0.0")),
            code: 1, names: "STATUS"),
        bad("GC on 0.4.0", env: env([:], command: "GC"), stdin: config("cniVersion", .string("0.4.0")),
            code: 1, names: "GC"),
    ]
}
