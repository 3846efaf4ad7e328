#include "Format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace strata::cli {

std::string groupedNumber(int64_t n) {
    std::string digits = std::to_string(n < 0 ? -n : n);
    for (int i = int(digits.size()) - 3; i > 0; i -= 3) digits.insert(size_t(i), ",");
    return n < 0 ? "-" + digits : digits;
}

std::string duration(double seconds) {
    const long total = std::lround(std::max(0.0, seconds));
    char buf[32];
    if (total >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", total / 3600, total / 60 % 60, total % 60);
    else std::snprintf(buf, sizeof buf, "%ld:%02ld", total / 60, total % 60);
    return buf;
}

std::string Table::render() const {
    std::vector<size_t> width;
    for (const auto& row : rows_)
        for (size_t c = 0; c < row.size(); ++c) {
            if (width.size() <= c) width.push_back(0);
            width[c] = std::max(width[c], row[c].size());
        }
    std::string out;
    for (const auto& row : rows_) {
        std::string line;
        for (size_t c = 0; c < row.size(); ++c) {
            line += row[c];
            if (c + 1 < row.size()) line += std::string(width[c] - row[c].size() + 2, ' ');
        }
        out += line + "\n";
    }
    return out;
}

}  // namespace strata::cli
