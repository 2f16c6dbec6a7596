import FlatnetCore

/// The kernel's answers (Linux 6.18, read with the requests of NftablesMessages+TableReading)
/// for this table, made by `nft -f`, next to a table `bridge other` with one base chain c1:
///
///     add table bridge fn-test
///     add set bridge fn-test drops { type ifname; counter; }
///     add chain bridge fn-test prerouting { type filter hook prerouting priority dstnat; policy accept; }
///     add chain bridge fn-test spoof
///     add rule bridge fn-test prerouting ether type { arp, ip } goto spoof
///     add rule bridge fn-test spoof iifname @drops drop
enum NftTableSnapshotAnswers {
    typealias Bytes = NftablesTestBytes

    /// NEWTABLE: name, use 3, handle 1, flags 0.
    static let table = Bytes.hex("""
        3c 00 00 00 00 0a 00 00 01 00 00 00 b6 62 00 00 07 00 00 03 0c 00 01 00 66 6e 2d 74 65 73 74 00
        08 00 03 00 00 00 00 03 0c 00 04 00 00 00 00 00 00 00 00 01 08 00 02 00 00 00 00 00
        """)

    /// NEWRULE (NLM_F_MULTI|NLM_F_APPEND) prerouting, handle 5: payload, cmp, lookup
    /// __set0, immediate goto spoof (verdict ff ff ff fc, NFT_GOTO).
    static let gotoRule = Bytes.hex("""
        e0 00 00 00 06 0a 02 08 02 00 00 00 b6 62 00 00 07 00 00 03 0c 00 01 00 66 6e 2d 74 65 73 74 00
        0f 00 02 00 70 72 65 72 6f 75 74 69 6e 67 00 00 0c 00 03 00 00 00 00 00 00 00 00 05 a4 00 04 00
        34 00 01 00 0c 00 01 00 70 61 79 6c 6f 61 64 00 24 00 02 00 08 00 01 00 00 00 00 01 08 00 02 00
        00 00 00 00 08 00 03 00 00 00 00 0c 08 00 04 00 00 00 00 02 30 00 01 00 0b 00 01 00 6c 6f 6f 6b
        75 70 00 00 20 00 02 00 0b 00 01 00 5f 5f 73 65 74 30 00 00 08 00 02 00 00 00 00 01 08 00 05 00
        00 00 00 00 3c 00 01 00 0e 00 01 00 69 6d 6d 65 64 69 61 74 65 00 00 00 28 00 02 00 08 00 01 00
        00 00 00 00 1c 00 02 00 18 00 02 00 08 00 01 00 ff ff ff fc 0a 00 02 00 73 70 6f 6f 66 00 00 00
        """)

    /// NEWRULE spoof, handle 6: meta iifname, lookup drops, immediate drop.
    static let dropRule = Bytes.hex("""
        c0 00 00 00 06 0a 02 08 02 00 00 00 b6 62 00 00 07 00 00 03 0c 00 01 00 66 6e 2d 74 65 73 74 00
        0a 00 02 00 73 70 6f 6f 66 00 00 00 0c 00 03 00 00 00 00 00 00 00 00 06 88 00 04 00 24 00 01 00
        09 00 01 00 6d 65 74 61 00 00 00 00 14 00 02 00 08 00 02 00 00 00 00 06 08 00 01 00 00 00 00 01
        30 00 01 00 0b 00 01 00 6c 6f 6f 6b 75 70 00 00 20 00 02 00 0a 00 01 00 64 72 6f 70 73 00 00 00
        08 00 02 00 00 00 00 01 08 00 05 00 00 00 00 00 30 00 01 00 0e 00 01 00 69 6d 6d 65 64 69 61 74
        65 00 00 00 1c 00 02 00 08 00 01 00 00 00 00 00 10 00 02 00 0c 00 02 00 08 00 01 00 00 00 00 00
        """)

    /// NEWSET __set0 (anonymous, constant): handle 4, flags 3, ..., type "0xffffffff82508860"
    /// (attribute 19), count 2 (attribute 20).
    static let anonymousSet = Bytes.hex("""
        9c 00 00 00 09 0a 00 00 03 00 00 00 b6 62 00 00 07 00 00 03 0c 00 01 00 66 6e 2d 74 65 73 74 00
        0b 00 02 00 5f 5f 73 65 74 30 00 00 0c 00 10 00 00 00 00 00 00 00 00 04 08 00 03 00 00 00 00 03
        08 00 04 00 00 00 00 0a 08 00 05 00 00 00 00 02 20 00 0d 00 00 04 02 00 00 00 03 14 00 04 07 00
        00 00 01 0c 00 04 11 00 00 00 01 04 03 00 00 00 0c 00 09 00 08 00 01 00 00 00 00 02 17 00 13 00
        30 78 66 66 66 66 66 66 66 66 38 32 35 30 38 38 36 30 00 00 08 00 14 00 00 00 00 02
        """)

    /// NEWSET drops: handle 1, count 0, a counter template (attribute 17).
    static let dropsSet = Bytes.hex("""
        a4 00 00 00 09 0a 00 00 04 00 00 00 b6 62 00 00 07 00 00 03 0c 00 01 00 66 6e 2d 74 65 73 74 00
        0a 00 02 00 64 72 6f 70 73 00 00 00 0c 00 10 00 00 00 00 00 00 00 00 01 08 00 04 00 00 00 00 29
        08 00 05 00 00 00 00 10 0a 00 0d 00 00 04 01 00 00 00 00 00 04 00 09 00 17 00 13 00 30 78 66 66
        66 66 66 66 66 66 38 32 35 30 38 37 38 30 00 00 08 00 14 00 00 00 00 00 2c 00 11 00 0c 00 01 00
        63 6f 75 6e 74 65 72 00 1c 00 02 00 0c 00 01 00 00 00 00 00 00 00 00 00 0c 00 02 00 00 00 00 00
        00 00 00 00
        """)

    /// GETSET of `nosuch`: ENOENT, the request echoed, NLMSGERR_ATTR_OFFS 32 (the set name).
    static let missingSetRefusal = Bytes.hex("""
        2c 00 00 00 02 00 00 03 05 00 00 00 b6 62 00 00 fe ff ff ff 2c 00 00 00 0a 0a 01 00 05 00 00 00
        00 00 00 00 08 00 02 00 20 00 00 00
        """)

    /// NEWCHAIN prerouting: handle 2, hook { number 0, priority -300 }, policy accept (1),
    /// type "filter", flags NFT_CHAIN_BASE, use 1.
    static let baseChain = Bytes.hex("""
        74 00 00 00 03 0a 02 00 06 00 00 00 b6 62 00 00 07 00 00 03 0c 00 01 00 66 6e 2d 74 65 73 74 00
        0f 00 03 00 70 72 65 72 6f 75 74 69 6e 67 00 00 0c 00 02 00 00 00 00 00 00 00 00 02 14 00 04 00
        08 00 01 00 00 00 00 00 08 00 02 00 ff ff fe d4 08 00 05 00 00 00 00 01 0b 00 07 00 66 69 6c 74
        65 72 00 00 08 00 0a 00 00 00 00 01 08 00 06 00 00 00 00 01
        """)

    /// NEWCHAIN spoof: handle 3, use 2 (NFTA_CHAIN_USE, references to it).
    static let regularChain = Bytes.hex("""
        40 00 00 00 03 0a 02 00 06 00 00 00 b6 62 00 00 07 00 00 03 0c 00 01 00 66 6e 2d 74 65 73 74 00
        0a 00 03 00 73 70 6f 6f 66 00 00 00 0c 00 02 00 00 00 00 00 00 00 00 03 08 00 06 00 00 00 00 02
        """)

    /// NEWCHAIN c1 of table `other`: the chain dump is not filtered by table.
    static let otherTablesChain = Bytes.hex("""
        6c 00 00 00 03 0a 02 00 06 00 00 00 b6 62 00 00 07 00 00 03 0a 00 01 00 6f 74 68 65 72 00 00 00
        07 00 03 00 63 31 00 00 0c 00 02 00 00 00 00 00 00 00 00 01 14 00 04 00 08 00 01 00 00 00 00 00
        08 00 02 00 00 00 00 00 08 00 05 00 00 00 00 01 0b 00 07 00 66 69 6c 74 65 72 00 00 08 00 0a 00
        00 00 00 01 08 00 06 00 00 00 00 01
        """)

    /// The table's objects in the order they arrive.
    static var objects: [[UInt8]] {
        [table, gotoRule, dropRule, anonymousSet, dropsSet, baseChain, regularChain, otherTablesChain]
    }

    static func message(_ bytes: [UInt8]) throws -> NetlinkMessage {
        let messages = try NetlinkMessage.split(bytes[...])
        guard messages.count == 1, let message = messages.first else {
            throw NetlinkParseError.missing("exactly one message in a fixture")
        }
        return message
    }

    /// `message` rebuilt with attribute `type`'s payload replaced (added when absent,
    /// removed when `payload` is nil), and optionally another nfgenmsg res_id.
    static func edited(_ message: NetlinkMessage, _ type: UInt16, to payload: [UInt8]?,
                       resID: UInt16? = nil) throws -> NetlinkMessage {
        var header = Array(message.payload.prefix(4))
        if let resID { header[2...3] = [UInt8(resID >> 8), UInt8(resID & 0xff)] }
        var builder = NetlinkMessageBuilder(type: message.type, flags: message.flags,
                                            sequence: message.sequence, familyHeader: header)
        var found = false
        for attribute in try NetlinkAttribute.parse(message.payload.dropFirst(4)) {
            guard attribute.type == type else {
                builder.appendAttribute(type: attribute.type, payload: Array(attribute.payload))
                continue
            }
            found = true
            if let payload { builder.appendAttribute(type: type, payload: payload) }
        }
        if !found, let payload { builder.appendAttribute(type: type, payload: payload) }
        return try Self.message(builder.finished())
    }
}
