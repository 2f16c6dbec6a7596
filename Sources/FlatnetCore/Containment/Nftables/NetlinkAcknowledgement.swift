/// An NLMSG_ERROR message: the kernel's answer to a request with NLM_F_ACK (error 0), or
/// its refusal (a negative errno), with the extended-ack attributes when the socket asked
/// for them (NETLINK_EXT_ACK): NLMSGERR_ATTR_MSG (text) and
/// NLMSGERR_ATTR_OFFS (the offset, inside the refused message, of the attribute it refused).
public struct NetlinkAcknowledgement: Hashable, Sendable {
    /// The refused (or acknowledged) request's sequence number.
    public let sequence: UInt32
    /// 0 for success, else a positive errno (ENOENT is 2).
    public let errno: Int32
    public let badAttributeOffset: Int?
    public let kernelMessage: String?

    public init(sequence: UInt32, errno: Int32, badAttributeOffset: Int? = nil,
                kernelMessage: String? = nil) {
        self.sequence = sequence
        self.errno = errno
        self.badAttributeOffset = badAttributeOffset
        self.kernelMessage = kernelMessage
    }

    /// NLM_F_CAPPED: only the request's header is echoed. NLM_F_ACK_TLVS: attributes follow.
    static let cappedFlag: UInt16 = 0x100
    static let attributesFlag: UInt16 = 0x200

    /// Parses `struct nlmsgerr` (int error; struct nlmsghdr msg; [payload]) and its TLVs.
    public init(_ message: NetlinkMessage) throws(NetlinkParseError) {
        let payload = message.payload
        guard message.type == NftablesMessages.MessageType.error,
              let error = payload.hostOrder(Int32.self, at: 0),
              let echoedLength = payload.hostOrder(UInt32.self, at: 4) else {
            throw .missing("error code in an NLMSG_ERROR message")
        }
        var echoed = NetlinkMessageBuilder.headerLength
        if message.flags & Self.cappedFlag == 0 {
            echoed = NetlinkMessage.aligned(Int(echoedLength))
        }
        guard echoed >= NetlinkMessageBuilder.headerLength, payload.count >= 4 + echoed else {
            throw .badLength(what: "echoed request", offset: 4)
        }
        var offset: Int?
        var text: String?
        if message.flags & Self.attributesFlag != 0 {
            for attribute in try NetlinkAttribute.parse(payload.dropFirst(4 + echoed)) {
                switch attribute.type {
                case 1: text = attribute.string
                case 2: offset = attribute.payload.hostOrder(UInt32.self, at: 0).map(Int.init)
                default: break
                }
            }
        }
        self.init(sequence: message.sequence, errno: error == Int32.min ? Int32.max : -error,
                  badAttributeOffset: offset, kernelMessage: text)
    }
}
