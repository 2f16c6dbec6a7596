import FlatnetCore
import FlatnetTestSupport

/// The kernel's `dev_valid_name()` (net/core/dev.c), on the name's bytes as the kernel
/// sees them: 1-15 bytes (IFNAMSIZ 16 with the NUL), not "." or "..", no '/', ':' or
/// isspace() byte. Written out here, independent of `InterfaceName`, so that a change to
/// flatnet's validator cannot make the naming properties agree with it by construction.
func kernelAcceptsInterfaceName(_ name: String) -> Bool {
    let bytes = Array(name.utf8)
    guard (1...15).contains(bytes.count), name != ".", name != ".." else { return false }
    let forbidden: Set<UInt8> = [UInt8(ascii: "/"), UInt8(ascii: ":"), 0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x00]
    return !bytes.contains(where: forbidden.contains)
}

extension SplitMix64 {
    static let nameFirst = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    static let nameRest = nameFirst + Array("_.-")
    /// Characters of 1 to 4 UTF-8 bytes that an interface name may hold (the kernel counts bytes).
    static let interfaceCharacters = nameRest + Array("+@é€ßü😀中")

    /// A network name the validator accepts (^[a-zA-Z0-9][a-zA-Z0-9_.-]*$, at most 128
    /// bytes), its length often at the edges that change derived names: 12 and 13
    /// (`br-` + 12 is 15 bytes), 1, and 128.
    mutating func networkName() -> String {
        let length = int(in: element(of: [1...3, 11...14, 4...40, 120...128]))
        return String(element(of: Self.nameFirst)) + String((1..<length).map { _ in element(of: Self.nameRest) })
    }

    /// A container ID as runtimes write them (64 hex digits) or any valid name.
    mutating func containerID() -> String {
        if chance(50) { return (0..<64).map { _ in String(int(in: 0...15), radix: 16) }.joined() }
        return networkName()
    }

    /// A valid interface name (CNI_IFNAME, an uplink): 1-15 bytes, multi-byte characters
    /// included, never "." or "..".
    mutating func interfaceName() -> String {
        let target = int(in: 1...15)
        var name = ""
        while true {
            let next = element(of: Self.interfaceCharacters)
            if name.utf8.count + String(next).utf8.count > target { break }
            name.append(next)
        }
        return name.isEmpty || name == "." || name == ".." ? "eth" + String(int(in: 0...9)) : name
    }

    /// A valid network name or container ID with one character replaced, one appended or
    /// the last one dropped: the near-identical names an operator writes (flat-a, flat-b).
    /// May return `text` itself.
    mutating func nearIdentical(to text: String) -> String {
        var characters = Array(text)
        switch int(in: 0...2) {
        case 0: characters[int(in: 0...(characters.count - 1))] = element(of: Self.nameRest)
        case 1: if characters.count < 128 { characters.append(element(of: Self.nameRest)) }
        default: if characters.count > 1 { characters.removeLast() }
        }
        if let first = characters.first, !Self.nameFirst.contains(first) { characters[0] = "a" }
        return String(characters)
    }
}

/// The example netconf under another name, with its bridge derived (`br-<name>`): what
/// HostClaims sees for a network an operator adds to a host.
func derivedNetwork(_ name: String) throws -> NetworkConfig {
    let document = Valid.config.setting("name", to: .string(name)).setting("vlan", to: nil).setting("bridge", to: nil)
    return try NetworkConfigParser.parse(document, cniVersion: CNIVersion(1, 1, 0))
}
