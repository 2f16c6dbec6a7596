/* setns(2) and friends, which Swift's Glibc module hides (it is built without
 * _GNU_SOURCE; see PLATFORM-NOTES "Linking libnl-3 from SwiftPM"). One wrapper per call. */
#ifndef FLATNET_CNAMESPACE_H
#define FLATNET_CNAMESPACE_H

/* setns(fd, CLONE_NEWNET): moves the calling thread into the network namespace
 * that fd refers to. Returns 0, or -1 with errno set. */
int flatnet_setns_net(int fd);

/* ioctl(fd, NS_GET_NSTYPE): the namespace type of an nsfs file (CLONE_NEWNET for a
 * network namespace), or -1 with errno set (ENOTTY: fd is not a namespace file). */
int flatnet_namespace_type(int fd);

/* CLONE_NEWNET, for callers that need the flag value itself. */
int flatnet_clone_newnet(void);

/* RTM_GETNSID over a NETLINK_ROUTE socket opened in the calling thread's network
 * namespace (`ip netns list-id` answers the same): the id under which that namespace
 * knows the namespace behind namespace_fd, stored in *nsid (-1 when none is assigned).
 * Returns 0, or -1 with errno set. */
int flatnet_netns_id(int namespace_fd, int *nsid);

#endif
