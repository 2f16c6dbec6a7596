import FlatnetCore
import Glibc

/// A NETLINK_NETFILTER socket that adds, removes, looks up and lists nftables set elements
/// with nfnetlink messages (FlatnetCore's NftablesMessages), closed exactly once.
///
/// Why netlink and not `nft`: the plugin is a static binary (no libnftnl), and one exec of
/// `nft -f` for a container's elements cost ~16 ms here against ~0.34 ms for the same
/// add+delete through this socket. Either costs the same with 10 containers' elements in
/// the sets or 1,000 (scripts/lib/nft_bench.sh); only `elements` walks a set (doctor).
///
/// Like NetlinkSocket, the socket belongs to the network namespace of the thread that
/// opened it. Not thread-safe; flatnet is single-threaded.
public struct NetfilterSocket: ~Copyable {
    let descriptor: Int32
    let state: SocketState

    /// `socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER)`, extended acks on
    /// (the kernel then names the attribute it refused), acks capped to the request's
    /// header, and a receive timeout so a lost answer cannot hang a CNI call.
    public init() throws(NetfilterError) {
        let descriptor = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue),
                                Self.netlinkNetfilter)
        guard descriptor >= 0 else {
            throw NetfilterError(.open, table: "", .system(call: "socket", errno: errno))
        }
        do {
            try Self.enable(Self.netlinkExtendedAck, on: descriptor, name: "NETLINK_EXT_ACK")
            try Self.enable(Self.netlinkCapAck, on: descriptor, name: "NETLINK_CAP_ACK")
            try Self.setReceiveTimeout(seconds: Self.answerTimeoutSeconds, on: descriptor)
        } catch {
            close(descriptor)
            throw error
        }
        self.descriptor = descriptor
        state = SocketState(firstSequence: UInt32.random(in: 1...(1 << 30)))
    }

    deinit { close(descriptor) }

    /// One transaction: all the elements are added, or none (the kernel aborts the whole
    /// batch on any refusal). Adding an element that exists is not an error (no NLM_F_EXCL).
    public func add(table: String, _ changes: [NftElementChange]) throws(NetfilterError) {
        let request = try encode(.add, table: table) { first throws(NftRequestError) in
            try NftablesMessages.batch(.add, table: table, changes: changes, firstSequence: first)
        }
        if let failure = Self.mostTelling(try commit(request, .add, table: table)) {
            throw Self.error(for: failure, .add, table: table)
        }
    }

    /// Removes the elements; a key already absent is not an error. Two round trips: the
    /// keys are looked up (one datagram, read-only), then the present ones are deleted in
    /// one transaction. Why not delete blindly: Linux 6.1 has no NFT_MSG_DESTROYSETELEM
    /// (6.3+) and refuses a whole batch when one key is absent, and every refused batch
    /// costs an RCU grace period in the kernel's abort path (synchronize_rcu, ~15 ms here),
    /// which a repeated DEL or a GC would pay every time. A key removed by someone else
    /// between the two steps is named in the refusal (extended ack), and the batch is sent
    /// again without it.
    public func delete(table: String, _ changes: [NftElementChange]) throws(NetfilterError) {
        var pending = try present(table: table, changes, for: .delete)
        for _ in 0...changes.reduce(0, { $0 + $1.keys.count }) {
            let request = try encode(.delete, table: table) { first throws(NftRequestError) in
                try NftablesMessages.batch(.delete, table: table, changes: pending, firstSequence: first)
            }
            let failures = try commit(request, .delete, table: table)
            if failures.isEmpty { return }
            if let fatal = Self.mostTelling(failures.filter { !$0.isMissingKey }) {
                throw Self.error(for: fatal, .delete, table: table)
            }
            pending = NftElementChange.removing(failures, from: pending)
        }
        throw NetfilterError(.delete, table: table, .malformedReply("the kernel kept naming absent keys"))
    }

    /// Whether `set` holds `key`: one NFT_MSG_GETSETELEM for that key, no dump. A missing
    /// table or set is an error, not `false`.
    public func contains(table: String, set: String, key: NftElementKey) throws(NetfilterError) -> Bool {
        !(try present(table: table, [NftElementChange(set: set, keys: [key])])).isEmpty
    }

    /// The part of `changes` the sets hold (changes left empty are dropped): one
    /// NFT_MSG_GETSETELEM per key, all in one datagram, no dump. For CHECK, which asks
    /// about a container's five keys at once. A missing table or set is an error.
    public func present(table: String,
                        _ changes: [NftElementChange]) throws(NetfilterError) -> [NftElementChange] {
        try present(table: table, changes, for: .lookup)
    }

    private func present(table: String, _ changes: [NftElementChange],
                         for operation: NetfilterOperation) throws(NetfilterError) -> [NftElementChange] {
        let request = try encode(operation, table: table) { first throws(NftRequestError) in
            try NftablesMessages.lookups(table: table, changes: changes, firstSequence: first)
        }
        let absent = try lookUp(request, operation, table: table)
        return NftElementChange.removing(absent, from: changes)
    }

    /// Every element of `set` with its counters (nil without `counter`): a dump that walks
    /// the whole set. For doctor only, never on ADD, DEL or CHECK.
    public func elements(table: String,
                         set: String) throws(NetfilterError) -> [NftElementKey: NftElementCounters?] {
        let request = try encode(.list, table: table) { first throws(NftRequestError) in
            try NftablesMessages.listing(table: table, set: set, sequence: first)
        }
        return try list(with: request, table: table)
    }

    /// Encodes with the next sequence numbers and reserves them.
    private func encode(
        _ operation: NetfilterOperation, table: String,
        _ build: (UInt32) throws(NftRequestError) -> NftRequest
    ) throws(NetfilterError) -> NftRequest {
        do {
            let request = try build(state.nextSequence)
            state.nextSequence = request.nextSequence
            return request
        } catch {
            throw NetfilterError(operation, table: table, .invalidRequest(error.description))
        }
    }
}

/// What the socket's calls change (a reference, so its methods need not be mutating): the
/// next nlmsg_seq, and the socket buffers reserved so far.
final class SocketState {
    var nextSequence: UInt32
    var reservedSendBuffer = 0
    var reservedReceiveBuffer = 0

    init(firstSequence: UInt32) { nextSequence = firstSequence }
}
