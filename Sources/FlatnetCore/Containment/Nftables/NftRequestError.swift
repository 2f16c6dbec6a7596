/// A request flatnet refuses to encode: the kernel would reject it, or it would not mean
/// what the caller asked.
public enum NftRequestError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Table and set names: 1-255 bytes (NFT_NAME_MAXLEN 256 with the NUL), no NUL inside.
    case invalidName(kind: String, name: String)
    /// A key is 1-64 bytes (NFT_DATA_VALUE_MAXLEN).
    case invalidKey(set: String, index: Int, length: Int)

    public static let maximumNameLength = 255

    public var description: String {
        switch self {
        case .invalidName(let kind, let name):
            return "invalid nftables \(kind) name \(name.debugDescription):"
                + " 1-\(Self.maximumNameLength) bytes, no NUL"
        case .invalidKey(let set, let index, let length):
            return "key \(index) for set \(set) is \(length) bytes;"
                + " nftables keys are 1-\(NftElementKey.maximumLength)"
        }
    }

    static func check(table: String, changes: [NftElementChange]) throws(NftRequestError) {
        if !isValidName(table) { throw .invalidName(kind: "table", name: table) }
        for change in changes {
            if !isValidName(change.set) { throw .invalidName(kind: "set", name: change.set) }
            let lengths = 1...NftElementKey.maximumLength
            if let index = change.keys.firstIndex(where: { !lengths.contains($0.bytes.count) }) {
                throw .invalidKey(set: change.set, index: index, length: change.keys[index].bytes.count)
            }
        }
    }

    private static func isValidName(_ name: String) -> Bool {
        (1...maximumNameLength).contains(name.utf8.count) && !name.utf8.contains(0)
    }
}
