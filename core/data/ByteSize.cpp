#include "data/ByteSize.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace strata {

int64_t parseByteSize(const std::string& text, const std::string& what) {
    auto bad = [&] {
        return std::invalid_argument(what + ": \"" + text +
                                     "\" is not a size; give bytes or a number with K, M or G (powers of 1024), "
                                     "e.g. 512M or 2G");
    };
    size_t end = 0;
    double value = 0;
    try {
        value = std::stod(text, &end);
    } catch (const std::exception&) {
        throw bad();
    }
    if (!(value >= 0) || !std::isfinite(value) || (end > 0 && !std::isdigit((unsigned char)text[0]) && text[0] != '.'))
        throw bad();
    std::string unit;
    for (size_t i = end; i < text.size(); ++i) unit += char(std::toupper((unsigned char)text[i]));
    if (unit.size() >= 2 && unit.substr(unit.size() - 2) == "IB") unit.resize(unit.size() - 2);
    else if (unit.size() >= 2 && unit.back() == 'B') unit.pop_back();
    double scale = 1;
    if (unit == "K") scale = 1024.0;
    else if (unit == "M") scale = 1024.0 * 1024;
    else if (unit == "G") scale = 1024.0 * 1024 * 1024;
    else if (unit == "T") scale = 1024.0 * 1024 * 1024 * 1024;
    else if (!unit.empty() && unit != "B") throw bad();
    const double bytes = std::floor(value * scale);
    if (bytes > 9.0e18) throw bad();
    return int64_t(bytes);
}

std::string formatBytes(int64_t bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = double(bytes);
    int u = 0;
    while (v >= 1024 && u < 4) v /= 1024, ++u;
    char buf[48];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
    return buf;
}

int64_t defaultDataMemory() {
    if (const char* env = std::getenv("STRATA_DATA_MEMORY"); env && *env) {
        try {
            return parseByteSize(env, "STRATA_DATA_MEMORY");
        } catch (const std::invalid_argument&) {
            // A bad value falls back to the machine's default rather than stopping every command.
        }
    }
    std::ifstream in("/proc/meminfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("MemAvailable:", 0) != 0) continue;
        std::istringstream fields(line.substr(13));
        int64_t kib = 0;
        if (fields >> kib && kib > 0) return int64_t(double(kib) * 1024 * kDefaultDataMemoryShare);
    }
    return -1;
}

int64_t resolveDataMemory(const std::string& setting) {
    return setting.empty() ? defaultDataMemory() : parseByteSize(setting, "--data-memory");
}

}  // namespace strata
