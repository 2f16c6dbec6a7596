import FlatnetCore
import Glibc

/// Sending requests and reading the kernel's answers: every datagram's length checked,
/// every message matched to the request by sequence number, every loop bounded.
extension NetfilterSocket {
    typealias MessageType = NftablesMessages.MessageType

    /// Sends a batch and collects one acknowledgement per element message; returns the
    /// refusals (none: committed). A refusal of the whole batch (commit failure, EPERM) is
    /// reported against the batch-begin sequence and thrown.
    func commit(_ request: NftRequest, _ operation: NetfilterOperation,
                table: String) throws(NetfilterError) -> [NftRequestFailure] {
        if request.messages.isEmpty { return [] }
        try reserveBuffers(for: request, answersPerMessage: 1, operation, table: table)
        var answers: [UInt32: NetlinkAcknowledgement] = [:]
        try exchange(request, operation, table: table) { message throws(NetfilterError) in
            let answer = try acknowledgement(in: message, operation, table: table)
            if answer.sequence == request.batchSequence {
                guard answer.errno == 0 else {
                    let refusal = NetfilterError.Reason.refused(set: nil, errno: answer.errno,
                                                                kernelMessage: answer.kernelMessage)
                    throw NetfilterError(operation, table: table, refusal)
                }
                return false
            }
            answers[answer.sequence] = answer
            return answers.count == request.messages.count
        }
        return request.failures(in: answers)
    }

    /// Sends lookups (one key per message) and returns the keys the kernel reported
    /// absent (ENOENT on the key), as refusals naming them. Each present key is answered
    /// with the element, then an acknowledgement; each absent one with ENOENT only.
    func lookUp(_ request: NftRequest, _ operation: NetfilterOperation,
                table: String) throws(NetfilterError) -> [NftRequestFailure] {
        if request.messages.isEmpty { return [] }
        try reserveBuffers(for: request, answersPerMessage: 2, operation, table: table)
        var answers: [UInt32: NetlinkAcknowledgement] = [:]
        try exchange(request, operation, table: table) { message throws(NetfilterError) in
            if message.type == MessageType.newSetElement { return false }
            let answer = try acknowledgement(in: message, operation, table: table)
            answers[answer.sequence] = answer
            return answers.count == request.messages.count
        }
        let failures = request.failures(in: answers)
        if let fatal = Self.mostTelling(failures.filter { !$0.isMissingKey }) {
            throw Self.error(for: fatal, operation, table: table)
        }
        return failures
    }

    /// Sends a listing and gathers the elements until NLMSG_DONE.
    func list(with request: NftRequest,
              table: String) throws(NetfilterError) -> [NftElementKey: NftElementCounters?] {
        var elements: [NftElementKey: NftElementCounters?] = [:]
        try exchange(request, .list, table: table) { message throws(NetfilterError) in
            if message.flags & NftablesMessages.Flag.dumpInterrupted != 0 {
                let reason = NetfilterError.Reason.refused(set: request.messages.first?.set, errno: EAGAIN,
                                                           kernelMessage: "the set changed while listed")
                throw NetfilterError(.list, table: table, reason)
            }
            switch message.type {
            case MessageType.newSetElement:
                try absorb(message, into: &elements, table: table)
                return false
            case MessageType.done:
                try checkDone(message, request, .list, table: table)
                return true
            default:
                let answer = try acknowledgement(in: message, .list, table: table)
                if let failure = request.failures(in: [answer.sequence: answer]).first {
                    throw Self.error(for: failure, .list, table: table)
                }
                return true
            }
        }
        return elements
    }

    private func absorb(_ message: NetlinkMessage, into elements: inout [NftElementKey: NftElementCounters?],
                        table: String) throws(NetfilterError) {
        let listed = try parse(.list, table: table) { () throws(NetlinkParseError) in
            try NftElementListing.elements(in: message)
        }
        // updateValue: assigning a nil counter through the subscript would drop the key.
        for element in listed { elements.updateValue(element.counters, forKey: element.key) }
        guard elements.count <= Self.maximumListedElements else {
            let what = "more than \(Self.maximumListedElements) elements"
            throw NetfilterError(.list, table: table, .malformedReply(what))
        }
    }

    /// NLMSG_DONE carries the dump's final status (an int, negative errno on failure).
    func checkDone(_ message: NetlinkMessage, _ request: NftRequest, _ operation: NetfilterOperation,
                   table: String) throws(NetfilterError) {
        let status = message.payload.prefix(4).enumerated()
            .reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
        let code = Int32(bitPattern: UInt32(littleEndian: status))
        guard code >= 0 else {
            let set = request.messages.first?.set ?? ""
            let failure = NftRequestFailure(culprit: .unmarked, set: set, errno: -code)
            throw Self.error(for: failure, operation, table: table)
        }
    }

    /// Sends `request`, then hands each message answering it (by sequence number) to
    /// `handle` until `handle` returns true. Answers to earlier requests are skipped.
    func exchange(_ request: NftRequest, _ operation: NetfilterOperation, table: String,
                  handle: (NetlinkMessage) throws(NetfilterError) -> Bool) throws(NetfilterError) {
        try send(request.bytes, operation, table: table)
        let sequences = request.sequences
        var buffer = [UInt8](repeating: 0, count: Self.receiveBufferSize)
        for _ in 0..<Self.maximumDatagrams {
            let datagram = try receive(into: &buffer, operation, table: table)
            let messages = try parse(operation, table: table) { () throws(NetlinkParseError) in
                try NetlinkMessage.split(buffer[0..<datagram])
            }
            for message in messages where sequences.contains(message.sequence) {
                if try handle(message) { return }
            }
        }
        let what = "no end after \(Self.maximumDatagrams) datagrams"
        throw NetfilterError(operation, table: table, .malformedReply(what))
    }

    func acknowledgement(in message: NetlinkMessage, _ operation: NetfilterOperation,
                                 table: String) throws(NetfilterError) -> NetlinkAcknowledgement {
        guard message.type == MessageType.error else {
            throw NetfilterError(operation, table: table, .malformedReply("message type \(message.type)"))
        }
        return try parse(operation, table: table) { () throws(NetlinkParseError) in
            try NetlinkAcknowledgement(message)
        }
    }

    func parse<T>(_ operation: NetfilterOperation, table: String,
                          _ body: () throws(NetlinkParseError) -> T) throws(NetfilterError) -> T {
        do { return try body() } catch {
            throw NetfilterError(operation, table: table, .malformedReply(error.description))
        }
    }
}
