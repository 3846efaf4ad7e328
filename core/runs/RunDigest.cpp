#include "runs/RunDigest.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <stdexcept>

namespace strata {

namespace {

// Values enter in this machine's byte order: little-endian on every platform Strata builds for.
class Sha256 {
public:
    Sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
        if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1)
            throw std::runtime_error("SHA-256 is not available from OpenSSL");
    }
    void bytes(const void* data, size_t n) {
        if (n) EVP_DigestUpdate(ctx_.get(), data, n);
    }
    void text(const std::string& s) {
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
    std::string hex() {
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

private:
    std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx_;
};

void addArray(Sha256& h, const NamedArray& a) {
    h.text(a.name);
    h.u64(uint64_t(a.type));
    h.values(a.shape);
    switch (a.type) {
    case NamedArray::Type::Float32: h.values(a.f32); break;
    case NamedArray::Type::Int64: h.values(a.i64); break;
    case NamedArray::Type::UInt8: h.values(a.u8); break;
    }
}

}  // namespace

std::string digestDesign(const std::string& designJson) {
    Sha256 h;
    h.text(designJson);
    return h.hex();
}

std::string digestConfig(const nlohmann::json& config) {
    Sha256 h;
    h.text(config.dump());
    return h.hex();
}

std::string digestMetrics(const RunData& run, const std::vector<std::string>& columns) {
    Sha256 h;
    h.u64(columns.size());
    for (const std::string& c : columns) {
        h.text(c);
        auto it = run.epochMetrics.find(c);
        h.values(it == run.epochMetrics.end() ? std::vector<double>() : it->second);
    }
    h.values(run.steps);
    h.values(run.stepLoss);
    h.u64(run.hasTest ? 1 : 0);
    if (run.hasTest) {
        h.f64(run.testLoss);
        h.f64(run.testAccuracy);
    }
    return h.hex();
}

namespace {
void addArrays(Sha256& h, const std::vector<NamedArray>& arrays) {
    std::vector<const NamedArray*> sorted;
    for (const NamedArray& a : arrays) sorted.push_back(&a);
    std::sort(sorted.begin(), sorted.end(), [](const NamedArray* a, const NamedArray* b) { return a->name < b->name; });
    h.u64(sorted.size());
    for (const NamedArray* a : sorted) addArray(h, *a);
}
}  // namespace

std::string digestArrays(const std::vector<NamedArray>& arrays) {
    Sha256 h;
    addArrays(h, arrays);
    return h.hex();
}

std::string digestOptimizer(const RunData& run) {
    Sha256 h;
    addArrays(h, run.optimizer);
    h.u64(uint64_t(run.epoch));
    h.u64(uint64_t(run.step));
    return h.hex();
}

}  // namespace strata
