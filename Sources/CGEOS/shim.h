// Only the reentrant (_r) API: every call names its context, so tasks never share GEOS state.
#define GEOS_USE_ONLY_R_API
#include <geos_c.h>
