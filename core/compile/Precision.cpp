#include "compile/Precision.h"

#include <cmath>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "design/DesignAnalysis.h"
#include "design/DesignCost.h"

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

namespace {

// Whether bf16 makes a node's multiply-accumulates at least 1.5x faster (Precision.h).
bool bf16Friendly(const NodeAnalysis& node) {
    if (node.inputs.empty() || node.inputs[0].empty()) return false;
    const Shape& in = node.inputs[0];
    if (node.type == "Conv2d") return in[0] >= kBf16MinConvChannels;
    if (node.type == "Linear") return in.back() >= kBf16MinLinearInputs;
    return false;
}

std::string percent(double share) { return std::to_string(int(std::lround(share * 100))) + " %"; }

}  // namespace

double bf16FriendlyShare(const DesignAnalysis& design) {
    double all = 0, friendly = 0;
    for (const NodeAnalysis& node : design.nodes) {
        const double macs = double(nodeMacs(node));
        all += macs;
        if (bf16Friendly(node)) friendly += macs;
    }
    return all > 0 ? friendly / all : 0;
}

PrecisionChoice choosePrecision(const std::string& asked, const DesignAnalysis& design,
                                const CpuPrecisionSupport& cpu) {
    if (asked == "fp32" || asked == "bf16") return {asked, "asked for"};
    if (asked != "auto") throw std::invalid_argument("--precision must be fp32, bf16 or auto, not \"" + asked + "\"");
    if (!cpu.amxBf16 && !(cpu.avx512Bf16 && cpu.oneDnnBf16))
        return {"fp32", "auto: this CPU has no bf16 instructions oneDNN uses (" + cpu.describe() + ")"};
    const double share = bf16FriendlyShare(design);
    const std::string what = percent(share) + " of the multiply-accumulates are in layers bf16 speeds up (Conv2d "
                             "over >= 16 channels, Linear over >= 256 inputs)";
    if (share < 0.5) return {"fp32", "auto: only " + what};
    return {"bf16", "auto: CPU has " + cpu.describe() + "; " + what};
}

}  // namespace strata
