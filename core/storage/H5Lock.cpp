#include "storage/H5Lock.h"

#include <H5Cpp.h>

namespace strata::h5 {

std::mutex& libraryMutex() {
    static std::mutex m;
    return m;
}

void silenceErrors() {
    static std::once_flag once;
    std::call_once(once, [] { H5::Exception::dontPrint(); });
}

}  // namespace strata::h5
