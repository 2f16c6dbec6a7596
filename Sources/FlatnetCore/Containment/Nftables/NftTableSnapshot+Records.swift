extension NftTableSnapshot {
    /// The bytes one object adds to the digest: a kind letter, then for each kept attribute
    /// type its number and its payload's length and bytes, or 0xffffffff when it is absent.
    /// Every field is length-prefixed, so no two different objects encode alike.
    static func record(kind: Unicode.Scalar, _ attributes: [NetlinkAttribute],
                       _ kept: [UInt16]) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(ascii: kind)]
        for type in kept {
            appendLittleEndian(type, to: &bytes)
            if let found = attributes.first(where: { $0.type == type }) {
                appendLittleEndian(UInt32(found.payload.count), to: &bytes)
                bytes += found.payload
            } else {
                appendLittleEndian(UInt32.max, to: &bytes)
            }
        }
        return bytes
    }

    /// The sets a rule's expressions name (NftablesMessages.setNamingExpressions), in order.
    static func setNames(inExpressions payload: ArraySlice<UInt8>) throws(NetlinkParseError) -> [String] {
        var names: [String] = []
        for element in try NetlinkAttribute.parse(payload) where element.type == listElement {
            let parts = try NetlinkAttribute.parse(element.payload)
            guard let kind = parts.first(where: { $0.type == expressionName })?.string,
                  let attribute = NftablesMessages.setNamingExpressions[kind],
                  let data = parts.first(where: { $0.type == expressionData }) else { continue }
            if let set = try NetlinkAttribute.parse(data.payload).first(where: { $0.type == attribute }) {
                names.append(set.string)
            }
        }
        return names
    }

    private static var listElement: UInt16 { NftablesMessages.Attribute.listElement }
    private static var expressionName: UInt16 { NftablesMessages.Attribute.expressionName }
    private static var expressionData: UInt16 { NftablesMessages.Attribute.expressionData }

    private static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }
}
