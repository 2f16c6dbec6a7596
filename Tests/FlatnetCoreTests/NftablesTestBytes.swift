/// Byte fixtures for the nftables tests, written the way the tools that produced them print
/// them, so each can be compared with its source by eye.
enum NftablesTestBytes {
    /// Hex pairs; spaces, `|` and newlines are ignored ("0c 00 01 00 | 66 6e").
    static func hex(_ text: String) -> [UInt8] {
        let digits = text.filter(\.isHexDigit)
        precondition(digits.count % 2 == 0, "odd number of hex digits")
        var bytes: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            bytes.append(UInt8(digits[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    /// `nft --debug=netlink list set` prints an element's key as 32-bit words in host
    /// (little-endian) order: "62616c66 00000031" is the bytes 66 6c 61 62 31 00 00 00.
    static func nftDebugWords(_ text: String) -> [UInt8] {
        text.split(separator: " ").flatMap { hex(String($0)).reversed() }
    }

    /// The ASCII bytes of `text` padded with NULs to `length`.
    static func padded(_ text: String, to length: Int) -> [UInt8] {
        Array(text.utf8) + Array(repeating: 0, count: length - text.utf8.count)
    }
}
