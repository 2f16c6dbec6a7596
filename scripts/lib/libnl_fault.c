/*
 * libnl fault injection for scripts/lib/valgrind_lane.sh, loaded with LD_PRELOAD into the
 * dynamically linked plugin (the shipped binary is static: nothing can be preloaded there).
 *
 * FLATNET_FAULT_CALL names one libnl function below; calls to it made by flatnet itself
 * fail with -NLE_NOMEM (nl_addr_build: NULL), as they would when memory runs out, and
 * each failure appends the function's name to FLATNET_FAULT_LOG, so the lane can tell a
 * fault that fired from one whose call was never reached. Calls libnl makes to the same
 * functions internally (its route parser sets every route's destination, veth_alloc sets
 * the type) go through: only flatnet's own checks are under test.
 * FLATNET_FAULT_ADDRESS (dotted IPv4) narrows nl_addr_build to that one address, e.g. a
 * route's gateway, so the addresses built before it still succeed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define NLE_NOMEM 5

static int called_from_libnl(void *caller) {
    Dl_info info;
    if (!dladdr(caller, &info) || !info.dli_fname) return 0;
    const char *base = strrchr(info.dli_fname, '/');
    return strncmp(base ? base + 1 : info.dli_fname, "libnl-", 6) == 0;
}

static int should_fail(const char *name, void *caller) {
    const char *target = getenv("FLATNET_FAULT_CALL");
    if (!target || strcmp(target, name) != 0 || called_from_libnl(caller)) return 0;
    const char *log = getenv("FLATNET_FAULT_LOG");
    FILE *file = log ? fopen(log, "a") : NULL;
    if (file) {
        fprintf(file, "%s\n", name);
        fclose(file);
    }
    return 1;
}

static void *real(const char *name) {
    void *symbol = dlsym(RTLD_NEXT, name);
    if (!symbol) abort();
    return symbol;
}

/* The setters: same signatures as libnl's, structs passed through as void *. */
#define FAULTY_SETTER(name, parameters, arguments)                                     \
    int name parameters {                                                               \
        if (should_fail(#name, __builtin_return_address(0))) return -NLE_NOMEM;         \
        return ((int (*) parameters)real(#name)) arguments;                             \
    }

FAULTY_SETTER(rtnl_link_set_type, (void *link, const char *type), (link, type))
FAULTY_SETTER(rtnl_link_vlan_set_id, (void *link, uint16_t id), (link, id))
FAULTY_SETTER(rtnl_link_inet_set_conf, (void *link, const unsigned int id, uint32_t value),
              (link, id, value))
FAULTY_SETTER(rtnl_addr_set_local, (void *address, void *local), (address, local))
FAULTY_SETTER(rtnl_route_set_family, (void *route, uint8_t family), (route, family))
FAULTY_SETTER(rtnl_route_set_dst, (void *route, void *destination), (route, destination))

void *nl_addr_build(int family, const void *bytes, size_t size) {
    const char *only = getenv("FLATNET_FAULT_ADDRESS");
    char text[INET6_ADDRSTRLEN] = "";
    int matches = !only || (family == AF_INET && size == 4 && bytes &&
                            inet_ntop(AF_INET, bytes, text, sizeof text) && strcmp(text, only) == 0);
    if (matches && should_fail("nl_addr_build", __builtin_return_address(0))) return NULL;
    return ((void *(*)(int, const void *, size_t))real("nl_addr_build"))(family, bytes, size);
}
