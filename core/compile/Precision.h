#pragma once
// Training precision (`--precision fp32|bf16|auto`): what the CPU offers and what a request
// resolves to. Torch-free, so the studio can show the precision a training will use.
#include <string>

namespace strata {

// The CPU's bfloat16 features, from the flags of /proc/cpuinfo.
struct CpuPrecisionSupport {
    bool amxBf16 = false;     // "amx_bf16": native bf16 matrix tiles (Sapphire Rapids and later)
    bool avx512Bf16 = false;  // "avx512_bf16": bf16 dot products in AVX-512 (Cooper Lake and later)
    // avx512bw + avx512vl + avx512dq: what oneDNN's bf16 kernels need (torch's own check for
    // its mkldnn bf16 paths), so bf16 tensors may go to them.
    bool oneDnnBf16 = false;
    bool bf16() const { return amxBf16 || avx512Bf16; }
    // "amx_bf16 avx512_bf16", "avx512_bf16 (no amx_bf16)" or "no bf16 support".
    std::string describe() const;
};

// Parses the text of /proc/cpuinfo (the "flags" lines).
CpuPrecisionSupport parseCpuFlags(const std::string& cpuinfo);
// This machine's support, read once from /proc/cpuinfo (none when it cannot be read).
const CpuPrecisionSupport& cpuPrecisionSupport();

// The precision a request runs in: "fp32" or "bf16". `auto` picks bf16 only with AMX, where
// it is several times faster; AVX512-BF16 alone gains little and costs accuracy. An explicit
// "bf16" is honoured everywhere (torch emulates it without hardware support, slowly).
// Throws std::invalid_argument for any other request.
std::string resolvePrecision(const std::string& asked, const CpuPrecisionSupport& cpu = cpuPrecisionSupport());

}  // namespace strata
