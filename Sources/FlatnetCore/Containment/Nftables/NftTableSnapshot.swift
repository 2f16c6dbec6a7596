/// A table's chains, its rules and the sets its rules name, as the kernel reported them
/// (NftTableReadRequest), and the fingerprint they make: a digest that changes when the
/// table's protection may have changed (a chain deleted, flushed or re-hooked, a policy, a
/// rule replaced, the table made dormant) and not when only set elements or counters do.
///
/// Digested, in kernel order: the table's flags (NFT_TABLE_F_DORMANT unhooks every chain)
/// and handle; each of its chains' name, handle, hook (number and priority), policy, type
/// and flags; each rule's chain, handle and NFTA_RULE_EXPRESSIONS bytes; then, by name,
/// each set the rules name, anonymous ones included: its handle, flags, key and data types
/// and lengths, timeout and object type. Not the sets' elements.
///
/// Left out, because they change without any edit: the nfgenmsg header (its res_id is the
/// ruleset generation, which every element commit bumps), NFTA_CHAIN_USE (references),
/// NFTA_CHAIN_COUNTERS, NFTA_SET_COUNT (elements), NFTA_RULE_POSITION (the previous
/// rule's handle, derived) and comments. flatnet's rules hold no state in their expressions
/// (they count in set elements, `drops` and `flood`); a `counter` an operator adds to a
/// rule would change the fingerprint with every packet, which reads as an edit.
///
/// Handles are kept: stable across reads, never reused within a table, and the only trace
/// of a replaced anonymous set. `nft replace rule` keeps the rule's handle and the kernel
/// names the new `{ ... }` set with the lowest free `__set%d`, so a rule replaced twice
/// can read back byte for byte as before while its set holds other elements; the set's
/// handle is new (measured on Linux 6.18). So applying the same script again (it flushes
/// and refills every chain) gives a new fingerprint: read it back after applying.
public struct NftTableSnapshot: Sendable {
    typealias MessageType = NftablesMessages.MessageType
    typealias Table = NftablesMessages.TableAttribute
    typealias Chain = NftablesMessages.ChainAttribute
    typealias Rule = NftablesMessages.RuleAttribute
    typealias NamedSet = NftablesMessages.SetAttribute

    public let table: String
    /// The table does not exist (its lookup answered ENOENT): no fingerprint.
    public private(set) var isMissing = false
    /// A dump was interrupted (NLM_F_DUMP_INTR: the ruleset changed between its parts), so
    /// what was read may mix two states: read again.
    public private(set) var wasInterrupted = false
    /// The sets the rules name, in the order first named (what the second datagram asks).
    public private(set) var referencedSets: [String] = []

    private var tableRecord: [UInt8] = []
    private var chainRecords: [UInt8] = []
    private var ruleRecords: [UInt8] = []
    private var setRecords: [String: [UInt8]] = [:]

    public init(table: String) { self.table = table }

    /// 16 hex digits; nil when the table is missing.
    public var fingerprint: String? {
        if isMissing { return nil }
        var bytes = tableRecord + chainRecords + ruleRecords
        for name in setRecords.keys.sorted() { bytes += setRecords[name] ?? [] }
        return StableHash.hex(bytes: bytes)
    }

    /// Takes in one NFT_MSG_NEWTABLE, NEWCHAIN, NEWRULE or NEWSET answer; objects of other
    /// tables (the chain dump has every bridge table's) are skipped.
    public mutating func absorb(_ message: NetlinkMessage) throws(NetlinkParseError) {
        noteFlags(of: message)
        let objects = [MessageType.newTable, MessageType.newChain, MessageType.newRule, MessageType.newSet]
        guard objects.contains(message.type) else {
            throw .unexpected("message type \(message.type) in a table's listing")
        }
        guard message.payload.count >= 4 else { throw .missing("nfgenmsg header") }
        // The nfgenmsg header (family, version, res_id: the generation) is never digested.
        let attributes = try NetlinkAttribute.parse(message.payload.dropFirst(4))
        // NFTA_TABLE_NAME, NFTA_CHAIN_TABLE, NFTA_RULE_TABLE and NFTA_SET_TABLE are all 1.
        guard attributes.first(where: { $0.type == Table.name })?.string == table else {
            if message.type == MessageType.newTable || message.type == MessageType.newSet {
                throw .unexpected("another table in the answer to a lookup in table \(table)")
            }
            return
        }
        switch message.type {
        case MessageType.newTable:
            tableRecord = Self.record(kind: "T", attributes, [Table.flags, Table.handle])
        case MessageType.newChain:
            let kept = [Chain.name, Chain.handle, Chain.hook, Chain.policy, Chain.type, Chain.flags]
            chainRecords += Self.record(kind: "C", attributes, kept)
        case MessageType.newRule:
            try absorbRule(attributes)
        default:
            try absorbSet(attributes)
        }
    }

    /// The table's lookup answered ENOENT.
    public mutating func recordMissingTable() { isMissing = true }

    /// A set the rules named was not found (removed between the two datagrams).
    public mutating func recordAbsentSet(_ name: String) {
        let named = NetlinkAttribute(type: NamedSet.name, payload: ArraySlice(name.utf8))
        setRecords[name] = Self.record(kind: "A", [named], [NamedSet.name])
    }

    /// Notes NLM_F_DUMP_INTR on an object of a dump.
    private mutating func noteFlags(of message: NetlinkMessage) {
        if message.flags & NftablesMessages.Flag.dumpInterrupted != 0 { wasInterrupted = true }
    }

    private mutating func absorbRule(_ attributes: [NetlinkAttribute]) throws(NetlinkParseError) {
        ruleRecords += Self.record(kind: "R", attributes, [Rule.chain, Rule.handle, Rule.expressions])
        guard let expressions = attributes.first(where: { $0.type == Rule.expressions }) else { return }
        let named = try Self.setNames(inExpressions: expressions.payload)
        for name in named where !referencedSets.contains(name) { referencedSets.append(name) }
    }

    private mutating func absorbSet(_ attributes: [NetlinkAttribute]) throws(NetlinkParseError) {
        guard let name = attributes.first(where: { $0.type == NamedSet.name })?.string else {
            throw .missing("set name")
        }
        let kept = [NamedSet.name, NamedSet.handle, NamedSet.flags, NamedSet.keyType, NamedSet.keyLength,
                    NamedSet.dataType, NamedSet.dataLength, NamedSet.timeout, NamedSet.gcInterval,
                    NamedSet.objectType]
        setRecords[name] = Self.record(kind: "S", attributes, kept)
    }
}
