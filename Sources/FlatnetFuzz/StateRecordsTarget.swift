import FlatnetCore

/// The small records flatnet keeps on disk and reads back: a lease's owner, what host
/// setup applied, the ready stamp, a port's protection. A file may be truncated or
/// another tool's: reading it must fail cleanly, and what reads back must write and read
/// back the same (setup converges from these records, DEL removes what they list).
enum StateRecordsTarget {
    static let target = FuzzTarget(
        name: "state-records", summary: "lease, setup, stamp and port records"
    ) { bytes in
        let text = String(decoding: bytes, as: UTF8.self)
        if case .success(let owner) = LeaseRecord.decode(text) {
            let reread = try? LeaseRecord.decode(LeaseRecord.encode(owner)).get()
            precondition(reread == owner, "a lease record does not read back")
            _ = owner.storeKey
        }
        let setup = SetupRecord.decode(text)
        if writable(setup.encoded) {
            precondition(SetupRecord.decode(setup.encoded) == setup, "a setup record does not read back")
        }
        if let stamp = ReadyStamp.decode(text), writable(stamp.encoded) {
            precondition(ReadyStamp.decode(stamp.encoded) == stamp, "a ready stamp does not read back")
        }
        if let protection = PortProtection(record: text) {
            precondition(PortProtection(record: protection.record) == protection,
                         "a port record does not read back")
            _ = protection.elementChanges + protection.removalChanges
            _ = protection.commands
        }
    }

    /// Whether flatnet could have written `record`: its values are validated names,
    /// addresses and hex digests, never control characters. A value read from a tampered
    /// file that ends in "\r" does not read back after writing: the "\r\n" it then ends
    /// with is one Character to Swift, which a split on "\n" does not cut (found by this
    /// target; harmless, since flatnet never writes such a value).
    static func writable(_ record: String) -> Bool {
        !record.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }
    }
}
