import CNetlink
import Glibc

extension NetlinkSocket {
    /// Sets a bridge port's `group_fwd_mask` (`ip link set dev NAME type bridge_slave
    /// group_fwd_mask MASK`): frames the port receives for a link-local group address
    /// 01:80:c2:00:00:0X whose bit X is set take the bridge's forwarding path, through its
    /// prerouting hook, instead of being learned from and passed up the port's own stack
    /// with no hook at all (0x0e, LLDP) or after the input hook only. libnl has no setter
    /// for it, so this is one RTM_SETLINK of family AF_BRIDGE carrying a nested
    /// IFLA_PROTINFO (the bridge reads a non-nested one as the old one-byte port state).
    public func setGroupForwardMask(port index: Int32, mask: UInt16, name: String) throws(NetlinkError) {
        guard let message = nlmsg_alloc_simple(Int32(RTM_SETLINK), NLM_F_REQUEST | NLM_F_ACK) else {
            throw NetlinkError(call: "nlmsg_alloc_simple", code: NLE_NOMEM, subject: name)
        }
        var header = ifinfomsg()
        header.ifi_family = UInt8(AF_BRIDGE)
        header.ifi_index = index
        var status = nlmsg_append(message, &header, MemoryLayout<ifinfomsg>.size, Int32(NLMSG_ALIGNTO))
        if status >= 0, let nest = nla_nest_start(message, Int32(IFLA_PROTINFO) | Int32(NLA_F_NESTED)) {
            status = nla_put_u16(message, Int32(IFLA_BRPORT_GROUP_FWD_MASK), mask)
            if status >= 0 { status = nla_nest_end(message, nest) }
        } else if status >= 0 {
            status = -NLE_NOMEM
        }
        guard status >= 0 else {
            nlmsg_free(message)
            throw NetlinkError(call: "nla_put IFLA_BRPORT_GROUP_FWD_MASK", code: status, subject: name)
        }
        status = nl_send_sync(handle, message)  // sends, waits for the ack, frees the message
        guard status >= 0 else {
            throw NetlinkError(call: "RTM_SETLINK group_fwd_mask", code: status, subject: name)
        }
    }
}
