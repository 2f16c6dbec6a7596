/// Standard base64 (RFC 4648 section 4, with padding): etcd's JSON gateway carries keys and
/// values as protobuf `bytes`, which proto3's JSON mapping writes this way. By hand because
/// the plugin avoids Foundation (PLATFORM-NOTES), and FlatnetCore imports nothing.
public enum EtcdBase64 {
    private static let alphabet = Array(("ABCDEFGHIJKLMNOPQRSTUVWXYZ" + "abcdefghijklmnopqrstuvwxyz"
                                         + "0123456789+/").utf8)

    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity((input.count + 2) / 3 * 4)
        var index = 0
        while index < input.count {
            let chunk = input[index..<min(index + 3, input.count)]
            var group: UInt32 = 0
            for (offset, byte) in chunk.enumerated() { group |= UInt32(byte) << (16 - 8 * offset) }
            for position in 0..<4 {
                let sextet = Int((group >> (18 - 6 * position)) & 0x3F)
                output.append(position <= chunk.count ? alphabet[sextet] : UInt8(ascii: "="))
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    public static func encode(_ text: String) -> String { encode(Array(text.utf8)) }

    /// The bytes, or nil for text that is not base64 (a wrong character, a bad length, or
    /// padding in the middle). Accepts the unpadded form too (proto3 readers must).
    public static func decode(_ text: String) -> [UInt8]? {
        var bytes = Array(text.utf8)
        var padding = 0
        while bytes.last == UInt8(ascii: "=") { bytes.removeLast(); padding += 1 }
        guard padding <= 2, bytes.count % 4 != 1 else { return nil }
        if padding > 0, (bytes.count + padding) % 4 != 0 { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 3 / 4)
        var group: UInt32 = 0
        var filled = 0
        for byte in bytes {
            guard let sextet = value(of: byte) else { return nil }
            group = group << 6 | UInt32(sextet)
            filled += 6
            if filled >= 8 {
                filled -= 8
                output.append(UInt8(truncatingIfNeeded: group >> UInt32(filled)))
            }
        }
        return output
    }

    private static func value(of byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): return 62
        case UInt8(ascii: "/"): return 63
        default: return nil
        }
    }
}
