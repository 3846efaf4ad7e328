#include "runs/Sha256.h"

#include <openssl/evp.h>

#include <stdexcept>
#include <vector>

namespace strata {

Sha256::Sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 is not available from OpenSSL");
}

void Sha256::bytes(const void* data, size_t n) {
    if (n) EVP_DigestUpdate(ctx_.get(), data, n);
}

bool Sha256::stream(std::istream& in) {
    std::vector<char> buffer(1 << 20);
    while (in) {
        in.read(buffer.data(), std::streamsize(buffer.size()));
        bytes(buffer.data(), size_t(in.gcount()));
    }
    return !in.bad();
}

std::string Sha256::hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx_.get(), md, &n);
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < n; ++i) {
        out += digits[md[i] >> 4];
        out += digits[md[i] & 15];
    }
    return out;
}

}  // namespace strata
