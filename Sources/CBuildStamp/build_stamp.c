#include "CBuildStamp.h"

/* Defined by the object build_release writes (see scripts/lib/common.sh build_stamp);
 * a weak reference, so a link without that object resolves it to NULL. */
extern const char flatnet_build_stamp_text[] __attribute__((weak));

const char *flatnet_build_stamp(void) {
    return flatnet_build_stamp_text;
}
