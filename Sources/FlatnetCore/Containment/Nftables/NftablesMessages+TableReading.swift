/// One of the two datagrams that read a table back for its fingerprint (NftTableSnapshot):
/// lookups the kernel answers at once, then one dump. The lookups carry no NLM_F_ACK: each
/// is answered by the object or by an error, before the dump starts, so the dump's
/// NLMSG_DONE ends the datagram's answers. One dump per datagram: a socket runs one dump at
/// a time and refuses a second (EBUSY) until the first is read to its end.
public struct NftTableReadRequest: Sendable {
    public let request: NftRequest
    /// The NFT_MSG_GETTABLE's sequence (first datagram only).
    public let tableSequence: UInt32?
    /// Each NFT_MSG_GETSET's sequence, and the set it asks for (second datagram only).
    public let setSequences: [UInt32: String]
    /// The dump's sequence (the datagram's last message).
    public let dumpSequence: UInt32

    /// The lookups' sequences: each must be answered before the dump's NLMSG_DONE.
    public var lookupSequences: Set<UInt32> {
        Set(setSequences.keys).union(tableSequence.map { [$0] } ?? [])
    }
}

extension NftablesMessages {
    /// The first datagram: NFT_MSG_GETTABLE (the table's flags and handle, or ENOENT when
    /// it does not exist: a rule dump of a missing table is just empty), then the rule dump.
    public static func tableAndRules(table: String,
                                     firstSequence: UInt32) throws(NftRequestError) -> NftTableReadRequest {
        let lookup = try object(MessageType.getTable, flags: Flag.request, sequence: firstSequence,
                                table: (TableAttribute.name, table))
        let dump = try ruleDump(table: table, sequence: firstSequence &+ 1)
        return NftTableReadRequest(request: NftRequest(joining: [lookup, dump]), tableSequence: firstSequence,
                                   setSequences: [:], dumpSequence: firstSequence &+ 1)
    }

    /// The second datagram: NFT_MSG_GETSET for each set the rules name (an anonymous set is
    /// constant, so its handle stands for its elements), then the chain dump.
    public static func setsAndChains(table: String, sets: [String],
                                     firstSequence: UInt32) throws(NftRequestError) -> NftTableReadRequest {
        var parts: [NftRequest] = []
        var setSequences: [UInt32: String] = [:]
        var sequence = firstSequence
        for set in sets {
            parts.append(try object(MessageType.getSet, flags: Flag.request, sequence: sequence,
                                    table: (SetAttribute.table, table), set: set))
            setSequences[sequence] = set
            sequence &+= 1
        }
        parts.append(try chainDump(table: table, sequence: sequence))
        return NftTableReadRequest(request: NftRequest(joining: parts), tableSequence: nil,
                                   setSequences: setSequences, dumpSequence: sequence)
    }

    /// NFT_MSG_GETRULE with NLM_F_DUMP and NFTA_RULE_TABLE: the kernel dumps only that
    /// table's rules (nf_tables_dump_rules_start), in chain order (`nft list table` asks
    /// the same, byte for byte).
    public static func ruleDump(table: String, sequence: UInt32) throws(NftRequestError) -> NftRequest {
        try object(MessageType.getRule, flags: Flag.request | Flag.dump, sequence: sequence,
                   table: (RuleAttribute.table, table))
    }

    /// NFT_MSG_GETCHAIN with NLM_F_DUMP and NFTA_CHAIN_TABLE. Linux 6.18 ignores the table
    /// and dumps every bridge chain of the namespace (nft 1.0.6 does not even send it):
    /// NftTableSnapshot keeps only this table's. Sent anyway, for a kernel that filters.
    public static func chainDump(table: String, sequence: UInt32) throws(NftRequestError) -> NftRequest {
        try object(MessageType.getChain, flags: Flag.request | Flag.dump, sequence: sequence,
                   table: (ChainAttribute.table, table))
    }

    /// A message naming the table (and a set), with where each name starts recorded.
    private static func object(_ type: UInt16, flags: UInt16, sequence: UInt32,
                               table: (attribute: UInt16, name: String),
                               set: String? = nil) throws(NftRequestError) -> NftRequest {
        let named = set.map { [NftElementChange(set: $0, keys: [])] } ?? []
        try NftRequestError.check(table: table.name, changes: named)
        var message = NetlinkMessageBuilder(type: type, flags: flags, sequence: sequence,
                                            familyHeader: elementHeader)
        let tableOffset = message.offset
        message.appendString(type: table.attribute, table.name)
        let setOffset = message.offset
        if let set { message.appendString(type: SetAttribute.name, set) }
        let layout = NftMessageLayout(sequence: sequence, change: 0, set: set ?? "", firstKey: 0,
                                      tableOffset: tableOffset, setOffset: set == nil ? -1 : setOffset,
                                      keyOffsets: [])
        return NftRequest(bytes: message.finished(), messages: [layout], batchSequence: nil)
    }
}

extension NftRequest {
    /// Requests sent in one datagram, one after the other (none of them a batch).
    public init(joining requests: [NftRequest]) {
        precondition(requests.allSatisfy { $0.batchSequence == nil }, "a batch cannot be joined")
        self.init(bytes: requests.flatMap(\.bytes), messages: requests.flatMap(\.messages),
                  batchSequence: nil)
    }
}
