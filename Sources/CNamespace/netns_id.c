#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/net_namespace.h>
#include "CNamespace.h"

/* The request: RTM_GETNSID with the namespace's file descriptor (NETNSA_FD). The
 * attributes start at NLMSG_ALIGN(sizeof(struct rtgenmsg)) = 4 bytes after the header. */
struct nsid_request {
    struct nlmsghdr header;
    struct rtgenmsg message;
    unsigned char padding[3];
    struct nlattr attribute;
    __u32 descriptor;
};

/* Reads NETNSA_NSID out of an RTM_NEWNSID reply; -1 with errno EPROTO when absent. */
static int nsid_from_reply(struct nlmsghdr *reply, int length, int *nsid) {
    if (!NLMSG_OK(reply, (unsigned int)length)) { errno = EPROTO; return -1; }
    if (reply->nlmsg_type == NLMSG_ERROR) {
        struct nlmsgerr *failure = NLMSG_DATA(reply);
        errno = failure->error < 0 ? -failure->error : EPROTO;
        return -1;
    }
    if (reply->nlmsg_type != RTM_NEWNSID) { errno = EPROTO; return -1; }
    struct rtattr *attribute =
        (struct rtattr *)((char *)NLMSG_DATA(reply) + NLMSG_ALIGN(sizeof(struct rtgenmsg)));
    int remaining = (int)reply->nlmsg_len - NLMSG_LENGTH(NLMSG_ALIGN(sizeof(struct rtgenmsg)));
    for (; RTA_OK(attribute, remaining); attribute = RTA_NEXT(attribute, remaining)) {
        if (attribute->rta_type == NETNSA_NSID && RTA_PAYLOAD(attribute) >= sizeof(int)) {
            memcpy(nsid, RTA_DATA(attribute), sizeof(int));
            return 0;
        }
    }
    errno = EPROTO;
    return -1;
}

int flatnet_netns_id(int namespace_fd, int *nsid) {
    int sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (sock < 0) return -1;
    struct nsid_request request;
    memset(&request, 0, sizeof request);
    request.header.nlmsg_len = sizeof request;
    request.header.nlmsg_type = RTM_GETNSID;
    request.header.nlmsg_flags = NLM_F_REQUEST;
    request.header.nlmsg_seq = 1;
    request.message.rtgen_family = AF_UNSPEC;
    request.attribute.nla_len = NLA_HDRLEN + sizeof(__u32);
    request.attribute.nla_type = NETNSA_FD;
    request.descriptor = (__u32)namespace_fd;
    struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
    int status = -1;
    if (sendto(sock, &request, sizeof request, 0, (struct sockaddr *)&kernel, sizeof kernel)
        == (ssize_t)sizeof request) {
        char buffer[1024] __attribute__((aligned(NLMSG_ALIGNTO)));
        ssize_t received;
        do { received = recv(sock, buffer, sizeof buffer, 0); } while (received < 0 && errno == EINTR);
        if (received > 0) status = nsid_from_reply((struct nlmsghdr *)buffer, (int)received, nsid);
    }
    int saved = errno;
    close(sock);
    errno = saved;
    return status;
}
