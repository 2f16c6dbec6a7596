extension NftablesMessages {
    /// NFTA_TABLE_* (linux/netfilter/nf_tables.h).
    public enum TableAttribute {
        public static let name: UInt16 = 1
        /// NFT_TABLE_F_DORMANT (1) unhooks every base chain of the table.
        public static let flags: UInt16 = 2
        public static let use: UInt16 = 3
        public static let handle: UInt16 = 4
    }

    /// NFTA_CHAIN_*.
    public enum ChainAttribute {
        public static let table: UInt16 = 1
        public static let handle: UInt16 = 2
        public static let name: UInt16 = 3
        /// Nested NFTA_HOOK_HOOKNUM, NFTA_HOOK_PRIORITY (and devices, for netdev chains).
        public static let hook: UInt16 = 4
        public static let policy: UInt16 = 5
        public static let use: UInt16 = 6
        public static let type: UInt16 = 7
        public static let counters: UInt16 = 8
        public static let flags: UInt16 = 10
    }

    /// NFTA_RULE_*.
    public enum RuleAttribute {
        public static let table: UInt16 = 1
        public static let chain: UInt16 = 2
        public static let handle: UInt16 = 3
        /// NFTA_LIST_ELEM { NFTA_EXPR_NAME, NFTA_EXPR_DATA } per expression.
        public static let expressions: UInt16 = 4
        /// The previous rule's handle (dumps include it): derived, not identity.
        public static let position: UInt16 = 6
    }

    /// NFTA_SET_*.
    public enum SetAttribute {
        public static let table: UInt16 = 1
        public static let name: UInt16 = 2
        public static let flags: UInt16 = 3
        public static let keyType: UInt16 = 4
        public static let keyLength: UInt16 = 5
        public static let dataType: UInt16 = 6
        public static let dataLength: UInt16 = 7
        public static let timeout: UInt16 = 11
        public static let gcInterval: UInt16 = 12
        public static let objectType: UInt16 = 15
        public static let handle: UInt16 = 16
        /// The number of elements (Linux 6.x): changes with every element added.
        public static let count: UInt16 = 20
    }

    /// The attribute, inside NFTA_EXPR_DATA, by which an expression names a set:
    /// NFTA_LOOKUP_SET (`@set`, anonymous `{ ... }`), NFTA_DYNSET_SET_NAME (`update @set`),
    /// NFTA_OBJREF_SET_NAME (an object map).
    public static let setNamingExpressions: [String: UInt16] = ["lookup": 1, "dynset": 1, "objref": 3]
}
