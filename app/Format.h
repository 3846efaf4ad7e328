#pragma once
// Text formatting shared by the commands: aligned tables, grouped numbers, durations.
#include <cstdint>
#include <string>
#include <vector>

namespace strata::cli {

std::string groupedNumber(int64_t n);   // 421642 -> "421,642"
std::string duration(double seconds);   // 151 -> "2:31", 3725 -> "1:02:05"
std::string localTimestamp();           // now, local time: "20241129-213045" (default file names)

class Table {
public:
    explicit Table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
    void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
    std::string render() const;  // columns padded to their widest cell, two spaces apart

private:
    std::vector<std::vector<std::string>> rows_;
};

}  // namespace strata::cli
