/// A Linux network interface name, validated the way the kernel's `dev_valid_name()`
/// does: 1-15 bytes (IFNAMSIZ 16 with the terminating NUL), not `.` or `..`, and no
/// `/`, `:` or whitespace. flatnet is stricter in two ways: no control characters (a NUL
/// would cut the name short in the kernel's C string, and the others cannot be printed
/// in a message or typed by an operator), and no Unicode whitespace. Other UTF-8 is
/// accepted, as the kernel accepts it; the 15-byte limit counts bytes, not characters.
public struct InterfaceName: Hashable, Sendable, CustomStringConvertible {
    /// The kernel's limit: IFNAMSIZ (16) minus the terminating NUL.
    public static let maximumLength = 15

    public let value: String

    public init(validating text: String) throws(InterfaceNameError) {
        if let problem = InterfaceName.problem(with: text) { throw problem }
        value = text
    }

    public var description: String { value }

    /// Why `text` is not a valid interface name, or nil if it is.
    public static func problem(with text: String) -> InterfaceNameError? {
        if text.isEmpty { return .empty }
        if text.utf8.count > maximumLength { return .tooLong(bytes: text.utf8.count) }
        if text == "." || text == ".." { return .dotName }
        if text.unicodeScalars.contains(where: isForbidden) { return .forbiddenCharacter }
        if text.unicodeScalars.contains(where: isControl) { return .controlCharacter }
        return nil
    }

    /// `/`, `:` and whitespace: the kernel refuses them in a name.
    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "/" || scalar == ":" || scalar.properties.isWhitespace
    }

    /// NUL, escape and the other control characters: flatnet refuses them (see above).
    static func isControl(_ scalar: Unicode.Scalar) -> Bool { scalar.value < 0x20 || scalar.value == 0x7f }

    /// Whether `character` may appear in a name.
    static func allows(_ character: Character) -> Bool {
        !character.unicodeScalars.contains { isForbidden($0) || isControl($0) }
    }
}

public enum InterfaceNameError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case tooLong(bytes: Int)
    case dotName
    case forbiddenCharacter
    case controlCharacter

    public var description: String {
        switch self {
        case .empty: return "interface name is empty"
        case .tooLong(let bytes):
            return "interface name is \(bytes) bytes;"
                + " the kernel allows at most \(InterfaceName.maximumLength)"
        case .dotName: return "interface name may not be . or .."
        case .forbiddenCharacter: return "interface name may not contain /, : or whitespace"
        case .controlCharacter: return "interface name may not contain control characters (NUL, escape, ...)"
        }
    }
}
