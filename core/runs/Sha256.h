#pragma once
// SHA-256 through OpenSSL, fed piece by piece: the run file's digests (RunDigest.h) and its
// whole-file checksum (RunFileChecksum.h). Internal to runs/.
#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <vector>

struct evp_md_ctx_st;

namespace strata {

// Values enter in this machine's byte order: little-endian on every platform Strata builds for.
class Sha256 {
public:
    Sha256();
    void bytes(const void* data, size_t n);
    void text(const std::string& s) {  // length first, so "ab"+"c" differs from "a"+"bc"
        u64(s.size());
        bytes(s.data(), s.size());
    }
    void u64(uint64_t v) { bytes(&v, sizeof v); }
    void f64(double v) { bytes(&v, sizeof v); }
    template <typename T>
    void values(const std::vector<T>& v) {
        u64(v.size());
        bytes(v.data(), v.size() * sizeof(T));
    }
    // The bytes of `in` from its position to the end; false when reading failed (not at EOF).
    bool stream(std::istream& in);
    std::string hex();  // lower-case; ends the digest

private:
    std::unique_ptr<evp_md_ctx_st, void (*)(evp_md_ctx_st*)> ctx_;
};

}  // namespace strata
