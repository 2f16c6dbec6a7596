extension NftablesMessages {
    /// NFNL_MSG_BATCH_BEGIN (sequence `firstSequence`), one element message per change (per
    /// 512 keys of a change), NFNL_MSG_BATCH_END. Changes without keys send nothing: a
    /// DELSETELEM without elements would flush the whole set.
    public static func batch(_ operation: NftElementOperation, table: String, changes: [NftElementChange],
                             firstSequence: UInt32) throws(NftRequestError) -> NftRequest {
        try NftRequestError.check(table: table, changes: changes)
        var bytes = delimiter(MessageType.batchBegin, sequence: firstSequence)
        var layouts: [NftMessageLayout] = []
        var sequence = firstSequence
        for (index, change) in changes.enumerated() {
            for first in stride(from: 0, to: change.keys.count, by: maximumKeysPerMessage) {
                sequence &+= 1
                let keys = change.keys[first..<min(first + maximumKeysPerMessage, change.keys.count)]
                var message = NetlinkMessageBuilder(type: operation.messageType, flags: operation.flags,
                                                    sequence: sequence, familyHeader: elementHeader)
                let layout = appendElements(to: &message, table: table, set: change.set, keys: Array(keys),
                                            position: (change: index, firstKey: first))
                bytes += message.finished()
                layouts.append(layout)
            }
        }
        bytes += delimiter(MessageType.batchEnd, sequence: sequence &+ 1)
        return NftRequest(bytes: bytes, messages: layouts, batchSequence: firstSequence)
    }

    /// NFT_MSG_GETSETELEM for one key (NLM_F_ACK): the kernel answers with the element
    /// (an NFT_MSG_NEWSETELEM) and an acknowledgement, or with ENOENT. No dump.
    public static func lookup(table: String, set: String, key: NftElementKey,
                              sequence: UInt32) throws(NftRequestError) -> NftRequest {
        try lookups(table: table, changes: [NftElementChange(set: set, keys: [key])], firstSequence: sequence)
    }

    /// One NFT_MSG_GETSETELEM per key, in one datagram (not a batch: nfnetlink answers
    /// each request in turn). One key per message, because the kernel stops a message at
    /// its first absent key. Read-only: nothing is committed or aborted.
    public static func lookups(table: String, changes: [NftElementChange],
                               firstSequence: UInt32) throws(NftRequestError) -> NftRequest {
        try NftRequestError.check(table: table, changes: changes)
        var bytes: [UInt8] = []
        var layouts: [NftMessageLayout] = []
        var sequence = firstSequence
        for (index, change) in changes.enumerated() {
            for (position, key) in change.keys.enumerated() {
                var message = NetlinkMessageBuilder(type: MessageType.getSetElement,
                                                    flags: Flag.request | Flag.acknowledge,
                                                    sequence: sequence, familyHeader: elementHeader)
                layouts.append(appendElements(to: &message, table: table, set: change.set, keys: [key],
                                              position: (change: index, firstKey: position)))
                bytes += message.finished()
                sequence &+= 1
            }
        }
        return NftRequest(bytes: bytes, messages: layouts, batchSequence: nil)
    }

    /// NFT_MSG_GETSETELEM with NLM_F_DUMP: every element of the set, in NLM_F_MULTI
    /// NFT_MSG_NEWSETELEM messages ended by NLMSG_DONE. Walks the whole set: doctor only.
    public static func listing(table: String, set: String,
                               sequence: UInt32) throws(NftRequestError) -> NftRequest {
        try NftRequestError.check(table: table, changes: [NftElementChange(set: set, keys: [])])
        var message = NetlinkMessageBuilder(type: MessageType.getSetElement, flags: Flag.request | Flag.dump,
                                            sequence: sequence, familyHeader: elementHeader)
        let tableOffset = message.offset
        message.appendString(type: Attribute.listTable, table)
        let setOffset = message.offset
        message.appendString(type: Attribute.listSet, set)
        let layout = NftMessageLayout(sequence: sequence, change: 0, set: set, firstKey: 0,
                                      tableOffset: tableOffset, setOffset: setOffset, keyOffsets: [])
        return NftRequest(bytes: message.finished(), messages: [layout], batchSequence: nil)
    }

    /// Table, set and NFTA_SET_ELEM_LIST_ELEMENTS { NFTA_LIST_ELEM { NFTA_SET_ELEM_KEY {
    /// NFTA_DATA_VALUE key } } ... }, recording where each part starts.
    private static func appendElements(to message: inout NetlinkMessageBuilder, table: String, set: String,
                                       keys: [NftElementKey],
                                       position: (change: Int, firstKey: Int)) -> NftMessageLayout {
        let tableOffset = message.offset
        message.appendString(type: Attribute.listTable, table)
        let setOffset = message.offset
        message.appendString(type: Attribute.listSet, set)
        var keyOffsets: [Int] = []
        message.appendNested(type: Attribute.listElements) { list in
            for key in keys {
                keyOffsets.append(list.offset)
                list.appendNested(type: Attribute.listElement) { element in
                    element.appendNested(type: Attribute.elementKey) { data in
                        data.appendAttribute(type: Attribute.dataValue, payload: key.bytes)
                    }
                }
            }
        }
        return NftMessageLayout(sequence: message.sequence, change: position.change,
                                set: set, firstKey: position.firstKey, tableOffset: tableOffset,
                                setOffset: setOffset, keyOffsets: keyOffsets)
    }

    private static func delimiter(_ type: UInt16, sequence: UInt32) -> [UInt8] {
        NetlinkMessageBuilder(type: type, flags: Flag.request, sequence: sequence,
                              familyHeader: batchHeader).finished()
    }
}
