#include "runs/RunFileChecksum.h"

#include <cstring>
#include <fstream>

#include "runs/RunFile.h"
#include "runs/Sha256.h"

namespace strata {

namespace {

constexpr const char* kStampPrefix = "strata-run sha256 ";
constexpr size_t kHexDigits = 64;

// SHA-256 of the bytes of `in` from its current position to the end.
std::string digestRest(std::ifstream& in) {
    Sha256 h;
    h.stream(in);  // a read error leaves a digest that matches nothing
    return h.hex();
}

}  // namespace

void stampFileChecksum(const std::string& path) {
    std::string hex;
    {
        std::ifstream in(path, std::ios::binary);
        if (!in.seekg(std::streamoff(kUserBlockBytes))) throw RunFileError(path + ": cannot read the file to stamp it");
        hex = digestRest(in);
    }
    std::string block = kStampPrefix + hex + "\n";
    block.resize(kUserBlockBytes, '\0');
    std::fstream out(path, std::ios::binary | std::ios::in | std::ios::out);
    if (!out || !out.write(block.data(), std::streamsize(block.size())).flush())
        throw RunFileError(path + ": cannot write the file's checksum");
}

FileChecksum checkFileChecksum(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char block[kUserBlockBytes] = {};
    if (!in.read(block, sizeof block)) return FileChecksum::Absent;  // shorter than a stamped file
    const size_t prefix = std::strlen(kStampPrefix);
    if (std::memcmp(block, kStampPrefix, prefix) != 0) return FileChecksum::Absent;
    const std::string stored(block + prefix, kHexDigits);
    if (digestRest(in) != stored)
        throw RunFileError(path + ": its bytes do not match the checksum written with it: the file is damaged or was "
                                  "changed by another tool (--no-verify reads it anyway)");
    return FileChecksum::Matches;
}

}  // namespace strata
