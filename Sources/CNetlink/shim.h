/* The libnl-3 headers flatnet uses. Only FlatnetSystem imports this module. */
#ifndef FLATNET_CNETLINK_SHIM_H
#define FLATNET_CNETLINK_SHIM_H
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/socket.h>
#include <netlink/cache.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/vlan.h>
#include <netlink/route/addr.h>
#include <netlink/route/route.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/link/inet.h>
#include <linux/ip.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#endif
