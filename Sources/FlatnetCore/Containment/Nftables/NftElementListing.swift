/// Reads the elements out of the NFT_MSG_NEWSETELEM messages of a listing (or of a
/// lookup's answer): NFTA_SET_ELEM_LIST_ELEMENTS { NFTA_LIST_ELEM { NFTA_SET_ELEM_KEY {
/// NFTA_DATA_VALUE }, NFTA_SET_ELEM_EXPR (one expression) or NFTA_SET_ELEM_EXPRESSIONS
/// { NFTA_LIST_ELEM ... } } }. A `counter` expression carries NFTA_COUNTER_BYTES and
/// NFTA_COUNTER_PACKETS as big-endian 64-bit numbers.
public enum NftElementListing {
    public struct Element: Hashable, Sendable {
        public let key: NftElementKey
        /// nil when the element has no counter (its set was not declared with `counter`).
        public let counters: NftElementCounters?

        public init(key: NftElementKey, counters: NftElementCounters?) {
            self.key = key
            self.counters = counters
        }
    }

    private typealias Attribute = NftablesMessages.Attribute

    /// The elements one message carries (possibly none: the kernel ends some listings with
    /// an empty element list).
    public static func elements(in message: NetlinkMessage) throws(NetlinkParseError) -> [Element] {
        guard message.payload.count >= 4 else { throw .missing("nfgenmsg header") }
        let attributes = try NetlinkAttribute.parse(message.payload.dropFirst(4))
        guard let list = attributes.first(where: { $0.type == Attribute.listElements }) else { return [] }
        var elements: [Element] = []
        for item in try NetlinkAttribute.parse(list.payload) where item.type == Attribute.listElement {
            elements.append(try element(in: try NetlinkAttribute.parse(item.payload)))
        }
        return elements
    }

    private static func element(in attributes: [NetlinkAttribute]) throws(NetlinkParseError) -> Element {
        guard let keyAttribute = attributes.first(where: { $0.type == Attribute.elementKey }),
              let value = try NetlinkAttribute.parse(keyAttribute.payload)
                .first(where: { $0.type == Attribute.dataValue }),
              (1...NftElementKey.maximumLength).contains(value.payload.count) else {
            throw .missing("element key")
        }
        var expressions = attributes.filter { $0.type == Attribute.elementExpression }
        for list in attributes where list.type == Attribute.elementExpressions {
            let listed = try NetlinkAttribute.parse(list.payload)
            expressions += listed.filter { $0.type == Attribute.listElement }
        }
        var counters: NftElementCounters?
        for expression in expressions {
            if let found = try counter(in: expression) { counters = found }
        }
        return Element(key: NftElementKey(bytes: Array(value.payload)), counters: counters)
    }

    /// NFTA_EXPR_NAME "counter" and NFTA_EXPR_DATA { BYTES, PACKETS }; nil for other
    /// expressions.
    private static func counter(
        in expression: NetlinkAttribute
    ) throws(NetlinkParseError) -> NftElementCounters? {
        let parts = try NetlinkAttribute.parse(expression.payload)
        let name = parts.first { $0.type == Attribute.expressionName }?.string
        guard name == "counter" else { return nil }
        guard let data = parts.first(where: { $0.type == Attribute.expressionData }) else {
            throw .missing("counter data")
        }
        let fields = try NetlinkAttribute.parse(data.payload)
        func number(_ type: UInt16) -> UInt64? {
            fields.first { $0.type == type }?.payload.bigEndian(UInt64.self, at: 0)
        }
        guard let bytes = number(Attribute.counterBytes),
              let packets = number(Attribute.counterPackets) else {
            throw .missing("counter bytes and packets")
        }
        return NftElementCounters(packets: packets, bytes: bytes)
    }
}
