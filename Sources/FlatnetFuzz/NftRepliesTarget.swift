import FlatnetCore

/// One datagram from the kernel on the nf_tables netlink socket, handled as the socket
/// code handles each message (NetfilterSocket+Exchange, +Fingerprint): framing, then an
/// acknowledgement or refusal (matched against a request of ours), set elements with
/// their counters, or a table's objects taken into its fingerprint; the sets the rules
/// name then go into the second read request, as they do on a live table.
enum NftRepliesTarget {
    static let table = "fn-test"

    /// A request of ours for the refusals to point into (sequences 1 to 3).
    static let changes = [
        NftElementChange(set: "macs", keys: [.interface(try! InterfaceName(validating: "flab1"))
            + .mac(FuzzBackend.fixedMAC)]),
        NftElementChange(set: "ipv4", keys: [.ipv4(IPv4Address("10.43.1.2")!),
                                             .ipv4(IPv4Address("10.43.1.3")!)]),
    ]
    static let request = try! NftablesMessages.batch(.add, table: table, changes: changes, firstSequence: 1)

    static let target = FuzzTarget(name: "nft-replies", summary: "nf_tables netlink replies") { bytes in
        guard let messages = try? NetlinkMessage.split(bytes[...]) else { return }
        var snapshot = NftTableSnapshot(table: table)
        for message in messages {
            switch message.type {
            case NftablesMessages.MessageType.error:
                guard let answer = try? NetlinkAcknowledgement(message) else { continue }
                let failures = request.failures(in: [answer.sequence: answer])
                _ = failures.map { ($0.isMissingKey, $0.isMissingSet, $0.isMissingTable) }
                _ = NftElementChange.removing(failures, from: changes)
            case NftablesMessages.MessageType.newSetElement:
                _ = try? NftElementListing.elements(in: message)
            default:
                try? snapshot.absorb(message)
            }
        }
        _ = snapshot.fingerprint
        _ = try? NftablesMessages.setsAndChains(table: table, sets: snapshot.referencedSets, firstSequence: 4)
    }
}
