/// The nfnetlink requests flatnet sends to nf_tables, as bytes (pure; the socket lives in
/// FlatnetSystem's NetfilterSocket). Numbers from linux/netfilter/nfnetlink.h and
/// nf_tables.h; the layout was checked against the bytes nft 1.0.6 sends (strace) and
/// against what the kernel accepted (FlatnetSystemTests).
///
/// - A change batch is NFNL_MSG_BATCH_BEGIN, one NFT_MSG_NEWSETELEM or NFT_MSG_DELSETELEM
///   per change (family NFPROTO_BRIDGE, NLM_F_ACK so every message is answered), then
///   NFNL_MSG_BATCH_END: the kernel applies all of it or none of it.
/// - A lookup is one NFT_MSG_GETSETELEM naming one key: answered with the element or ENOENT.
/// - A listing is NFT_MSG_GETSETELEM with NLM_F_DUMP (doctor only: it walks the whole set).
public enum NftablesMessages {
    /// NFPROTO_BRIDGE: flatnet's tables are `table bridge NAME`.
    public static let bridgeFamily: UInt8 = 7
    /// ENOENT on Linux: no such table, set or element.
    public static let noSuchEntry: Int32 = 2
    /// Keys per element message: keeps the element list under the 16-bit attribute length
    /// (a key is at most 64 bytes, 76 with its attribute headers); larger changes are split.
    public static let maximumKeysPerMessage = 512

    /// nlmsg_type values: NFNL_MSG_BATCH_BEGIN/END (NLMSG_MIN_TYPE, +1) and
    /// NFNL_SUBSYS_NFTABLES (10) << 8 | NFT_MSG_*.
    public enum MessageType {
        public static let batchBegin: UInt16 = 0x10
        public static let batchEnd: UInt16 = 0x11
        public static let newTable: UInt16 = 10 << 8 | 0
        public static let getTable: UInt16 = 10 << 8 | 1
        public static let newChain: UInt16 = 10 << 8 | 3
        public static let getChain: UInt16 = 10 << 8 | 4
        public static let newRule: UInt16 = 10 << 8 | 6
        public static let getRule: UInt16 = 10 << 8 | 7
        public static let newSet: UInt16 = 10 << 8 | 9
        public static let getSet: UInt16 = 10 << 8 | 10
        public static let newSetElement: UInt16 = 10 << 8 | 12
        public static let getSetElement: UInt16 = 10 << 8 | 13
        public static let deleteSetElement: UInt16 = 10 << 8 | 14
        /// NLMSG_ERROR (an acknowledgement, error 0, or a failure) and NLMSG_DONE.
        public static let error: UInt16 = 2
        public static let done: UInt16 = 3
    }

    /// nlmsg_flags: NLM_F_REQUEST, NLM_F_ACK, NLM_F_CREATE (without NLM_F_EXCL, adding an
    /// element that exists succeeds), NLM_F_DUMP (NLM_F_ROOT | NLM_F_MATCH).
    public enum Flag {
        public static let request: UInt16 = 0x1
        public static let acknowledge: UInt16 = 0x4
        public static let dumpInterrupted: UInt16 = 0x10
        public static let dump: UInt16 = 0x300
        public static let create: UInt16 = 0x400
    }

    /// Attribute numbers: NFTA_SET_ELEM_LIST_*, NFTA_LIST_ELEM, NFTA_SET_ELEM_*,
    /// NFTA_DATA_VALUE, NFTA_EXPR_*, NFTA_COUNTER_*.
    public enum Attribute {
        public static let listTable: UInt16 = 1
        public static let listSet: UInt16 = 2
        public static let listElements: UInt16 = 3
        public static let listElement: UInt16 = 1
        public static let elementKey: UInt16 = 1
        public static let elementExpression: UInt16 = 7
        public static let elementExpressions: UInt16 = 11
        public static let dataValue: UInt16 = 1
        public static let expressionName: UInt16 = 1
        public static let expressionData: UInt16 = 2
        public static let counterBytes: UInt16 = 1
        public static let counterPackets: UInt16 = 2
    }

    /// struct nfgenmsg for batch delimiters: AF_UNSPEC, NFNETLINK_V0, res_id =
    /// htons(NFNL_SUBSYS_NFTABLES).
    static let batchHeader: [UInt8] = [0, 0, 0, 10]
    /// struct nfgenmsg for element messages (and every other request about a bridge
    /// table): NFPROTO_BRIDGE, NFNETLINK_V0, res_id 0.
    static let elementHeader: [UInt8] = [bridgeFamily, 0, 0, 0]
}
