/// A stable, well-mixed 64-bit digest for the names flatnet derives (host veths, tags,
/// chains, shortened bridge and VLAN names): the same in every process, build and host
/// (Swift's `hashValue` is seeded per process, so it cannot be used).
///
/// FNV-1a alone is stable but badly mixed in its top bits: a change in the last byte
/// only reaches bits 0-17 and 40-48 of the product, so the first hex digits of `flat-a`
/// … `flat-z` were all equal (issue 12). The murmur3 64-bit finaliser (fmix64) after it
/// makes every output bit depend on every input byte.
public enum StableHash {
    public static func digest(_ text: String) -> UInt64 { digest(bytes: text.utf8) }

    /// The digest of raw bytes (a text's digest is that of its UTF-8 bytes).
    public static func digest<Bytes: Sequence<UInt8>>(bytes: Bytes) -> UInt64 {
        var hash = FNV1a.hash64(bytes: bytes)
        hash ^= hash >> 33
        hash = hash &* 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        hash = hash &* 0xc4ce_b9fe_1a85_ec53
        hash ^= hash >> 33
        return hash
    }

    /// The first `digits` (1-16) hex digits of the digest, zero-padded.
    public static func hex(_ text: String, digits: Int) -> String {
        String(hex(digest(text)).prefix(digits))
    }

    /// All 16 hex digits of the digest of `bytes`, zero-padded.
    public static func hex<Bytes: Sequence<UInt8>>(bytes: Bytes) -> String { hex(digest(bytes: bytes)) }

    private static func hex(_ value: UInt64) -> String {
        let full = String(value, radix: 16)
        return String(repeating: "0", count: 16 - full.count) + full
    }
}
