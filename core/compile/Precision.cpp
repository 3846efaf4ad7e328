#include "compile/Precision.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace strata {

std::string CpuPrecisionSupport::describe() const {
    if (amxBf16 && avx512Bf16) return "amx_bf16 avx512_bf16";
    if (amxBf16) return "amx_bf16";
    if (avx512Bf16) return "avx512_bf16 (no amx_bf16)";
    return "no bf16 support";
}

CpuPrecisionSupport parseCpuFlags(const std::string& cpuinfo) {
    CpuPrecisionSupport s;
    std::istringstream lines(cpuinfo);
    for (std::string line; std::getline(lines, line);) {
        // "flags\t\t: fpu vme ..." (x86); other architectures have no such flags.
        if (line.rfind("flags", 0) != 0) continue;
        const size_t colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::istringstream words(line.substr(colon + 1));
        int avx512Core = 0;
        for (std::string w; words >> w;) {
            if (w == "amx_bf16") s.amxBf16 = true;
            if (w == "avx512_bf16") s.avx512Bf16 = true;
            if (w == "avx512bw" || w == "avx512vl" || w == "avx512dq") ++avx512Core;
        }
        s.oneDnnBf16 = avx512Core == 3;
        break;  // every core lists the same flags
    }
    return s;
}

const CpuPrecisionSupport& cpuPrecisionSupport() {
    static const CpuPrecisionSupport support = [] {
        std::ifstream in("/proc/cpuinfo");
        std::stringstream text;
        text << in.rdbuf();
        return parseCpuFlags(text.str());
    }();
    return support;
}

std::string resolvePrecision(const std::string& asked, const CpuPrecisionSupport& cpu) {
    if (asked == "fp32" || asked == "bf16") return asked;
    if (asked == "auto") return cpu.amxBf16 ? "bf16" : "fp32";
    throw std::invalid_argument("--precision must be fp32, bf16 or auto, not \"" + asked + "\"");
}

}  // namespace strata
