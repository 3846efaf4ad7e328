#include "Version.h"
namespace strata {
const char* versionString() { return STRATA_VERSION; }
}
