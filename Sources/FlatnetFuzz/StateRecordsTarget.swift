import FlatnetCore

/// The small records flatnet keeps on disk and reads back: a lease's owner, what host
/// setup applied, the ready stamp, a port's protection. A file may be truncated or
/// another tool's: reading it must fail cleanly, and what reads back must write and read
/// back the same (setup converges from these records, DEL removes what they list).
enum StateRecordsTarget {
    static let target = FuzzTarget(name: "state-records", summary: "lease, setup, stamp and port records",
                                   run: run)

    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        if case .success(let owner) = LeaseRecord.decode(text) { checkLease(of: owner) }
        if case .success(let entry) = LeaseRecord.parse(text) { checkEntry(entry) }
        if let owner = owner(in: text) { checkLease(of: owner) }
        let setup = SetupRecord.decode(text)
        precondition(SetupRecord.decode(setup.encoded) == setup, "a setup record does not read back")
        if let stamp = ReadyStamp.decode(text) {
            precondition(ReadyStamp.decode(stamp.encoded) == stamp, "a ready stamp does not read back")
        }
        if let protection = PortProtection(record: text) {
            precondition(PortProtection(record: protection.record) == protection,
                         "a port record does not read back")
            _ = protection.elementChanges + protection.removalChanges
            _ = protection.commands
        }
    }

    /// The input's first two lines as a container id and a CNI_IFNAME, when the
    /// dispatcher would accept them: flatnet writes a lease for any such owner.
    static func owner(in text: String) -> Attachment? {
        let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 2 else { return nil }
        let owner = Attachment(containerID: String(Substring(lines[0])), ifName: String(Substring(lines[1])))
        guard CNIEnvironment.isValidName(owner.containerID),
              InterfaceName.problem(with: owner.ifName) == nil else { return nil }
        return owner
    }

    /// Every form (a reserved workload's too) writes back to what reads the same.
    static func checkEntry(_ entry: LeaseRecord.Entry) {
        let text: String
        switch entry {
        case .held(let owner, let workload): text = LeaseRecord.encode(owner, workload: workload)
        case .reserved(let workload, let releasedAt):
            text = LeaseRecord.encodeReserved(workload: workload, releasedAt: releasedAt)
        }
        precondition((try? LeaseRecord.parse(text).get()) == entry,
                     "a lease record does not read back: \(text)")
    }

    static func checkLease(of owner: Attachment) {
        let reread = try? LeaseRecord.decode(LeaseRecord.encode(owner)).get()
        precondition(reread == owner, "a lease record does not read back: \(LeaseRecord.encode(owner))")
        _ = owner.storeKey
    }
}
