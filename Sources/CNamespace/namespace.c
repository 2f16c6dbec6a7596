#define _GNU_SOURCE
#include <sched.h>
#include "CNamespace.h"

int flatnet_setns_net(int fd) { return setns(fd, CLONE_NEWNET); }

int flatnet_clone_newnet(void) { return CLONE_NEWNET; }
