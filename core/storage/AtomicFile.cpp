#include "storage/AtomicFile.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <fcntl.h>
#include <unistd.h>

namespace strata {

std::string atomicTempPath(const std::string& path) {
    return path + ".tmp-" + std::to_string(long(::getpid()));
}

namespace {
// Without the fsync a crash right after the rename can leave an empty file under the final
// name on some file systems; a run file is worth the extra milliseconds per epoch.
bool syncFile(const std::string& file, int flags) {
    int fd = ::open(file.c_str(), flags);
    if (fd < 0) return false;
    bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}

std::string parentDir(const std::string& path) {
    auto slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}
}  // namespace

std::string commitAtomic(const std::string& tmp, const std::string& path) {
    if (!syncFile(tmp, O_RDONLY)) return std::string("cannot flush: ") + std::strerror(errno);
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
        return std::string("cannot replace: ") + std::strerror(errno);
    // Persist the rename itself; failure here loses nothing already visible, so ignore it.
    syncFile(parentDir(path), O_RDONLY | O_DIRECTORY);
    return {};
}

void writeFileAtomic(const std::string& path, const void* data, size_t size) {
    const std::string tmp = atomicTempPath(path);
    std::string reason;
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) {
            reason = std::string("cannot create ") + tmp + ": " + std::strerror(errno);
        } else {
            out.write(static_cast<const char*>(data), std::streamsize(size));
            out.close();
            if (!out) reason = std::string("cannot write ") + tmp + ": " + std::strerror(errno);
        }
    }
    if (reason.empty()) reason = commitAtomic(tmp, path);
    if (!reason.empty()) {
        std::remove(tmp.c_str());
        throw std::runtime_error(path + ": " + reason);
    }
}

}  // namespace strata
