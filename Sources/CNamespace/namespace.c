#define _GNU_SOURCE
#include <sched.h>
#include <sys/ioctl.h>
#include <linux/nsfs.h>
#include "CNamespace.h"

int flatnet_setns_net(int fd) { return setns(fd, CLONE_NEWNET); }

int flatnet_clone_newnet(void) { return CLONE_NEWNET; }

int flatnet_namespace_type(int fd) { return ioctl(fd, NS_GET_NSTYPE); }
