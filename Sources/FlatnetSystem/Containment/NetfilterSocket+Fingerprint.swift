import FlatnetCore
import Glibc

/// Reading a table back for its fingerprint: cheap enough for ADD's fast path, which
/// otherwise trusts the ready stamp and would not notice a hand-edited table.
extension NetfilterSocket {
    /// Reads when a dump comes back marked NLM_F_DUMP_INTR (the ruleset changed between
    /// its datagrams: a concurrent ADD's element commit is enough), before giving up. With
    /// another socket committing nonstop, none of 1,800 reads was (one in ten was while the
    /// flag on NLMSG_DONE was counted too).
    static let maximumFingerprintReads = 3

    /// The fingerprint of `table bridge TABLE` (NftTableSnapshot: its chains, rules and
    /// the sets they name; not its elements or counters), or nil when the table does not
    /// exist. Two round trips, read-only, no exec: the table and its rules, then the sets
    /// the rules name and the chains. Any failure other than ENOENT on the table throws.
    ///
    /// Compare it with one read back after the table was applied, never with one computed:
    /// handles are part of it (NftTableSnapshot says why), so applying the same script
    /// again changes it.
    public func tableFingerprint(table: String) throws(NetfilterError) -> String? {
        for _ in 0..<Self.maximumFingerprintReads {
            let snapshot = try snapshot(of: table)
            if snapshot.isMissing || !snapshot.wasInterrupted { return snapshot.fingerprint }
        }
        let reason = NetfilterError.Reason.refused(
            set: nil, errno: EAGAIN,
            kernelMessage: "the ruleset changed during each of \(Self.maximumFingerprintReads) reads")
        throw NetfilterError(.fingerprint, table: table, reason)
    }

    private func snapshot(of table: String) throws(NetfilterError) -> NftTableSnapshot {
        var snapshot = NftTableSnapshot(table: table)
        let first = try encodeRead(table: table) { sequence throws(NftRequestError) in
            try NftablesMessages.tableAndRules(table: table, firstSequence: sequence)
        }
        try read(first, into: &snapshot)
        if snapshot.isMissing { return snapshot }
        let sets = snapshot.referencedSets
        let second = try encodeRead(table: table) { sequence throws(NftRequestError) in
            try NftablesMessages.setsAndChains(table: table, sets: sets, firstSequence: sequence)
        }
        try read(second, into: &snapshot)
        return snapshot
    }

    /// Sends one datagram of the read and takes in its answers: each lookup's object or
    /// refusal, then the dump's objects up to its NLMSG_DONE.
    private func read(_ read: NftTableReadRequest,
                      into snapshot: inout NftTableSnapshot) throws(NetfilterError) {
        let table = snapshot.table
        try reserveBuffers(for: read.request, answersPerMessage: 1, .fingerprint, table: table)
        var answered = Set<UInt32>()
        try exchange(read.request, .fingerprint, table: table) { message throws(NetfilterError) in
            switch message.type {
            case MessageType.error:
                try absorbRefusal(message, of: read, into: &snapshot)
                answered.insert(message.sequence)
                return false
            case MessageType.done:
                // NLMSG_DONE's NLM_F_DUMP_INTR is not counted: it is set when the ruleset
                // changed after the last object was sent (the kernel checks the generation
                // again for the empty final round), so the objects were read consistently.
                try checkDone(message, read.request, .fingerprint, table: table)
                guard answered.isSuperset(of: read.lookupSequences) else {
                    let what = "a lookup went unanswered"
                    throw NetfilterError(.fingerprint, table: table, .malformedReply(what))
                }
                return true
            default:
                try parse(.fingerprint, table: table) { () throws(NetlinkParseError) in
                    try snapshot.absorb(message)
                }
                if message.sequence != read.dumpSequence { answered.insert(message.sequence) }
                return false
            }
        }
    }

    /// ENOENT for the table (on its own lookup, or marked on a set's): the table is missing.
    /// ENOENT for a set: it went between the two datagrams. Anything else, and any refusal
    /// of a dump (which then never starts), is an error.
    private func absorbRefusal(_ message: NetlinkMessage, of read: NftTableReadRequest,
                               into snapshot: inout NftTableSnapshot) throws(NetfilterError) {
        let table = snapshot.table
        let answer = try acknowledgement(in: message, .fingerprint, table: table)
        guard let failure = read.request.failures(in: [answer.sequence: answer]).first else { return }
        let isLookup = answer.sequence != read.dumpSequence
        let missing = isLookup && failure.errno == NftablesMessages.noSuchEntry
        if missing, failure.isMissingTable || answer.sequence == read.tableSequence {
            snapshot.recordMissingTable()
        } else if missing, let set = read.setSequences[answer.sequence] {
            snapshot.recordAbsentSet(set)
        } else {
            throw Self.error(for: failure, .fingerprint, table: table)
        }
    }

    /// Encodes with the next sequence numbers and reserves them.
    private func encodeRead(
        table: String, _ build: (UInt32) throws(NftRequestError) -> NftTableReadRequest
    ) throws(NetfilterError) -> NftTableReadRequest {
        do {
            let read = try build(state.nextSequence)
            state.nextSequence = read.request.nextSequence
            return read
        } catch {
            throw NetfilterError(.fingerprint, table: table, .invalidRequest(error.description))
        }
    }
}
