#pragma once
// Training precision (`--precision fp32|bf16|auto`): what the CPU offers and what a request
// resolves to. Torch-free, so the studio can show the precision a training will use.
#include <cstdint>
#include <string>

namespace strata {

struct DesignAnalysis;

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

// What a training runs in ("fp32" or "bf16") and why, in words for the log, the run file and
// the studio.
struct PrecisionChoice {
    std::string precision;
    std::string reason;
};

// The share (0..1) of a design's multiply-accumulates per image that are in layers bf16 makes
// at least 1.5x faster on a CPU with bf16 instructions, as tests/bench/bench_layers measured
// on AVX512-BF16 (docs/ARCHITECTURE.md, "Precision"): Conv2d with at least
// kBf16MinConvChannels input channels (1.65-2.2x), Linear with at least kBf16MinLinearInputs
// input features (1.7-1.9x). Convolutions over an image's few channels gain less or lose
// (0.8-1.45x).
inline constexpr int64_t kBf16MinConvChannels = 16;
inline constexpr int64_t kBf16MinLinearInputs = 256;
double bf16FriendlyShare(const DesignAnalysis& design);

// `fp32` and `bf16` are honoured as asked (torch emulates bf16 slowly without hardware
// support). `auto` picks bf16 when the CPU has bf16 instructions oneDNN uses (amx_bf16, or
// avx512_bf16 with avx512bw/vl/dq) and at least half of the design's multiply-accumulates are
// bf16-friendly (bf16FriendlyShare); otherwise fp32. Deterministic: only the flags and the
// design decide. Throws std::invalid_argument for any other request.
PrecisionChoice choosePrecision(const std::string& asked, const DesignAnalysis& design,
                                const CpuPrecisionSupport& cpu = cpuPrecisionSupport());

}  // namespace strata
