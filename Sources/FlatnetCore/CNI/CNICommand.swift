/// The operation a runtime asks for, from `CNI_COMMAND`.
public enum CNICommand: String, CaseIterable, Sendable {
    case add = "ADD"
    case delete = "DEL"
    case check = "CHECK"
    case status = "STATUS"
    case garbageCollect = "GC"
    case version = "VERSION"

    /// Environment variables the command cannot run without, in the order the reference
    /// library (pkg/skel) reports them. CNI_NETNS is optional for DEL: the container may
    /// already be gone, and DEL must still release its address.
    public var requiredVariables: [String] {
        switch self {
        case .add, .check:
            return ["CNI_COMMAND", "CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_PATH"]
        case .delete:
            return ["CNI_COMMAND", "CNI_CONTAINERID", "CNI_IFNAME", "CNI_PATH"]
        case .status, .garbageCollect:
            return ["CNI_COMMAND", "CNI_PATH"]
        case .version:
            return ["CNI_COMMAND"]
        }
    }

    /// Whether the command acts on one container attachment (and so reads
    /// CNI_CONTAINERID, CNI_IFNAME and CNI_ARGS).
    public var isPerContainer: Bool { self == .add || self == .delete || self == .check }

    /// The oldest config version in which the command exists.
    public var minimumVersion: CNIVersion? {
        switch self {
        case .check: return CNIVersion.firstWithCheck
        case .status, .garbageCollect: return CNIVersion.firstWithStatusAndGC
        case .add, .delete, .version: return nil
        }
    }
}
